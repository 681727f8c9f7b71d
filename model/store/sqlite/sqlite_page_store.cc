#include "model/store/sqlite/sqlite_page_store.h"

#include <sqlite3.h>

#include <algorithm>
#include <limits>

#include "model/base/failpoint.h"
#include "model/store/page_links.h"
#include "model/store/save_checks.h"

namespace wikid {
namespace {

// --- Statements ---------------------------------------------------------

// A page view: the revision, its page, and which of its link targets
// lead to a page and to which, in one statement: the page of that exact
// name, else the first whose name differs only in case (by page_by_key).
// Page names never contain a tab or a newline (control characters are not
// allowed in them), so they separate the pairs safely. The files its
// embeds name ("File:NAME" links, page_store.h), at their latest
// revisions, in the same statement: a file is found by its key, as a
// page is (file names are page names, and no two files share a key).
constexpr char kFindSql[] = R"sql(
  SELECT p.name, p.latest_rev, r.rev, r.author, r.created_at, r.summary,
         r.text, r.size, r.size_change, r.id,
         (SELECT group_concat(l.target || char(9) || coalesce(
                   (SELECT t.name FROM page t WHERE t.name = l.target),
                   (SELECT t.name FROM page t WHERE t.name_key = wikid_page_key(l.target)
                     ORDER BY t.name LIMIT 1)), char(10))
            FROM revision_link l WHERE l.revision_id = r.id),
         r.account_id IS NOT NULL, p.protected,
         (SELECT group_concat(substr(l.target, 6) || char(9) || f.name || char(9) ||
                              b.sha256 || char(9) || v.content_type || char(9) ||
                              v.width || char(9) || v.height, char(10))
            FROM revision_link l
            JOIN file f ON f.name_key = wikid_page_key(substr(l.target, 6)) AND f.deleted = 0
            JOIN file_revision v ON v.file_id = f.id AND v.rev = f.latest_rev
            JOIN file_blob b ON b.id = v.blob_id
           WHERE l.revision_id = r.id AND substr(l.target, 1, 5) = 'File:')
    FROM page p JOIN revision r
      ON r.page_id = p.id AND r.rev = coalesce(?2, p.latest_rev)
   WHERE p.name = ?1)sql";

constexpr char kLatestForSaveSql[] = R"sql(
  SELECT p.id, p.latest_rev, r.text, r.size, p.protected
    FROM page p JOIN revision r ON r.page_id = p.id AND r.rev = p.latest_rev
   WHERE p.name = ?1)sql";

constexpr char kInsertPageSql[] =
    "INSERT INTO page (name, name_key, latest_rev) VALUES (?1, ?2, 1) RETURNING id";

// The latest links of a page replace its earlier ones.
constexpr char kClearPageLinksSql[] = "DELETE FROM page_link WHERE source_id = ?1";
constexpr char kInsertPageLinkSql[] =
    "INSERT INTO page_link (source_id, target, source_name, target_key) VALUES (?1, ?2, ?3, ?4)";

// A range of the page_link_backlinks_by_key index from the cursor, already
// in the page list's order (see kOrphansSql for the `>=`): a window reads
// only the links it shows, however many pages link to the target. Links
// by the page's key ?4, but not those naming another page exactly (where
// two names differ only in case, each keeps its own exact links).
constexpr char kBacklinksSql[] = R"sql(
  SELECT k.source_name, p.latest_rev
    FROM page_link k JOIN page p ON p.id = k.source_id
   WHERE k.target_key = ?4 AND k.source_name != ?1
     AND (k.target = ?1 OR NOT EXISTS (SELECT 1 FROM page t WHERE t.name = k.target))
     AND k.source_name COLLATE NOCASE >= ?2
     AND (k.source_name COLLATE NOCASE, k.source_name) > (?2, ?2)
   ORDER BY k.source_name COLLATE NOCASE, k.source_name LIMIT ?3)sql";

// A window of the wanted_most_linked index: what every save keeps
// counted (UpdateWanted), never a grouping of all links.
constexpr char kWantedSql[] = R"sql(
  SELECT target, links FROM wanted ORDER BY links DESC, target LIMIT ?1)sql";
// The same after (?1 links, ?2): the rest of ?1's names, then fewer links,
// two ranges of the index that SQLite merges as it reads (an OR would
// walk every name with ?1 links up to ?2).
constexpr char kWantedAfterSql[] = R"sql(
  SELECT target, links FROM wanted WHERE links = ?1 AND target > ?2
  UNION ALL
  SELECT target, links FROM wanted WHERE links < ?1
  ORDER BY 2 DESC, 1 LIMIT ?3)sql";

// The page's current link targets, before a save replaces them.
constexpr char kPageLinksSql[] = "SELECT target FROM page_link WHERE source_id = ?1";
// A new page's key is wanted no more, in any case it was linked in.
constexpr char kUnwantSql[] = "DELETE FROM wanted WHERE target_key = ?1";
// One more page links to a missing key (the row keeps the spelling of the
// link that made it: each spelling of a key leads to the same page)...
constexpr char kWantSql[] = R"sql(
  INSERT INTO wanted (target_key, target, links) VALUES (?1, ?2, 1)
  ON CONFLICT (target_key) DO UPDATE SET links = links + 1)sql";
// ...or one fewer: the last one takes the row (links stays > 0).
constexpr char kWantLessSql[] = R"sql(
  UPDATE wanted SET links = links - 1 WHERE target_key = ?1 AND links > 1)sql";
constexpr char kWantNoMoreSql[] = "DELETE FROM wanted WHERE target_key = ?1 AND links = 1";

// Walks the page list's index from `after`, one page_link lookup per
// page, and stops once the window is full. The row-value condition alone
// is not an index range for SQLite (it scans from the first page); the
// `>=` on the index's first column is, and the row value then only skips
// the equal names up to `after` itself.
constexpr char kOrphansSql[] = R"sql(
  SELECT p.name, p.latest_rev FROM page p
   WHERE p.name COLLATE NOCASE >= ?1 AND (p.name COLLATE NOCASE, p.name) > (?1, ?1)
     AND p.name != ?2 AND p.deleted = 0
     AND NOT EXISTS (SELECT 1 FROM page_link k
                      WHERE k.target_key = p.name_key AND k.source_id != p.id)
   ORDER BY p.name COLLATE NOCASE, p.name LIMIT ?3)sql";

// The search index holds each page's latest text under its page id.
constexpr char kUpdateLatestSql[] =
    "UPDATE page SET latest_rev = ?2 WHERE id = ?1";

// Walks the (page_id, rev) index backwards from ?2 and stops after ?3
// rows: a history page reads only the rows it shows.
constexpr char kHistorySql[] = R"sql(
  SELECT p.name, p.latest_rev, r.rev, r.author, r.created_at, r.summary,
         r.size, r.size_change, r.account_id IS NOT NULL, r.id
    FROM page p JOIN revision r ON r.page_id = p.id
   WHERE p.name = ?1 AND r.rev <= ?2
   ORDER BY r.rev DESC LIMIT ?3)sql";

constexpr char kPageExistsSql[] =
    "SELECT latest_rev FROM page WHERE name = ?1";
// The page a key names: the first by name where a database holds two.
constexpr char kPageByKeySql[] =
    "SELECT name FROM page WHERE name_key = ?1 ORDER BY name LIMIT 1";

// A range of the page_alphabetical index from `after` (see kOrphansSql
// for why the `>=` is there).
constexpr char kListPagesSql[] = R"sql(
  SELECT name, latest_rev FROM page
   WHERE name COLLATE NOCASE >= ?1 AND (name COLLATE NOCASE, name) > (?1, ?1)
     AND deleted = 0
   ORDER BY name COLLATE NOCASE, name LIMIT ?2)sql";

// Walks revision ids (the rowid) backwards: only the rows shown are read.
// Pages and revisions are never removed, so the largest ids are the
// counts, found in O(1) instead of by counting, less those of the deleted
// pages (few: read whole). A deleted page's revisions are skipped.
constexpr char kRecentSql[] = R"sql(
  SELECT p.name, r.rev, r.id, r.author, r.created_at, r.summary, r.size_change,
         r.account_id IS NOT NULL,
         (SELECT max(id) FROM page) - (SELECT count(*) FROM page_deletion) -
           (SELECT pages FROM id_gap),
         (SELECT max(id) FROM revision) -
           (SELECT coalesce(sum(revisions), 0) FROM page_deletion) -
           (SELECT revisions FROM id_gap)
    FROM revision r JOIN page p ON p.id = r.page_id
   WHERE r.id < ?1 AND p.deleted = 0
   ORDER BY r.id DESC LIMIT ?2)sql";

constexpr char kSetProtectedSql[] = "UPDATE page SET protected = ?2 WHERE name = ?1";

// Walks the partial (account_id, id) index backwards: only the rows shown.
constexpr char kContributionsSql[] = R"sql(
  SELECT p.name, r.rev, r.id, r.author, r.created_at, r.summary, r.size_change,
         1
    FROM revision r JOIN page p ON p.id = r.page_id
   WHERE r.account_id = ?1 AND r.id < ?2 AND p.deleted = 0
   ORDER BY r.id DESC LIMIT ?3)sql";

// The account's counter, raised by every save (kCountEditSql): a profile
// view costs one row, whatever the number of edits.
constexpr char kEditCountSql[] = "SELECT edit_count FROM account WHERE id = ?1";
constexpr char kCountEditSql[] =
    "UPDATE account SET edit_count = edit_count + 1 WHERE id = ?1";

// The latest deletion of a key that stands (sqlite_page_deletion.cc).
constexpr char kFindDeletionSql[] = R"sql(
  SELECT d.page_id, d.name, d.deleted_at, d.deleted_by, d.reason, d.revisions,
         r.id, r.rev, r.author, r.account_id IS NOT NULL, r.created_at, r.summary, r.size,
         r.size_change
    FROM page_deletion d JOIN page p ON p.id = d.page_id
    JOIN revision r ON r.page_id = p.id AND r.rev = p.latest_rev
   WHERE d.name_key = ?1
   ORDER BY d.deleted_at DESC, d.page_id DESC LIMIT ?2)sql";

// The deletes and undeletes among a window of recent changes: after
// revision ?2 (the window's oldest) and before revision ?1 (its cursor).
// With the uploads (file revisions, issue 19) among them the same way;
// each part reads at most ?3 rows of its own index.
constexpr char kRecentLogSql[] = R"sql(
  SELECT name, action, after_revision, author, created_at, reason, by_account, id, rev, size,
         kind
    FROM (SELECT * FROM (
            SELECT name, action, after_revision, author, created_at, reason,
                   account_id IS NOT NULL AS by_account, id, 0 AS rev, 0 AS size, 0 AS kind
              FROM page_log WHERE after_revision < ?1 AND after_revision >= ?2
             ORDER BY after_revision DESC, id DESC LIMIT ?3)
          UNION ALL
          SELECT * FROM (
            SELECT f.name, 'upload', fr.after_revision, fr.author, fr.created_at, fr.summary,
                   fr.account_id IS NOT NULL, fr.id, fr.rev, b.size, 1
              FROM file_revision fr JOIN file f ON f.id = fr.file_id
                   JOIN file_blob b ON b.id = fr.blob_id
             WHERE fr.after_revision < ?1 AND fr.after_revision >= ?2 AND f.deleted = 0
             ORDER BY fr.after_revision DESC, fr.id DESC LIMIT ?3)
          UNION ALL
          SELECT * FROM (
            SELECT f.name, l.action, l.after_revision, l.author, l.created_at, l.reason,
                   l.account_id IS NOT NULL, l.id, 0, 0, 2
              FROM file_log l JOIN file f ON f.id = l.file_id
             WHERE l.after_revision < ?1 AND l.after_revision >= ?2
             ORDER BY l.after_revision DESC, l.id DESC LIMIT ?3))
   ORDER BY after_revision DESC, created_at DESC, kind DESC, id DESC LIMIT ?3)sql";

// --- Rows ---------------------------------------------------------------

}  // namespace

Change ChangeFromRow(const Statement& row) {
  return Change{.title = row.ColumnText(0),
                .rev = row.ColumnInt(1),
                .revision_id = row.ColumnInt(2),
                .author = row.ColumnText(3),
                .author_is_account = row.ColumnInt(7) != 0,
                .created_at = row.ColumnInt(4),
                .summary = row.ColumnText(5),
                .size_change = row.ColumnInt(6)};
}

namespace {

// Reads a window of (name, latest_rev) rows fetched with LIMIT limit + 1:
// the extra row, if any, only says that more follow.
Result<PageList> ReadPageList(Statement& q, int limit) {
  PageList list;
  while (true) {
    auto row = q.Step();
    if (!row.ok()) return row.status();
    if (!*row) break;
    if (static_cast<int>(list.pages.size()) == limit) {
      list.more = true;
      break;
    }
    list.pages.push_back({q.ColumnText(0), q.ColumnInt(1)});
  }
  return list;
}

}  // namespace

// --- Opening, and reading one page --------------------------------------

Result<std::unique_ptr<SqlitePageStore>> SqlitePageStore::Create(
    Database& db, EventSink* events) {
  std::unique_ptr<SqlitePageStore> store(new SqlitePageStore(db, events));
  Status prepared = db.PrepareAll({
      {&store->find_, kFindSql},
      {&store->latest_for_save_, kLatestForSaveSql},
      {&store->insert_page_, kInsertPageSql},
      {&store->insert_revision_, kSqliteInsertRevisionSql},
      {&store->insert_link_, kSqliteInsertLinkSql},
      {&store->clear_page_links_, kClearPageLinksSql},
      {&store->insert_page_link_, kInsertPageLinkSql},
      {&store->backlinks_, kBacklinksSql},
      {&store->wanted_, kWantedSql},
      {&store->wanted_after_, kWantedAfterSql},
      {&store->orphans_, kOrphansSql},
      {&store->update_latest_, kUpdateLatestSql},
      {&store->history_, kHistorySql},
      {&store->page_exists_, kPageExistsSql},
      {&store->page_by_key_, kPageByKeySql},
      {&store->list_pages_, kListPagesSql},
      {&store->recent_, kRecentSql},
      {&store->set_protected_, kSetProtectedSql},
      {&store->contributions_, kContributionsSql},
      {&store->edit_count_, kEditCountSql},
      {&store->page_links_, kPageLinksSql},
      {&store->unwant_, kUnwantSql},
      {&store->want_, kWantSql},
      {&store->want_less_, kWantLessSql},
      {&store->want_no_more_, kWantNoMoreSql},
      {&store->count_edit_, kCountEditSql},
      {&store->find_deletion_, kFindDeletionSql},
      {&store->recent_log_, kRecentLogSql},
  });
  if (!prepared.ok()) return prepared;
  if (Status search = store->PrepareSearch(); !search.ok()) return search;
  if (Status move = store->PrepareMove(); !move.ok()) return move;
  return store;
}

Result<PageRevision> SqlitePageStore::Find(const PageName& name,
                                           std::optional<int64_t> rev) {
  Query q(*find_);
  q->Bind(1, name.title());
  if (rev) {
    q->Bind(2, *rev);
  } else {
    q->BindNull(2);
  }
  auto row = q->Step();
  if (!row.ok()) return row.status();
  if (!*row) {
    return Status::NotFound(rev ? "There is no revision " +
                                      std::to_string(*rev) + " of this page."
                                : "This page does not exist yet.");
  }
  PageRevision page;
  page.title = q->ColumnText(0);
  page.latest_rev = q->ColumnInt(1);
  page.revision.rev = q->ColumnInt(2);
  page.revision.author = q->ColumnText(3);
  page.revision.created_at = q->ColumnInt(4);
  page.revision.summary = q->ColumnText(5);
  page.revision.text = q->ColumnText(6);
  page.revision.size = q->ColumnInt(7);
  page.revision.size_change = q->ColumnInt(8);
  page.revision.id = q->ColumnInt(9);
  page.existing_links = SplitLinkPairs(q->ColumnText(10));
  page.revision.author_is_account = q->ColumnInt(11) != 0;
  page.is_protected = q->ColumnInt(12) != 0;
  page.files = SplitEmbeddedFiles(q->ColumnText(13));
  return page;
}

// --- Saving -------------------------------------------------------------

Result<SaveBase> SqlitePageStore::ReadLatest(const Edit& edit) {
  Query q(*latest_for_save_);
  q->Bind(1, edit.name.title());
  auto row = q->Step();
  if (!row.ok()) return row.status();
  if (!*row) return SaveBase{};
  return SaveBase{.page_id = q->ColumnInt(0),
                .rev = q->ColumnInt(1),
                .size = q->ColumnInt(3),
                .is_protected = q->ColumnInt(4) != 0,
                .same_text = q->ColumnText(2) == edit.text};
}

Result<int64_t> SqlitePageStore::InsertRevision(const Edit& edit, int64_t page_id,
                                                int64_t rev, int64_t size_change) {
  Query q(*insert_revision_);
  q->Bind(1, page_id);
  q->Bind(2, rev);
  q->Bind(3, edit.author);
  q->Bind(4, edit.created_at);
  q->Bind(5, edit.summary);
  q->Bind(6, edit.text);
  q->Bind(7, static_cast<int64_t>(edit.text.size()));
  q->Bind(8, size_change);
  if (edit.account_id != 0) {
    q->Bind(9, edit.account_id);
  } else {
    q->BindNull(9);
  }
  auto row = q->Step();
  if (!row.ok()) return row.status();
  return q->ColumnInt(0);
}

Result<std::optional<std::string>> SqlitePageStore::PageByKey(const std::string& key) {
  Query q(*page_by_key_);
  q->Bind(1, key);
  auto row = q->Step();
  if (!row.ok()) return row.status();
  if (!*row) return std::optional<std::string>();
  return std::optional<std::string>(q->ColumnText(0));
}

Status SqlitePageStore::UpdateWanted(int64_t page_id, const Edit& edit,
                                     const std::set<std::string>& links, bool created) {
  // Each statement takes the key as ?1; the one that adds a row, the
  // spelling as ?2.
  auto run = [](Statement& stmt, const std::string& key,
                const std::string* target = nullptr) -> Status {
    Query q(stmt);
    q->Bind(1, key);
    if (target != nullptr) q->Bind(2, *target);
    auto done = q->Step();
    return done.ok() ? Status::Ok() : done.status();
  };
  if (created) {
    if (Status s = run(*unwant_, PageKey(edit.name.title())); !s.ok()) return s;
  }
  std::set<std::string> before;
  {
    Query q(*page_links_);
    q->Bind(1, page_id);
    while (true) {
      auto row = q->Step();
      if (!row.ok()) return row.status();
      if (!*row) break;
      before.insert(q->ColumnText(0));
    }
  }
  // Only the targets this save adds or drops change a count, and only
  // those whose key no page has (a page in any case is never wanted).
  // Counted by key, as page_link holds one link per key of each page.
  // A file's embed ("File:NAME", page_store.h) is never a wanted page.
  auto embeds = [](const std::string& target) {
    return target.starts_with(kFileLinkPrefix);
  };
  for (const std::string& target : before) {
    if (links.contains(target) || embeds(target)) continue;
    const std::string key = PageKey(target);
    auto page = PageByKey(key);
    if (!page.ok()) return page.status();
    if (*page) continue;
    if (Status s = run(*want_no_more_, key); !s.ok()) return s;
    if (Status s = run(*want_less_, key); !s.ok()) return s;
  }
  for (const std::string& target : links) {
    if (before.contains(target) || embeds(target)) continue;
    const std::string key = PageKey(target);
    auto page = PageByKey(key);
    if (!page.ok()) return page.status();
    if (*page) continue;
    if (Status s = run(*want_, key, &target); !s.ok()) return s;
  }
  return Status::Ok();
}

Status SqlitePageStore::WriteLinks(int64_t page_id, const std::string& title,
                                   int64_t revision_id, const std::set<std::string>& links,
                                   const std::set<std::string>& page_links) {
  // The revision's own links, kept with it for ever...
  for (const std::string& target : links) {
    Query q(*insert_link_);
    q->Bind(1, revision_id);
    q->Bind(2, target);
    if (auto done = q->Step(); !done.ok()) return done.status();
  }
  // ...and the page's current links, for backlinks, wanted and orphans.
  {
    Query q(*clear_page_links_);
    q->Bind(1, page_id);
    if (auto done = q->Step(); !done.ok()) return done.status();
  }
  for (const std::string& target : page_links) {
    Query q(*insert_page_link_);
    q->Bind(1, page_id);
    q->Bind(2, target);
    q->Bind(3, title);
    q->Bind(4, PageKey(target));
    if (auto done = q->Step(); !done.ok()) return done.status();
  }
  return Status::Ok();
}

// One transaction: check the base revision, write the revision, its
// links, the search entry and what the events queue (mail), so a save is
// all there or not at all.
Result<SaveResult> SqlitePageStore::Save(const Edit& edit) {
  Transaction txn(db_);
  if (Status s = txn.Begin(); !s.ok()) return s;
  auto saved = SaveInTransaction(edit, /*even_if_same=*/false);
  if (!saved.ok() || !saved->created) return saved;
  // Tests kill the worker here to prove a half-done save leaves nothing.
  FailpointSleep("save_in_txn_sleep");
  if (Status s = txn.Commit(); !s.ok()) return s;
  return saved;
}

Result<SaveResult> SqlitePageStore::SaveInTransaction(const Edit& edit, bool even_if_same) {
  auto latest = ReadLatest(edit);
  if (!latest.ok()) return latest.status();
  if (even_if_same) latest->same_text = false;
  std::optional<std::string> other_case;
  if (latest->page_id == 0) {
    auto other = PageByKey(PageKey(edit.name.title()));
    if (!other.ok()) return other.status();
    other_case = std::move(*other);
  }
  if (auto answer = AnswerBeforeWriting(edit, *latest, other_case)) return std::move(*answer);
  int64_t page_id = latest->page_id;
  if (page_id == 0) {
    Query q(*insert_page_);
    q->Bind(1, edit.name.title());
    q->Bind(2, PageKey(edit.name.title()));
    auto row = q->Step();
    if (!row.ok()) return row.status();
    page_id = q->ColumnInt(0);
  }
  const int64_t rev = latest->rev + 1;
  auto revision_id = InsertRevision(edit, page_id, rev,
                                    static_cast<int64_t>(edit.text.size()) - latest->size);
  if (!revision_id.ok()) return revision_id.status();
  const std::set<std::string> page_links = OnePerKey(edit.links);
  if (Status s = UpdateWanted(page_id, edit, page_links, latest->page_id == 0); !s.ok()) {
    return s;
  }
  if (Status s = WriteLinks(page_id, edit.name.title(), *revision_id, edit.links, page_links);
      !s.ok()) {
    return s;
  }
  // Before the page's latest revision moves: the index removes the words
  // of the text page_search_source still shows (schema 16).
  if (Status s = IndexText(page_id, edit, latest->page_id == 0); !s.ok()) return s;
  if (rev > 1) {
    Query q(*update_latest_);
    q->Bind(1, page_id);
    q->Bind(2, rev);
    if (auto done = q->Step(); !done.ok()) return done.status();
  }
  if (edit.account_id != 0) {
    Query q(*count_edit_);
    q->Bind(1, edit.account_id);
    if (auto done = q->Step(); !done.ok()) return done.status();
  }
  if (events_ != nullptr) {
    if (Status s = events_->RevisionSaved(SavedRevisionOf(edit, rev, *revision_id)); !s.ok()) {
      return s;
    }
  }
  return SaveResult{.created = true, .rev = rev};
}

// --- Lists --------------------------------------------------------------

Result<History> SqlitePageStore::ListHistory(const PageName& name,
                                             std::optional<int64_t> from_rev,
                                             int limit) {
  History history;
  {
    Query q(*history_);
    q->Bind(1, name.title());
    q->Bind(2, from_rev.value_or(std::numeric_limits<int64_t>::max()));
    q->Bind(3, static_cast<int64_t>(limit));
    while (true) {
      auto row = q->Step();
      if (!row.ok()) return row.status();
      if (!*row) break;
      history.title = q->ColumnText(0);
      history.latest_rev = q->ColumnInt(1);
      Revision& r = history.revisions.emplace_back();
      r.rev = q->ColumnInt(2);
      r.author = q->ColumnText(3);
      r.created_at = q->ColumnInt(4);
      r.summary = q->ColumnText(5);
      r.size = q->ColumnInt(6);
      r.size_change = q->ColumnInt(7);
      r.author_is_account = q->ColumnInt(8) != 0;
      r.id = q->ColumnInt(9);
    }
  }
  if (!history.revisions.empty()) return history;

  // No rows: either no such page or a window past its first revision.
  Query q(*page_exists_);
  q->Bind(1, name.title());
  auto row = q->Step();
  if (!row.ok()) return row.status();
  if (!*row) return Status::NotFound("This page does not exist yet.");
  history.title = name.title();
  history.latest_rev = q->ColumnInt(0);
  return history;
}

Result<PageList> SqlitePageStore::ListPages(const std::string& after,
                                            int limit) {
  Query q(*list_pages_);
  q->Bind(1, after);
  // One row more than shown, to know whether a next page exists.
  q->Bind(2, static_cast<int64_t>(limit) + 1);
  return ReadPageList(*q, limit);
}

Result<PageList> SqlitePageStore::ListBacklinks(const PageName& name,
                                                const std::string& after, int limit) {
  Query q(*backlinks_);
  q->Bind(1, name.title());
  q->Bind(2, after);
  q->Bind(3, static_cast<int64_t>(limit) + 1);
  q->Bind(4, PageKey(name.title()));
  return ReadPageList(*q, limit);
}

Result<PageList> SqlitePageStore::ListOrphans(const std::string& after,
                                              const std::string& except, int limit) {
  Query q(*orphans_);
  q->Bind(1, after);
  q->Bind(2, except);
  q->Bind(3, static_cast<int64_t>(limit) + 1);
  return ReadPageList(*q, limit);
}

Result<WantedPages> SqlitePageStore::ListWanted(const WantedCursor& after, int limit) {
  WantedPages wanted;
  const bool first = after.link_count <= 0;
  Query q(first ? *wanted_ : *wanted_after_);
  if (first) {
    q->Bind(1, static_cast<int64_t>(limit) + 1);
  } else {
    q->Bind(1, after.link_count);
    q->Bind(2, after.title);
    q->Bind(3, static_cast<int64_t>(limit) + 1);
  }
  while (true) {
    auto row = q->Step();
    if (!row.ok()) return row.status();
    if (!*row) break;
    if (static_cast<int>(wanted.pages.size()) == limit) {
      wanted.more = true;
      break;
    }
    wanted.pages.push_back({q->ColumnText(0), q->ColumnInt(1)});
  }
  return wanted;
}

Result<RecentChanges> SqlitePageStore::ListRecentChanges(
    std::optional<int64_t> before_id, int limit) {
  RecentChanges recent;
  Query q(*recent_);
  q->Bind(1, before_id.value_or(std::numeric_limits<int64_t>::max()));
  q->Bind(2, static_cast<int64_t>(limit) + 1);  // one more: is there an older window?
  while (true) {
    auto row = q->Step();
    if (!row.ok()) return row.status();
    if (!*row) break;
    if (static_cast<int>(recent.changes.size()) == limit) {
      recent.more = true;
      break;
    }
    recent.changes.push_back(ChangeFromRow(*q));
    recent.page_count = q->ColumnInt(8);
    recent.revision_count = q->ColumnInt(9);
  }
  if (Status s = AddLogged(&recent, before_id); !s.ok()) return s;
  return recent;
}

Status SqlitePageStore::SetProtected(const PageName& name, bool is_protected) {
  set_protected_->Bind(1, name.title());
  set_protected_->Bind(2, static_cast<int64_t>(is_protected ? 1 : 0));
  auto changed = db_.WriteOne(*set_protected_);
  if (!changed.ok()) return changed.status();
  if (*changed == 0) return Status::NotFound("This page does not exist yet.");
  return Status::Ok();
}

Result<Contributions> SqlitePageStore::ListContributions(
    int64_t account_id, std::optional<int64_t> before_id, int limit) {
  Contributions contributions;
  {
    Query q(*contributions_);
    q->Bind(1, account_id);
    q->Bind(2, before_id.value_or(std::numeric_limits<int64_t>::max()));
    q->Bind(3, static_cast<int64_t>(limit));
    while (true) {
      auto row = q->Step();
      if (!row.ok()) return row.status();
      if (!*row) break;
      contributions.changes.push_back(ChangeFromRow(*q));
    }
  }
  Query q(*edit_count_);
  q->Bind(1, account_id);
  auto row = q->Step();
  if (!row.ok()) return row.status();
  contributions.edit_count = *row ? q->ColumnInt(0) : 0;
  return contributions;
}

Result<LinkTitles> SqlitePageStore::ExistingPages(const std::set<std::string>& titles) {
  LinkTitles existing;
  for (const std::string& title : titles) {
    auto page = ResolveTitle(title);
    if (!page.ok()) return page.status();
    if (*page) existing.emplace(title, std::move(**page));
  }
  return existing;
}

Result<std::optional<std::string>> SqlitePageStore::Resolve(const PageName& name) {
  return ResolveTitle(name.title());
}

Result<std::optional<std::string>> SqlitePageStore::ResolveTitle(const std::string& title) {
  Query q(*page_exists_);
  q->Bind(1, title);
  auto row = q->Step();
  if (!row.ok()) return row.status();
  if (*row) return std::optional<std::string>(title);
  return PageByKey(PageKey(title));
}

}  // namespace wikid
