// PageCache: the current view of each page, shared by all workers, so a
// page view usually runs no SQL query and no rendering. It is a
// StampedCache (see there for why a view can never be served after a save
// it might not show) keyed by title, stamped with the page's counter and
// the links counter of CacheState.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "model/cache/cache_state.h"
#include "model/cache/stamped_cache.h"

namespace wikid {

// Everything a view of a page's latest revision shows.
struct CachedPage {
  std::string title;
  int64_t rev = 0;
  int64_t revision_id = 0;
  std::string author;
  bool author_is_account = false;
  bool is_protected = false;
  int64_t created_at = 0;
  std::string body_html;
};

class PageCache {
 public:
  // Both must outlive it; `state` is the one the master shared.
  PageCache(StampedCache& views, CacheState& state) : views_(views), state_(state) {}

  // The counters a view of `title` depends on, now. Take it before
  // reading SQLite.
  Stamp StampFor(const std::string& title) const;

  // The view of `title` made under `stamp`, if there is one.
  std::optional<CachedPage> Find(const std::string& title, const Stamp& stamp);

  // Stores a view read from SQLite after `stamp` was taken.
  void Store(const CachedPage& page, const Stamp& stamp);

  // After a save of `title` committed, before it is acknowledged: views of
  // the page read before now stop being served, and so does every view at
  // all when `created` (a link to the new page may show it as missing),
  // and every view of the site as a whole (recent changes, counts).
  void Invalidate(const std::string& title, bool created);

 private:
  StampedCache& views_;
  CacheState& state_;
};

}  // namespace wikid
