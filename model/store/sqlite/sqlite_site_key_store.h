// SqliteSiteKeyStore: SiteKeyStore on one SQLite connection, in the
// site_key table. One per process; `db` must outlive it.
#pragma once

#include <memory>

#include "model/store/site_key_store.h"
#include "model/store/sqlite/database.h"

namespace wikid {

class SqliteSiteKeyStore : public SiteKeyStore {
 public:
  // Prepares its statements once.
  static Result<std::unique_ptr<SqliteSiteKeyStore>> Create(Database& db);

  Result<std::vector<std::string>> Newest(int limit) override;
  Status Add(const std::string& key, int64_t now) override;
  Status AddFirst(const std::string& key, int64_t now) override;

 private:
  explicit SqliteSiteKeyStore(Database& db) : db_(db) {}
  Database& db_;
  std::unique_ptr<Statement> newest_, add_, add_first_;
};

}  // namespace wikid
