// JSON answers, for the API (/_api/) and for errors on its paths.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "views/http.h"

namespace wikid {

using Json = nlohmann::json;

// `value` as the body of a `status` answer, application/json.
Response JsonResponse(int status, const Json& value);

// {"error": {"status": STATUS, "message": MESSAGE}} with that status.
Response JsonError(int status, const std::string& message);

}  // namespace wikid
