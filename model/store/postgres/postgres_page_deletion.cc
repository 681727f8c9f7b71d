// Delete and undelete on PostgreSQL (issue 20), as on SQLite
// (sqlite_page_deletion.cc says how a deleted page is kept): the page's
// row hidden under DeletedPageName and flagged, its current links and
// search entry removed, the wanted counts and site_count kept true, in
// one transaction that takes the locks a save of the page would (its
// key's and its links' keys, then its row), so the wanted counts stay
// exact beside concurrent saves.
#include <unistd.h>

#include <limits>
#include <vector>

#include "model/store/page_links.h"
#include "model/store/postgres/postgres_page_store.h"

namespace wikid {
namespace {

constexpr PgStatement kPageToDelete{"deletion_page", R"sql(
  SELECT id, latest_rev FROM page WHERE name = $1 AND NOT deleted FOR UPDATE)sql"};
constexpr PgStatement kHidePage{"deletion_hide", R"sql(
  UPDATE page SET name = $2, name_key = $2, deleted = TRUE WHERE id = $1)sql"};
constexpr PgStatement kShowPage{"deletion_show", R"sql(
  UPDATE page SET name = $2, name_key = $3, deleted = FALSE WHERE id = $1)sql"};
constexpr PgStatement kInsertDeletion{"deletion_insert", R"sql(
  INSERT INTO page_deletion (page_id, name, name_key, deleted_at, deleted_by, reason, revisions)
  VALUES ($1, $2, $3, $4, $5, $6, $7))sql"};
constexpr PgStatement kRemoveDeletion{"deletion_remove",
                                      "DELETE FROM page_deletion WHERE page_id = $1"};
// The deletions of a key that stand, newest first, each with its last
// revision (FindDeletions).
constexpr PgStatement kFindDeletion{"deletion_find", R"sql(
  SELECT d.page_id, d.name, d.deleted_at, d.deleted_by, d.reason, d.revisions,
         r.id, r.rev, r.author, r.account_id IS NOT NULL, r.created_at, r.summary, r.size,
         r.size_change
    FROM page_deletion d JOIN page p ON p.id = d.page_id
    JOIN revision r ON r.page_id = p.id AND r.rev = p.latest_rev
   WHERE d.name_key = $1
   ORDER BY d.deleted_at DESC, d.page_id DESC LIMIT $2)sql"};
// The deletion an undelete undoes: page $2 if it is one of key $1, the
// latest of that key when $2 is 0; its row locked, so two undeletes of
// it do not both go on.
constexpr PgStatement kLockDeletion{"deletion_lock", R"sql(
  SELECT page_id, name, revisions FROM page_deletion
   WHERE name_key = $1 AND ($2::bigint = 0 OR page_id = $2)
   ORDER BY deleted_at DESC, page_id DESC LIMIT 1 FOR UPDATE)sql"};
constexpr PgStatement kLatestText{"deletion_latest_text", R"sql(
  SELECT r.id, r.text FROM page p JOIN revision r ON r.page_id = p.id AND r.rev = p.latest_rev
   WHERE p.id = $1)sql"};
constexpr PgStatement kRevisionLinks{"deletion_revision_links",
                                     "SELECT target FROM revision_link WHERE revision_id = $1"};
constexpr PgStatement kUnindex{"deletion_unindex", "DELETE FROM page_search WHERE page_id = $1"};
constexpr PgStatement kLinksToKey{"deletion_links_to_key", R"sql(
  SELECT count(*), min(target) FROM page_link WHERE target_key = $1)sql"};
constexpr PgStatement kInsertWanted{"deletion_insert_wanted", R"sql(
  INSERT INTO wanted (target_key, target, links) VALUES ($1, $2, $3))sql"};
// Counted in this process's shard, as saves count (CountSave).
constexpr PgStatement kCount{"deletion_count", R"sql(
  UPDATE site_count SET pages = pages + $2, revisions = revisions + $3 WHERE shard = $1)sql"};
constexpr PgStatement kLog{"deletion_log", R"sql(
  INSERT INTO page_log (action, name, author, account_id, created_at, reason, after_revision)
  VALUES ($1, $2, $3, $4, $5, $6, coalesce((SELECT max(id) FROM revision), 0)))sql"};
constexpr PgStatement kDeletedHistory{"deletion_history", R"sql(
  SELECT rev, author, created_at, summary, size, size_change, account_id IS NOT NULL, id
    FROM revision WHERE page_id = $1 ORDER BY rev DESC LIMIT $2)sql"};

// With the uploads (file revisions, issue 19) among them the same way;
// each part reads at most $3 rows of its own index.
constexpr PgStatement kRecentLog{"deletion_recent_log", R"sql(
  SELECT name, action, after_revision, author, created_at, reason, by_account, id, rev, size,
         kind
    FROM ((SELECT name, action, after_revision, author, created_at, reason,
                  account_id IS NOT NULL AS by_account, id, 0::bigint AS rev,
                  0::bigint AS size, 0 AS kind
             FROM page_log WHERE after_revision < $1 AND after_revision >= $2
            ORDER BY after_revision DESC, id DESC LIMIT $3)
          UNION ALL
          (SELECT f.name, 'upload', fr.after_revision, fr.author, fr.created_at, fr.summary,
                  fr.account_id IS NOT NULL, fr.id, fr.rev, b.size, 1
             FROM file_revision fr JOIN file f ON f.id = fr.file_id
                  JOIN file_blob b ON b.id = fr.blob_id
            WHERE fr.after_revision < $1 AND fr.after_revision >= $2 AND NOT f.deleted
            ORDER BY fr.after_revision DESC, fr.id DESC LIMIT $3)
          UNION ALL
          (SELECT f.name, l.action, l.after_revision, l.author, l.created_at, l.reason,
                  l.account_id IS NOT NULL, l.id, 0::bigint, 0::bigint, 2
             FROM file_log l JOIN file f ON f.id = l.file_id
            WHERE l.after_revision < $1 AND l.after_revision >= $2
            ORDER BY l.after_revision DESC, l.id DESC LIMIT $3)) AS logged
   ORDER BY after_revision DESC, created_at DESC, kind DESC, id DESC LIMIT $3)sql"};

Status Done(const Result<PgResult>& r) { return r.ok() ? Status::Ok() : r.status(); }

}  // namespace

Status PostgresPageStore::PrepareDeletion() {
  return db_.PrepareAll({kPageToDelete, kHidePage, kShowPage, kInsertDeletion, kRemoveDeletion,
                         kFindDeletion, kLockDeletion, kLatestText, kRevisionLinks, kUnindex,
                         kLinksToKey, kInsertWanted, kCount, kLog, kDeletedHistory, kRecentLog});
}

Status PostgresPageStore::WantAgain(const std::string& title) {
  if (title.starts_with(kFileLinkPrefix)) return Status::Ok();  // never wanted
  const std::string key = PageKey(title);
  auto other = PageByKey(key);
  if (!other.ok()) return other.status();
  if (*other) return Status::Ok();  // another page of that key stands
  auto links = db_.Run(kLinksToKey.name, PgParams().Add(key));
  if (!links.ok()) return links.status();
  const int64_t count = links->Int(0, 0);
  if (count == 0) return Status::Ok();
  return Done(db_.Run(kInsertWanted.name, PgParams().Add(key).Add(links->Text(0, 1)).Add(count)));
}

Status PostgresPageStore::LogDeletion(const char* action, const std::string& title,
                                      const PageDeletionRequest& request) {
  return Done(db_.Run(kLog.name,
                      PgParams()
                          .Add(action)
                          .Add(title)
                          .Add(request.author)
                          .Add(request.account_id != 0
                                   ? std::optional<int64_t>(request.account_id)
                                   : std::nullopt)
                          .Add(request.at)
                          .Add(request.reason)));
}

Status PostgresPageStore::Delete(const PageDeletionRequest& request) {
  PgTransaction txn(db_);
  if (Status s = txn.Begin(); !s.ok()) return s;
  const std::string& title = request.name.title();
  // The keys a save dropping every link of the page would lock.
  Edit as_edit{.name = request.name};
  if (Status s = LockKeys(as_edit); !s.ok()) return s;
  auto page = db_.Run(kPageToDelete.name, PgParams().Add(title));
  if (!page.ok()) return page.status();
  if (page->rows() == 0) return Status::NotFound("There is no page of this name to delete.");
  const int64_t page_id = page->Int(0, 0);
  const int64_t revisions = page->Int(0, 1);
  if (Status s = Done(db_.Run(kUnindex.name, PgParams().Add(page_id))); !s.ok()) return s;
  if (Status s = UpdateWanted(page_id, as_edit, {}, /*created=*/false); !s.ok()) return s;
  if (Status s = WriteLinks(page_id, title, 0, {}, {}); !s.ok()) return s;
  if (Status s = Done(db_.Run(kHidePage.name, PgParams().Add(page_id).Add(DeletedPageName(page_id))));
      !s.ok()) {
    return s;
  }
  if (Status s = WantAgain(title); !s.ok()) return s;
  if (Status s = Done(db_.Run(kInsertDeletion.name, PgParams()
                                                        .Add(page_id)
                                                        .Add(title)
                                                        .Add(PageKey(title))
                                                        .Add(request.at)
                                                        .Add(request.author)
                                                        .Add(request.reason)
                                                        .Add(revisions)));
      !s.ok()) {
    return s;
  }
  const int64_t shard = getpid() % 16;
  if (Status s = Done(db_.Run(kCount.name,
                              PgParams().Add(shard).Add(int64_t{-1}).Add(-revisions)));
      !s.ok()) {
    return s;
  }
  if (Status s = LogDeletion("delete", title, request); !s.ok()) return s;
  return txn.Commit();
}

Result<std::string> PostgresPageStore::Undelete(const PageDeletionRequest& request) {
  PgTransaction txn(db_);
  if (Status s = txn.Begin(); !s.ok()) return s;
  const std::string key = PageKey(request.name.title());
  auto deletion = db_.Run(kLockDeletion.name, PgParams().Add(key).Add(request.page_id));
  if (!deletion.ok()) return deletion.status();
  if (deletion->rows() == 0) {
    return Status::NotFound("No deleted page of this name is waiting to be undeleted.");
  }
  const int64_t page_id = deletion->Int(0, 0);
  const int64_t count = deletion->Int(0, 2);
  auto name = PageName::Parse(deletion->Text(0, 1));
  if (!name.ok()) return name.status();
  auto latest = db_.Run(kLatestText.name, PgParams().Add(page_id));
  if (!latest.ok()) return latest.status();
  const int64_t revision_id = latest->Int(0, 0);
  Edit as_edit{.name = *name, .text = latest->Text(0, 1)};
  auto links = db_.Run(kRevisionLinks.name, PgParams().Add(revision_id));
  if (!links.ok()) return links.status();
  for (int i = 0; i < links->rows(); ++i) as_edit.links.insert(links->Text(i, 0));
  // The locks of a save making the page with those links; then whether a
  // page of its key was made meanwhile (a save making one takes the key's
  // lock first).
  if (Status s = LockKeys(as_edit); !s.ok()) return s;
  auto other = PageByKey(key);
  if (!other.ok()) return other.status();
  if (*other) return UndeleteBlocked(**other);
  if (Status s = Done(db_.Run(kShowPage.name,
                              PgParams().Add(page_id).Add(name->title()).Add(key)));
      !s.ok()) {
    return s;
  }
  const std::set<std::string> page_links = OnePerKey(as_edit.links);
  if (Status s = UpdateWanted(page_id, as_edit, page_links, /*created=*/true); !s.ok()) return s;
  if (Status s = WriteLinks(page_id, name->title(), revision_id, {}, page_links); !s.ok()) {
    return s;
  }
  if (Status s = IndexText(page_id, as_edit); !s.ok()) return s;
  if (Status s = Done(db_.Run(kRemoveDeletion.name, PgParams().Add(page_id))); !s.ok()) return s;
  const int64_t shard = getpid() % 16;
  if (Status s = Done(db_.Run(kCount.name, PgParams().Add(shard).Add(int64_t{1}).Add(count)));
      !s.ok()) {
    return s;
  }
  if (Status s = LogDeletion("undelete", name->title(), request); !s.ok()) return s;
  if (Status s = txn.Commit(); !s.ok()) return s;
  return name->title();
}

Status PostgresPageStore::AddLogged(RecentChanges* recent, std::optional<int64_t> before_id) {
  auto r = db_.Run(kRecentLog.name,
                   PgParams()
                       .Add(before_id.value_or(std::numeric_limits<int64_t>::max()))
                       .Add(OldestLogged(*recent))
                       .Add(static_cast<int64_t>(kMaxLoggedPerWindow)));
  if (!r.ok()) return r.status();
  std::vector<Change> logged;
  for (int i = 0; i < r->rows(); ++i) {
    logged.push_back(Change{.title = r->Text(i, 0),
                            .revision_id = r->Int(i, 2),
                            .author = r->Text(i, 3),
                            .author_is_account = r->Bool(i, 6),
                            .created_at = r->Int(i, 4),
                            .summary = r->Text(i, 5),
                            .log_action = r->Text(i, 1),
                            .log_id = r->Int(i, 7),
                            .file_rev = r->Int(i, 8),
                            .file_size = r->Int(i, 9),
                            .of_file = r->Int(i, 10) != 0});
  }
  MergeLogged(&recent->changes, std::move(logged));
  return Status::Ok();
}

Result<std::vector<PageDeletion>> PostgresPageStore::FindDeletions(const PageName& name,
                                                                   int history_limit) {
  auto r = db_.Run(kFindDeletion.name, PgParams()
                                           .Add(PageKey(name.title()))
                                           .Add(static_cast<int64_t>(kMaxDeletionsListed)));
  if (!r.ok()) return r.status();
  std::vector<PageDeletion> deletions;
  for (int i = 0; i < r->rows(); ++i) {
    deletions.push_back(PageDeletion{.page_id = r->Int(i, 0),
                                     .title = r->Text(i, 1),
                                     .deleted_by = r->Text(i, 3),
                                     .deleted_at = r->Int(i, 2),
                                     .reason = r->Text(i, 4),
                                     .revisions = r->Int(i, 5),
                                     .last = Revision{.id = r->Int(i, 6),
                                                      .rev = r->Int(i, 7),
                                                      .author = r->Text(i, 8),
                                                      .author_is_account = r->Bool(i, 9),
                                                      .created_at = r->Int(i, 10),
                                                      .summary = r->Text(i, 11),
                                                      .size = r->Int(i, 12),
                                                      .size_change = r->Int(i, 13)}});
  }
  if (history_limit <= 0) return deletions;
  for (PageDeletion& deletion : deletions) {
    auto latest = db_.Run(kLatestText.name, PgParams().Add(deletion.page_id));
    if (!latest.ok()) return latest.status();
    if (latest->rows() > 0) deletion.text = latest->Text(0, 1);
    auto history = db_.Run(kDeletedHistory.name, PgParams()
                                                     .Add(deletion.page_id)
                                                     .Add(static_cast<int64_t>(history_limit)));
    if (!history.ok()) return history.status();
    for (int i = 0; i < history->rows(); ++i) {
      deletion.history.push_back(Revision{.id = history->Int(i, 7),
                                          .rev = history->Int(i, 0),
                                          .author = history->Text(i, 1),
                                          .author_is_account = history->Bool(i, 6),
                                          .created_at = history->Int(i, 2),
                                          .summary = history->Text(i, 3),
                                          .size = history->Int(i, 4),
                                          .size_change = history->Int(i, 5)});
    }
  }
  return deletions;
}

}  // namespace wikid
