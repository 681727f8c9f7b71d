// SqliteCacheEpochStore: CacheEpochStore on one SQLite connection, in the
// cache_epoch table. One per process; `db` must outlive it.
#pragma once

#include <memory>

#include "model/store/cache_epoch_store.h"
#include "model/store/sqlite/database.h"

namespace wikid {

class SqliteCacheEpochStore : public CacheEpochStore {
 public:
  // Prepares its statements once.
  static Result<std::unique_ptr<SqliteCacheEpochStore>> Create(Database& db);

  Result<uint64_t> Read() override;
  Result<uint64_t> Advance() override;

 private:
  explicit SqliteCacheEpochStore(Database& db) : db_(db) {}
  Database& db_;
  std::unique_ptr<Statement> read_, advance_;
};

}  // namespace wikid
