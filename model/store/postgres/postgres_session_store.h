// PostgresSessionStore: SessionStore on one PostgreSQL connection, in the
// session table, with the same contracts as SqliteSessionStore (the same
// tests run against both). One per worker; `db` must outlive it.
#pragma once

#include <memory>

#include "model/store/postgres/pg_connection.h"
#include "model/store/session_store.h"

namespace wikid {

class PostgresSessionStore : public SessionStore {
 public:
  // Prepares its statements once.
  static Result<std::unique_ptr<PostgresSessionStore>> Create(PgConnection& db);

  Result<std::string> Start(int64_t account_id, int64_t now, int64_t ttl_seconds) override;
  Result<User> Find(const std::string& token, int64_t now) override;
  Status End(const std::string& token) override;
  Status EndAll(int64_t account_id) override;

 private:
  explicit PostgresSessionStore(PgConnection& db) : db_(db) {}
  PgConnection& db_;
};

}  // namespace wikid
