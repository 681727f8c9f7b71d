#include "views/json.h"

namespace wikid {

Response JsonResponse(int status, const Json& value) {
  Response response;
  response.status = status;
  response.content_type = "application/json; charset=utf-8";
  // Invalid UTF-8 cannot reach here (requests and pages are checked), but
  // a replacement character beats an exception if it ever did.
  response.body =
      value.dump(-1, ' ', false, Json::error_handler_t::replace) + "\n";
  return response;
}

Response JsonError(int status, const std::string& message) {
  return JsonResponse(
      status, Json{{"error", {{"status", status}, {"message", message}}}});
}

}  // namespace wikid
