// SqliteApiTokenStore: ApiTokenStore on one SQLite connection, in the
// api_token table. One per worker; `db` must outlive it.
#pragma once

#include <memory>

#include "model/store/api_token_store.h"
#include "model/store/sqlite/database.h"

namespace wikid {

class SqliteApiTokenStore : public ApiTokenStore {
 public:
  // Prepares its statements once.
  static Result<std::unique_ptr<SqliteApiTokenStore>> Create(Database& db);

  Result<NewApiToken> Issue(int64_t account_id, const std::string& label,
                            int64_t now) override;
  Result<std::vector<ApiTokenInfo>> List(int64_t account_id) override;
  Status Revoke(int64_t account_id, int64_t id) override;
  Result<User> Find(const std::string& token) override;

 private:
  explicit SqliteApiTokenStore(Database& db) : db_(db) {}
  Database& db_;
  std::unique_ptr<Statement> insert_, list_, revoke_, find_;
};

}  // namespace wikid
