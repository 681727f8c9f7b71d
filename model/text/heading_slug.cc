#include "model/text/heading_slug.h"

#include <unicase.h>
#include <unictype.h>
#include <uninorm.h>
#include <unistr.h>

#include <cstdlib>
#include <memory>

namespace wikid {
namespace {

void AppendCodePoint(ucs4_t c, std::string* out) {
  uint8_t bytes[6];
  int n = u8_uctomb(bytes, c, sizeof bytes);
  if (n > 0) out->append(reinterpret_cast<const char*>(bytes), static_cast<size_t>(n));
}

}  // namespace

std::string HeadingSlug(std::string_view text) {
  // NFC first, so a heading and a link typed with composed and decomposed
  // accents name the same section.
  size_t length = 0;
  std::unique_ptr<uint8_t, decltype(&free)> nfc(
      u8_normalize(UNINORM_NFC, reinterpret_cast<const uint8_t*>(text.data()), text.size(),
                   nullptr, &length),
      &free);
  if (nfc) text = std::string_view(reinterpret_cast<const char*>(nfc.get()), length);
  std::string slug;
  const auto* s = reinterpret_cast<const uint8_t*>(text.data());
  const uint8_t* end = s + text.size();
  while (s < end) {
    ucs4_t c = 0;
    int n = u8_mbtouc(&c, s, static_cast<size_t>(end - s));
    s += n > 0 ? n : 1;
    if (c == ' ' || c == '\t' || c == '-') {
      slug += '-';
    } else if (c == '_' || uc_is_general_category(c, UC_CATEGORY_L) ||
               uc_is_general_category(c, UC_CATEGORY_M) ||
               uc_is_general_category(c, UC_CATEGORY_N)) {
      AppendCodePoint(uc_tolower(c), &slug);
    }
  }
  return slug;
}

std::string HeadingSlugs::Unique(std::string_view text) {
  std::string slug = HeadingSlug(text);
  if (slug.empty()) slug = "section";
  std::string unique = slug;
  // Numbers go on from the last one given to this slug (as GitHub's
  // slugger does): a page of ten thousand equal headings stays linear.
  if (used_.contains(unique)) {
    int& last = last_number_[slug];
    do {
      unique = slug + "-" + std::to_string(++last);
    } while (used_.contains(unique));
  }
  used_.insert(unique);
  return unique;
}

}  // namespace wikid
