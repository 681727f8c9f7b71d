// Heading slugs: the anchor a heading's text gets, as GitHub makes it, so
// "#getting-started" names the section "Getting started" in links and in
// a page's contents (views/markup/headings.h).
#pragma once

#include <map>
#include <set>
#include <string>
#include <string_view>

namespace wikid {

// The slug of a heading's text, once in NFC: letters lowercased, letters, marks and
// digits of any script and '_' kept, spaces, tabs and '-' become '-',
// anything else is dropped. "" when nothing is left. Holds nothing that
// HTML would need escaped.
std::string HeadingSlug(std::string_view text);

// Hands out the slugs of one page's headings, each once: a slug seen
// before gets the first free "-N" suffix. A heading with no slug is
// "section".
class HeadingSlugs {
 public:
  std::string Unique(std::string_view text);

 private:
  std::set<std::string> used_;
  std::map<std::string, int> last_number_;  // per slug, the last "-N" given
};

}  // namespace wikid
