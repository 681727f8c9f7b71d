// PostgresApiTokenStore: ApiTokenStore on one PostgreSQL connection, in
// the api_token table, with the same contracts as SqliteApiTokenStore (the
// same tests run against both). One per worker; `db` must outlive it.
#pragma once

#include <memory>

#include "model/store/api_token_store.h"
#include "model/store/postgres/pg_connection.h"

namespace wikid {

class PostgresApiTokenStore : public ApiTokenStore {
 public:
  // Prepares its statements once.
  static Result<std::unique_ptr<PostgresApiTokenStore>> Create(PgConnection& db);

  Result<NewApiToken> Issue(int64_t account_id, const std::string& label, int64_t now) override;
  Result<std::vector<ApiTokenInfo>> List(int64_t account_id) override;
  Status Revoke(int64_t account_id, int64_t id) override;
  Result<User> Find(const std::string& token) override;

 private:
  explicit PostgresApiTokenStore(PgConnection& db) : db_(db) {}
  PgConnection& db_;
};

}  // namespace wikid
