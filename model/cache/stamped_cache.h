// StampedCache: views shared by all workers through memcached, and kept in
// each worker's own memory in front of it, that are served only while the
// Stamp they were made under is still current.
//
// The stamp is read from Versions (numbers in memcached that every host
// reads, under an epoch in the database) before the data behind a view is
// read from SQLite; writers move the numbers after they commit and before
// they acknowledge, and advance the epoch when memcached does not confirm
// that. So a view made from a read that might have missed a save is never
// served once that save is acknowledged, on any host, however late it
// reaches memcached: versions.h says why, failure by failure.
//
// A reader's fill replaces an entry in memcached only with one of a newer
// stamp (a cas loop), so a slow reader cannot push out a writer's fresh
// view (a guess when a number was lost and made again: then it costs a
// miss at worst). A writer publishing what it has just committed sets its
// view in one round trip instead: what memcached holds was made before
// the save. Each value starts with a frame naming its key, checked on
// every read.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "model/cache/local_views.h"
#include "model/cache/memcache.h"

namespace wikid {

struct StampedCacheCounters {
  int64_t local_hits = 0;   // answered from this worker's memory
  int64_t hits = 0;         // answered from memcached
  int64_t misses = 0;
  int64_t stale = 0;        // entries found under an outdated stamp
  int64_t bad_entries = 0;  // values that did not match their key
};

// Who stores a view, which decides how it may replace what is there.
enum class StoreMode {
  // A reader after a miss: added, or put over an entry with an older stamp.
  kFill,
  // A reader after memcached held nothing under the key (Find's `absent`):
  // added without waiting for the answer. If another reader's view got
  // there first, it stays: one with an older stamp then costs misses
  // until a reader who finds it stale fills with kFill.
  kFillAbsent,
  // A writer's view of the revision it has just committed, its stamp read
  // after its increments: set over whatever is there, which was made before
  // the save unless another save of the same page came in between; then
  // the older view may win and costs misses until a reader's fill (never a
  // wrong view: every entry is served only under its own stamp).
  kPublish,
};

class StampedCache {
 public:
  // `cache` must outlive it. `local_bytes` bounds this worker's own copies
  // (0: none).
  StampedCache(Memcache& cache, size_t local_bytes)
      : cache_(cache), local_(local_bytes) {}

  bool enabled() const { return cache_.enabled(); }

  // The payload stored under `key` with exactly `stamp`, if any; `absent`
  // (if given) says whether memcached held nothing under the key.
  std::optional<std::string> Find(const std::string& key, const Stamp& stamp,
                                  bool* absent = nullptr);

  // Stores `payload`, read from SQLite after `stamp` was taken. `order`
  // breaks ties between equal stamps (later revision wins) in fills.
  // Failures are ignored: a missing view costs a miss, never a wrong
  // answer.
  void Store(const std::string& key, const std::string& payload,
             const Stamp& stamp, int64_t order = 0,
             StoreMode mode = StoreMode::kFill);

  const StampedCacheCounters& counters() const { return counters_; }
  // This worker's own copies' lookups (hits are counters().local_hits).
  const LocalViewCounters& local_counters() const { return local_.counters(); }

 private:
  Memcache& cache_;
  StampedCacheCounters counters_;
  LocalViews local_;
};

}  // namespace wikid
