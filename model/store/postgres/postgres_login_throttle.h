// PostgresLoginThrottle: LoginThrottle on one PostgreSQL connection, in the
// login_failure table, with the same contracts as SqliteLoginThrottle (the
// same tests run against both). One per worker; `db` must outlive it.
#pragma once

#include <memory>

#include "model/store/login_throttle.h"
#include "model/store/postgres/pg_connection.h"

namespace wikid {

class PostgresLoginThrottle : public LoginThrottle {
 public:
  // Prepares its statements once.
  static Result<std::unique_ptr<PostgresLoginThrottle>> Create(PgConnection& db,
                                                               ThrottlePolicy policy);

  Result<int64_t> RetryAfter(const std::vector<std::string>& scopes, int64_t now) override;
  Status RecordFailure(const std::vector<std::string>& scopes, int64_t now) override;
  Status Forget(const std::string& scope) override;

 private:
  PostgresLoginThrottle(PgConnection& db, ThrottlePolicy policy) : db_(db), policy_(policy) {}

  PgConnection& db_;
  ThrottlePolicy policy_;
};

}  // namespace wikid
