// The monotonic clock in milliseconds: the same in every process of a
// host, so one process may compare what another measured (leases, settle
// times, refresh intervals). Classes that time things take it injected,
// this as the default, so tests can pass their own.
#pragma once

#include <chrono>
#include <cstdint>

namespace wikid {

inline int64_t MonotonicMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

}  // namespace wikid
