// SqliteLoginThrottle: LoginThrottle on one SQLite connection, in the
// login_failure table. One per worker; `db` must outlive it.
#pragma once

#include <memory>

#include "model/store/login_throttle.h"
#include "model/store/sqlite/database.h"

namespace wikid {

class SqliteLoginThrottle : public LoginThrottle {
 public:
  // Prepares its statements once.
  static Result<std::unique_ptr<SqliteLoginThrottle>> Create(
      Database& db, ThrottlePolicy policy);

  Result<int64_t> RetryAfter(const std::vector<std::string>& scopes,
                             int64_t now) override;
  Status RecordFailure(const std::vector<std::string>& scopes,
                       int64_t now) override;
  Status Forget(const std::string& scope) override;

 private:
  SqliteLoginThrottle(Database& db, ThrottlePolicy policy)
      : db_(db), policy_(policy) {}

  Database& db_;
  ThrottlePolicy policy_;
  std::unique_ptr<Statement> window_;
  std::unique_ptr<Statement> insert_;
  std::unique_ptr<Statement> prune_;
  std::unique_ptr<Statement> forget_;
};

}  // namespace wikid
