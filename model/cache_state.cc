#include "model/cache_state.h"

#include <sodium.h>
#include <sys/mman.h>

#include <new>

namespace wikid {
namespace {

CacheState* Create(int sharing) {
  void* memory = mmap(nullptr, sizeof(CacheState), PROT_READ | PROT_WRITE,
                      sharing | MAP_ANONYMOUS, -1, 0);
  if (memory == MAP_FAILED) return nullptr;
  auto* state = new (memory) CacheState();
  if (sodium_init() < 0) return state;
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

CacheState* CacheState::CreateShared() { return Create(MAP_SHARED); }
CacheState* CacheState::CreatePrivate() { return Create(MAP_PRIVATE); }

}  // namespace wikid
