#include "model/store/sqlite/sqlite_cache_epoch_store.h"

namespace wikid {
namespace {

constexpr char kReadSql[] = "SELECT epoch FROM cache_epoch WHERE id = 1";
// One statement, its own transaction: two hosts advancing at once get two
// different epochs.
constexpr char kAdvanceSql[] =
    "UPDATE cache_epoch SET epoch = epoch + 1 WHERE id = 1 RETURNING epoch";

// The one row, stepped to its end (an UPDATE's autocommit transaction
// ends only with the statement).
Result<uint64_t> OneEpoch(Statement& stmt) {
  Query q(stmt);
  auto row = q->Step();
  if (!row.ok()) return row.status();
  if (!*row) return Status::Internal("the cache_epoch row is missing");
  const int64_t epoch = q->ColumnInt(0);
  if (auto end = q->Step(); !end.ok()) return end.status();
  return static_cast<uint64_t>(epoch);
}

}  // namespace

Result<std::unique_ptr<SqliteCacheEpochStore>> SqliteCacheEpochStore::Create(
    Database& db) {
  std::unique_ptr<SqliteCacheEpochStore> store(new SqliteCacheEpochStore(db));
  Status prepared = db.PrepareAll(
      {{&store->read_, kReadSql}, {&store->advance_, kAdvanceSql}});
  if (!prepared.ok()) return prepared;
  return store;
}

Result<uint64_t> SqliteCacheEpochStore::Read() { return OneEpoch(*read_); }

Result<uint64_t> SqliteCacheEpochStore::Advance() {
  return OneEpoch(*advance_);
}

}  // namespace wikid
