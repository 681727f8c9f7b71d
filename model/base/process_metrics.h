// ProcessMetrics: the counters /_metrics shows (views/metrics_handlers.h),
// one set for the whole host, in memory the master maps before it forks
// the workers (as CacheState and FastPathShared), so that every worker
// answers a scrape with the same numbers and a worker that dies takes
// none of them with it.
//
// Process-model state, shared on purpose: plain lock-free atomics, added
// to with relaxed increments (no order is needed between counters; a
// scrape may see one request's status before its latency). Nothing here
// allocates or locks, so counting costs a request a few adds.
//
// Who writes what:
// - every worker, after each request: its route's status class and
//   latency (CountRequest), and what its own caches and database
//   connection counted since its last request (fcgi/worker.cc publishes
//   the differences);
// - the handlers: saves, merges, conflicts, failed and throttled logins;
// - the master: workers it replaced.
// Counters only go up; a restart of the master starts them at zero again
// (Prometheus's rate() reads that as a reset).
#pragma once

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>

namespace wikid {

struct ProcessMetrics {
  // Route slots: one per row of the router's table (views/router.h has
  // about 50) and, in the last, the requests no row took (refused before
  // routing: a body too large, a path that does not decode).
  static constexpr size_t kRouteSlots = 96;
  static constexpr size_t kUnrouted = kRouteSlots - 1;
  // Status classes 1xx to 5xx.
  static constexpr size_t kStatusClasses = 5;
  // The latency histogram's upper bounds, in microseconds: fixed, so that
  // histograms from every host and every run add up.
  static constexpr std::array<int64_t, 12> kBucketMicros = {
      1'000,   2'500,   5'000,   10'000,    25'000,    50'000,
      100'000, 250'000, 500'000, 1'000'000, 2'500'000, 10'000'000};
  static constexpr size_t kBuckets = kBucketMicros.size();

  struct Route {
    std::atomic<int64_t> by_class[kStatusClasses];
    // Requests whose latency fell in each bucket (not cumulative; the
    // last is past the largest bound), and the sum of all latencies.
    std::atomic<int64_t> buckets[kBuckets + 1];
    std::atomic<int64_t> micros;
  };
  Route routes[kRouteSlots];

  // Cache tiers (lookups that found the entry, and that did not), as the
  // workers counted them: the worker's own copies, memcached, renderings.
  std::atomic<int64_t> worker_copy_hits;
  std::atomic<int64_t> worker_copy_misses;
  std::atomic<int64_t> memcached_hits;
  std::atomic<int64_t> memcached_misses;
  std::atomic<int64_t> render_hits;
  std::atomic<int64_t> render_misses;

  std::atomic<int64_t> saves;            // revisions made by an edit or the API
  std::atomic<int64_t> merges;           // ...of which merged with a later save
  std::atomic<int64_t> conflicts;        // saves refused: changes overlapped
  std::atomic<int64_t> login_failures;   // wrong name or password
  std::atomic<int64_t> login_throttled;  // logins refused: too many failures
  std::atomic<int64_t> busy_waits;       // statements that waited for a lock
  // Workers the master started again: after one died unasked, and after
  // one asked (a runaway rendering).
  std::atomic<int64_t> workers_died;
  std::atomic<int64_t> workers_asked;

  // One request answered: `route` a slot (kUnrouted when no route took
  // it), `status` its HTTP status, `micros` from accept to the last byte
  // handed to libfcgi.
  void CountRequest(size_t route, int status, int64_t micros);

  // Adds `delta` (a worker's count since it last published) to `counter`;
  // nothing for zero.
  static void Publish(std::atomic<int64_t>& counter, int64_t delta) {
    if (delta != 0) counter.fetch_add(delta, std::memory_order_relaxed);
  }
  static void Add(std::atomic<int64_t>& counter) {
    counter.fetch_add(1, std::memory_order_relaxed);
  }

  // Maps a zeroed one shared with every process forked afterwards. It
  // lives until the process exits. Null if mmap fails.
  static ProcessMetrics* CreateShared();
  // For tests and single-process tools: a private one.
  static ProcessMetrics* CreatePrivate();
};

static_assert(std::atomic<int64_t>::is_always_lock_free,
              "counters shared between processes must be lock-free");

}  // namespace wikid
