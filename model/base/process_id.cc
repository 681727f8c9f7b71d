#include "model/base/process_id.h"

#include <pthread.h>
#include <unistd.h>

#include <atomic>

namespace wikid {
namespace {

// 0: not read yet in this process (or forked since).
std::atomic<pid_t> g_this_process{0};

void ForgetAfterFork() { g_this_process.store(0, std::memory_order_relaxed); }

[[maybe_unused]] const int g_registered =
    pthread_atfork(nullptr, nullptr, ForgetAfterFork);

}  // namespace

pid_t ThisProcess() {
  pid_t pid = g_this_process.load(std::memory_order_relaxed);
  if (pid == 0) {
    pid = getpid();
    g_this_process.store(pid, std::memory_order_relaxed);
  }
  return pid;
}

}  // namespace wikid
