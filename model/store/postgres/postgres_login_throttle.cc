#include "model/store/postgres/postgres_login_throttle.h"

#include <algorithm>

namespace wikid {
namespace {

// The newest `limit` failures of a scope inside the window: how many,
// and when the oldest of them happened. Reads at most `limit` rows of the
// (scope, at) index.
constexpr PgStatement kWindow{"throttle_window", R"sql(
  SELECT count(*), coalesce(min(at), 0) FROM (
    SELECT at FROM login_failure WHERE scope = $1 AND at > $2
     ORDER BY at DESC LIMIT $3) AS newest)sql"};
constexpr PgStatement kInsert{"throttle_insert",
                              "INSERT INTO login_failure (scope, at) VALUES ($1, $2)"};
constexpr PgStatement kPrune{"throttle_prune", "DELETE FROM login_failure WHERE at <= $1"};
constexpr PgStatement kForget{"throttle_forget", "DELETE FROM login_failure WHERE scope = $1"};

}  // namespace

Result<std::unique_ptr<PostgresLoginThrottle>> PostgresLoginThrottle::Create(
    PgConnection& db, ThrottlePolicy policy) {
  std::unique_ptr<PostgresLoginThrottle> throttle(new PostgresLoginThrottle(db, policy));
  Status prepared = db.PrepareAll({kWindow, kInsert, kPrune, kForget});
  if (!prepared.ok()) return prepared;
  return throttle;
}

Result<int64_t> PostgresLoginThrottle::RetryAfter(const std::vector<std::string>& scopes,
                                                  int64_t now) {
  int64_t wait = 0;
  for (const std::string& scope : scopes) {
    const int limit = policy_.LimitFor(scope);
    auto r = db_.Run(kWindow.name, PgParams()
                                       .Add(scope)
                                       .Add(now - policy_.window_seconds)
                                       .Add(int64_t{limit}));
    if (!r.ok()) return r.status();
    if (r->Int(0, 0) >= limit) {
      const int64_t oldest = r->Int(0, 1);
      wait = std::max(wait, std::max<int64_t>(1, oldest + policy_.window_seconds - now));
    }
  }
  return wait;
}

Status PostgresLoginThrottle::RecordFailure(const std::vector<std::string>& scopes,
                                            int64_t now) {
  PgTransaction txn(db_);
  if (Status s = txn.Begin(); !s.ok()) return s;
  for (const std::string& scope : scopes) {
    auto done = db_.Run(kInsert.name, PgParams().Add(scope).Add(now));
    if (!done.ok()) return done.status();
  }
  auto pruned = db_.Run(kPrune.name, PgParams().Add(now - policy_.window_seconds));
  if (!pruned.ok()) return pruned.status();
  return txn.Commit();
}

Status PostgresLoginThrottle::Forget(const std::string& scope) {
  auto done = db_.Run(kForget.name, PgParams().Add(scope));
  return done.ok() ? Status::Ok() : done.status();
}

}  // namespace wikid
