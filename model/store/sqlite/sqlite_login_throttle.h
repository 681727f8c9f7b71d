// SqliteLoginThrottle: LoginThrottle on one SQLite connection, in the
// login_failure table. One per worker; `db` must outlive it.
#pragma once

#include <memory>
#include <optional>

#include "model/store/login_throttle.h"
#include "model/store/sqlite/database.h"

namespace wikid {

class SqliteLoginThrottle : public LoginThrottle {
 public:
  // Prepares its statements once.
  static Result<std::unique_ptr<SqliteLoginThrottle>> Create(
      Database& db, ThrottlePolicy policy);

  Status RecordFailure(const LoginKey& key, int64_t now) override;
  Status Forget(const LoginKey& key) override;

 protected:
  Result<Count> NameFailures(const std::string& scope, int64_t since) override;
  Result<Count> NewestFailures(const std::string& scope, int64_t since,
                               int64_t limit) override;
  Result<Count> NthNewestName(const std::string& scope, int64_t since, int64_t n) override;

 private:
  SqliteLoginThrottle(Database& db, ThrottlePolicy policy)
      : LoginThrottle(policy), db_(db) {}
  // The one row of two integers `stmt` answers for `scope` and `since`
  // (and `third`, its ?3, if it has one).
  Result<Count> Ask(Statement& stmt, const std::string& scope, int64_t since,
                    std::optional<int64_t> third);

  Database& db_;
  std::unique_ptr<Statement> name_;
  std::unique_ptr<Statement> newest_;
  std::unique_ptr<Statement> nth_name_;
  std::unique_ptr<Statement> insert_;
  std::unique_ptr<Statement> prune_;
  std::unique_ptr<Statement> forget_;
};

}  // namespace wikid
