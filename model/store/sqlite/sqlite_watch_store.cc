#include "model/store/sqlite/sqlite_watch_store.h"

#include <limits>

#include "model/store/sqlite/sqlite_page_store.h"

namespace wikid {
namespace {

// One read of the page's unique name and the watch's primary key.
constexpr char kFindSql[] = R"sql(
  SELECT p.id, w.account_id IS NOT NULL, coalesce(w.notified, 0)
    FROM page p LEFT JOIN watch w ON w.page_id = p.id AND w.account_id = ?1
   WHERE p.name = ?2)sql";

constexpr char kWatchSql[] = R"sql(
  INSERT INTO watch (account_id, page_id, notified)
  SELECT ?1, id, 0 FROM page WHERE id = ?2
  ON CONFLICT (account_id, page_id) DO NOTHING)sql";

constexpr char kUnwatchSql[] = "DELETE FROM watch WHERE account_id = ?1 AND page_id = ?2";

// A deleted page's row holds a hidden name (sqlite_page_deletion.cc): its
// deletion keeps the name it had.
constexpr char kTitleSql[] = R"sql(
  SELECT coalesce((SELECT d.name FROM page_deletion d WHERE d.page_id = p.id), p.name)
    FROM page p WHERE p.id = ?1)sql";

constexpr char kViewedSql[] =
    "UPDATE watch SET notified = 0 WHERE account_id = ?1 AND page_id = ?2 AND notified = 1";

// At most limit + 1 revisions of each of at most ?4 watched pages (the
// (page_id, rev) key, newest first; rev grows with id within a page), so
// the cost is bounded by what the account watches, never by the wiki's
// history.
constexpr char kListSql[] = R"sql(
  SELECT p.name, r.rev, r.id, r.author, r.created_at, r.summary, r.size_change,
         r.account_id IS NOT NULL
    FROM (SELECT w.page_id FROM watch w
            JOIN page lp ON lp.id = w.page_id AND lp.deleted = 0  -- kept for undelete,
                                                                  -- not shown
            JOIN revision lr ON lr.page_id = lp.id AND lr.rev = lp.latest_rev
           WHERE w.account_id = ?1 ORDER BY lr.id DESC LIMIT ?4) w
    JOIN page p ON p.id = w.page_id
    JOIN revision r ON r.id IN (SELECT v.id FROM revision v
                                 WHERE v.page_id = w.page_id AND v.id < ?2
                                 ORDER BY v.rev DESC LIMIT ?3)
   ORDER BY r.id DESC LIMIT ?3)sql";

// Whether the account watches more than ?2 pages that stand (reads ?2 + 1
// at most).
constexpr char kCappedSql[] = R"sql(
  SELECT count(*) > ?2 FROM (SELECT 1 FROM watch w JOIN page p ON p.id = w.page_id
                              WHERE w.account_id = ?1 AND p.deleted = 0 LIMIT ?2 + 1))sql";

constexpr char kWatchCreatedSql[] = R"sql(
  INSERT INTO watch (account_id, page_id, notified)
  SELECT a.id, p.id, 0 FROM account a, page p
   WHERE a.id = ?1 AND a.watch_created = 1 AND p.name = ?2
  ON CONFLICT (account_id, page_id) DO NOTHING)sql";

// The watch_by_page index, then each watcher's account row.
constexpr char kWatchersSql[] = R"sql(
  SELECT a.id, a.name, a.email, p.id
    FROM page p JOIN watch w ON w.page_id = p.id JOIN account a ON a.id = w.account_id
   WHERE p.name = ?1 AND w.notified = 0 AND a.id <> ?2 AND a.disabled = 0
     AND a.email <> '' AND a.confirmed_email = a.email
   ORDER BY a.id)sql";

constexpr char kMarkNotifiedSql[] =
    "UPDATE watch SET notified = 1 WHERE account_id = ?1 AND page_id = ?2";

constexpr char kSetWatchCreatedSql[] = "UPDATE account SET watch_created = ?2 WHERE id = ?1";

constexpr char kConfirmSql[] = R"sql(
  UPDATE account SET confirmed_email = email
   WHERE id = ?1 AND email = ?2 AND email <> '')sql";

// The confirmation mail limit (rare: prepared when run). Sends older than
// a day no longer count and are dropped as the account sends again.
constexpr char kForgetSentSql[] =
    "DELETE FROM confirmation_mail WHERE account_id = ?1 AND sent_at <= ?2";
constexpr char kSentSql[] = R"sql(
  SELECT count(*), coalesce(min(sent_at), 0),
         coalesce(sum(CASE WHEN sent_at > ?3 THEN 1 ELSE 0 END), 0),
         coalesce(min(CASE WHEN sent_at > ?3 THEN sent_at END), 0)
    FROM confirmation_mail WHERE account_id = ?1 AND sent_at > ?2)sql";
constexpr char kRecordSentSql[] =
    "INSERT INTO confirmation_mail (account_id, sent_at) VALUES (?1, ?2)";

}  // namespace

Result<std::unique_ptr<SqliteWatchStore>> SqliteWatchStore::Create(Database& db) {
  std::unique_ptr<SqliteWatchStore> store(new SqliteWatchStore(db));
  Status prepared = db.PrepareAll({{&store->find_, kFindSql},
                                   {&store->watch_, kWatchSql},
                                   {&store->unwatch_, kUnwatchSql},
                                   {&store->title_, kTitleSql},
                                   {&store->viewed_, kViewedSql},
                                   {&store->list_, kListSql},
                                   {&store->watch_created_, kWatchCreatedSql},
                                   {&store->watchers_, kWatchersSql},
                                   {&store->mark_notified_, kMarkNotifiedSql},
                                   {&store->set_watch_created_, kSetWatchCreatedSql},
                                   {&store->confirm_, kConfirmSql}});
  if (!prepared.ok()) return prepared;
  return store;
}

Result<std::optional<WatchState>> SqliteWatchStore::Find(int64_t user_id,
                                                         const PageName& name) {
  Query q(*find_);
  q->Bind(1, user_id);
  q->Bind(2, name.title());
  auto row = q->Step();
  if (!row.ok()) return row.status();
  if (!*row) return std::optional<WatchState>();
  return std::optional<WatchState>(WatchState{.page_id = q->ColumnInt(0),
                                              .watching = q->ColumnInt(1) != 0,
                                              .notified = q->ColumnInt(2) != 0});
}

Result<int> SqliteWatchStore::WritePair(Statement& stmt, int64_t user_id, int64_t page_id) {
  stmt.Bind(1, user_id);
  stmt.Bind(2, page_id);
  return db_.WriteOne(stmt);
}

Status SqliteWatchStore::Watch(int64_t user_id, int64_t page_id) {
  if (auto done = WritePair(*watch_, user_id, page_id); !done.ok()) return done.status();
  return PageTitle(page_id).status();  // NotFound for a page that is not there
}

Status SqliteWatchStore::Unwatch(int64_t user_id, int64_t page_id) {
  return WritePair(*unwatch_, user_id, page_id).status();
}

Result<std::string> SqliteWatchStore::PageTitle(int64_t page_id) {
  Query q(*title_);
  q->Bind(1, page_id);
  auto row = q->Step();
  if (!row.ok()) return row.status();
  if (!*row) return Status::NotFound("There is no such page.");
  return q->ColumnText(0);
}

Status SqliteWatchStore::Viewed(int64_t user_id, int64_t page_id) {
  return WritePair(*viewed_, user_id, page_id).status();
}

Result<WatchlistWindow> SqliteWatchStore::List(int64_t user_id,
                                               std::optional<int64_t> before_id, int limit) {
  WatchlistWindow window;
  Query q(*list_);
  q->Bind(1, user_id);
  q->Bind(2, before_id.value_or(std::numeric_limits<int64_t>::max()));
  q->Bind(3, static_cast<int64_t>(limit) + 1);
  q->Bind(4, static_cast<int64_t>(kMaxWatchedPages));
  auto more = ReadWindow(*q, limit, window.changes, ChangeFromRow);
  if (!more.ok()) return more.status();
  window.more = *more;
  auto capped = db_.Prepare(kCappedSql);  // one view of a watchlist: not kept
  if (!capped.ok()) return capped.status();
  (*capped)->Bind(1, user_id);
  (*capped)->Bind(2, static_cast<int64_t>(kMaxWatchedPages));
  auto row = (*capped)->Step();
  if (!row.ok()) return row.status();
  window.capped = *row && (*capped)->ColumnInt(0) != 0;
  return window;
}

Status SqliteWatchStore::WatchCreated(int64_t user_id, const std::string& title) {
  Query q(*watch_created_);
  q->Bind(1, user_id);
  q->Bind(2, title);
  return q->Step().status();
}

Result<std::vector<Watcher>> SqliteWatchStore::TakeWatchersToTell(const std::string& title,
                                                                  int64_t editor_id) {
  std::vector<Watcher> watchers;
  {
    Query q(*watchers_);
    q->Bind(1, title);
    q->Bind(2, editor_id);
    while (true) {
      auto row = q->Step();
      if (!row.ok()) return row.status();
      if (!*row) break;
      watchers.push_back(Watcher{.user_id = q->ColumnInt(0),
                                 .name = q->ColumnText(1),
                                 .email = q->ColumnText(2),
                                 .page_id = q->ColumnInt(3)});
    }
  }
  for (const Watcher& w : watchers) {
    Query q(*mark_notified_);
    q->Bind(1, w.user_id);
    q->Bind(2, w.page_id);
    if (auto done = q->Step(); !done.ok()) return done.status();
  }
  return watchers;
}

Status SqliteWatchStore::SetWatchCreated(int64_t user_id, bool on) {
  auto changed = WritePair(*set_watch_created_, user_id, on ? 1 : 0);
  if (!changed.ok()) return changed.status();
  if (*changed == 0) return Status::NotFound("There is no such user.");
  return Status::Ok();
}

Status SqliteWatchStore::ConfirmEmail(int64_t user_id, const std::string& email) {
  confirm_->Bind(1, user_id);
  confirm_->Bind(2, email);
  auto changed = db_.WriteOne(*confirm_);
  if (!changed.ok()) return changed.status();
  if (*changed == 0) {
    return Status::Conflict("The account's address has changed since this link was sent.");
  }
  return Status::Ok();
}

Result<int64_t> SqliteWatchStore::ConfirmationMailWait(int64_t user_id, int64_t now,
                                                      bool claim) {
  // BEGIN IMMEDIATE: two claims at once are one after the other.
  Transaction txn(db_);
  if (claim) {
    if (Status s = txn.Begin(); !s.ok()) return s;
  }
  auto run = [&](const char* sql, int64_t value,
                 int64_t window = 0) -> Result<std::unique_ptr<Statement>> {
    auto stmt = db_.Prepare(sql);
    if (!stmt.ok()) return stmt.status();
    (*stmt)->Bind(1, user_id);
    (*stmt)->Bind(2, value);
    if (window != 0) (*stmt)->Bind(3, window);
    auto stepped = (*stmt)->Step();
    if (!stepped.ok()) return stepped.status();
    return std::move(*stmt);
  };
  const int64_t day_ago = now - 86400;
  int64_t wait = 0;
  {
    auto sent = run(kSentSql, day_ago, now - WatchStore::kConfirmationMailWindow);
    if (!sent.ok()) return sent.status();
    wait = ConfirmationMailWaitFor((*sent)->ColumnInt(0), (*sent)->ColumnInt(1),
                                   (*sent)->ColumnInt(2), (*sent)->ColumnInt(3), now);
  }
  if (!claim || wait > 0) return wait;
  if (auto done = run(kForgetSentSql, day_ago); !done.ok()) return done.status();
  if (auto done = run(kRecordSentSql, now); !done.ok()) return done.status();
  if (Status s = txn.Commit(); !s.ok()) return s;
  return int64_t{0};
}

}  // namespace wikid
