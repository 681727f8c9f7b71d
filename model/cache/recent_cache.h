// RecentCache: windows of the recent-changes list as the front page and
// /_recent show them, kept for all workers in a StampedCache under the
// site's number (Versions: moved by every save on any host): any save
// retires them all, and none is ever served after a save it does not
// show.
//
// A window is kept rendered (the HTML of its list, made by views/ from its
// own auto-escaping template) with the few numbers the pages around it
// need, so a view of it expands one variable instead of fifty rows: the
// rows, not the query, were what made these views slow.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "model/cache/stamped_cache.h"
#include "model/cache/versions.h"

namespace wikid {

struct RecentWindow {
  int64_t page_count = 0;
  int64_t revision_count = 0;
  int64_t shown = 0;               // changes in the window
  int64_t oldest_revision_id = 0;  // of the last one shown; 0 if none
  bool more = false;               // older revisions exist (RecentChanges)
  std::string list_html;           // the rendered list
};

class RecentCache {
 public:
  // Both must outlive it. `generation` is CacheState::generation as this
  // worker started: windows rendered with other templates are never read.
  RecentCache(StampedCache& views, Versions& versions, uint64_t generation)
      : views_(views), versions_(versions), generation_(generation) {}

  // Take before reading SQLite; nullopt: no cache may be used.
  std::optional<Stamp> StampNow() { return versions_.ForSite(); }

  // Nothing is found or stored without a stamp.
  std::optional<RecentWindow> Find(std::optional<int64_t> before_id, int limit,
                                   const std::optional<Stamp>& stamp);
  void Store(std::optional<int64_t> before_id, int limit,
             const RecentWindow& window, const std::optional<Stamp>& stamp);

 private:
  std::string Key(std::optional<int64_t> before_id, int limit) const;

  StampedCache& views_;
  Versions& versions_;
  uint64_t generation_;
};

}  // namespace wikid
