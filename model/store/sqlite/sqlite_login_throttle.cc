#include "model/store/sqlite/sqlite_login_throttle.h"

#include <optional>

namespace wikid {
namespace {

// Each question reads one range of the (scope, at) index: a name's
// failures in its window, at most `limit` of an address's, or an
// address's failures grouped by the name they tried.
constexpr char kNameSql[] = R"sql(
  SELECT count(*), coalesce(max(at), 0) FROM login_failure
   WHERE scope = ?1 AND at > ?2)sql";
constexpr char kNewestSql[] = R"sql(
  SELECT count(*), coalesce(min(at), 0) FROM (
    SELECT at FROM login_failure WHERE scope = ?1 AND at > ?2
     ORDER BY at DESC LIMIT ?3))sql";
constexpr char kNthNameSql[] = R"sql(
  SELECT count(*), coalesce(max(newest), 0) FROM (
    SELECT max(at) AS newest FROM login_failure WHERE scope = ?1 AND at > ?2
     GROUP BY name ORDER BY newest DESC LIMIT 1 OFFSET ?3 - 1))sql";

// `name` is the name scope an address's row tried ('' on a name's row).
constexpr char kInsertSql[] =
    "INSERT INTO login_failure (scope, at, name) VALUES (?1, ?2, ?3)";
constexpr char kPruneSql[] = "DELETE FROM login_failure WHERE at <= ?1";
constexpr char kForgetSql[] = "DELETE FROM login_failure WHERE scope = ?1 OR name = ?1";

}  // namespace

Result<std::unique_ptr<SqliteLoginThrottle>> SqliteLoginThrottle::Create(
    Database& db, ThrottlePolicy policy) {
  std::unique_ptr<SqliteLoginThrottle> throttle(new SqliteLoginThrottle(db, policy));
  Status prepared = db.PrepareAll({{&throttle->name_, kNameSql},
                                   {&throttle->newest_, kNewestSql},
                                   {&throttle->nth_name_, kNthNameSql},
                                   {&throttle->insert_, kInsertSql},
                                   {&throttle->prune_, kPruneSql},
                                   {&throttle->forget_, kForgetSql}});
  if (!prepared.ok()) return prepared;
  return throttle;
}

Result<LoginThrottle::Count> SqliteLoginThrottle::Ask(Statement& stmt, const std::string& scope,
                                                      int64_t since,
                                                      std::optional<int64_t> third) {
  Query q(stmt);
  q->Bind(1, scope);
  q->Bind(2, since);
  if (third) q->Bind(3, *third);
  auto row = q->Step();
  if (!row.ok()) return row.status();
  if (!*row) return Count{};
  return Count{.count = q->ColumnInt(0), .at = q->ColumnInt(1)};
}

Result<LoginThrottle::Count> SqliteLoginThrottle::NameFailures(const std::string& scope,
                                                               int64_t since) {
  return Ask(*name_, scope, since, std::nullopt);
}

Result<LoginThrottle::Count> SqliteLoginThrottle::NewestFailures(const std::string& scope,
                                                                 int64_t since, int64_t limit) {
  return Ask(*newest_, scope, since, limit);
}

Result<LoginThrottle::Count> SqliteLoginThrottle::NthNewestName(const std::string& scope,
                                                                int64_t since, int64_t n) {
  return Ask(*nth_name_, scope, since, n);
}

Status SqliteLoginThrottle::RecordFailure(const LoginKey& key, int64_t now) {
  Transaction txn(db_);
  if (Status s = txn.Begin(); !s.ok()) return s;
  auto insert = [&](const std::string& scope, const std::string& name) {
    Query q(*insert_);
    q->Bind(1, scope);
    q->Bind(2, now);
    q->Bind(3, name);
    auto done = q->Step();
    return done.ok() ? Status::Ok() : done.status();
  };
  if (Status s = insert(key.name, ""); !s.ok()) return s;
  if (!key.address.empty()) {
    if (Status s = insert(key.address, key.name); !s.ok()) return s;
  }
  {
    Query q(*prune_);
    q->Bind(1, now - policy().KeepSeconds());
    if (auto done = q->Step(); !done.ok()) return done.status();
  }
  return txn.Commit();
}

Status SqliteLoginThrottle::Forget(const LoginKey& key) {
  forget_->Bind(1, key.name);
  auto written = db_.WriteOne(*forget_);
  return written.ok() ? Status::Ok() : written.status();
}

}  // namespace wikid
