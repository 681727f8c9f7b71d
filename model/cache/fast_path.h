// FastPath: the page views nginx serves to anonymous readers straight from
// memcached (nginx/fast-path.conf), without asking wikid, and the rule
// that keeps them exactly as current as the views wikid serves itself.
//
// wikid's own views are checked against their version numbers
// (versions.h) on every read, so a stale one in memcached is harmless.
// nginx cannot check them: an entry it may serve must never be stale at
// all. So:
// - Keys. nginx asks for prefix + "fast:" + generation + ":" + $uri,
//   escaping ' ', '%' and control bytes as %XX (ngx_escape_uri's memcached
//   table). wikid writes only the key of a page's canonical URL, decoded
//   the same way; every other spelling of a page misses and goes to wikid.
//   Names whose key would pass memcached's 250 bytes stay off the fast
//   path.
// - One state for every host. Which generation nginx reads and whether it
//   may read it now is one row in the database (FastPathRecord), so every
//   host of a wiki agrees: off, announced (a new generation the hosts learn
//   before any nginx reads it) or serving. Each host copies it into
//   FastPathShared at most every kSyncMs (a worker, between requests) and
//   trusts the copy for kLeaseMs from the moment the read began.
// - The switch. Each host's nginx checks a switch (--fast-path-flag): a
//   symlink to FLAG.d/off, or to FLAG.d/<generation> (16 hex digits that
//   nginx reads back through $realpath_root and puts in every key). Only
//   the master points it (KeepSwitch, every kKeepMs): at the generation
//   while the copy is serving and fresh, else at off. A host that cannot
//   read the row for kLeaseMs thus stops its nginx by itself; a wikid that
//   stops, or whose master is killed, points it off on its way out
//   (SwitchOffForGood), since its nginx lives on.
// - Restoring. A worker that finds the state off (and, after a doubt, has
//   seen memcached answer for the settle time) announces a new random
//   generation; once a host has seen it announced for kAnnouncedMs,
//   every host has either seen it too or stopped trusting its copy, and it
//   is made serving. Entries of every older generation, current or not,
//   are never read again, so a restoration costs the same at 100 or
//   100,000 pages. Old entries age out of memcached's LRU.
// - Fills. An entry is added only while the host's fresh copy is serving,
//   from a view whose stamp (taken before SQLite was read) is still
//   current, checked while holding the key's stripe lock; the generation
//   it is added under is read before that check.
// - Changes. After a save commits and its version numbers have moved
//   (PageCache::Invalidate), the writer deletes the entries whose view
//   changed, in the generation of a fresh copy of the state (announced or
//   serving: an off generation is never served again), while holding the
//   same stripe lock, before it acknowledges; if the copy has aged past the
//   lease by the end, it reads the state again and deletes in a newer
//   generation too (an announced one serves only kAnnouncedMs after it
//   was announced). A fill therefore either reached memcached before
//   the delete (and is deleted) or saw the new numbers (and is not made).
//   A write deletes them once before its commit too, once its numbers
//   are marked in flight (PageWrites, step 0): a fill then either came
//   first or saw the mark, so nginx serves no entry of before from the
//   commit on (monotonic reads).
// - Fills on other hosts. A stripe lock orders one host's processes only,
//   so every fill also holds a mark in memcached ("fill:" in place of
//   "fast:", added, kFillMarkSeconds) from before its check to after its
//   add, and a writer reads the marks of its entries after its numbers
//   moved and before it deletes. A fill that checked before the numbers
//   moved holds its mark until after its add, so the writer either finds
//   the mark (and waits for it to go, up to kLockWait, then deletes; if it
//   stays, suspends) or reads after the mark went, so after the add, and
//   its delete follows. A fill skips its add when its mark is older than
//   kFillMarkTrustMs by then (a filler stopped that long may have lost
//   it). What this cannot see: a mark memcached lost (flush_all, a
//   restarted or evicting server) while a fill and a save of the same
//   page race, and a filler stopped for kFillMarkSeconds - kFillMarkTrustMs
//   between that age check and its add; a double fault, left to the
//   entries' expiry.
// - Markers. nginx asks memcached only for the pages this host's wikid
//   has filled, or found filled by another host, in the generation it
//   serves: a name per entry (a hard link to one of a few empty files,
//   LeaveMarker in switch_folder.h) in the generation's folder (FLAG.d/
//   GENERATION + the path nginx decodes + '#', which nginx checks as
//   "${request_filename}#" since the switch is its root). Every other
//   view goes to wikid without a memcached round trip, so a page's first
//   views cost what they cost without the fast path. A marker is a hint,
//   never a rule: a missing one costs nginx a page (wikid serves it, and
//   its next fill attempt, finding the entry there, leaves the marker);
//   one whose entry is gone costs a miss, as before. A new generation
//   starts with an empty folder, so its markers are as cheap to drop as
//   its entries; the master removes the folders of older ones a few
//   hundred files per tick (KeepSwitch).
// - Doubt. When a delete or a fill cannot be confirmed (memcached down,
//   hung or behind its breaker), an entry might be stale, so the state is
//   set off for every host, and the writer waits kSuspendWaitMs before
//   it acknowledges: by then every host's nginx has been switched off,
//   either by its master following the row or by its lease running out.
//   After such a doubt it is restored only once a worker has seen
//   memcached answer for kSettle, so a flapping server does not empty the
//   fast path over and over. A switch nginx cannot stat also sends views to
//   wikid: every failure points the safe way.
// - The master sets it off at start (entries of an earlier run are
//   untrusted), on SIGHUP (templates and settings change what a view
//   shows) and when a worker dies unasked (a save may have committed
//   without its delete): it turns its own switch off at once and asks the
//   next worker to set the shared state off (RequestSuspension). A worker
//   does when a new page is linked from too many pages to delete them
//   all. After a SIGHUP, workers still running the old configuration
//   (CacheState::generation) delete but never fill or restore.
// - Entries also expire after a day, a backstop for what this cannot see
//   (a database swapped under a running memcached, say).
// It assumes one wiki per memcached prefix, every host listing the same
// memcached server for the fast path, and a memcached that only wikid and
// nginx can reach (README): nginx serves what it finds there.
#pragma once

#include <pthread.h>
#include <sys/types.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/base/clock.h"
#include "model/cache/cache_state.h"
#include "model/cache/memcache.h"
#include "model/base/status.h"

namespace wikid {

// The fast path's state every host shares (in the database:
// FastPathStore; model/fast_path_record.h connects it). cache/ sees no
// store, so it names what it needs here.
class FastPathRecord {
 public:
  enum class Phase { kOff = 0, kAnnounced = 1, kServing = 2 };
  struct State {
    uint64_t generation = 0;
    Phase phase = Phase::kOff;
    bool doubted = false;  // off because memcached did not confirm
  };
  virtual ~FastPathRecord() = default;
  virtual Result<State> Read() = 0;
  // Off at generation `next` (so an announcement based on an older read
  // fails); `doubt` marks it doubted (else the mark is kept if it was off
  // already, and cleared if it was serving).
  virtual Status Suspend(bool doubt, const std::string& why, uint64_t next) = 0;
  // Off at `generation` -> announced at `next`; false if it moved on.
  virtual Result<bool> Announce(uint64_t generation, uint64_t next) = 0;
  // Announced at `generation` -> serving; false if it moved on.
  virtual Result<bool> Serve(uint64_t generation) = 0;
};

// Process-model state shared by the master and every worker of one host
// through one anonymous MAP_SHARED mapping made before the first fork. The
// locks are robust: a worker that dies holding one makes the next holder
// suspend.
struct FastPathShared {
  static constexpr size_t kStripes = 64;

  pthread_mutex_t stripes[kStripes];  // a key's fill and its deletes
  pthread_mutex_t state_lock;         // one sync at a time

  // This host's copy of the shared state: generation << 2 | phase, in one
  // word so that no reader sees one without the other; whether it was
  // doubted; and when the read that gave it began (steady clock ms; 0:
  // never read).
  std::atomic<uint64_t> copy;
  std::atomic<bool> doubted;
  std::atomic<int64_t> synced_at_ms;
  // When this host first saw the current generation announced (0: never).
  std::atomic<int64_t> announced_seen_ms;
  // The shared state must be set off before the copy is trusted again:
  // asked by the master (0: nothing asked; else 1 + a Suspension).
  std::atomic<int> pending;
  // What the master pointed the switch at last (0: off; kUnknown: not
  // yet), and the generation it served before.
  static constexpr uint64_t kUnknown = ~uint64_t{0};
  std::atomic<uint64_t> switched_to;
  std::atomic<uint64_t> served_before;
  // The generation served before that one, and whether folders of older
  // generations (and their markers) are still to be removed: the master
  // removes them a few at a time (KeepSwitch).
  std::atomic<uint64_t> served_earlier;
  std::atomic<bool> sweep_due;

  std::atomic<uint64_t> suspensions;  // how many this host saw or made
  // When memcached first answered since the latest suspension this host
  // saw (steady clock ms; 0: not yet), and that suspension's count.
  std::atomic<int64_t> healthy_since_ms;
  std::atomic<uint64_t> healthy_after;

  // What every worker did, for /_admin/cache.
  std::atomic<int64_t> misses;        // views nginx asked wikid for
  std::atomic<int64_t> miss_hits;     // ...that wikid had in its own cache
  std::atomic<int64_t> fills;         // entries added
  std::atomic<int64_t> already;       // fills that found the entry there
  std::atomic<int64_t> outdated;      // fills refused: a save came between
  std::atomic<int64_t> deletes;       // entries deleted by saves
  std::atomic<int64_t> marked;        // fills skipped: another was filling
  std::atomic<int64_t> mark_waits;    // saves that waited for a fill's mark
  std::atomic<int64_t> restorations;  // generations made serving here

  // Maps one, off. Null if mmap or the lock set-up fails.
  static FastPathShared* CreateShared();
  // For tests and single-process tools: a private one.
  static FastPathShared* CreatePrivate();
};

static_assert(std::atomic<int64_t>::is_always_lock_free &&
                  std::atomic<bool>::is_always_lock_free,
              "state shared between processes must be lock-free");

// Why the fast path stops: a restart of sorts (start, SIGHUP, a worker
// gone, too many entries to delete), after which the next generation can
// serve at once; or memcached not confirming a fill or a delete, after
// which it must answer for the settle time first.
enum class Suspension { kRestart, kDoubt };

// How often a host reads the shared state, how long it trusts its copy,
// and how often the master points the switch.
inline constexpr int64_t kSyncMs = 50;
inline constexpr int64_t kLeaseMs = 300;
inline constexpr int64_t kKeepMs = 50;
// How long a suspender waits before its save is answered: past every
// host's lease and its master's next two ticks (KeepSwitch trusts a copy
// for kLeaseMs - 2 * kKeepMs).
inline constexpr int64_t kSuspendWaitMs = kLeaseMs + 2 * kKeepMs;
// How long a generation stays announced (as a host saw it) before it
// serves: past the lease of every copy read before the announcement.
inline constexpr int64_t kAnnouncedMs = kLeaseMs + 2 * kKeepMs;

// For the master: turns this host's switch off at once and asks the next
// worker to set the shared state off before trusting it again (start,
// SIGHUP, a worker gone). Logs `why`.
void RequestSuspension(FastPathShared& shared, const std::string& flag_path,
                       const std::string& why, int64_t now_ms);

// For the master, every kKeepMs: points this host's switch at the
// generation while the copy of the shared state is serving and younger
// than kLeaseMs, else at off. It reads the switch back each time, so one
// pointed elsewhere behind its back (SwitchOffForGood by a worker of a
// master that died before it) is pointed again within kKeepMs.
void KeepSwitch(FastPathShared& shared, const std::string& flag_path, int64_t now_ms);

// For a master that stops, and for a worker that finds its master gone
// (killed: nobody keeps the switch any more): points this host's switch at
// off until a master points it again. This host's nginx outlives wikid,
// and without its master nothing would stop it serving the generation it
// was pointed at: the other hosts go on saving, and once the shared state
// moves to a new generation their saves delete in that one only, so the
// old generation's entries of every page saved since are stale. (If every
// wikid process of the host is killed at once, nothing here runs: the
// switch keeps pointing until a master starts; README, "Several hosts".)
// Logs `why`.
void SwitchOffForGood(const std::string& flag_path, const std::string& why);

// Where the switch points now: a generation's 16 hex digits, "off", or ""
// when it is missing or points elsewhere. For tests and tools.
std::string FastPathSwitch(const std::string& flag_path);

// nginx's escaping of a memcached key (ngx_escape_uri, memcached table):
// bytes up to ' ' and '%' become %XX with upper-case hex digits.
std::string EscapeMemcachedKey(std::string_view key);

enum class StoreResult {
  kStored,    // the entry is there now
  kPresent,   // it was there already (entries present are current)
  kOutdated,  // a save committed since the view was read: not filled
  kSkipped,   // off, suspended, or too big to cache
  kFailed,    // memcached did not confirm: the fast path is suspended
};

class FastPath {
 public:
  // `cache` must hold exactly the one server nginx reads (see
  // nginx/fast-path.conf); it, `shared`, `state` and `record` must outlive
  // this. The configuration generation is read from `state` now, as the
  // worker starts. `enabled` false (or no record) makes every call a
  // no-op. `steady_ms` reads the monotonic clock in milliseconds (the same
  // in every process of a host); tests pass their own.
  FastPath(Memcache& cache, FastPathShared& shared, const CacheState& state,
           FastPathRecord* record, std::string flag_path, bool enabled,
           std::chrono::milliseconds settle = kSettle,
           std::function<int64_t()> steady_ms = MonotonicMs);

  static constexpr std::chrono::milliseconds kSettle{1000};
  // How long a fill or a delete waits for a stripe: a worker stopped while
  // holding one must not stop the others.
  static constexpr std::chrono::milliseconds kLockWait{500};
  // The backstop expiry of every entry.
  static constexpr int kEntrySeconds = 86400;
  // A fill's mark lives this long in memcached (a filler that died leaves
  // it: the page's savers wait kLockWait, then suspend, until it goes),
  // and is trusted for the add this long after it was made.
  static constexpr int kFillMarkSeconds = 30;
  static constexpr int64_t kFillMarkTrustMs = 10'000;

  bool enabled() const { return enabled_; }
  // Whether fills may be made now: this host's copy of the state is fresh,
  // serving, and no suspension is pending.
  bool serving() const;
  bool suspended() const { return !serving(); }
  const std::string& flag_path() const { return flag_path_; }
  FastPathShared& shared() { return shared_; }

  // The entry nginx asks for when $uri is `decoded_path` ("/" or "/" + a
  // page's URL name): the path as nginx escapes it in the key. None when
  // the prefixed key would be over memcached's 250 bytes.
  std::optional<std::string> EntryFor(std::string_view decoded_path) const;

  // The memcached key (without the cache's prefix) of `entry` in
  // `generation`, and in the generation of this host's copy of the state.
  static std::string KeyOf(uint64_t generation, std::string_view entry);
  std::string CurrentKey(std::string_view entry) const;
  // The key of the mark a fill of `key` holds (as long, never read by
  // nginx, which asks only for "fast:" keys).
  static std::string MarkOf(std::string_view key);

  // The comment every entry starts with, naming its key and revision.
  std::string Frame(const std::string& key, int64_t rev) const;

  // Adds `html` as `entry`, framed, if `still_current()` (called under
  // the entry's lock) says no save came since the view was read.
  StoreResult Store(const std::string& entry, int64_t rev, std::string_view html,
                    const std::function<bool()>& still_current);

  // After a commit whose version numbers moved, before acknowledging it:
  // deletes these entries, or sets the fast path off everywhere (and waits
  // for every host to see it) if it cannot.
  void Invalidate(const std::vector<std::string>& entries);

  // Sets the fast path off for every host and waits kSuspendWaitMs, so
  // that no nginx serves an entry of the generation it ends once this
  // returns.
  void Suspend(const std::string& why, Suspension kind = Suspension::kRestart);

  // Between requests (at most every kSyncMs, one worker at a time): reads
  // the shared state, sets it off if the master asked, and restores it
  // once memcached answers (for the settle time, after a doubt). Cheap
  // when nothing is due.
  void Sync();

  // How many of `entries` are present in the generation of this host's
  // copy, and how many of those do not carry their own key in their frame
  // (never expected).
  struct Presence {
    int64_t present = 0;
    int64_t mismatched = 0;
    bool reachable = true;
  };
  Presence CountPresent(const std::vector<std::string>& entries);

 private:
  pthread_mutex_t& StripeOf(std::string_view entry);
  // Waits until no fill of `entries` in `generation` holds its mark, on
  // any host.
  enum class Marks { kClear, kStuck /* after kLockWait */, kUnknown };
  Marks AwaitFills(uint64_t generation, const std::vector<std::string>& entries);
  // Store's work under the entry's stripe lock: kFailed when memcached did
  // not confirm the add.
  // (`generation`: the one it was added under, or found in.)
  StoreResult AddUnderLock(const std::string& entry, int64_t rev, std::string_view html,
                           const std::function<bool()>& still_current, uint64_t* generation);
  // This worker runs the configuration the master runs now.
  bool Current() const { return state_.generation.load() == generation_; }
  // This host's copy was read less than kLeaseMs ago.
  bool Fresh() const;
  // Reads the shared state now (and does what is pending), unless another
  // worker of this host is at it; `restore`: also try to restore.
  void SyncNow(bool restore);
  void TryRestore(int64_t now);

  Memcache& cache_;
  FastPathShared& shared_;
  const CacheState& state_;
  FastPathRecord* record_;
  uint64_t generation_;
  std::string flag_path_;
  bool enabled_;
  std::chrono::milliseconds settle_;
  std::function<int64_t()> steady_ms_;
  int64_t next_probe_ms_ = 0;  // this worker's next memcached probe
};

}  // namespace wikid
