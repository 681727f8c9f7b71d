#include "model/store/postgres/postgres_login_throttle.h"

namespace wikid {
namespace {

// The questions of SqliteLoginThrottle, in PostgreSQL's dialect: each
// reads one range of the (scope, at) index.
constexpr PgStatement kName{"throttle_name", R"sql(
  SELECT count(*), coalesce(max(at), 0) FROM login_failure
   WHERE scope = $1 AND at > $2)sql"};
constexpr PgStatement kNewest{"throttle_newest", R"sql(
  SELECT count(*), coalesce(min(at), 0) FROM (
    SELECT at FROM login_failure WHERE scope = $1 AND at > $2
     ORDER BY at DESC LIMIT $3) AS newest)sql"};
constexpr PgStatement kNthName{"throttle_nth_name", R"sql(
  SELECT count(*), coalesce(max(newest), 0) FROM (
    SELECT max(at) AS newest FROM login_failure WHERE scope = $1 AND at > $2
     GROUP BY name ORDER BY newest DESC LIMIT 1 OFFSET $3 - 1) AS nth)sql"};
// `name` is the name scope an address's row tried ('' on a name's row).
constexpr PgStatement kInsert{"throttle_insert",
                              "INSERT INTO login_failure (scope, at, name) VALUES ($1, $2, $3)"};
constexpr PgStatement kPrune{"throttle_prune", "DELETE FROM login_failure WHERE at <= $1"};
constexpr PgStatement kForget{"throttle_forget",
                              "DELETE FROM login_failure WHERE scope = $1 OR name = $1"};

}  // namespace

Result<std::unique_ptr<PostgresLoginThrottle>> PostgresLoginThrottle::Create(
    PgConnection& db, ThrottlePolicy policy) {
  std::unique_ptr<PostgresLoginThrottle> throttle(new PostgresLoginThrottle(db, policy));
  Status prepared = db.PrepareAll({kName, kNewest, kNthName, kInsert, kPrune, kForget});
  if (!prepared.ok()) return prepared;
  return throttle;
}

Result<LoginThrottle::Count> PostgresLoginThrottle::Ask(const char* name,
                                                        const PgParams& params) {
  auto r = db_.Run(name, params);
  if (!r.ok()) return r.status();
  if (r->rows() == 0) return Count{};
  return Count{.count = r->Int(0, 0), .at = r->Int(0, 1)};
}

Result<LoginThrottle::Count> PostgresLoginThrottle::NameFailures(const std::string& scope,
                                                                 int64_t since) {
  return Ask(kName.name, PgParams().Add(scope).Add(since));
}

Result<LoginThrottle::Count> PostgresLoginThrottle::NewestFailures(const std::string& scope,
                                                                   int64_t since,
                                                                   int64_t limit) {
  return Ask(kNewest.name, PgParams().Add(scope).Add(since).Add(limit));
}

Result<LoginThrottle::Count> PostgresLoginThrottle::NthNewestName(const std::string& scope,
                                                                  int64_t since, int64_t n) {
  return Ask(kNthName.name, PgParams().Add(scope).Add(since).Add(n));
}

Status PostgresLoginThrottle::RecordFailure(const LoginKey& key, int64_t now) {
  PgTransaction txn(db_);
  if (Status s = txn.Begin(); !s.ok()) return s;
  auto done = db_.Run(kInsert.name, PgParams().Add(key.name).Add(now).Add(std::string()));
  if (!done.ok()) return done.status();
  if (!key.address.empty()) {
    done = db_.Run(kInsert.name, PgParams().Add(key.address).Add(now).Add(key.name));
    if (!done.ok()) return done.status();
  }
  auto pruned = db_.Run(kPrune.name, PgParams().Add(now - policy().KeepSeconds()));
  if (!pruned.ok()) return pruned.status();
  return txn.Commit();
}

Status PostgresLoginThrottle::Forget(const LoginKey& key) {
  auto done = db_.Run(kForget.name, PgParams().Add(key.name));
  return done.ok() ? Status::Ok() : done.status();
}

}  // namespace wikid
