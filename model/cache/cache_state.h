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
// - viewed: which pages were viewed lately on this host, one bit per hash
//   of a title (ViewAdmission, view_admission.h); hints, not versions.
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

  // Maps a fresh CacheState shared with every process forked afterwards.
  // It lives until the process exits. Null if mmap fails.
  static CacheState* CreateShared();
  // For tests and single-process tools: a private one.
  static CacheState* CreatePrivate();
};

static_assert(std::atomic<uint64_t>::is_always_lock_free,
              "counters shared between processes must be lock-free");

}  // namespace wikid
