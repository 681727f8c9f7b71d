// CacheState: version counters every worker of one wikid shares through
// memory the master maps before it forks them. memcached holds page views;
// these counters decide whether a view found there may still be served,
// and unlike memcached they cannot be flushed, evicted or lose a write.
//
// - pages[h]: one counter per slot of a fixed table; a page's slot is a
//   hash of its title. A writer bumps its page's slot after its
//   transaction commits and before it acknowledges the save.
// - links: bumped whenever a page is created, since any cached view may
//   show a link to it as missing.
// - site: bumped by every save, for views of the whole site (recent
//   changes, page counts).
// A reader reads both (its Stamp) before it reads SQLite, and a view
// filled from that read carries the stamp; it is served only while both
// counters still hold those values. A view read from SQLite before a save
// committed therefore carries an older stamp than any reader after the
// acknowledgement sees, whatever order memcached receives things in: the
// "version read before the data, bumped after the commit" rule.
// Two pages sharing a slot only cost each other extra misses.
//
// - viewed: which pages were viewed lately on this host, one bit per hash
//   of a title (ViewAdmission, view_admission.h); hints, not versions.
//
// This is process-model state, shared on purpose and nowhere else: one
// anonymous MAP_SHARED mapping made by the master, lock-free atomics, and
// every counter starts from a random value at each master start, so views
// left in memcached by an earlier run are never trusted.
#pragma once

#include <atomic>
#include <cstdint>
#include <string_view>

namespace wikid {

struct CacheState {
  static constexpr size_t kSlots = 16384;

  std::atomic<uint64_t> links;
  std::atomic<uint64_t> site;
  // The configuration generation: bumped by the master on SIGHUP, before
  // it starts workers with the new templates and settings. A worker reads
  // it once when it starts; what it renders with its templates is keyed
  // by (RecentCache) or refused under (FastPath) an older value.
  std::atomic<uint64_t> generation;
  std::atomic<uint64_t> pages[kSlots];

  static constexpr size_t kViewedWords = 16384;  // 1,048,576 bits, 128 KB
  std::atomic<uint64_t> viewed_set;  // bits set since they were last cleared
  std::atomic<uint64_t> viewed[kViewedWords];

  // The slot counter of the page titled `title`.
  std::atomic<uint64_t>& PageSlot(std::string_view title);

  // Maps a fresh CacheState shared with every process forked afterwards.
  // It lives until the process exits. Null if mmap fails.
  static CacheState* CreateShared();
  // For tests and single-process tools: a private one.
  static CacheState* CreatePrivate();
};

static_assert(std::atomic<uint64_t>::is_always_lock_free,
              "counters shared between processes must be lock-free");

}  // namespace wikid
