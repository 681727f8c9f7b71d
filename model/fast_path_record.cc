#include "model/fast_path_record.h"

namespace wikid {

Result<FastPathRecord::State> StoredFastPathRecord::Read() {
  auto row = store_.Read();
  if (!row.ok()) return row.status();
  State state{.generation = row->generation, .doubted = row->doubted};
  switch (row->phase) {
    case FastPathPhase::kOff:
      state.phase = Phase::kOff;
      break;
    case FastPathPhase::kAnnounced:
      state.phase = Phase::kAnnounced;
      break;
    case FastPathPhase::kServing:
      state.phase = Phase::kServing;
      break;
  }
  return state;
}

Status StoredFastPathRecord::Suspend(bool doubt, const std::string& why, uint64_t next) {
  return store_.Suspend(doubt, why, next);
}

Result<bool> StoredFastPathRecord::Announce(uint64_t generation, uint64_t next) {
  return store_.Announce(generation, next);
}

Result<bool> StoredFastPathRecord::Serve(uint64_t generation) {
  return store_.Serve(generation);
}

}  // namespace wikid
