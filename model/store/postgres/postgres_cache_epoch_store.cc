#include "model/store/postgres/postgres_cache_epoch_store.h"

namespace wikid {
namespace {

constexpr PgStatement kRead{"cache_epoch_read", "SELECT epoch FROM cache_epoch WHERE id = 1"};
// One statement, its own transaction: the row's lock makes a second
// host's UPDATE wait and then add to the first's value, so two hosts
// advancing at once get two different epochs.
constexpr PgStatement kAdvance{
    "cache_epoch_advance", "UPDATE cache_epoch SET epoch = epoch + 1 WHERE id = 1 RETURNING epoch"};

Result<uint64_t> OneEpoch(Result<PgResult> r) {
  if (!r.ok()) return r.status();
  if (r->rows() != 1) return Status::Internal("the cache_epoch row is missing");
  return static_cast<uint64_t>(r->Int(0, 0));
}

}  // namespace

Result<std::unique_ptr<PostgresCacheEpochStore>> PostgresCacheEpochStore::Create(
    PgConnection& db) {
  std::unique_ptr<PostgresCacheEpochStore> store(new PostgresCacheEpochStore(db));
  Status prepared = db.PrepareAll({kRead, kAdvance});
  if (!prepared.ok()) return prepared;
  return store;
}

Result<uint64_t> PostgresCacheEpochStore::Read() { return OneEpoch(db_.Run(kRead.name)); }

Result<uint64_t> PostgresCacheEpochStore::Advance() { return OneEpoch(db_.Run(kAdvance.name)); }

}  // namespace wikid
