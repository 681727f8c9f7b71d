#include "model/store/page_links.h"

#include <cstdlib>
#include <utility>
#include <vector>

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

namespace {

// The tab-separated fields of each line of `joined`, as a page view's
// query joins rows (the fields hold no tab or newline).
std::vector<std::vector<std::string>> SplitRows(const std::string& joined) {
  std::vector<std::vector<std::string>> rows;
  size_t start = 0;
  while (start < joined.size()) {
    size_t end = joined.find('\n', start);
    if (end == std::string::npos) end = joined.size();
    std::vector<std::string>& fields = rows.emplace_back();
    for (size_t at = start; at <= end;) {
      size_t tab = joined.find('\t', at);
      if (tab == std::string::npos || tab > end) tab = end;
      fields.push_back(joined.substr(at, tab - at));
      at = tab + 1;
    }
    start = end + 1;
  }
  return rows;
}

}  // namespace

LinkTitles SplitLinkPairs(const std::string& joined) {
  LinkTitles pairs;
  for (std::vector<std::string>& fields : SplitRows(joined)) {
    if (fields.size() == 2) pairs.emplace(std::move(fields[0]), std::move(fields[1]));
  }
  return pairs;
}

EmbeddedFiles SplitEmbeddedFiles(const std::string& joined) {
  EmbeddedFiles files;
  for (const std::vector<std::string>& fields : SplitRows(joined)) {
    if (fields.size() != 6) continue;
    files[fields[0]] =
        EmbeddedFile{.name = fields[1],
                     .sha256 = fields[2],
                     .content_type = fields[3],
                     .width = std::strtoll(fields[4].c_str(), nullptr, 10),
                     .height = std::strtoll(fields[5].c_str(), nullptr, 10)};
  }
  return files;
}

int64_t OldestLogged(const RecentChanges& recent) {
  // The last window (no older revision to show) takes every older event:
  // those before the first revision ever (uploads to a new wiki) and
  // those older than a window that happens to end exactly at `limit`.
  if (!recent.more || recent.changes.empty()) return 0;
  return recent.changes.back().revision_id;
}

void MergeLogged(std::vector<Change>* changes, std::vector<Change> logged) {
  if (logged.empty()) return;
  std::vector<Change> merged;
  merged.reserve(changes->size() + logged.size());
  auto log = logged.begin();
  for (Change& c : *changes) {
    // An event after revision N is newer than N, older than N + 1.
    while (log != logged.end() && log->revision_id >= c.revision_id) {
      merged.push_back(std::move(*log++));
    }
    merged.push_back(std::move(c));
  }
  while (log != logged.end()) merged.push_back(std::move(*log++));
  *changes = std::move(merged);
}

std::string DeletedPageName(int64_t page_id) {
  return "\x01" "deleted " + std::to_string(page_id);
}

Status UndeleteBlocked(const std::string& standing) {
  return Status::Conflict("A page named " + standing +
                          " exists now. To undelete this one, first move " + standing +
                          " to another name with \"Leave a redirect behind\" unchecked, "
                          "or delete it.");
}

}  // namespace wikid
