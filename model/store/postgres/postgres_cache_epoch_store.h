// PostgresCacheEpochStore: CacheEpochStore on one PostgreSQL connection,
// in the cache_epoch table, with the same contracts as
// SqliteCacheEpochStore. One per process; `db` must outlive it.
#pragma once

#include <memory>

#include "model/store/cache_epoch_store.h"
#include "model/store/postgres/pg_connection.h"

namespace wikid {

class PostgresCacheEpochStore : public CacheEpochStore {
 public:
  // Prepares its statements once.
  static Result<std::unique_ptr<PostgresCacheEpochStore>> Create(PgConnection& db);

  Result<uint64_t> Read() override;
  Result<uint64_t> Advance() override;

 private:
  explicit PostgresCacheEpochStore(PgConnection& db) : db_(db) {}
  PgConnection& db_;
};

}  // namespace wikid
