// PageImport: the writes of `wikid import` (model/exchange/wiki_import.h),
// which bring in a whole wiki's history at once: revisions appended in one
// transaction, with their authors, times and summaries as given, and the
// derived tables (each page's current links, wanted pages, the search
// index) built once at the end instead of at every revision as a save
// does. For the importer alone; nothing here touches a cache.
#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <string>

#include "model/base/status.h"
#include "model/text/page_name.h"

namespace wikid {

// A page as the import finds it (or makes it).
struct ImportPage {
  int64_t id = 0;          // 0 until the page has a row
  std::string title;       // its name in this wiki
  int64_t latest_rev = 0;  // 0: no revision yet
  int64_t latest_size = 0;
};

struct ImportRevision {
  std::string author;      // an account's name, an address, or a name
  int64_t account_id = 0;  // 0: none (an address, or a name with no account here)
  int64_t created_at = 0;
  std::string summary;
  std::string text;
  std::set<std::string> links;  // canonical [[link]] targets in `text`
};

class PageImport {
 public:
  virtual ~PageImport() = default;

  // The one write transaction everything below runs in.
  virtual Status Begin() = 0;
  virtual Status Commit() = 0;
  // Ends it without keeping anything (the destructor does too).
  virtual void Rollback() = 0;

  // The page `name` leads to: the page of that name, else the first by
  // name whose name differs from it only in letter case (one key, one
  // page); a new ImportPage (id 0) titled `name` when there is none.
  // Deleted pages are not found (an import makes a new page, as a save).
  virtual Result<ImportPage> FindPage(const PageName& name) = 0;

  // The times (unix seconds) of `page`'s revisions, each once: for
  // recognising revisions already there without reading every text.
  virtual Result<std::set<int64_t>> RevisionTimes(int64_t page_id) = 0;

  // Whether `page` has a revision at `created_at` whose text is `text`.
  virtual Result<bool> HasRevision(int64_t page_id, int64_t created_at,
                                   const std::string& text) = 0;

  // The id of the account whose name's key (UserName::key, as logins
  // match names: whatever the letter case) is `name_key`, if any.
  virtual Result<std::optional<int64_t>> AccountId(const std::string& name_key) = 0;

  // Appends `revision` to `page` as its next revision (making the page's
  // row first if it has none), with its links, and counts it in its
  // account's edits. Updates `page` (id, latest_rev, latest_size).
  virtual Status Append(ImportPage& page, const ImportRevision& revision) = 0;

  // After the last Append: each touched page's current links (from its
  // latest revision), the wanted pages and the search index, rebuilt.
  virtual Status Finish() = 0;
};

}  // namespace wikid
