// PostgresPageStore: PageStore on one PostgreSQL connection, with the same
// contracts as SqlitePageStore (the same tests run against both).
//
// Prepares its statements once, at construction (and the connection
// prepares them again after a reconnect). One per worker; not
// thread-safe. `db` must outlive it.
#pragma once

#include <memory>
#include <set>
#include <string>

#include "model/store/events.h"
#include "model/store/page_store.h"
#include "model/store/save_checks.h"
#include "model/store/postgres/pg_connection.h"

namespace wikid {

// A Change from columns 0-7 of a recent-changes, contributions or
// watchlist row (SQLite's ChangeFromRow's order).
Change ChangeFromRow(const PgResult& r, int row);

// The INSERT of one revision, the same for a save and for `wikid import`
// (postgres_page_import.cc): page_id, rev, author, created_at, summary,
// text, size, size_change, account_id (NULL: anonymous) as $1 to $9; it
// returns the revision's id. Then one row of its links for each [[link]]
// target: revision_id, target, PageKey(target).
inline constexpr char kPostgresInsertRevisionSql[] = R"sql(
  INSERT INTO revision
    (page_id, rev, author, created_at, summary, text, size, size_change, account_id)
  VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id)sql";
inline constexpr char kPostgresInsertLinkSql[] =
    "INSERT INTO revision_link (revision_id, target, target_key) VALUES ($1, $2, $3)";

class PostgresPageStore : public PageStore {
 public:
  // Prepares every statement; fails if the schema is not what it expects.
  // `events`, if given, hears of every saved revision inside its
  // transaction (and must outlive the store).
  static Result<std::unique_ptr<PostgresPageStore>> Create(PgConnection& db,
                                                           EventSink* events = nullptr);

  Result<PageRevision> Find(const PageName& name, std::optional<int64_t> rev) override;
  Result<SaveResult> Save(const Edit& edit) override;
  Result<History> ListHistory(const PageName& name, std::optional<int64_t> from_rev,
                              int limit) override;
  Status SetProtected(const PageName& name, bool is_protected) override;
  Result<MoveResult> Move(const PageMove& move) override;
  Result<Contributions> ListContributions(int64_t account_id,
                                          std::optional<int64_t> before_id,
                                          int limit) override;
  Result<LinkTitles> ExistingPages(const std::set<std::string>& titles) override;
  Result<std::optional<std::string>> Resolve(const PageName& name) override;
  Result<PageList> ListPages(const std::string& after, int limit) override;
  Result<PageList> ListBacklinks(const PageName& name, const std::string& after,
                                 int limit) override;
  Result<WantedPages> ListWanted(const WantedCursor& after, int limit) override;
  Result<PageList> ListOrphans(const std::string& after, const std::string& except,
                               int limit) override;
  Result<RecentChanges> ListRecentChanges(std::optional<int64_t> before_id,
                                          int limit) override;
  // PostgreSQL's full-text search (postgres_page_search.cc). Never a
  // partial index: RebuildSearchIndex replaces entries in place.
  Result<SearchResults> Search(const SearchQuery& query, int64_t offset,
                               int limit) override;
  // Tests: fewer candidates than kSearchCandidates, to reach the cap.
  void set_search_candidates(int64_t n) { search_candidates_ = n; }
  Result<int64_t> RebuildSearchIndex(
      int batch = 1000,
      const std::function<void(int64_t done, int64_t total)>& progress = {}) override;
  // Delete and undelete (postgres_page_deletion.cc).
  Status Delete(const PageDeletionRequest& request) override;
  Result<std::string> Undelete(const PageDeletionRequest& request) override;
  Result<std::vector<PageDeletion>> FindDeletions(const PageName& name,
                                                  int history_limit) override;

 private:
  // Prepares the statements of delete and undelete.
  Status PrepareDeletion();
  // As SqlitePageStore's: links to `title`'s key count as wanted again.
  Status WantAgain(const std::string& title);
  Status LogDeletion(const char* action, const std::string& title,
                     const PageDeletionRequest& request);
  // The deletes and undeletes among `recent`'s window (ListRecentChanges).
  Status AddLogged(RecentChanges* recent, std::optional<int64_t> before_id);
  PostgresPageStore(PgConnection& db, EventSink* events) : db_(db), events_(events) {}

  // Prepares Search's statements (postgres_page_search.cc).
  Status PrepareSearch();

  // Save's work after its locks, inside a transaction the caller holds
  // (Save's or Move's); `even_if_same`: a revision even when the text is
  // the latest's (a move's).
  Result<SaveResult> SaveInTransaction(const Edit& edit, bool even_if_same);
  // Move's statements and reads (postgres_page_move.cc).
  Status PrepareMove();
  Result<MovePage> ReadMovePage(const std::string& title);
  Result<std::set<std::string>> RevisionLinks(int64_t revision_id);
  Status RenamePage(int64_t page_id, const std::string& title);
  // The steps of Save, inside its transaction.
  // Takes the save's locks: every key whose pages or wanted count the
  // save may change (see Save).
  Status LockKeys(const Edit& edit);
  // The latest revision, its page row locked until the transaction ends.
  Result<SaveBase> ReadLatest(const Edit& edit);
  Result<int64_t> InsertRevision(const Edit& edit, int64_t page_id, int64_t rev,
                                 int64_t size_change);
  // The page's current link targets (page_link).
  Result<std::set<std::string>> PageLinks(int64_t page_id);
  // As SqlitePageStore::UpdateWanted: counts the targets the edit adds
  // and drops, before WriteLinks replaces them.
  Status UpdateWanted(int64_t page_id, const Edit& edit, const std::set<std::string>& links,
                      bool created);
  Status WriteLinks(int64_t page_id, const std::string& title, int64_t revision_id,
                    const std::set<std::string>& links,
                    const std::set<std::string>& page_links);
  // The page's row in page_search, in the save's transaction.
  Status IndexText(int64_t page_id, const Edit& edit);
  // One more revision (and page, when `created`) in this process's shard
  // of site_count.
  Status CountSave(bool created);
  // The title of the page whose key is `key`, if any.
  Result<std::optional<std::string>> PageByKey(const std::string& key);
  // The files named in `joined_names` (Find's column: names as the links
  // name them, one a line) that exist, at their latest revisions.
  Result<EmbeddedFiles> EmbeddedFilesOf(const std::string& joined_names);
  Result<std::optional<std::string>> ResolveTitle(const std::string& title);
  // A window of (name, latest_rev) rows read with LIMIT limit + 1.
  Result<PageList> ReadPageList(const std::string& statement, const PgParams& params,
                                int limit);

  PgConnection& db_;
  EventSink* events_;  // borrowed; may be null
  int64_t search_candidates_ = kSearchCandidates;
};

}  // namespace wikid
