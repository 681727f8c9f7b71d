#include "model/text/file_name.h"

namespace wikid {

Result<FileName> FileName::Parse(std::string_view text) {
  auto name = PageName::Parse(text);
  if (!name.ok()) {
    // PageName's messages say "page name"; the rule is the same.
    std::string message = name.status().message();
    for (std::string_view page : {"page name", "Page name"}) {
      if (auto at = message.find(page); at != std::string::npos) {
        message.replace(at, page.size(), page[0] == 'p' ? "file name" : "File name");
      }
    }
    return Status::Invalid(message);
  }
  const std::string& title = name->title();
  if (title.find('/') != std::string::npos) {
    return Status::Invalid("A file name must not contain '/'.");
  }
  const size_t dot = title.rfind('.');
  if (dot == std::string::npos || dot == 0 || dot + 1 == title.size()) {
    return Status::Invalid("A file name must end in an extension, like .png or .pdf.");
  }
  std::string extension = title.substr(dot + 1);
  if (extension.size() > kMaxExtensionChars) {
    return Status::Invalid("A file name's extension must be at most " +
                           std::to_string(kMaxExtensionChars) + " letters and digits.");
  }
  for (char& c : extension) {
    const bool digit = c >= '0' && c <= '9';
    const bool lower = c >= 'a' && c <= 'z';
    const bool upper = c >= 'A' && c <= 'Z';
    if (!digit && !lower && !upper) {
      return Status::Invalid(
          "A file name's extension (after the last '.') must be ASCII letters and digits.");
    }
    if (upper) c = static_cast<char>(c - 'A' + 'a');
  }
  if (title[dot - 1] == ' ') {
    return Status::Invalid("A file name must not have a space before its extension.");
  }
  return FileName(std::move(*name), std::move(extension));
}

}  // namespace wikid
