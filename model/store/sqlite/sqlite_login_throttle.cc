#include "model/store/sqlite/sqlite_login_throttle.h"

#include <algorithm>

namespace wikid {
namespace {

// The newest `limit` failures of a scope inside the window: how many,
// and when the oldest of them happened. Reads at most `limit` rows of the
// (scope, at) index.
constexpr char kWindowSql[] = R"sql(
  SELECT count(*), min(at) FROM (
    SELECT at FROM login_failure WHERE scope = ?1 AND at > ?2
     ORDER BY at DESC LIMIT ?3))sql";

constexpr char kInsertSql[] =
    "INSERT INTO login_failure (scope, at) VALUES (?1, ?2)";
constexpr char kPruneSql[] = "DELETE FROM login_failure WHERE at <= ?1";
constexpr char kForgetSql[] = "DELETE FROM login_failure WHERE scope = ?1";

}  // namespace

Result<std::unique_ptr<SqliteLoginThrottle>> SqliteLoginThrottle::Create(
    Database& db, ThrottlePolicy policy) {
  std::unique_ptr<SqliteLoginThrottle> throttle(new SqliteLoginThrottle(db, policy));
  Status prepared = db.PrepareAll({{&throttle->window_, kWindowSql},
                                   {&throttle->insert_, kInsertSql},
                                   {&throttle->prune_, kPruneSql},
                                   {&throttle->forget_, kForgetSql}});
  if (!prepared.ok()) return prepared;
  return throttle;
}

Result<int64_t> SqliteLoginThrottle::RetryAfter(
    const std::vector<std::string>& scopes, int64_t now) {
  int64_t wait = 0;
  for (const std::string& scope : scopes) {
    const int limit = policy_.LimitFor(scope);
    Query q(*window_);
    q->Bind(1, scope);
    q->Bind(2, now - policy_.window_seconds);
    q->Bind(3, static_cast<int64_t>(limit));
    auto row = q->Step();
    if (!row.ok()) return row.status();
    if (*row && q->ColumnInt(0) >= limit) {
      int64_t oldest = q->ColumnInt(1);
      wait = std::max(
          wait, std::max<int64_t>(1, oldest + policy_.window_seconds - now));
    }
  }
  return wait;
}

Status SqliteLoginThrottle::RecordFailure(const std::vector<std::string>& scopes,
                                    int64_t now) {
  Transaction txn(db_);
  if (Status s = txn.Begin(); !s.ok()) return s;
  for (const std::string& scope : scopes) {
    Query q(*insert_);
    q->Bind(1, scope);
    q->Bind(2, now);
    if (auto done = q->Step(); !done.ok()) return done.status();
  }
  {
    Query q(*prune_);
    q->Bind(1, now - policy_.window_seconds);
    if (auto done = q->Step(); !done.ok()) return done.status();
  }
  return txn.Commit();
}

Status SqliteLoginThrottle::Forget(const std::string& scope) {
  forget_->Bind(1, scope);
  auto written = db_.WriteOne(*forget_);
  return written.ok() ? Status::Ok() : written.status();
}

}  // namespace wikid
