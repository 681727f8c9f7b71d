// RecentCache: windows of the recent-changes list, the view the front page
// and /_recent share, kept for all workers in a StampedCache under the
// site counter of CacheState (bumped by every save): any save retires them
// all, and none is ever served after a save it does not show.
#pragma once

#include <optional>

#include "model/cache_state.h"
#include "model/page_store.h"
#include "model/stamped_cache.h"

namespace wikid {

class RecentCache {
 public:
  // Both must outlive it.
  RecentCache(StampedCache& views, CacheState& state) : views_(views), state_(state) {}

  // Take before reading SQLite.
  Stamp StampNow() const { return Stamp{.site = state_.site.load()}; }

  std::optional<RecentChanges> Find(std::optional<int64_t> before_id, int limit,
                                    const Stamp& stamp);
  void Store(std::optional<int64_t> before_id, int limit,
             const RecentChanges& recent, const Stamp& stamp);

 private:
  StampedCache& views_;
  CacheState& state_;
};

}  // namespace wikid
