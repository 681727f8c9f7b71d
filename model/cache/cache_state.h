// CacheState: what the master and every worker of one wikid host share
// through memory the master maps before it forks them. The numbers views
// are stamped with are not here: every host must see them (Versions,
// versions.h). What is here is this host's own:
//
// - generation: the configuration generation, bumped on SIGHUP.
// - bumps_asked / bumps_confirmed: a worker that died unasked (or a whole
//   host killed, seen as a master's start) may have committed a save
//   without moving its version numbers; the master counts such events in
//   bumps_asked, and each worker moves the numbers every view holds
//   (Versions::CatchUp) before its next stamp, unless another worker
//   already did since (bumps_confirmed).
// - viewed, viewed_again, cached, view_counts: which pages were viewed
//   lately on this host, which were found in memcached or put there, and
//   how often each was viewed (ViewAdmission, view_admission.h); hints,
//   not versions.
// - cpu_*: how busy this host's CPUs were over the last sample (HostLoad,
//   host_load.h).
//
// This is process-model state, shared on purpose and nowhere else: one
// anonymous MAP_SHARED mapping made by the master, lock-free atomics.
#pragma once

#include <atomic>
#include <cstdint>
#include <string_view>

namespace wikid {

struct CacheState {
  // The configuration generation: bumped by the master on SIGHUP, before
  // it starts workers with the new templates and settings. A worker reads
  // it once when it starts; what it renders with its templates is keyed
  // by (RecentCache) or refused under (FastPath) an older value.
  std::atomic<uint64_t> generation;
  std::atomic<uint64_t> bumps_asked;
  std::atomic<uint64_t> bumps_confirmed;

  static constexpr size_t kViewedWords = 16384;  // 1,048,576 bits, 128 KB
  std::atomic<uint64_t> viewed_set;  // bits set since they were last cleared
  std::atomic<uint64_t> viewed[kViewedWords];
  // The same hashes' bits for a page viewed again since (third-view
  // admission), cleared with `viewed`.
  std::atomic<uint64_t> viewed_again[kViewedWords];
  // The same hashes' bits for a page whose view this host last found in
  // memcached or put there, cleared with `viewed` (and one by one when a
  // look finds nothing).
  std::atomic<uint64_t> cached[kViewedWords];

  // How many times each page was viewed lately: a count-min sketch, one
  // counter per row per hash of a title, all halved every kViewWindow
  // views (TinyLFU's "reset"). 128 KB.
  static constexpr size_t kCountRows = 4;
  static constexpr size_t kCountWidth = 8192;
  static constexpr uint64_t kViewWindow = 4096;
  std::atomic<uint64_t> views_counted;
  std::atomic<uint32_t> view_counts[kCountRows][kCountWidth];

  // When the last sample was taken (MonotonicMs, model/base/clock.h), the
  // host's CPU time then (in /proc/stat's ticks), and the share of it
  // busy between the last two samples, in percent.
  std::atomic<int64_t> cpu_sampled_ms;
  std::atomic<uint64_t> cpu_busy_ticks;
  std::atomic<uint64_t> cpu_all_ticks;
  std::atomic<uint32_t> cpu_busy_percent;

  // Maps a fresh CacheState shared with every process forked afterwards.
  // It lives until the process exits. Null if mmap fails.
  static CacheState* CreateShared();
  // For tests and single-process tools: a private one.
  static CacheState* CreatePrivate();
};

static_assert(std::atomic<uint64_t>::is_always_lock_free,
              "counters shared between processes must be lock-free");

}  // namespace wikid
