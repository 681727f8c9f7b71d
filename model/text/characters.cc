#include "model/text/characters.h"

#include <unistr.h>

#include <cstdio>

namespace wikid {
namespace {

constexpr char kReplacement[] = "\xEF\xBF\xBD";  // U+FFFD

bool IsControl(char32_t c) { return c < 0x20 || (c >= 0x7F && c <= 0x9F); }

bool IsNoncharacter(char32_t c) {
  return (c >= 0xFDD0 && c <= 0xFDEF) || (c & 0xFFFE) == 0xFFFE;
}

// Allowed by XML 1.0's Char production (surrogates cannot be decoded).
bool IsXmlChar(char32_t c) {
  return c == 0x9 || c == 0xA || c == 0xD || (c >= 0x20 && c != 0xFFFE && c != 0xFFFF);
}

}  // namespace

std::optional<UnwantedCharacter> FindUnwantedCharacter(std::string_view text, bool multiline) {
  const auto* p = reinterpret_cast<const uint8_t*>(text.data());
  const auto* end = p + text.size();
  int line = 1;
  while (p < end) {
    ucs4_t c = 0;
    int n = u8_mbtouc(&c, p, end - p);
    if (c == '\n' && multiline) {
      ++line;
    } else if (c != '\t' && (IsControl(c) || IsNoncharacter(c))) {
      return UnwantedCharacter{.code_point = c, .line = line};
    }
    p += n;
  }
  return std::nullopt;
}

std::string CodePointName(char32_t code_point) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "U+%04X", static_cast<unsigned>(code_point));
  return buf;
}

std::string XmlSafe(std::string_view text) {
  const auto* p = reinterpret_cast<const uint8_t*>(text.data());
  const auto* end = p + text.size();
  std::string safe;
  safe.reserve(text.size());
  while (p < end) {
    ucs4_t c = 0;
    int n = u8_mbtouc(&c, p, end - p);
    // u8_mbtouc gives U+FFFD for bytes that are not UTF-8: written as the
    // character itself either way, never as those bytes.
    if (c != 0xFFFD && IsXmlChar(c)) {
      safe.append(reinterpret_cast<const char*>(p), n);
    } else {
      safe += kReplacement;
    }
    p += n;
  }
  return safe;
}

}  // namespace wikid
