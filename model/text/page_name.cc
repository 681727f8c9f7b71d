#include "model/text/page_name.h"

#include <unicase.h>
#include <unictype.h>
#include <uninorm.h>
#include <unistr.h>

#include <cstdio>
#include <cstdlib>
#include <memory>

#include "model/text/characters.h"

namespace wikid {
namespace {

Status Broken(const std::string& rule) { return Status::Invalid(rule); }

// NFC via libunistring; the result is malloc'd by the library.
Result<std::string> Nfc(std::string_view text) {
  size_t length = 0;
  uint8_t* normalised =
      u8_normalize(UNINORM_NFC, reinterpret_cast<const uint8_t*>(text.data()),
                   text.size(), nullptr, &length);
  if (normalised == nullptr) return Broken("A page name must be valid UTF-8.");
  std::unique_ptr<uint8_t, void (*)(void*)> owner(normalised, std::free);
  return std::string(reinterpret_cast<char*>(normalised), length);
}

// Underscores are spaces, and a run of spaces is one.
std::string SpacesForUnderscores(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    if (c == '_') c = ' ';
    if (c == ' ' && !out.empty() && out.back() == ' ') continue;
    out += c;
  }
  return out;
}

Status CheckCharacters(const std::string& title) {
  const auto* p = reinterpret_cast<const uint8_t*>(title.data());
  const auto* end = p + title.size();
  const uc_general_category_t forbidden = uc_general_category_or(
      uc_general_category_or(UC_CATEGORY_Cc, UC_CATEGORY_Cf),
      uc_general_category_or(
          UC_CATEGORY_Cs, uc_general_category_or(UC_CATEGORY_Co, UC_CATEGORY_Cn)));
  while (p < end) {
    ucs4_t c = 0;
    int n = u8_mbtouc(&c, p, end - p);
    if (c == 0xFFFD || uc_is_general_category(c, forbidden)) {
      return Broken("A page name must not contain the invisible or control "
                    "character " + CodePointName(c) + ".");
    }
    p += n;
  }
  for (char c : title) {
    if (std::string_view("#<>[]|{}").find(c) != std::string_view::npos) {
      return Broken(std::string("A page name must not contain '") + c +
                    "' (none of # < > [ ] | { } may be used).");
    }
  }
  return Status::Ok();
}

Status CheckPath(const std::string& title) {
  if (title.front() == '/' || title.back() == '/') {
    return Broken("A page name must not begin or end with '/'.");
  }
  if (title.find("//") != std::string::npos) {
    return Broken("A page name must not contain '//'.");
  }
  size_t start = 0;
  while (start <= title.size()) {
    size_t slash = title.find('/', start);
    if (slash == std::string::npos) slash = title.size();
    std::string_view segment(title.data() + start, slash - start);
    if (segment == "." || segment == "..") {
      return Broken("A page name must not have '.' or '..' between slashes.");
    }
    start = slash + 1;
  }
  return Status::Ok();
}

}  // namespace

Result<PageName> PageName::Parse(std::string_view text) {
  if (u8_check(reinterpret_cast<const uint8_t*>(text.data()), text.size()) !=
      nullptr) {
    return Broken("A page name must be valid UTF-8.");
  }
  if (text.empty()) return Broken("A page name must not be empty.");
  if (text.front() == '_') {
    return Broken("Page names starting with '_' are reserved for the wiki's "
                  "own pages.");
  }
  auto nfc = Nfc(text);
  if (!nfc.ok()) return nfc.status();
  std::string title = SpacesForUnderscores(*nfc);
  if (title.front() == ' ' || title.back() == ' ') {
    return Broken("A page name must not begin or end with a space or '_'.");
  }
  if (Status s = CheckCharacters(title); !s.ok()) return s;
  if (Status s = CheckPath(title); !s.ok()) return s;
  if (title.size() > kMaxBytes) {
    return Broken("A page name must be at most " + std::to_string(kMaxBytes) +
                  " bytes long (this one is " + std::to_string(title.size()) +
                  ").");
  }
  return PageName(std::move(title));
}

std::string PageName::UrlName() const {
  std::string name = title_;
  for (char& c : name) {
    if (c == ' ') c = '_';
  }
  return name;
}

std::string PageName::UrlPath() const { return "/" + PercentEncodePath(UrlName()); }

std::string UrlPathOfTitle(const std::string& title) {
  auto name = PageName::Parse(title);
  return name.ok() ? name->UrlPath() : "/";
}

std::string PercentEncodePath(std::string_view text) {
  return PercentEncode(text, "-._~/!$'()*,;:@");
}

std::string PercentEncode(std::string_view text, std::string_view keep_also) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size() * 3);
  for (unsigned char c : text) {
    bool keep = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
                (c >= '0' && c <= '9') ||
                keep_also.find(static_cast<char>(c)) != std::string_view::npos;
    if (keep) {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

namespace {

// Unicode's full case folding of the code point `c`, in UTF-8 ("" if
// libunistring fails).
std::string FullFold(ucs4_t c) {
  uint8_t in[6];
  const int in_length = u8_uctomb(in, c, sizeof in);
  if (in_length <= 0) return "";
  uint8_t buffer[32];  // the longest folding is three code points
  size_t length = sizeof buffer;
  uint8_t* folded =
      u8_casefold(in, static_cast<size_t>(in_length), nullptr, nullptr, buffer, &length);
  if (folded == nullptr) return "";
  std::unique_ptr<uint8_t, void (*)(void*)> owner(folded == buffer ? nullptr : folded,
                                                  std::free);
  return std::string(reinterpret_cast<char*>(folded), length);
}

// Unicode's simple case folding of one code point (CaseFolding.txt's C and
// S mappings): the full folding when that is one code point, else the
// lower case when that folds the same way (the S mappings: U+1E9E to
// U+00DF, the Greek capitals with prosgegrammeni), else the code point
// itself (ß, ligatures, U+0130). Full folding's expansions would make
// "Maße" and "Masse" one page, and they are two words.
ucs4_t SimpleFold(ucs4_t c) {
  if (c < 0x80) return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;  // most names
  const std::string full = FullFold(c);
  ucs4_t single = c;
  if (!full.empty() &&
      u8_mbtouc(&single, reinterpret_cast<const uint8_t*>(full.data()), full.size()) ==
          static_cast<int>(full.size())) {
    return single;
  }
  const ucs4_t lower = uc_tolower(c);
  return lower != c && FullFold(lower) == full ? lower : c;
}

}  // namespace

std::string PageKey(std::string_view title) {
  // NFC first, so a decomposed name folds as its composed form does; each
  // code point folded alone; NFC again for what folding decomposed.
  auto composed = Nfc(title);
  if (!composed.ok()) return std::string(title);
  std::string folded;
  folded.reserve(composed->size());
  const auto* p = reinterpret_cast<const uint8_t*>(composed->data());
  const auto* end = p + composed->size();
  while (p < end) {
    ucs4_t c = 0;
    const int length = u8_mbtouc(&c, p, static_cast<size_t>(end - p));
    p += length;
    uint8_t bytes[6];
    const int out = u8_uctomb(bytes, SimpleFold(c), sizeof bytes);
    folded.append(reinterpret_cast<char*>(bytes), static_cast<size_t>(out));
  }
  auto key = Nfc(folded);
  return key.ok() ? *key : folded;
}

}  // namespace wikid
