#include "model/store/sqlite/sqlite_fast_path_store.h"

namespace wikid {
namespace {

constexpr char kReadSql[] =
    "SELECT generation, phase, doubted FROM fast_path_state WHERE id = 1";
constexpr char kSuspendSql[] = R"sql(
  UPDATE fast_path_state
     SET doubted = CASE WHEN ?1 THEN 1 WHEN phase = 'serving' THEN 0 ELSE doubted END,
         phase = 'off', why = ?2, generation = ?3
   WHERE id = 1)sql";
constexpr char kAnnounceSql[] = R"sql(
  UPDATE fast_path_state SET generation = ?2, phase = 'announced', why = ''
   WHERE id = 1 AND generation = ?1 AND phase = 'off')sql";
constexpr char kServeSql[] = R"sql(
  UPDATE fast_path_state SET phase = 'serving', doubted = 0
   WHERE id = 1 AND generation = ?1 AND phase = 'announced')sql";

// Generations are 64-bit; SQLite keeps them as signed integers, bit for bit.
int64_t Stored(uint64_t generation) { return static_cast<int64_t>(generation); }

}  // namespace

Result<std::unique_ptr<SqliteFastPathStore>> SqliteFastPathStore::Create(Database& db) {
  std::unique_ptr<SqliteFastPathStore> store(new SqliteFastPathStore(db));
  Status prepared = db.PrepareAll({{&store->read_, kReadSql},
                                   {&store->suspend_, kSuspendSql},
                                   {&store->announce_, kAnnounceSql},
                                   {&store->serve_, kServeSql}});
  if (!prepared.ok()) return prepared;
  return store;
}

Result<FastPathRow> SqliteFastPathStore::Read() {
  Query q(*read_);
  auto row = q->Step();
  if (!row.ok()) return row.status();
  if (!*row) return Status::Internal("the fast path's state row is missing");
  FastPathRow state;
  state.generation = static_cast<uint64_t>(q->ColumnInt(0));
  const std::string phase = q->ColumnText(1);
  state.phase = phase == "serving"     ? FastPathPhase::kServing
                : phase == "announced" ? FastPathPhase::kAnnounced
                                       : FastPathPhase::kOff;
  state.doubted = q->ColumnInt(2) != 0;
  return state;
}

Status SqliteFastPathStore::Suspend(bool doubt, const std::string& why, uint64_t next) {
  suspend_->Bind(1, static_cast<int64_t>(doubt));
  suspend_->Bind(2, why);
  suspend_->Bind(3, Stored(next));
  auto done = db_.WriteOne(*suspend_);
  return done.ok() ? Status::Ok() : done.status();
}

Result<bool> SqliteFastPathStore::Announce(uint64_t generation, uint64_t next) {
  announce_->Bind(1, Stored(generation));
  announce_->Bind(2, Stored(next));
  auto changed = db_.WriteOne(*announce_);
  if (!changed.ok()) return changed.status();
  return *changed == 1;
}

Result<bool> SqliteFastPathStore::Serve(uint64_t generation) {
  serve_->Bind(1, Stored(generation));
  auto changed = db_.WriteOne(*serve_);
  if (!changed.ok()) return changed.status();
  return *changed == 1;
}

}  // namespace wikid
