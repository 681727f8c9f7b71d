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

  Status RecordFailure(const LoginKey& key, int64_t now) override;
  Status Forget(const LoginKey& key) override;

 protected:
  Result<Count> NameFailures(const std::string& scope, int64_t since) override;
  Result<Count> NewestFailures(const std::string& scope, int64_t since,
                               int64_t limit) override;
  Result<Count> NthNewestName(const std::string& scope, int64_t since, int64_t n) override;

 private:
  PostgresLoginThrottle(PgConnection& db, ThrottlePolicy policy)
      : LoginThrottle(policy), db_(db) {}
  // The one row of two integers the statement `name` answers.
  Result<Count> Ask(const char* name, const PgParams& params);

  PgConnection& db_;
};

}  // namespace wikid
