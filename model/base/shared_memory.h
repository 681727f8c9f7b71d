// Anonymous memory for process-model state (CacheState, HashSlots): mapped
// by the master before it forks the workers, so all of them share it.
#pragma once

#include <sys/mman.h>

#include <new>

namespace wikid {

// A value-initialised T in a fresh anonymous mapping: MAP_SHARED with the
// processes forked afterwards when `shared`, else private (tests, tools).
// It lives until the process exits. Null if mmap fails.
template <typename T>
T* MapAnonymous(bool shared) {
  void* memory =
      mmap(nullptr, sizeof(T), PROT_READ | PROT_WRITE,
           (shared ? MAP_SHARED : MAP_PRIVATE) | MAP_ANONYMOUS, -1, 0);
  if (memory == MAP_FAILED) return nullptr;
  return new (memory) T();
}

}  // namespace wikid
