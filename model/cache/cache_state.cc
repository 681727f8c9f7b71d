#include "model/cache/cache_state.h"

#include <sodium.h>

#include "model/base/shared_memory.h"

namespace wikid {
namespace {

CacheState* Create(bool shared) {
  auto* state = MapAnonymous<CacheState>(shared);
  if (state == nullptr || sodium_init() < 0) return state;
  uint64_t start;
  randombytes_buf(&start, sizeof start);
  state->links = start >> 1;  // the top bit stays clear: no wrap-around
  randombytes_buf(&start, sizeof start);
  state->site = start >> 1;
  for (auto& slot : state->pages) {
    randombytes_buf(&start, sizeof start);
    slot = start >> 1;
  }
  return state;
}

}  // namespace

std::atomic<uint64_t>& CacheState::PageSlot(std::string_view title) {
  // Every worker runs the same binary, so std::hash agrees among them.
  return pages[std::hash<std::string_view>{}(title) % kSlots];
}

CacheState* CacheState::CreateShared() { return Create(true); }
CacheState* CacheState::CreatePrivate() { return Create(false); }

}  // namespace wikid
