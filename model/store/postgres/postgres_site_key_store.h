// PostgresSiteKeyStore: SiteKeyStore on one PostgreSQL connection, in the
// site_key table, with the same contracts as SqliteSiteKeyStore (the same
// tests run against both). One per process; `db` must outlive it.
#pragma once

#include <memory>

#include "model/store/postgres/pg_connection.h"
#include "model/store/site_key_store.h"

namespace wikid {

class PostgresSiteKeyStore : public SiteKeyStore {
 public:
  // Prepares its statements once.
  static Result<std::unique_ptr<PostgresSiteKeyStore>> Create(PgConnection& db);

  Result<std::vector<std::string>> Newest(int limit) override;
  Status Add(const std::string& key, int64_t now) override;
  Status AddFirst(const std::string& key, int64_t now) override;

 private:
  explicit PostgresSiteKeyStore(PgConnection& db) : db_(db) {}
  PgConnection& db_;
};

}  // namespace wikid
