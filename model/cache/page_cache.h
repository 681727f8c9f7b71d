// PageCache: the current view of each page, shared by all workers, so a
// page view usually runs no SQL query and no rendering. It is a
// StampedCache (see there for why a view can never be served after a save
// it might not show) keyed by title, stamped with the page's and the
// links' numbers (Versions, which every host reads).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "model/cache/stamped_cache.h"
#include "model/cache/versions.h"

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
  // Both must outlive it.
  PageCache(StampedCache& views, Versions& versions) : views_(views), versions_(versions) {}

  // The numbers a view of `title` depends on (and the site's, for the
  // front page), now: one memcached round trip. Take it before reading
  // SQLite. nullopt: they cannot be read, and no cache may be used.
  std::optional<Stamp> StampFor(const std::string& title, bool with_site = false);
  // Whether a stamp StampFor gave still holds (Versions::StillCurrent).
  bool StillCurrent(const std::string& title, bool with_site, const Stamp& stamp) {
    return versions_.StillCurrent(title, with_site, stamp);
  }

  // The view of `title` made under `stamp`, if there is one (never
  // without a stamp); `absent` as StampedCache::Find says it.
  std::optional<CachedPage> Find(const std::string& title, const std::optional<Stamp>& stamp,
                                 bool* absent = nullptr);

  // Stores a view read from SQLite after `stamp` was taken (nothing
  // without a stamp): a reader's fill, or a writer's publication of what
  // it committed (StoreMode).
  void Store(const CachedPage& page, const std::optional<Stamp>& stamp,
             StoreMode mode = StoreMode::kFill);

  // After a save of `title` committed, before it is acknowledged: views of
  // the page read before now stop being served on every host, and so does
  // every view at all when `created` (a link to the new page may show it
  // as missing), and every view of the site as a whole (recent changes,
  // counts). May wait (Versions::Bump); false if that could not be made
  // sure of.
  bool Invalidate(const std::string& title, bool created);
  // The same for the views of each of `titles` (and the site's), at once.
  bool InvalidatePages(const std::vector<std::string>& titles);

 private:
  StampedCache& views_;
  Versions& versions_;
};

}  // namespace wikid
