#include "model/cache/cache_state.h"

#include <sodium.h>

#include "model/base/shared_memory.h"

namespace wikid {
namespace {

CacheState* Create(bool shared) {
  auto* state = MapAnonymous<CacheState>(shared);
  if (state == nullptr || sodium_init() < 0) return state;
  // A start of its own per host and per run: what one configuration
  // rendered is never read as another's (RecentCache keys hold it).
  uint64_t start;
  randombytes_buf(&start, sizeof start);
  state->generation = start >> 1;  // the top bit stays clear: no wrap-around
  // The host may have been killed whole in the middle of a save: the
  // first worker moves every view's numbers before its first stamp.
  state->bumps_asked = 1;
  state->bumps_confirmed = 0;
  return state;
}

}  // namespace

CacheState* CacheState::CreateShared() { return Create(true); }
CacheState* CacheState::CreatePrivate() { return Create(false); }

}  // namespace wikid
