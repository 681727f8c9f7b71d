// Versions: the numbers every cached view is stamped with (Stamp), kept
// where every host of a wiki reads them, so that a save on one host
// retires the views that every other host holds.
//
// - Three kinds of number, each a memcached key of its own: one per page
//   ("v2:page:" and 16 hex digits of a hash of its title), "v2:links"
//   (moved whenever a page is created: any view may show a link to it as
//   missing) and "v2:site" (moved by every save: recent changes, counts).
//   ("v2": the "v:" keys of an older wikid hold numbers of any size,
//   which would read as in flight, below.)
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
//   each worker, before it next reads a stamp, increments v2:links and
//   v2:site, which every page view's stamp holds.
// - Monotonic reads: "in flight". The increment after the commit leaves a
//   gap: from the commit to the increment, a reader whose view reads the
//   database (a miss, the history, the edit form) sees revision N, and
//   its next view may come from a copy of N - 1 that is still current (a
//   worker's, memcached's, or nginx's fast-path entry). So a write also
//   marks its numbers before it commits (Mark): the page's, the site's,
//   and the links' when it may make a page. A number is in flight while
//   it is at least kInFlightUnit: the mark adds kInFlightUnit (a count of
//   writers in the high bits, the number itself in the low 47), and the
//   settle after the commit takes kInFlightUnit - 1 away (the count
//   back, the number one on: the increment of before, in the same round
//   trip), or kInFlightUnit when nothing was committed (the number as it
//   was: no view of before is retired for a refused save). A reader who
//   finds one of its numbers in flight gets no stamp, as when memcached
//   cannot be read: it reads the database, serves no copy and fills
//   nothing (no worker copy, no memcached view, no fast-path entry,
//   whose fills check their stamp under the entry's fill mark, so the
//   writer's delete of nginx's entries before its commit keeps them away
//   until it settles). The mark rides in the number itself, not in a key
//   of its own, so the get_multi a view already makes sees it, and no
//   reader can read a number after its settle with a mark from before
//   it (two keys, on two servers, could be read in either order).
//   Why not a lock, a lease in the database, or a wait: a reader must
//   never wait for a writer, and a view must cost no round trip more.
// - The mark's bound. A writer that dies between mark and settle leaves
//   its count behind: the first writer to raise a number's count from 0
//   gives the key kMarkSeconds to live (touch), so it then vanishes and
//   is made again at random (not in flight) at most kMarkSeconds after
//   the mark; a number made by a reader lives a day (kNumberSeconds), so
//   a count whose touch was lost is bounded too. The price: the views a
//   write retired are retired once more, kMarkSeconds after it (a
//   page's, the site's; every page's after a page is made), and a save
//   costs, per number, one round trip before its commit and one touch
//   when no other writer is in flight (page_writes.h counts them).
//   Under a burst of saves the touch is mostly skipped: a process that
//   touched a key less than kTouchReuseMs ago (timed from before it sent
//   the touch) and finds the number it touched there still (not made
//   again since: within 2^20 of it, against a random one's odds of
//   2^-26) knows the key dies within kMarkSeconds of that touch, which
//   is within kMarkSeconds of this mark too. The price: such a mark is
//   lost if its write is held past kMarkSeconds - 1 - kTouchReuseMs / 1000
//   seconds (memcached's clock counts whole seconds), where one that
//   touched is lost past kMarkSeconds - 1.
// - What the mark does not cover: a mark memcached loses (a flush, a
//   restart, an eviction; a writer held past kMarkSeconds between mark
//   and settle) leaves the gap of before for that save: no view older
//   than an acknowledged save is ever served still, since the settle
//   moves whatever number is there. A mark memcached does not confirm
//   is handled as an unconfirmed increment is: the epoch advances and
//   the writer waits out the lease, before its commit (so no view of
//   before is served after it), and its settle increments as before.
//
// One per worker; not thread-safe.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
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

// A number is in flight while it is at least this (see the top).
inline constexpr uint64_t kInFlightUnit = uint64_t{1} << 47;
// How long a key a writer has marked lives after the first mark.
inline constexpr int kMarkSeconds = 10;
// How long a number made by a reader lives (a bound on every mark).
inline constexpr int kNumberSeconds = 24 * 3600;
// How long after its own touch a process marks a key without touching it
// again (see the top).
inline constexpr int64_t kTouchReuseMs = kMarkSeconds * 1000 / 4;

struct VersionCounters {
  int64_t reads = 0;       // stamps read (one get_multi each)
  int64_t unreadable = 0;  // stamps memcached or the epoch could not give
  int64_t in_flight = 0;   // stamps not given: a write was in flight
  int64_t marks = 0;       // writes marked in flight
  int64_t touches = 0;     // marks' bounds set (touch); skipped ones not
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

  // A write's numbers as Mark left them, for Settle.
  struct InFlight {
    bool links = false;                 // the links' number is among them
    std::vector<std::string> marked;    // keys marked
    std::vector<std::string> unmarked;  // keys moved after the commit only
    bool unconfirmed = false;           // memcached did not confirm a mark
  };
  // Before a write's commit: marks the numbers of `titles`, the site's and,
  // when `may_create`, the links' in flight (see the top), so that no view
  // of them is served or made until Settle. When memcached does not
  // confirm a mark, advances the epoch and waits out the lease (as Bump).
  InFlight Mark(const std::vector<std::string>& titles, bool may_create);
  // After the commit, before it is acknowledged: clears the marks and
  // moves the numbers that `committed` changed (the links' only when
  // `created`), as Bump would; with nothing committed, leaves every number
  // as it was. True without anything committed; else as Bump.
  bool Settle(const InFlight& in_flight, bool committed, bool created);

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
  // Read, then whether any of the numbers is in flight (counted).
  bool ReadSettled(const std::vector<std::string>& keys, uint64_t* values);
  // Adds a writer's count to `key`; false if memcached did not confirm it.
  bool MarkKey(const std::string& key);
  // Whether `key`, holding `number` under the first writer's count, still
  // dies within kMarkSeconds of a touch of this process's (see the top).
  bool RecentlyTouched(const std::string& key, uint64_t number);
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
  // This process's touches of the last kTouchReuseMs: key -> when it was
  // sent and the number the key held.
  struct Touched {
    int64_t sent_ms;
    uint64_t number;
  };
  std::map<std::string, Touched> touched_;
  VersionCounters counters_;
};

}  // namespace wikid
