// SqliteSessionStore: SessionStore on one SQLite connection, in the
// session table. One per worker; `db` must outlive it.
#pragma once

#include <memory>

#include "model/store/session_store.h"
#include "model/store/sqlite/database.h"

namespace wikid {

class SqliteSessionStore : public SessionStore {
 public:
  // Prepares its statements once.
  static Result<std::unique_ptr<SqliteSessionStore>> Create(Database& db);

  Result<std::string> Start(int64_t account_id, int64_t now,
                            int64_t ttl_seconds) override;
  Result<User> Find(const std::string& token, int64_t now) override;
  Status End(const std::string& token) override;
  Status EndAll(int64_t account_id) override;

 private:
  explicit SqliteSessionStore(Database& db) : db_(db) {}

  Database& db_;
  std::unique_ptr<Statement> insert_;
  std::unique_ptr<Statement> find_;
  std::unique_ptr<Statement> end_;
  std::unique_ptr<Statement> prune_;
  std::unique_ptr<Statement> end_all_;
};

}  // namespace wikid
