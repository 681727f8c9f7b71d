// StampedCache: views shared by all workers through memcached, and kept in
// each worker's own memory in front of it, that are served only while the
// Stamp they were made under is still current.
//
// The stamp is read from CacheState (memory shared by every worker, which
// nothing can flush or evict) before the data behind a view is read from
// SQLite; writers bump the counters after they commit and before they
// acknowledge. So a view made from a read that might have missed a save is
// never served once that save is acknowledged, however late it reaches
// memcached, after a flush, or while memcached was unreachable for the
// writer: correctness never rests on memcached, only hit rates do.
//
// In memcached an entry is replaced only by one with a newer stamp (a cas
// loop), so a slow reader cannot push out a writer's fresh view. Each value
// starts with a frame naming its key, checked on every read.
#pragma once

#include <cstdint>
#include <list>
#include <optional>
#include <string>
#include <unordered_map>

#include "model/memcache.h"

namespace wikid {

// The counters a view depends on (CacheState values; unused ones are 0),
// and an order among views made under the same counters (a revision).
struct Stamp {
  uint64_t page = 0;
  uint64_t links = 0;
  uint64_t site = 0;
  bool operator==(const Stamp&) const = default;
};

struct StampedCacheCounters {
  int64_t local_hits = 0;   // answered from this worker's memory
  int64_t hits = 0;         // answered from memcached
  int64_t misses = 0;
  int64_t stale = 0;        // entries found under an outdated stamp
  int64_t bad_entries = 0;  // values that did not match their key
};

class StampedCache {
 public:
  // `cache` must outlive it. `local_bytes` bounds this worker's own copies
  // (0: none).
  StampedCache(Memcache& cache, size_t local_bytes)
      : cache_(cache), local_limit_(local_bytes) {}

  bool enabled() const { return cache_.enabled(); }

  // The payload stored under `key` with exactly `stamp`, if any.
  std::optional<std::string> Find(const std::string& key, const Stamp& stamp);

  // Offers `payload`, read from SQLite after `stamp` was taken. `order`
  // breaks ties between equal stamps (later revision wins). Failures are
  // ignored: a missing view costs a miss, never a wrong answer.
  void Store(const std::string& key, const std::string& payload,
             const Stamp& stamp, int64_t order = 0);

  const StampedCacheCounters& counters() const { return counters_; }

 private:
  struct Local {
    std::string payload;
    Stamp stamp;
    std::list<std::string>::iterator lru;  // position in lru_
  };
  void Remember(const std::string& key, const std::string& payload,
                const Stamp& stamp);
  void Forget(std::unordered_map<std::string, Local>::iterator it);

  Memcache& cache_;
  StampedCacheCounters counters_;
  std::unordered_map<std::string, Local> local_;
  std::list<std::string> lru_;  // most recently used first
  size_t local_bytes_ = 0;
  size_t local_limit_;
};

}  // namespace wikid
