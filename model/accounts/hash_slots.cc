#include "model/accounts/hash_slots.h"

#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

#include "model/base/shared_memory.h"

namespace wikid {
namespace {

HashSlots* Create(bool shared) {
  auto* slots = MapAnonymous<HashSlots>(shared);
  if (slots != nullptr) {
    for (auto& holder : slots->holders) holder = 0;
  }
  return slots;
}

bool Gone(pid_t pid) { return kill(pid, 0) != 0 && errno == ESRCH; }

}  // namespace

int HashSlots::SlotsFor(int workers) {
  return std::clamp(workers - 1, 1, kMaxSlots);
}

HashSlots* HashSlots::CreateShared() { return Create(true); }
HashSlots* HashSlots::CreatePrivate() { return Create(false); }

bool HashSlots::TryAcquire(int slots, pid_t self) {
  slots = std::clamp(slots, 1, kMaxSlots);
  for (int i = 0; i < slots; ++i) {
    int32_t expected = 0;
    if (holders[i].compare_exchange_strong(expected, self)) return true;
  }
  // All taken: take over the slot of a holder that died mid-hash.
  for (int i = 0; i < slots; ++i) {
    int32_t holder = holders[i].load();
    if (holder != 0 && holder != self && Gone(holder) &&
        holders[i].compare_exchange_strong(holder, self)) {
      return true;
    }
  }
  return false;
}

void HashSlots::Release(pid_t self) {
  for (auto& holder : holders) {
    int32_t expected = self;
    if (holder.compare_exchange_strong(expected, 0)) return;
  }
}

HashSlot::HashSlot(HashSlots& slots, int count)
    : slots_(slots), self_(getpid()), held_(slots.TryAcquire(count, self_)) {}

HashSlot::~HashSlot() {
  if (held_) slots_.Release(self_);
}

}  // namespace wikid
