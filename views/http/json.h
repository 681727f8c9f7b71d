// JSON answers, for the API (/_api/) and for errors on its paths.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "views/http/http.h"

namespace wikid {

using Json = nlohmann::json;

// `value` as the body of a `status` answer, application/json.
Response JsonResponse(int status, const Json& value);

// {"error": {"status": STATUS, "message": MESSAGE}} with that status.
Response JsonError(int status, const std::string& message);

// The body of PUT /_api/page/NAME: {"text": "...", "summary": "..."}.
struct PageEditBody {
  std::string text;      // as sent: its newlines are the caller's to normalise
  std::string summary;   // "" when the body has none
};

// `body` as a page edit, or nothing when it is not a JSON object with a
// string "text" and, if any, a string "summary" (other members are
// ignored). Never throws, whatever the bytes: nlohmann's parser refuses
// ill-formed UTF-8 in strings, so both texts are valid UTF-8.
std::optional<PageEditBody> ParsePageEditBody(std::string_view body);

}  // namespace wikid
