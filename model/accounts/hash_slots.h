// HashSlots: how many processes may be hashing a password at once, shared
// by every worker of one wikid through memory the master maps before it
// forks them.
//
// An argon2id hash takes one core and 64 MiB for 60-120 ms here. The login
// throttle stops a flood from one address or against one name, but not one
// from many addresses trying many names: with every worker hashing, no
// worker would be left for page views. Workers take a slot before hashing
// and answer "busy, try again" when none is free, so with N workers at most
// N-1 hash at a time and page views always have a worker.
//
// A slot holds the holder's pid; a slot whose holder died (a worker killed
// in the middle of a hash) is taken over by the next one that finds it, so
// no slot leaks. Process-model state, shared on purpose: one anonymous
// MAP_SHARED mapping, lock-free atomics.
#pragma once

#include <sys/types.h>

#include <atomic>
#include <cstdint>

namespace wikid {

struct HashSlots {
  static constexpr int kMaxSlots = 64;

  // The pid holding each slot, or 0.
  std::atomic<int32_t> holders[kMaxSlots];

  // The number of slots for `workers` workers: all but one, at least one.
  static int SlotsFor(int workers);

  // Maps fresh HashSlots shared with every process forked afterwards. It
  // lives until the process exits. Null if mmap fails.
  static HashSlots* CreateShared();
  // For tests and single-process tools: a private one.
  static HashSlots* CreatePrivate();

  // Takes one of the first `slots` slots for process `self`, taking over
  // one whose holder is gone. False if all are held by live processes.
  bool TryAcquire(int slots, pid_t self);
  void Release(pid_t self);
};

static_assert(std::atomic<int32_t>::is_always_lock_free,
              "slots shared between processes must be lock-free");

// Holds a slot for the life of a scope.
class HashSlot {
 public:
  HashSlot(HashSlots& slots, int count);
  ~HashSlot();
  HashSlot(const HashSlot&) = delete;
  HashSlot& operator=(const HashSlot&) = delete;
  // False if no slot was free: do not hash now.
  bool held() const { return held_; }

 private:
  HashSlots& slots_;
  pid_t self_;
  bool held_;
};

}  // namespace wikid
