#include "views/http/http_decode.h"

#include <unistr.h>

namespace wikid {
namespace {

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

bool IsValidUtf8(std::string_view s) {
  // u8_check rejects overlong forms, surrogates and code points past
  // U+10FFFF; it returns the first bad byte, or null.
  return u8_check(reinterpret_cast<const uint8_t*>(s.data()), s.size()) ==
         nullptr;
}

Result<std::string> PercentDecode(std::string_view in, PlusMeans plus) {
  std::string out;
  out.reserve(in.size());
  for (size_t i = 0; i < in.size(); ++i) {
    char c = in[i];
    if (c == '%') {
      int hi = i + 1 < in.size() ? HexValue(in[i + 1]) : -1;
      int lo = i + 2 < in.size() ? HexValue(in[i + 2]) : -1;
      if (hi < 0 || lo < 0) {
        return Status::Invalid("The request has a bad percent-encoding at byte " +
                               std::to_string(i + 1) +
                               ": '%' must be followed by two hex digits.");
      }
      c = static_cast<char>(hi * 16 + lo);
      i += 2;
    } else if (c == '+' && plus == PlusMeans::kSpace) {
      c = ' ';
    }
    if (c == '\0') {
      return Status::Invalid(
          "The request contains an encoded NUL byte (%00), which is not "
          "allowed.");
    }
    out += c;
  }
  if (!IsValidUtf8(out)) {
    return Status::Invalid(
        "The request is not valid UTF-8 after percent-decoding.");
  }
  return out;
}

Result<FormFields> ParseUrlEncoded(std::string_view in) {
  FormFields fields;
  size_t start = 0;
  while (start < in.size()) {
    size_t end = in.find('&', start);
    if (end == std::string_view::npos) end = in.size();
    std::string_view pair = in.substr(start, end - start);
    start = end + 1;
    if (pair.empty()) {
      if (end == in.size()) break;  // one trailing '&' is harmless
      return Status::Invalid("The form has an empty field (\"&&\").");
    }
    size_t eq = pair.find('=');
    if (eq == std::string_view::npos) {
      return Status::Invalid("The form field '" + std::string(pair.substr(0, 64)) +
                             "' has no '=' and no value.");
    }
    auto name = PercentDecode(pair.substr(0, eq), PlusMeans::kSpace);
    if (!name.ok()) return Status::Invalid("A form field name: " + name.status().message());
    if (name->empty()) return Status::Invalid("The form has a field with no name.");
    auto value = PercentDecode(pair.substr(eq + 1), PlusMeans::kSpace);
    if (!value.ok()) {
      return Status::Invalid("The field '" + *name + "': " +
                             value.status().message());
    }
    if (!fields.emplace(std::move(*name), std::move(*value)).second) {
      return Status::Invalid("The field '" + std::string(pair.substr(0, eq)) +
                             "' was given twice.");
    }
  }
  return fields;
}

std::map<std::string, std::string, std::less<>> ParseCookies(
    std::string_view header) {
  std::map<std::string, std::string, std::less<>> cookies;
  size_t start = 0;
  while (start < header.size()) {
    size_t end = header.find(';', start);
    if (end == std::string_view::npos) end = header.size();
    std::string_view pair = header.substr(start, end - start);
    start = end + 1;
    while (!pair.empty() && pair.front() == ' ') pair.remove_prefix(1);
    while (!pair.empty() && pair.back() == ' ') pair.remove_suffix(1);
    size_t eq = pair.find('=');
    if (eq == std::string_view::npos || eq == 0) continue;
    cookies.emplace(std::string(pair.substr(0, eq)),
                    std::string(pair.substr(eq + 1)));  // first one wins
  }
  return cookies;
}

}  // namespace wikid
