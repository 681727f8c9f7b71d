// HostLoad: whether this host's CPUs are busy enough that a cache fill
// would take time from serving (ViewAdmission, view_admission.h).
//
// A fill of a page's views costs a worker, memcached and nginx about three
// times the CPU of a view with no cache at all (issue 16: 0.85 ms more
// than 0.32 ms, on a 2-core VM). It pays back only if the page is read
// again before memcached evicts it: with spare CPU that costs nothing
// but latency, on a saturated host it is taken from the views. So a fill
// is spare-capacity work, and this says when there is none.
//
// The measure is the machine's, from /proc/stat, the share of its CPU
// time not idle (nor waiting for I/O) between two samples at least
// kSampleMs apart: whichever worker looks first after that takes the
// next sample, for every process of the host (CacheState): one read of
// /proc/stat a tenth of a second per host. An answer is wrong for at most
// one sample, which costs a fill or a miss, never a stale view. A container
// limited by a CPU quota sees the whole machine's CPUs there, not its
// quota: on one, shedding starts only when the machine is busy.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string_view>

#include "model/base/clock.h"
#include "model/cache/cache_state.h"

namespace wikid {

// CPU time since boot, in the kernel's ticks, from /proc/stat's first
// ("cpu") line.
struct CpuTicks {
  uint64_t busy = 0;  // not idle, not waiting for I/O
  uint64_t all = 0;
};

// /proc/stat's text: its "cpu" line's ticks; nullopt if there is none.
std::optional<CpuTicks> ParseCpuTicks(std::string_view proc_stat);
// This machine's, read from /proc/stat; nullopt if it cannot be read.
std::optional<CpuTicks> ReadCpuTicks();

class HostLoad {
 public:
  static constexpr int64_t kSampleMs = 100;

  // Busy from `threshold` percent of the host's CPU time on: 0 always
  // (what tests of shedding ask for), nullopt never. `now_ms` and
  // `read_ticks` are the clock and the CPU's counters (tests pass their
  // own).
  HostLoad(CacheState& state, std::optional<int> threshold,
           std::function<int64_t()> now_ms = MonotonicMs,
           std::function<std::optional<CpuTicks>()> read_ticks = ReadCpuTicks)
      : state_(state),
        threshold_(threshold),
        now_ms_(std::move(now_ms)),
        read_ticks_(std::move(read_ticks)) {}

  // Whether the host was at least `threshold` busy over the last sample;
  // takes the next sample if it is due.
  bool Busy();

  std::optional<int> threshold() const { return threshold_; }
  // The host's busy share over the last sample, in percent.
  int busy_percent() const { return static_cast<int>(state_.cpu_busy_percent.load()); }

 private:
  void Sample();

  CacheState& state_;
  std::optional<int> threshold_;
  std::function<int64_t()> now_ms_;
  std::function<std::optional<CpuTicks>()> read_ticks_;
};

}  // namespace wikid
