// Strict decoding of what arrives in an HTTP request: percent-encoding,
// application/x-www-form-urlencoded bodies and query strings, cookies.
//
// Strict means: anything malformed is rejected with a message that names
// the problem, never repaired or mangled. A handler only ever sees text
// that is valid UTF-8 and contains no NUL.
#pragma once

#include <map>
#include <string>
#include <string_view>

#include "model/base/status.h"

namespace wikid {

// Decoded form or query fields: name -> value. Names are unique.
using FormFields = std::map<std::string, std::string, std::less<>>;

enum class PlusMeans {
  kPlus,   // in a URL path, '+' is a literal plus
  kSpace,  // in form data and query strings, '+' is a space
};

// Decodes %XX escapes. Invalid on: '%' not followed by two hex digits
// ("bad percent-encoding at byte 4"), a decoded NUL byte, or a result that
// is not valid UTF-8 (overlong forms and surrogates included).
Result<std::string> PercentDecode(std::string_view in, PlusMeans plus);

// True if `s` is valid UTF-8 (RFC 3629: no overlong forms, no surrogates,
// nothing above U+10FFFF).
bool IsValidUtf8(std::string_view s);

// Parses "a=1&b=two+words" into fields. Invalid on: a bad escape in a name
// or value (as above, naming the field), an empty name, a pair without
// '=' , or a field given twice ("the field 'text' was given twice").
// An empty input gives no fields; one trailing '&' is tolerated.
Result<FormFields> ParseUrlEncoded(std::string_view in);

// Parses a Cookie header ("a=1; b=2") leniently: cookies are set by us,
// so a malformed pair is skipped, not an error. First occurrence wins.
std::map<std::string, std::string, std::less<>> ParseCookies(
    std::string_view header);

}  // namespace wikid
