#include "fcgi/worker_phases.h"

#include "model/base/shared_memory.h"

namespace wikid {

WorkerPhases* WorkerPhases::CreateShared() { return MapAnonymous<WorkerPhases>(true); }

WorkerPhases::Slot* WorkerPhases::Claim(pid_t pid) {
  for (Slot& slot : slots_) {
    int32_t free = 0;
    if (slot.pid_.compare_exchange_strong(free, pid)) {
      slot.Set(Phase::kWorking);
      return &slot;
    }
  }
  return nullptr;
}

bool WorkerPhases::Release(pid_t pid) {
  for (Slot& slot : slots_) {
    if (slot.pid_.load() != pid) continue;
    bool reading = slot.phase_.load() == static_cast<int32_t>(Phase::kReading);
    slot.phase_.store(static_cast<int32_t>(Phase::kWorking));
    slot.pid_.store(0);
    return reading;
  }
  return false;
}

}  // namespace wikid
