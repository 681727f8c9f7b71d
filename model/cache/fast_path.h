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
// - Generations. The switch nginx checks (--fast-path-flag) is a symlink
//   to a directory: FLAG.d/off while suspended, FLAG.d/<generation> while
//   serving, 16 random hex digits that nginx reads back through
//   $realpath_root and puts in every key. Restoring makes a new
//   generation and points the switch at it, one rename: every entry of an
//   older generation, current or not, is simply never read again, so a
//   restoration costs the same at 100 or 100,000 pages. Old entries age
//   out of memcached's LRU.
// - Fills. An entry is added only from a view whose stamp (taken before
//   SQLite was read) is still current, checked while holding the key's
//   stripe lock; the generation it is added under is read before that
//   check, so a fill that straddles a restoration lands in the older one.
// - Changes. After a save commits and its version numbers have moved
//   (PageCache::Invalidate), the writer deletes the entries whose view
//   changed, in the generation nginx reads, while holding the same stripe
//   lock, before it acknowledges. A fill therefore either reached
//   memcached before the delete (and is deleted) or saw the new numbers
//   (and is not made); a delete that finds the fast path suspended has
//   nothing to do, since the next generation starts empty.
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
// - Doubt. When a delete or a fill cannot be confirmed (memcached down,
//   hung or behind its breaker), an entry might be stale, so the fast path
//   is suspended before the save is acknowledged: the switch is pointed at
//   FLAG.d/off (nginx checks the directory's name) and nginx sends every
//   view to wikid. After such a doubt it is restored only once a worker
//   has seen memcached answer for kSettle and no suspension happened in
//   between, so a flapping server does not empty the fast path over and
//   over. A switch nginx cannot stat also sends views to wikid: every
//   failure points the safe way.
// - The master suspends it at start (entries of an earlier run are
//   untrusted), on SIGHUP (templates and settings change what a view
//   shows) and when a worker dies unasked (a save may have committed
//   without its delete); a worker does when a new page is linked from too
//   many pages to delete them all. These need no settle time: the next
//   generation is restored by the next worker that looks. After a
//   SIGHUP, workers still running the old configuration
//   (CacheState::generation) delete but never fill or restore.
// - Entries also expire after a day, a backstop for what this cannot see
//   (a database swapped under a running memcached, say).
// It assumes one wikid per memcached prefix, and a memcached that only
// wikid and nginx can reach (README): nginx serves what it finds there.
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

// Process-model state shared by the master and every worker through one
// anonymous MAP_SHARED mapping made before the first fork. The locks are
// robust: a worker that dies holding one makes the next holder suspend.
struct FastPathShared {
  static constexpr size_t kStripes = 64;

  pthread_mutex_t stripes[kStripes];  // a key's fill and its deletes
  pthread_mutex_t state_lock;         // suspending, restoring, the switch
  std::atomic<bool> suspended;
  std::atomic<uint64_t> suspensions;  // how many so far
  // The generation nginx reads while serving (0: none yet this run).
  std::atomic<uint64_t> generation;
  // A suspension since the latest restoration came from memcached not
  // confirming a fill or a delete: restoring waits for kSettle of answers.
  std::atomic<bool> doubted;
  // When memcached first answered since the latest suspension (steady
  // clock ms; 0: not yet), and the suspension count it was seen after.
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
  std::atomic<int64_t> restorations;  // suspensions ended

  // Maps one, suspended. Null if mmap or the lock set-up fails.
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

// Stops nginx from serving entries until a worker restores the fast path
// in a new generation. `flag_path` is the switch nginx checks. Safe in the
// master and in workers.
void SuspendFastPath(FastPathShared& shared, const std::string& flag_path,
                     const std::string& why,
                     Suspension kind = Suspension::kRestart);

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
  // nginx/fast-path.conf); it, `shared` and `state` must outlive this.
  // The configuration generation is read from `state` now, as the worker
  // starts. `enabled` false makes every call a no-op.
  // `steady_ms` reads the monotonic clock in milliseconds (the same in
  // every process: the settle time is measured across workers); tests
  // pass their own.
  FastPath(Memcache& cache, FastPathShared& shared, const CacheState& state,
           std::string flag_path, bool enabled,
           std::chrono::milliseconds settle = kSettle,
           std::function<int64_t()> steady_ms = MonotonicMs);

  static constexpr std::chrono::milliseconds kSettle{1000};
  // How long a fill, a delete or a restoration waits for a stripe: a
  // worker stopped while holding one must not stop the others.
  static constexpr std::chrono::milliseconds kLockWait{500};
  // The backstop expiry of every entry.
  static constexpr int kEntrySeconds = 86400;
  // A fill's mark lives this long in memcached (a filler that died leaves
  // it: the page's savers wait kLockWait, then suspend, until it goes),
  // and is trusted for the add this long after it was made.
  static constexpr int kFillMarkSeconds = 30;
  static constexpr int64_t kFillMarkTrustMs = 10'000;

  bool enabled() const { return enabled_; }
  bool suspended() const { return shared_.suspended.load(); }
  // Suspended, and this worker may restore it (MaybeRestore would try).
  bool WantsRestoring() const { return enabled_ && suspended() && Current(); }
  const std::string& flag_path() const { return flag_path_; }
  FastPathShared& shared() { return shared_; }

  // The entry nginx asks for when $uri is `decoded_path` ("/" or "/" + a
  // page's URL name): the path as nginx escapes it in the key. None when
  // the prefixed key would be over memcached's 250 bytes.
  std::optional<std::string> EntryFor(std::string_view decoded_path) const;

  // The memcached key (without the cache's prefix) of `entry` in
  // `generation`, and in the generation nginx reads now.
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
  // deletes these entries, or suspends the fast path if it cannot.
  void Invalidate(const std::vector<std::string>& entries);

  // Suspends the fast path (see SuspendFastPath).
  void Suspend(const std::string& why, Suspension kind = Suspension::kRestart);

  // Between requests: restores a suspended fast path in a new generation,
  // once memcached answers (for the settle time, after a doubt). Cheap
  // when not suspended.
  void MaybeRestore();

  // How many of `entries` are present in the generation nginx reads, and
  // how many of those do not carry their own key in their frame (never
  // expected).
  struct Presence {
    int64_t present = 0;
    int64_t mismatched = 0;
    bool reachable = true;
  };
  Presence CountPresent(const std::vector<std::string>& entries);

 private:
  pthread_mutex_t& StripeOf(std::string_view entry);
  // Waits until no fill of `entries` holds its mark, on any host.
  enum class Marks { kClear, kStuck /* after kLockWait */, kUnknown };
  Marks AwaitFills(const std::vector<std::string>& entries);
  // This worker runs the configuration the master runs now.
  bool Current() const { return state_.generation.load() == generation_; }

  Memcache& cache_;
  FastPathShared& shared_;
  const CacheState& state_;
  uint64_t generation_;
  std::string flag_path_;
  bool enabled_;
  std::chrono::milliseconds settle_;
  std::function<int64_t()> steady_ms_;
  int64_t next_attempt_ms_ = 0;  // this worker's next MaybeRestore probe
};

}  // namespace wikid
