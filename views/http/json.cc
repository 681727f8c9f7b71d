#include "views/http/json.h"

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

std::optional<PageEditBody> ParsePageEditBody(std::string_view body) {
  const Json json = Json::parse(body, nullptr, /*allow_exceptions=*/false);
  // const: operator[] on a missing key would insert it, and find() never
  // throws where value() and get() can.
  if (json.is_discarded() || !json.is_object()) return std::nullopt;
  auto text = json.find("text");
  auto summary = json.find("summary");
  if (text == json.end() || !text->is_string()) return std::nullopt;
  if (summary != json.end() && !summary->is_string()) return std::nullopt;
  return PageEditBody{text->get<std::string>(),
                      summary == json.end() ? "" : summary->get<std::string>()};
}

}  // namespace wikid
