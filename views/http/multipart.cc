#include "views/http/multipart.h"

namespace wikid {
namespace {

std::string Lowered(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

std::string_view Trimmed(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// The value of parameter `name` in "form-data; name="a"; filename="b"",
// unquoted (browsers percent-encode '"', CR and LF in it, so a quoted
// value holds no quote), or nullopt.
std::optional<std::string> Parameter(std::string_view header, std::string_view name) {
  size_t at = 0;
  while ((at = header.find(';', at)) != std::string_view::npos) {
    std::string_view rest = Trimmed(header.substr(at + 1));
    at += 1;
    const size_t eq = rest.find('=');
    if (eq == std::string_view::npos) continue;
    if (Lowered(Trimmed(rest.substr(0, eq))) != name) continue;
    std::string_view value = Trimmed(rest.substr(eq + 1));
    if (value.starts_with('"')) {
      const size_t close = value.find('"', 1);
      if (close == std::string_view::npos) return std::nullopt;
      return std::string(value.substr(1, close - 1));
    }
    return std::string(Trimmed(value.substr(0, value.find(';'))));
  }
  return std::nullopt;
}

// One part's Content-Disposition: its field name and, for a file, its
// file name.
struct Disposition {
  std::string name;
  std::optional<std::string> filename;
};

Result<Disposition> ReadHeaders(std::string_view headers) {
  std::optional<Disposition> found;
  size_t start = 0;
  while (start < headers.size()) {
    size_t end = headers.find("\r\n", start);
    if (end == std::string_view::npos) end = headers.size();
    std::string_view line = headers.substr(start, end - start);
    start = end + 2;
    const size_t colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    if (Lowered(Trimmed(line.substr(0, colon))) != "content-disposition") continue;
    std::string_view value = Trimmed(line.substr(colon + 1));
    if (!Lowered(value).starts_with("form-data")) {
      return Status::Invalid("In the form: a part is not form-data.");
    }
    auto name = Parameter(value, "name");
    if (!name || name->empty()) return Status::Invalid("In the form: a part has no name.");
    found = Disposition{.name = std::move(*name), .filename = Parameter(value, "filename")};
  }
  if (!found) return Status::Invalid("In the form: a part has no Content-Disposition.");
  return std::move(*found);
}

}  // namespace

bool IsMultipartForm(std::string_view content_type) {
  return Lowered(Trimmed(content_type.substr(0, content_type.find(';')))) ==
         "multipart/form-data";
}

std::optional<std::string> MultipartBoundary(std::string_view content_type) {
  if (!IsMultipartForm(content_type)) return std::nullopt;
  auto boundary = Parameter(content_type, "boundary");
  if (!boundary || boundary->empty() || boundary->size() > 70) return std::nullopt;
  return boundary;
}

Result<MultipartForm> ParseMultipart(std::string_view body, std::string_view boundary,
                                     bool truncated) {
  const std::string first = "--" + std::string(boundary);
  const std::string delimiter = "\r\n" + first;
  if (!body.starts_with(first)) {
    return Status::Invalid("In the form: the body does not start with its boundary.");
  }
  MultipartForm form;
  size_t at = first.size();
  for (size_t parts = 0;; ++parts) {
    // After a boundary: "--" ends the body, a line break starts a part.
    if (body.substr(at).starts_with("--")) return form;
    if (!body.substr(at).starts_with("\r\n")) {
      if (truncated && at + 2 > body.size()) return form;
      return Status::Invalid("In the form: a boundary is not followed by a line break.");
    }
    if (parts == kMaxFormParts) {
      return Status::Invalid("In the form: more than " + std::to_string(kMaxFormParts) +
                             " fields.");
    }
    at += 2;
    const size_t blank = body.find("\r\n\r\n", at);
    const size_t end = blank == std::string_view::npos ? blank : body.find(delimiter, blank + 4);
    if (end == std::string_view::npos) {
      if (truncated) return form;  // the part the cut fell in
      return Status::Invalid("In the form: the body ends inside a part.");
    }
    auto disposition = ReadHeaders(body.substr(at, blank - at));
    if (!disposition.ok()) return disposition.status();
    std::string_view content = body.substr(blank + 4, end - blank - 4);
    const std::string& name = disposition->name;
    if (!IsValidUtf8(name)) {
      return Status::Invalid("In the form: a field's name is not valid UTF-8.");
    }
    if (form.fields.contains(name) || form.files.contains(name)) {
      return Status::Invalid("In the form: the field '" + name + "' was given twice.");
    }
    if (disposition->filename) {
      form.files.emplace(name, FormFile{.filename = std::move(*disposition->filename),
                                        .bytes = std::string(content)});
    } else {
      if (!IsValidUtf8(content) || content.find('\0') != std::string_view::npos) {
        return Status::Invalid("In the form: the field '" + name +
                               "' is not valid UTF-8 text.");
      }
      form.fields.emplace(name, std::string(content));
    }
    at = end + delimiter.size();
  }
}

}  // namespace wikid
