// Delete and undelete on SQLite (issue 20): a deleted page keeps its row,
// its revisions and their links under DeletedPageName, so no lookup by a
// name, a link or an address reaches it, and page.deleted keeps it out of
// the lists that walk every page (the page list, orphans, recent changes,
// contributions, the search index's source). Its current links
// (page_link) and its search entries are removed, and the wanted counts
// follow, in the delete's transaction; undelete puts them back from its
// latest revision.
#include <sqlite3.h>

#include <limits>

#include "model/store/page_links.h"
#include "model/store/sqlite/sqlite_page_store.h"

namespace wikid {
namespace {

// Rare writes (an admin's): prepared when run, not kept.
constexpr char kPageToDeleteSql[] =
    "SELECT id, latest_rev FROM page WHERE name = ?1 AND deleted = 0";
constexpr char kHidePageSql[] =
    "UPDATE page SET name = ?2, name_key = ?2, deleted = 1 WHERE id = ?1";
constexpr char kShowPageSql[] =
    "UPDATE page SET name = ?2, name_key = ?3, deleted = 0 WHERE id = ?1";
constexpr char kInsertDeletionSql[] = R"sql(
  INSERT INTO page_deletion (page_id, name, name_key, deleted_at, deleted_by, reason, revisions)
  VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7))sql";
// The deletion an undelete undoes: the page ?2 if it is one of key ?1,
// the latest of that key when ?2 is 0.
constexpr char kDeletionToUndoSql[] = R"sql(
  SELECT page_id, name FROM page_deletion WHERE name_key = ?1 AND (?2 = 0 OR page_id = ?2)
   ORDER BY deleted_at DESC, page_id DESC LIMIT 1)sql";
constexpr char kRemoveDeletionSql[] = "DELETE FROM page_deletion WHERE page_id = ?1";
constexpr char kLatestTextSql[] = R"sql(
  SELECT r.id, r.text FROM page p JOIN revision r ON r.page_id = p.id AND r.rev = p.latest_rev
   WHERE p.id = ?1)sql";
constexpr char kRevisionLinksSql[] = "SELECT target FROM revision_link WHERE revision_id = ?1";
constexpr char kClearLinksSql[] = "DELETE FROM page_link WHERE source_id = ?1";
constexpr char kUnindexTextSql[] = "DELETE FROM page_search WHERE rowid = ?1";
constexpr char kUnindexTitleSql[] = "DELETE FROM page_title_search WHERE rowid = ?1";
// How many pages link to a key, and one spelling of it (as migration 19
// counts wanted pages).
constexpr char kLinksToKeySql[] =
    "SELECT count(*), min(target) FROM page_link WHERE target_key = ?1";
constexpr char kInsertWantedSql[] =
    "INSERT INTO wanted (target_key, target, links) VALUES (?1, ?2, ?3)";
constexpr char kLogSql[] = R"sql(
  INSERT INTO page_log (action, name, author, account_id, created_at, reason, after_revision)
  VALUES (?1, ?2, ?3, ?4, ?5, ?6, coalesce((SELECT max(id) FROM revision), 0)))sql";
constexpr char kDeletedHistorySql[] = R"sql(
  SELECT rev, author, created_at, summary, size, size_change, account_id IS NOT NULL, id
    FROM revision WHERE page_id = ?1 ORDER BY rev DESC LIMIT ?2)sql";

// Prepares `sql`, binds `bind` to it and steps it once; the statement,
// for its columns. A helper for the one-off statements above.
Result<std::unique_ptr<Statement>> RunOnce(Database& db, const char* sql,
                                           const std::function<void(Statement&)>& bind,
                                           bool* row = nullptr) {
  auto stmt = db.Prepare(sql);
  if (!stmt.ok()) return stmt.status();
  bind(**stmt);
  auto stepped = (*stmt)->Step();
  if (!stepped.ok()) return stepped.status();
  if (row != nullptr) *row = *stepped;
  return std::move(*stmt);
}

}  // namespace

Status SqlitePageStore::UnindexPage(int64_t page_id) {
  // As IndexText: a page past a running rebuild's cursor is not in the
  // text index (FTS5 external content trusts the caller's delete).
  auto cursor = RebuildCursor();
  if (!cursor.ok()) return cursor.status();
  auto bind = [page_id](Statement& s) { s.Bind(1, page_id); };
  if (!*cursor || page_id <= **cursor) {
    if (auto done = RunOnce(db_, kUnindexTextSql, bind); !done.ok()) return done.status();
  }
  auto done = RunOnce(db_, kUnindexTitleSql, bind);
  return done.ok() ? Status::Ok() : done.status();
}

Status SqlitePageStore::WantAgain(const std::string& title) {
  if (title.starts_with(kFileLinkPrefix)) return Status::Ok();  // never wanted
  const std::string key = PageKey(title);
  auto other = PageByKey(key);
  if (!other.ok()) return other.status();
  if (*other) return Status::Ok();  // another page of that key stands
  auto links = RunOnce(db_, kLinksToKeySql, [&](Statement& s) { s.Bind(1, key); });
  if (!links.ok()) return links.status();
  const int64_t count = (*links)->ColumnInt(0);
  if (count == 0) return Status::Ok();
  const std::string spelling = (*links)->ColumnText(1);
  auto done = RunOnce(db_, kInsertWantedSql, [&](Statement& s) {
    s.Bind(1, key);
    s.Bind(2, spelling);
    s.Bind(3, count);
  });
  return done.ok() ? Status::Ok() : done.status();
}

Status SqlitePageStore::LogDeletion(const char* action, const std::string& title,
                                    const PageDeletionRequest& request) {
  auto done = RunOnce(db_, kLogSql, [&](Statement& s) {
    s.Bind(1, std::string_view(action));
    s.Bind(2, title);
    s.Bind(3, request.author);
    s.BindOrNull(4, request.account_id != 0 ? std::optional<int64_t>(request.account_id)
                                            : std::nullopt);
    s.Bind(5, request.at);
    s.Bind(6, request.reason);
  });
  return done.ok() ? Status::Ok() : done.status();
}

Status SqlitePageStore::Delete(const PageDeletionRequest& request) {
  Transaction txn(db_);
  if (Status s = txn.Begin(); !s.ok()) return s;
  const std::string& title = request.name.title();
  bool found = false;
  auto page = RunOnce(db_, kPageToDeleteSql, [&](Statement& s) { s.Bind(1, title); }, &found);
  if (!page.ok()) return page.status();
  if (!found) return Status::NotFound("There is no page of this name to delete.");
  const int64_t page_id = (*page)->ColumnInt(0);
  const int64_t revisions = (*page)->ColumnInt(1);
  // While page_search_source still shows the page.
  if (Status s = UnindexPage(page_id); !s.ok()) return s;
  // Its links stop counting: as a save that drops them all.
  Edit as_edit{.name = request.name};
  if (Status s = UpdateWanted(page_id, as_edit, {}, /*created=*/false); !s.ok()) return s;
  auto bind_id = [page_id](Statement& s) { s.Bind(1, page_id); };
  if (auto done = RunOnce(db_, kClearLinksSql, bind_id); !done.ok()) return done.status();
  auto hidden = RunOnce(db_, kHidePageSql, [&](Statement& s) {
    s.Bind(1, page_id);
    s.Bind(2, DeletedPageName(page_id));
  });
  if (!hidden.ok()) return hidden.status();
  // Links to it lead nowhere now.
  if (Status s = WantAgain(title); !s.ok()) return s;
  auto recorded = RunOnce(db_, kInsertDeletionSql, [&](Statement& s) {
    s.Bind(1, page_id);
    s.Bind(2, title);
    s.Bind(3, PageKey(title));
    s.Bind(4, request.at);
    s.Bind(5, request.author);
    s.Bind(6, request.reason);
    s.Bind(7, revisions);
  });
  if (!recorded.ok()) return recorded.status();
  if (Status s = LogDeletion("delete", title, request); !s.ok()) return s;
  return txn.Commit();
}

Result<std::string> SqlitePageStore::Undelete(const PageDeletionRequest& request) {
  Transaction txn(db_);
  if (Status s = txn.Begin(); !s.ok()) return s;
  const std::string key = PageKey(request.name.title());
  int64_t page_id = 0;
  std::string deleted_name;
  {
    bool found = false;
    auto deletion = RunOnce(
        db_, kDeletionToUndoSql,
        [&](Statement& s) {
          s.Bind(1, key);
          s.Bind(2, request.page_id);
        },
        &found);
    if (!deletion.ok()) return deletion.status();
    if (!found) {
      return Status::NotFound("No deleted page of this name is waiting to be undeleted.");
    }
    page_id = (*deletion)->ColumnInt(0);
    deleted_name = (*deletion)->ColumnText(1);
  }
  auto name = PageName::Parse(deleted_name);
  if (!name.ok()) return name.status();
  auto other = PageByKey(key);
  if (!other.ok()) return other.status();
  if (*other) return UndeleteBlocked(**other);
  auto shown = RunOnce(db_, kShowPageSql, [&](Statement& s) {
    s.Bind(1, page_id);
    s.Bind(2, name->title());
    s.Bind(3, key);
  });
  if (!shown.ok()) return shown.status();
  auto bind_id = [page_id](Statement& s) { s.Bind(1, page_id); };
  auto latest = RunOnce(db_, kLatestTextSql, bind_id);
  if (!latest.ok()) return latest.status();
  Edit as_edit{.name = *name, .text = (*latest)->ColumnText(1)};
  const int64_t revision_id = (*latest)->ColumnInt(0);
  {
    auto links = db_.Prepare(kRevisionLinksSql);
    if (!links.ok()) return links.status();
    Query q(**links);
    q->Bind(1, revision_id);
    while (true) {
      auto row = q->Step();
      if (!row.ok()) return row.status();
      if (!*row) break;
      as_edit.links.insert(q->ColumnText(0));
    }
  }
  // As a save that makes the page with its latest revision's links.
  const std::set<std::string> page_links = OnePerKey(as_edit.links);
  if (Status s = UpdateWanted(page_id, as_edit, page_links, /*created=*/true); !s.ok()) return s;
  if (Status s = WriteLinks(page_id, name->title(), revision_id, {}, page_links); !s.ok()) {
    return s;
  }
  if (Status s = IndexText(page_id, as_edit, /*created=*/true); !s.ok()) return s;
  if (auto done = RunOnce(db_, kRemoveDeletionSql, bind_id); !done.ok()) return done.status();
  if (Status s = LogDeletion("undelete", name->title(), request); !s.ok()) return s;
  if (Status s = txn.Commit(); !s.ok()) return s;
  return name->title();
}

Status SqlitePageStore::AddLogged(RecentChanges* recent, std::optional<int64_t> before_id) {
  Query q(*recent_log_);
  q->Bind(1, before_id.value_or(std::numeric_limits<int64_t>::max()));
  q->Bind(2, OldestLogged(*recent));
  q->Bind(3, static_cast<int64_t>(kMaxLoggedPerWindow));
  std::vector<Change> logged;
  while (true) {
    auto row = q->Step();
    if (!row.ok()) return row.status();
    if (!*row) break;
    logged.push_back(Change{.title = q->ColumnText(0),
                            .revision_id = q->ColumnInt(2),
                            .author = q->ColumnText(3),
                            .author_is_account = q->ColumnInt(6) != 0,
                            .created_at = q->ColumnInt(4),
                            .summary = q->ColumnText(5),
                            .log_action = q->ColumnText(1),
                            .log_id = q->ColumnInt(7),
                            .file_rev = q->ColumnInt(8),
                            .file_size = q->ColumnInt(9),
                            .of_file = q->ColumnInt(10) != 0});
  }
  MergeLogged(&recent->changes, std::move(logged));
  return Status::Ok();
}

Result<std::vector<PageDeletion>> SqlitePageStore::FindDeletions(const PageName& name,
                                                                 int history_limit) {
  std::vector<PageDeletion> deletions;
  {
    Query q(*find_deletion_);
    q->Bind(1, PageKey(name.title()));
    q->Bind(2, static_cast<int64_t>(kMaxDeletionsListed));
    while (true) {
      auto row = q->Step();
      if (!row.ok()) return row.status();
      if (!*row) break;
      deletions.push_back(PageDeletion{.page_id = q->ColumnInt(0),
                                       .title = q->ColumnText(1),
                                       .deleted_by = q->ColumnText(3),
                                       .deleted_at = q->ColumnInt(2),
                                       .reason = q->ColumnText(4),
                                       .revisions = q->ColumnInt(5),
                                       .last = Revision{.id = q->ColumnInt(6),
                                                        .rev = q->ColumnInt(7),
                                                        .author = q->ColumnText(8),
                                                        .author_is_account = q->ColumnInt(9) != 0,
                                                        .created_at = q->ColumnInt(10),
                                                        .summary = q->ColumnText(11),
                                                        .size = q->ColumnInt(12),
                                                        .size_change = q->ColumnInt(13)}});
    }
  }
  if (history_limit <= 0) return deletions;
  for (PageDeletion& deletion : deletions) {
    auto bind_id = [&](Statement& s) { s.Bind(1, deletion.page_id); };
    auto latest = RunOnce(db_, kLatestTextSql, bind_id);
    if (!latest.ok()) return latest.status();
    deletion.text = (*latest)->ColumnText(1);
    auto history = db_.Prepare(kDeletedHistorySql);
    if (!history.ok()) return history.status();
    Query q(**history);
    q->Bind(1, deletion.page_id);
    q->Bind(2, static_cast<int64_t>(history_limit));
    while (true) {
      auto row = q->Step();
      if (!row.ok()) return row.status();
      if (!*row) break;
      Revision& r = deletion.history.emplace_back();
      r.rev = q->ColumnInt(0);
      r.author = q->ColumnText(1);
      r.created_at = q->ColumnInt(2);
      r.summary = q->ColumnText(3);
      r.size = q->ColumnInt(4);
      r.size_change = q->ColumnInt(5);
      r.author_is_account = q->ColumnInt(6) != 0;
      r.id = q->ColumnInt(7);
    }
  }
  return deletions;
}

}  // namespace wikid
