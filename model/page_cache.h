// PageCache: the current view of each page, shared by all workers through
// memcached, so a page view usually runs no SQL query and no rendering.
//
// Correctness does not rest on memcached. Every view carries the Stamp
// (CacheState's counters for its page and for links) read before the data
// behind it was read from SQLite, and is served only while the stamp is
// still current. A writer bumps the counters after its commit and before
// it acknowledges the save, so once a save is acknowledged no view made
// from an older read can pass, even if it reaches memcached afterwards, or
// after a flush, or while memcached was unreachable for the writer.
//
// memcached writes only decide how often views hit: an entry is replaced
// only by one with a newer stamp (a cas loop), so a slow reader cannot
// push out a writer's fresh view.
//
// In front of memcached, each worker keeps the views it served last in
// its own memory (an LRU bounded in bytes), checked against the same
// stamps: a hot page is then served with no round trip at all, and is
// exactly as current as one from memcached.
#pragma once

#include <cstdint>
#include <list>
#include <unordered_map>
#include <optional>
#include <string>

#include "model/cache_state.h"
#include "model/memcache.h"

namespace wikid {

// Everything a view of a page's latest revision shows.
struct CachedPage {
  std::string title;
  int64_t rev = 0;
  int64_t revision_id = 0;
  std::string author;
  int64_t created_at = 0;
  std::string body_html;
};

struct PageCacheCounters {
  int64_t local_hits = 0;  // answered from this worker's memory
  int64_t hits = 0;        // answered from memcached
  int64_t misses = 0;
  int64_t stale = 0;        // entries found with an outdated stamp
  int64_t bad_entries = 0;  // values that did not parse or match their key
};

class PageCache {
 public:
  // Both must outlive it; `state` is the one the master shared.
  // `local_bytes` bounds the views kept in this worker's memory (0: none).
  PageCache(Memcache& cache, CacheState& state, size_t local_bytes = 16 << 20)
      : cache_(cache), state_(state), local_limit_(local_bytes) {}

  struct Stamp {
    uint64_t page = 0;   // the page's slot counter
    uint64_t links = 0;  // the links counter
  };
  // The counters for `title` now. Take it before reading SQLite.
  Stamp StampFor(const std::string& title) const;

  // The cached view of `title` if its stamp is still `stamp`.
  std::optional<CachedPage> Find(const std::string& title, const Stamp& stamp);

  // Offers a view read from SQLite after `stamp` was taken. Failures are
  // ignored: a missing view costs a miss, never a wrong answer.
  void Store(const CachedPage& page, const Stamp& stamp);

  // After a save of `title` committed, before it is acknowledged: every
  // view of the page read before now stops being served (and every view
  // at all when `created`, since links to the new page may show it as
  // missing).
  void Committed(const std::string& title, bool created);

  const PageCacheCounters& counters() const { return counters_; }

 private:
  struct Local {
    CachedPage page;
    Stamp stamp;
    std::list<std::string>::iterator lru;  // position in lru_
  };
  void Remember(const CachedPage& page, const Stamp& stamp);

  Memcache& cache_;
  CacheState& state_;
  PageCacheCounters counters_;
  // This worker's own copies, newest use first in lru_.
  std::unordered_map<std::string, Local> local_;
  std::list<std::string> lru_;
  size_t local_bytes_ = 0;
  size_t local_limit_;
};

}  // namespace wikid
