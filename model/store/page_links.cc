#include "model/store/page_links.h"

#include "model/text/page_name.h"

namespace wikid {

std::set<std::string> OnePerKey(const std::set<std::string>& links) {
  std::set<std::string> kept;
  std::set<std::string> keys;
  for (const std::string& target : links) {
    if (keys.insert(PageKey(target)).second) kept.insert(target);
  }
  return kept;
}

LinkTitles SplitLinkPairs(const std::string& joined) {
  LinkTitles pairs;
  size_t start = 0;
  while (start < joined.size()) {
    size_t end = joined.find('\n', start);
    if (end == std::string::npos) end = joined.size();
    const size_t tab = joined.find('\t', start);
    if (tab < end) {
      pairs.emplace(joined.substr(start, tab - start), joined.substr(tab + 1, end - tab - 1));
    }
    start = end + 1;
  }
  return pairs;
}

}  // namespace wikid
