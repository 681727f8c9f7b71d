#include "model/store/postgres/postgres_fast_path_store.h"

namespace wikid {
namespace {

// Each change is one UPDATE of the one row, which PostgreSQL's row lock
// puts in order: a second host's UPDATE waits for the first to commit and
// then tests its WHERE against the row the first left (READ COMMITTED
// reads it again), so an announcement or a start of serving based on a
// state that moved on changes nothing, as on SQLite.
constexpr PgStatement kRead{"fast_path_read",
                            "SELECT generation, phase, doubted FROM fast_path_state WHERE id = 1"};
constexpr PgStatement kSuspend{"fast_path_suspend", R"sql(
  UPDATE fast_path_state
     SET doubted = CASE WHEN $1::boolean THEN TRUE WHEN phase = 'serving' THEN FALSE
                        ELSE doubted END,
         phase = 'off', why = $2, generation = $3
   WHERE id = 1)sql"};
constexpr PgStatement kAnnounce{"fast_path_announce", R"sql(
  UPDATE fast_path_state SET generation = $2, phase = 'announced', why = ''
   WHERE id = 1 AND generation = $1 AND phase = 'off')sql"};
constexpr PgStatement kServe{"fast_path_serve", R"sql(
  UPDATE fast_path_state SET phase = 'serving', doubted = FALSE
   WHERE id = 1 AND generation = $1 AND phase = 'announced')sql"};

// Generations are 64-bit; a BIGINT keeps them as signed integers, bit for
// bit, as SQLite does.
int64_t Stored(uint64_t generation) { return static_cast<int64_t>(generation); }

Result<bool> ChangedOne(Result<PgResult> r) {
  if (!r.ok()) return r.status();
  return r->changed() == 1;
}

}  // namespace

Result<std::unique_ptr<PostgresFastPathStore>> PostgresFastPathStore::Create(PgConnection& db) {
  std::unique_ptr<PostgresFastPathStore> store(new PostgresFastPathStore(db));
  Status prepared = db.PrepareAll({kRead, kSuspend, kAnnounce, kServe});
  if (!prepared.ok()) return prepared;
  return store;
}

Result<FastPathRow> PostgresFastPathStore::Read() {
  auto r = db_.Run(kRead.name);
  if (!r.ok()) return r.status();
  if (r->rows() != 1) return Status::Internal("the fast path's state row is missing");
  FastPathRow state;
  state.generation = static_cast<uint64_t>(r->Int(0, 0));
  const std::string phase = r->Text(0, 1);
  state.phase = phase == "serving"     ? FastPathPhase::kServing
                : phase == "announced" ? FastPathPhase::kAnnounced
                                       : FastPathPhase::kOff;
  state.doubted = r->Bool(0, 2);
  return state;
}

Status PostgresFastPathStore::Suspend(bool doubt, const std::string& why, uint64_t next) {
  auto r = db_.Run(kSuspend.name, PgParams().AddBool(doubt).Add(why).Add(Stored(next)));
  return r.ok() ? Status::Ok() : r.status();
}

Result<bool> PostgresFastPathStore::Announce(uint64_t generation, uint64_t next) {
  return ChangedOne(
      db_.Run(kAnnounce.name, PgParams().Add(Stored(generation)).Add(Stored(next))));
}

Result<bool> PostgresFastPathStore::Serve(uint64_t generation) {
  return ChangedOne(db_.Run(kServe.name, PgParams().Add(Stored(generation))));
}

}  // namespace wikid
