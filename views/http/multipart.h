// multipart/form-data (RFC 7578), the body of a form that sends a file:
// the upload form works in every browser without JavaScript.
//
// Strict as http_decode.h is: a malformed body is refused with a message
// that names the problem; text fields must be valid UTF-8 without NUL, as
// every other form field is; a name given twice is refused. A file's bytes
// are kept as sent, whatever they are.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "model/base/status.h"
#include "views/http/http_decode.h"

namespace wikid {

// A file sent in a form.
struct FormFile {
  std::string filename;  // as the browser named it: shown, never trusted
  std::string bytes;
};
using FormFiles = std::map<std::string, FormFile, std::less<>>;

struct MultipartForm {
  FormFields fields;  // the text fields
  FormFiles files;    // the file fields (a part with a filename)
};

// The most parts a form may have: an upload form has four.
inline constexpr size_t kMaxFormParts = 64;

// Whether `content_type` (a Content-Type header) is multipart/form-data.
bool IsMultipartForm(std::string_view content_type);

// The boundary parameter of a multipart/form-data Content-Type header
// (quoted or not, 1 to 70 characters), or nullopt.
std::optional<std::string> MultipartBoundary(std::string_view content_type);

// Parses `body`. `truncated`: it is the first bytes of a body too large to
// keep (fcgi/worker.cc): the parts that end within it are read, and the
// one it cuts short is dropped, so a refusal can show the fields that
// came before the file. Invalid on a body that does not start with the
// boundary, a part without a name or without the blank line after its
// headers, a body that ends inside a part (unless truncated), more than
// kMaxFormParts parts, a text field that is not UTF-8 or holds a NUL, or a
// name given twice.
Result<MultipartForm> ParseMultipart(std::string_view body, std::string_view boundary,
                                     bool truncated);

}  // namespace wikid
