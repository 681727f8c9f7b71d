// Versions: the numbers every cached view is stamped with (Stamp), kept
// where every host of a wiki reads them, so that a save on one host
// retires the views that every other host holds.
//
// - Three kinds of number, each a memcached key of its own: one per page
//   ("v:page:" and 16 hex digits of a hash of its title), "v:links"
//   (moved whenever a page is created: any view may show a link to it as
//   missing) and "v:site" (moved by every save: recent changes, counts).
//   A reader reads the ones its view depends on in one get_multi before
//   it reads the data behind the view; a writer increments them after its
//   transaction commits and before it acknowledges. So a view made from a
//   read that might have missed a save carries older numbers than any
//   reader sees after the save is acknowledged, on any host, whatever
//   order memcached receives things in.
// - A key memcached does not hold (never made, evicted, flushed, a server
//   restarted empty) is made with a random number (add; if another
//   reader's add won, that one is read back). A view stamped with what
//   the key held before matches it with odds of 2^-63.
// - The epoch: one number in the database, part of every stamp, for the
//   one way memcached can lose an increment that matters: the server did
//   not answer (hung, unreachable, behind the breaker) and comes back
//   holding the old numbers and the old views. The writer then advances
//   the epoch in the database and waits kEpochLeaseMs before it
//   acknowledges. Every process re-reads the epoch once its copy is
//   kEpochLeaseMs old (timed from when the read began), so after the
//   wait no host stamps or checks with the old epoch: every view made
//   under it is dead on every host. A process that cannot read the epoch
//   uses no cache at all.
// - Never let libmemcached remove a failed server from the pool: keys
//   would move to another server while it is away, and come back to the
//   old numbers and views when it returns, with no increment unconfirmed
//   to warn anyone (memcache.cc sets no such behaviour).
// - A worker's own copies of views (LocalViews) are checked against these
//   numbers, read from memcached for every request: never trusted for
//   their age, since a reader may be sent to any host right after a save.
//   A view served from a worker's copy thus costs one round trip of a
//   few bytes; a view from memcached fetches the numbers first (two).
// - A worker that died unasked may have committed a save without
//   incrementing its numbers. The master counts such deaths (and its own
//   start, for a host that was killed whole) in CacheState::bumps_asked;
//   each worker, before it next reads a stamp, increments v:links and
//   v:site, which every page view's stamp holds.
//
// One per worker; not thread-safe.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/base/clock.h"
#include "model/base/status.h"
#include "model/cache/cache_state.h"
#include "model/cache/memcache.h"
#include "model/cache/stamp.h"

namespace wikid {

// How long a process trusts its copy of the epoch, and how often a worker
// refreshes it between requests (so a request rarely has to).
inline constexpr int64_t kEpochLeaseMs = 300;
inline constexpr int64_t kEpochRefreshMs = 100;

// The epoch in the database (cache/ sees no store: model/wiki.cc connects
// these to one).
struct EpochRecord {
  std::function<Result<uint64_t>()> read;
  // Moves the epoch to a value it never held and returns it.
  std::function<Result<uint64_t>()> advance;
};

struct VersionCounters {
  int64_t reads = 0;       // stamps read (one get_multi each)
  int64_t unreadable = 0;  // stamps memcached or the epoch could not give
  int64_t seeded = 0;      // keys made because memcached held none
  int64_t bumps = 0;       // saves' increments confirmed
  int64_t doubts = 0;      // increments unconfirmed: the epoch advanced
  int64_t epoch_reads = 0;
};

class Versions {
 public:
  // `cache`, `state` must outlive it. `sleep_ms` waits (tests pass one
  // that records instead).
  Versions(Memcache& cache, CacheState& state, EpochRecord epoch,
           std::function<int64_t()> steady_ms = MonotonicMs,
           std::function<void(int64_t)> sleep_ms = {});

  // The stamp of a view of `title` (its page and links numbers, and the
  // site's when `with_site`); of the site as a whole (recent changes).
  // nullopt when it cannot be read: use no cache for this request.
  std::optional<Stamp> ForPage(std::string_view title, bool with_site = false);
  std::optional<Stamp> ForSite();

  // Whether `stamp` (from ForPage(title, with_site)) still holds: one
  // get_multi, no catching up, no database read (false once this
  // process's copy of the epoch is past its lease), so that it may be
  // asked while holding a lock other workers wait for.
  bool StillCurrent(std::string_view title, bool with_site, const Stamp& stamp);

  // After a save of `title` committed (`created`: it made the page),
  // before it is acknowledged: moves its numbers, or, when memcached does
  // not confirm that, advances the epoch and waits out the lease. False
  // when neither could be done: views made before the save may still be
  // served, and the caller must not answer as if they could not.
  bool Bump(std::string_view title, bool created);

  // As Bump(title, false) for each of `titles` at once: their numbers and
  // the site's move (a file's new revision, for the pages showing it).
  bool BumpPages(const std::vector<std::string>& titles);

  // Reads the epoch again if this process's copy is older than
  // kEpochRefreshMs (a worker between requests).
  void Refresh();

  const VersionCounters& counters() const { return counters_; }
  // This process's copy of the epoch, for operators ("none" before the
  // first read).
  std::string epoch_text() const {
    return have_epoch_ ? std::to_string(epoch_) : "none";
  }

  // The memcached key of `title`'s number (tests).
  static std::string PageKey(std::string_view title);

 private:
  // The epoch, read again when the copy is past the lease; nullopt if it
  // cannot be read.
  std::optional<uint64_t> Epoch(int64_t max_age_ms);
  // Reads `keys` (seeding the missing ones) into `values`, in order.
  bool Read(const std::vector<std::string>& keys, uint64_t* values);
  // Increments what a dead worker may have left unmoved, if the master
  // asked since this process last did.
  void CatchUp();
  // Increments `keys`; false if memcached did not confirm one.
  bool Increment(const std::vector<std::string>& keys);
  // Advances the epoch (a few tries) and waits out the lease; false if it
  // could not be advanced.
  bool Doubt(const char* why);

  Memcache& cache_;
  CacheState& state_;
  EpochRecord record_;
  std::function<int64_t()> steady_ms_;
  std::function<void(int64_t)> sleep_ms_;
  const std::string host_tag_;  // "" but in a test's unsafe control
  const std::string links_key_, site_key_;
  uint64_t epoch_ = 0;
  int64_t epoch_read_at_ = 0;  // when the read that gave epoch_ began; 0: none
  bool have_epoch_ = false;
  uint64_t bumps_done_ = 0;  // CacheState::bumps_asked as last acted on
  VersionCounters counters_;
};

}  // namespace wikid
