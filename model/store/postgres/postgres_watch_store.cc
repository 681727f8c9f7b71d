#include "model/store/postgres/postgres_watch_store.h"

#include <limits>

#include "model/store/postgres/postgres_page_store.h"

namespace wikid {
namespace {

// One read of the page's unique name and the watch's primary key.
constexpr PgStatement kFind{"watch_find", R"sql(
  SELECT p.id, w.account_id IS NOT NULL, coalesce(w.notified, FALSE)
    FROM page p LEFT JOIN watch w ON w.page_id = p.id AND w.account_id = $1::bigint
   WHERE p.name = $2)sql"};

constexpr PgStatement kWatch{"watch_add", R"sql(
  INSERT INTO watch (account_id, page_id, notified)
  SELECT $1::bigint, id, FALSE FROM page WHERE id = $2::bigint
  ON CONFLICT (account_id, page_id) DO NOTHING)sql"};

constexpr PgStatement kUnwatch{
    "watch_remove", "DELETE FROM watch WHERE account_id = $1::bigint AND page_id = $2::bigint"};

// A deleted page's row holds a hidden name (postgres_page_deletion.cc):
// its deletion keeps the name it had.
constexpr PgStatement kTitle{"watch_title", R"sql(
  SELECT coalesce((SELECT d.name FROM page_deletion d WHERE d.page_id = p.id), p.name)
    FROM page p WHERE p.id = $1::bigint)sql"};

constexpr PgStatement kViewed{"watch_viewed", R"sql(
  UPDATE watch SET notified = FALSE
   WHERE account_id = $1::bigint AND page_id = $2::bigint AND notified)sql"};

// At most limit + 1 revisions of each of at most $4 watched pages (the
// (page_id, rev) key, newest first; rev grows with id within a page), so
// the cost is bounded by what the account watches, never by the wiki's
// history.
constexpr PgStatement kList{"watch_list", R"sql(
  SELECT p.name, r.rev, r.id, r.author, r.created_at, r.summary, r.size_change,
         r.account_id IS NOT NULL
    FROM (SELECT w.page_id FROM watch w
            JOIN page lp ON lp.id = w.page_id AND NOT lp.deleted  -- kept for undelete,
                                                                  -- not shown
            JOIN revision lr ON lr.page_id = lp.id AND lr.rev = lp.latest_rev
           WHERE w.account_id = $1::bigint ORDER BY lr.id DESC LIMIT $4::bigint) w
    JOIN page p ON p.id = w.page_id
    CROSS JOIN LATERAL (SELECT v.* FROM revision v
                         WHERE v.page_id = w.page_id AND v.id < $2::bigint
                         ORDER BY v.rev DESC LIMIT $3::bigint) r
   ORDER BY r.id DESC LIMIT $3::bigint)sql"};

// Whether the account watches more than $2 pages that stand (reads $2 + 1
// at most).
constexpr PgStatement kCapped{"watch_capped", R"sql(
  SELECT count(*) > $2::bigint
    FROM (SELECT 1 FROM watch w JOIN page p ON p.id = w.page_id
           WHERE w.account_id = $1::bigint AND NOT p.deleted LIMIT $2::bigint + 1) x)sql"};

constexpr PgStatement kWatchCreated{"watch_created", R"sql(
  INSERT INTO watch (account_id, page_id, notified)
  SELECT a.id, p.id, FALSE FROM account a, page p
   WHERE a.id = $1::bigint AND a.watch_created AND p.name = $2
  ON CONFLICT (account_id, page_id) DO NOTHING)sql"};

// The watchers to tell, marked in the same statement: the watch_by_page
// index, then each watcher's account row. A save holds its page's row
// lock (PostgresPageStore::Save), so two saves of one page take turns.
constexpr PgStatement kTakeWatchers{"watch_take", R"sql(
  WITH told AS (
    UPDATE watch w SET notified = TRUE
      FROM page p, account a
     WHERE p.name = $1 AND w.page_id = p.id AND a.id = w.account_id
       AND NOT w.notified AND a.id <> $2::bigint AND NOT a.disabled
       AND a.email <> '' AND a.confirmed_email = a.email
    RETURNING a.id, a.name, a.email, p.id AS page_id)
  SELECT * FROM told ORDER BY id)sql"};

constexpr PgStatement kSetWatchCreated{
    "watch_set_created", "UPDATE account SET watch_created = $2 WHERE id = $1::bigint"};

constexpr PgStatement kConfirm{"watch_confirm", R"sql(
  UPDATE account SET confirmed_email = email
   WHERE id = $1::bigint AND email = $2 AND email <> '')sql"};

// The confirmation mail limit. The account's row is locked first, so two
// claims at once are one after the other.
constexpr PgStatement kLockAccount{
    "watch_confirm_lock", "SELECT 1 FROM account WHERE id = $1::bigint FOR UPDATE"};
constexpr PgStatement kForgetSent{"watch_confirm_forget", R"sql(
  DELETE FROM confirmation_mail WHERE account_id = $1::bigint AND sent_at <= $2::bigint)sql"};
constexpr PgStatement kSent{"watch_confirm_sent", R"sql(
  SELECT count(*), coalesce(min(sent_at), 0),
         coalesce(sum(CASE WHEN sent_at > $3::bigint THEN 1 ELSE 0 END), 0),
         coalesce(min(CASE WHEN sent_at > $3::bigint THEN sent_at END), 0)
    FROM confirmation_mail WHERE account_id = $1::bigint AND sent_at > $2::bigint)sql"};
constexpr PgStatement kRecordSent{"watch_confirm_record", R"sql(
  INSERT INTO confirmation_mail (account_id, sent_at) VALUES ($1::bigint, $2::bigint))sql"};

Status Done(const Result<PgResult>& r) { return r.ok() ? Status::Ok() : r.status(); }

}  // namespace

Result<std::unique_ptr<PostgresWatchStore>> PostgresWatchStore::Create(PgConnection& db) {
  std::unique_ptr<PostgresWatchStore> store(new PostgresWatchStore(db));
  Status prepared = db.PrepareAll({kFind, kWatch, kUnwatch, kTitle, kViewed, kList,
                                   kWatchCreated, kTakeWatchers, kSetWatchCreated, kConfirm,
                                   kLockAccount, kForgetSent, kSent, kRecordSent, kCapped});
  if (!prepared.ok()) return prepared;
  return store;
}

Result<std::optional<WatchState>> PostgresWatchStore::Find(int64_t user_id,
                                                           const PageName& name) {
  auto r = db_.Run(kFind.name, PgParams().Add(user_id).Add(name.title()));
  if (!r.ok()) return r.status();
  if (r->rows() == 0) return std::optional<WatchState>();
  return std::optional<WatchState>(WatchState{
      .page_id = r->Int(0, 0), .watching = r->Bool(0, 1), .notified = r->Bool(0, 2)});
}

Status PostgresWatchStore::Watch(int64_t user_id, int64_t page_id) {
  if (Status s = Done(db_.Run(kWatch.name, PgParams().Add(user_id).Add(page_id))); !s.ok()) {
    return s;
  }
  return PageTitle(page_id).status();  // NotFound for a page that is not there
}

Status PostgresWatchStore::Unwatch(int64_t user_id, int64_t page_id) {
  return Done(db_.Run(kUnwatch.name, PgParams().Add(user_id).Add(page_id)));
}

Result<std::string> PostgresWatchStore::PageTitle(int64_t page_id) {
  auto r = db_.Run(kTitle.name, PgParams().Add(page_id));
  if (!r.ok()) return r.status();
  if (r->rows() == 0) return Status::NotFound("There is no such page.");
  return r->Text(0, 0);
}

Status PostgresWatchStore::Viewed(int64_t user_id, int64_t page_id) {
  return Done(db_.Run(kViewed.name, PgParams().Add(user_id).Add(page_id)));
}

Result<WatchlistWindow> PostgresWatchStore::List(int64_t user_id,
                                                 std::optional<int64_t> before_id,
                                                 int limit) {
  auto r = db_.Run(kList.name,
                   PgParams()
                       .Add(user_id)
                       .Add(before_id.value_or(std::numeric_limits<int64_t>::max()))
                       .Add(static_cast<int64_t>(limit) + 1)
                       .Add(static_cast<int64_t>(kMaxWatchedPages)));
  if (!r.ok()) return r.status();
  WatchlistWindow window;
  for (int i = 0; i < r->rows() && i < limit; ++i) {
    window.changes.push_back(ChangeFromRow(*r, i));
  }
  window.more = r->rows() > limit;
  auto capped = db_.Run(kCapped.name,
                        PgParams().Add(user_id).Add(static_cast<int64_t>(kMaxWatchedPages)));
  if (!capped.ok()) return capped.status();
  window.capped = capped->Bool(0, 0);
  return window;
}

Status PostgresWatchStore::WatchCreated(int64_t user_id, const std::string& title) {
  return Done(db_.Run(kWatchCreated.name, PgParams().Add(user_id).Add(title)));
}

Result<std::vector<Watcher>> PostgresWatchStore::TakeWatchersToTell(const std::string& title,
                                                                    int64_t editor_id) {
  auto r = db_.Run(kTakeWatchers.name, PgParams().Add(title).Add(editor_id));
  if (!r.ok()) return r.status();
  std::vector<Watcher> watchers;
  for (int i = 0; i < r->rows(); ++i) {
    watchers.push_back(Watcher{.user_id = r->Int(i, 0),
                               .name = r->Text(i, 1),
                               .email = r->Text(i, 2),
                               .page_id = r->Int(i, 3)});
  }
  return watchers;
}

Status PostgresWatchStore::SetWatchCreated(int64_t user_id, bool on) {
  auto r = db_.Run(kSetWatchCreated.name, PgParams().Add(user_id).AddBool(on));
  if (!r.ok()) return r.status();
  if (r->changed() == 0) return Status::NotFound("There is no such user.");
  return Status::Ok();
}

Status PostgresWatchStore::ConfirmEmail(int64_t user_id, const std::string& email) {
  auto r = db_.Run(kConfirm.name, PgParams().Add(user_id).Add(email));
  if (!r.ok()) return r.status();
  if (r->changed() == 0) {
    return Status::Conflict("The account's address has changed since this link was sent.");
  }
  return Status::Ok();
}

Result<int64_t> PostgresWatchStore::ConfirmationMailWait(int64_t user_id, int64_t now,
                                                        bool claim) {
  PgTransaction txn(db_);
  if (claim) {
    if (Status s = txn.Begin(); !s.ok()) return s;
    if (Status s = Done(db_.Run(kLockAccount.name, PgParams().Add(user_id))); !s.ok()) return s;
  }
  const int64_t day_ago = now - 86400;
  auto sent = db_.Run(kSent.name, PgParams().Add(user_id).Add(day_ago).Add(
                                      now - WatchStore::kConfirmationMailWindow));
  if (!sent.ok()) return sent.status();
  const int64_t wait = ConfirmationMailWaitFor(sent->Int(0, 0), sent->Int(0, 1),
                                               sent->Int(0, 2), sent->Int(0, 3), now);
  if (!claim || wait > 0) return wait;
  if (Status s = Done(db_.Run(kForgetSent.name, PgParams().Add(user_id).Add(day_ago)));
      !s.ok()) {
    return s;
  }
  if (Status s = Done(db_.Run(kRecordSent.name, PgParams().Add(user_id).Add(now))); !s.ok()) {
    return s;
  }
  if (Status s = txn.Commit(); !s.ok()) return s;
  return int64_t{0};
}

}  // namespace wikid
