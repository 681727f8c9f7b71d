// WorkerPhases: whether each worker is reading a request or doing
// anything else, in memory the master shares with its workers. A worker
// that dies while reading (libfcgi aborts on some malformed records:
// fcgi/request_check.h says which) has written nothing, so the master
// replaces it without distrusting every cached view; one that dies doing
// anything else may have died between a commit and its invalidation
// (model/page_writes.h), and is distrusted as before.
//
// Process-model state, so shared memory: each worker claims a slot at
// start and writes only its own; the master reads a dead worker's and
// frees it.
#pragma once

#include <sys/types.h>

#include <atomic>
#include <cstdint>

namespace wikid {

class WorkerPhases {
 public:
  enum class Phase : int32_t {
    kWorking = 0,  // serving, between requests, or waiting for one
    kReading = 1,  // inside libfcgi, reading a request's records
  };

  // A worker's own slot.
  class Slot {
   public:
    void Set(Phase phase) { phase_.store(static_cast<int32_t>(phase)); }

   private:
    friend class WorkerPhases;
    std::atomic<int32_t> pid_{0};
    std::atomic<int32_t> phase_{0};
  };

  // In anonymous shared memory, before the master forks; null if mmap
  // fails.
  static WorkerPhases* CreateShared();

  // The slot of worker `pid`, taken now; null when every slot is taken
  // (that worker then counts as always working).
  Slot* Claim(pid_t pid);

  // Master, after reaping `pid`: whether it died reading a request. Frees
  // its slot either way.
  bool Release(pid_t pid);

 private:
  // More than the 64 workers allowed, with successors during a reload.
  static constexpr int kSlots = 160;
  Slot slots_[kSlots];
};

}  // namespace wikid
