// SqlitePageStore: PageStore on one SQLite connection.
//
// Prepares its statements once, at construction, and reuses them for the
// life of the worker. One per worker; not thread-safe. `db` must outlive it.
#pragma once

#include <memory>

#include "model/store/sqlite/database.h"
#include "model/store/sqlite/search_words.h"
#include "model/store/events.h"
#include "model/store/page_store.h"
#include "model/store/save_checks.h"

namespace wikid {

// A Change from columns 0-7 of a recent-changes, contributions or
// watchlist row: name, rev, id, author, created_at, summary, size_change,
// by an account.
Change ChangeFromRow(const Statement& row);

// The INSERT of one revision, the same for a save and for `wikid import`
// (sqlite_page_import.cc): page_id, rev, author, created_at, summary,
// text, size, size_change, account_id (NULL: anonymous), bound 1 to 9;
// it returns the revision's id. Then one row of its links for each
// [[link]] target: revision_id, target.
inline constexpr char kSqliteInsertRevisionSql[] = R"sql(
  INSERT INTO revision
    (page_id, rev, author, created_at, summary, text, size, size_change, account_id)
  VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) RETURNING id)sql";
inline constexpr char kSqliteInsertLinkSql[] =
    "INSERT INTO revision_link (revision_id, target) VALUES (?1, ?2)";

class SqlitePageStore : public PageStore {
 public:
  // Prepares every statement; fails if the schema is not what it expects.
  // `events`, if given, hears of every saved revision inside its
  // transaction (and must outlive the store).
  static Result<std::unique_ptr<SqlitePageStore>> Create(Database& db,
                                                         EventSink* events = nullptr);

  Result<PageRevision> Find(const PageName& name,
                            std::optional<int64_t> rev) override;
  Result<SaveResult> Save(const Edit& edit) override;
  Result<History> ListHistory(const PageName& name,
                              std::optional<int64_t> from_rev,
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
  Result<SearchResults> Search(const SearchQuery& query, int64_t offset,
                               int limit) override;
  // Tests: fewer candidates than kSearchCandidates, to reach the cap.
  void set_search_candidates(int64_t n) { search_candidates_ = n; }
  // The interface's defaults, for callers that hold the engine's type.
  Result<int64_t> RebuildSearchIndex(
      int batch = 1000,
      const std::function<void(int64_t done, int64_t total)>& progress = {}) override;
  Result<RecentChanges> ListRecentChanges(std::optional<int64_t> before_id,
                                          int limit) override;
  // Delete and undelete (sqlite_page_deletion.cc).
  Status Delete(const PageDeletionRequest& request) override;
  Result<std::string> Undelete(const PageDeletionRequest& request) override;
  Result<std::vector<PageDeletion>> FindDeletions(const PageName& name,
                                                  int history_limit) override;

 private:
  SqlitePageStore(Database& db, EventSink* events) : db_(db), events_(events) {}

  // Save's work inside a transaction the caller holds (Save's or Move's);
  // `even_if_same`: a revision even when the text is the latest's (a
  // move's).
  Result<SaveResult> SaveInTransaction(const Edit& edit, bool even_if_same);
  // Move's reads and steps (sqlite_page_move.cc).
  Status PrepareMove();
  Result<MovePage> ReadMovePage(const std::string& title);
  Result<std::set<std::string>> RevisionLinks(int64_t revision_id);
  Status RenamePage(int64_t page_id, const std::string& title);
  // The steps of Save, inside its transaction.
  Result<SaveBase> ReadLatest(const Edit& edit);
  // The new revision's id.
  Result<int64_t> InsertRevision(const Edit& edit, int64_t page_id, int64_t rev,
                                 int64_t size_change);
  // Counts in `wanted` the targets the edit adds and drops (and takes the
  // page's own name out when it was just `created`). Before WriteLinks:
  // it reads the page's links as they were.
  // `links`: what page_link will keep (one per key).
  Status UpdateWanted(int64_t page_id, const Edit& edit, const std::set<std::string>& links,
                      bool created);
  // The title of the page whose key is `key` (PageKey), if any.
  Result<std::optional<std::string>> PageByKey(const std::string& key);
  // Resolve for a canonical title (ExistingPages' titles are strings).
  Result<std::optional<std::string>> ResolveTitle(const std::string& title);
  // `title` is the page's: page_link keeps it for backlinks in order.
  // revision_link gets every one of `links`, page_link `page_links`.
  Status WriteLinks(int64_t page_id, const std::string& title, int64_t revision_id,
                    const std::set<std::string>& links,
                    const std::set<std::string>& page_links);
  // The page's entry in the search index (and its name's, when the page
  // was just `created`), in the save's transaction.
  Status IndexText(int64_t page_id, const Edit& edit, bool created);
  Status ReplaceIndexedText(int64_t page_id, const Edit& edit, bool created);
  // The last page id a running (or interrupted) rebuild has indexed.
  Result<std::optional<int64_t>> RebuildCursor();
  // Prepares the search statements.
  Status PrepareSearch();
  // Removes the page's entries from both search indexes, while
  // page_search_source still shows it (Delete).
  Status UnindexPage(int64_t page_id);
  // Counts as wanted the links to `title`'s key, which no page has now.
  Status WantAgain(const std::string& title);
  // The deletes and undeletes among `recent`'s window (ListRecentChanges).
  Status AddLogged(RecentChanges* recent, std::optional<int64_t> before_id);
  // Logs a delete or an undelete, for recent changes.
  Status LogDeletion(const char* action, const std::string& title,
                     const PageDeletionRequest& request);

  Database& db_;
  EventSink* events_;  // borrowed; may be null
  std::unique_ptr<Statement> find_;
  std::unique_ptr<Statement> latest_for_save_;
  std::unique_ptr<Statement> insert_page_;
  std::unique_ptr<Statement> insert_revision_;
  std::unique_ptr<Statement> insert_link_;
  std::unique_ptr<Statement> clear_page_links_;
  std::unique_ptr<Statement> insert_page_link_;
  std::unique_ptr<Statement> backlinks_;
  std::unique_ptr<Statement> wanted_;
  std::unique_ptr<Statement> wanted_after_;
  std::unique_ptr<Statement> orphans_;
  // Search (sqlite_page_search.cc).
  std::unique_ptr<Statement> unindex_page_;
  std::unique_ptr<Statement> index_page_;
  std::unique_ptr<Statement> index_title_;
  std::unique_ptr<Statement> rebuild_cursor_;
  std::unique_ptr<Statement> search_count_;
  std::unique_ptr<Statement> search_titles_;
  std::unique_ptr<Statement> search_texts_;
  std::unique_ptr<Statement> search_newest_;
  std::unique_ptr<Statement> search_shown_;
  std::unique_ptr<SearchWords> search_words_;
  int64_t search_candidates_ = kSearchCandidates;
  // Move (sqlite_page_move.cc).
  std::unique_ptr<Statement> move_page_;
  std::unique_ptr<Statement> revision_links_;
  std::unique_ptr<Statement> rename_page_;
  std::unique_ptr<Statement> retitle_search_;
  std::unique_ptr<Statement> want_again_;
  std::unique_ptr<Statement> update_latest_;
  std::unique_ptr<Statement> history_;
  std::unique_ptr<Statement> page_exists_;
  std::unique_ptr<Statement> page_by_key_;
  std::unique_ptr<Statement> list_pages_;
  std::unique_ptr<Statement> recent_;
  std::unique_ptr<Statement> set_protected_;
  std::unique_ptr<Statement> contributions_;
  std::unique_ptr<Statement> edit_count_;
  std::unique_ptr<Statement> count_edit_;
  std::unique_ptr<Statement> page_links_;
  std::unique_ptr<Statement> unwant_;
  std::unique_ptr<Statement> want_;
  std::unique_ptr<Statement> want_less_;
  std::unique_ptr<Statement> want_no_more_;
  std::unique_ptr<Statement> find_deletion_;
  std::unique_ptr<Statement> recent_log_;
};

}  // namespace wikid
