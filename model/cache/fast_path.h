// FastPath: the page views nginx serves to anonymous readers straight from
// memcached (nginx/fast-path.conf), without asking wikid, and the rule
// that keeps them exactly as current as the views wikid serves itself.
//
// wikid's own views are checked against CacheState on every read, so a
// stale one in memcached is harmless. nginx cannot read CacheState: an
// entry it may serve must never be stale at all. So:
// - Keys. nginx asks for prefix + "fast:" + $uri, escaping ' ', '%' and
//   control bytes as %XX (ngx_escape_uri's memcached table). wikid writes
//   only the key of a page's canonical URL, decoded the same way; every
//   other spelling of a page misses and goes to wikid. Names whose key
//   would pass memcached's 250 bytes stay off the fast path.
// - Fills. An entry is added only from a view whose stamp (taken before
//   SQLite was read) is still current, checked while holding the key's
//   stripe lock.
// - Changes. After a save commits and its counters are bumped
//   (PageCache::Invalidate), the writer deletes the entries whose view
//   changed while holding the same stripe lock, before it acknowledges.
//   A fill therefore either reached memcached before the delete (and is
//   deleted) or saw the new counters (and is not made).
// - Doubt. When a delete or a fill cannot be confirmed (memcached down,
//   hung or behind its breaker), an entry might be stale, so the fast path
//   is suspended before the save is acknowledged: the flag file that nginx
//   checks (`if (!-f FLAG)`) is removed and nginx sends every view to
//   wikid. It is restored only after a worker has seen memcached answer
//   for kSettle (so commands a hung server had buffered are applied by
//   then), has deleted the entry of every page (each under its stripe
//   lock, so a fill still in flight lands first), and no suspension
//   happened in between. A flag nginx cannot stat also sends views to
//   wikid: every failure points the safe way.
// - The master suspends it at start (entries of an earlier run are
//   untrusted), on SIGHUP (templates and settings change what a view
//   shows) and when a worker dies unasked (a save may have committed
//   without its delete). After a SIGHUP, workers still running the old
//   configuration (CacheState::generation) delete but never fill or
//   restore.
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
  pthread_mutex_t state_lock;         // suspending, restoring, the flag file
  std::atomic<bool> suspended;
  std::atomic<uint64_t> suspensions;  // how many so far (a generation)
  // When memcached first answered since the latest suspension (steady
  // clock ms; 0: not yet), and the suspension count it was seen after.
  std::atomic<int64_t> healthy_since_ms;
  std::atomic<uint64_t> healthy_after;
  std::atomic<int32_t> recovering_pid;  // the worker restoring it, or 0

  // What every worker did, for /_admin/cache.
  std::atomic<int64_t> misses;        // views nginx asked wikid for
  std::atomic<int64_t> miss_hits;     // ...that wikid had in its own cache
  std::atomic<int64_t> fills;         // entries added
  std::atomic<int64_t> already;       // fills that found the entry there
  std::atomic<int64_t> outdated;      // fills refused: a save came between
  std::atomic<int64_t> deletes;       // entries deleted by saves
  std::atomic<int64_t> restorations;  // suspensions ended

  // Maps one, suspended. Null if mmap or the lock set-up fails.
  static FastPathShared* CreateShared();
  // For tests and single-process tools: a private one.
  static FastPathShared* CreatePrivate();
};

static_assert(std::atomic<int64_t>::is_always_lock_free &&
                  std::atomic<bool>::is_always_lock_free,
              "state shared between processes must be lock-free");

// Stops nginx from serving entries until a worker restores the fast path.
// `flag_path` is the file nginx checks. Safe in the master and in workers.
void SuspendFastPath(FastPathShared& shared, const std::string& flag_path,
                     const std::string& why);

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

  // CLOCK_MONOTONIC in milliseconds.
  static int64_t MonotonicMs();

  static constexpr std::chrono::milliseconds kSettle{1000};
  // How long a fill, a delete or a restoration waits for a stripe: a
  // worker stopped while holding one must not stop the others.
  static constexpr std::chrono::milliseconds kLockWait{500};
  // The backstop expiry of every entry.
  static constexpr int kEntrySeconds = 86400;

  bool enabled() const { return enabled_; }
  bool suspended() const { return shared_.suspended.load(); }
  const std::string& flag_path() const { return flag_path_; }
  FastPathShared& shared() { return shared_; }

  // The key (without the cache's prefix) nginx asks for when $uri is
  // `decoded_path` ("/" or "/" + a page's URL name), or none when the
  // prefixed key would be over memcached's 250 bytes.
  std::optional<std::string> KeyFor(std::string_view decoded_path) const;

  // The comment every entry starts with, naming its key and revision.
  std::string Frame(const std::string& key, int64_t rev) const;

  // Adds `html` under `key`, framed, if `still_current()` (called under
  // the key's lock) says no save came since the view was read.
  StoreResult Store(const std::string& key, int64_t rev, std::string_view html,
                  const std::function<bool()>& still_current);

  // After a commit whose counters are bumped, before acknowledging it:
  // deletes these entries, or suspends the fast path if it cannot.
  void Invalidate(const std::vector<std::string>& keys);

  // Suspends the fast path (see SuspendFastPath).
  void Suspend(const std::string& why);

  // Between requests: restores a suspended fast path once memcached has
  // answered for the settle time, deleting the entries of `all_keys()`
  // first. Cheap when not suspended.
  void MaybeRestore(
      const std::function<Result<std::vector<std::string>>()>& all_keys);

  // How many of `keys` have an entry, and how many of those do not carry
  // their own key in their frame (never expected).
  struct Presence {
    int64_t present = 0;
    int64_t mismatched = 0;
    bool reachable = true;
  };
  Presence CountPresent(const std::vector<std::string>& keys);

 private:
  pthread_mutex_t& StripeOf(const std::string& key);
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
