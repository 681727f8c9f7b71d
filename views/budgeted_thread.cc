#include "views/budgeted_thread.h"

#include <pthread.h>
#include <time.h>

#include <condition_variable>
#include <mutex>
#include <thread>

namespace wikid {

// What the caller and the thread share. The thread holds its own
// reference, so a thread left running after an overrun never touches
// freed memory.
struct BudgetedThread::Shared {
  std::mutex mutex;
  std::condition_variable wake;  // a job, or stop, for the thread
  std::condition_variable done;  // the job finished, for the caller
  std::function<void()> job;     // set by Run, cleared by the thread
  bool finished = false;
  bool stop = false;
  clockid_t cpu_clock{};  // the thread's CPU-time clock
  std::thread thread;
};

namespace {

std::chrono::nanoseconds CpuTime(clockid_t clock) {
  timespec ts{};
  if (clock_gettime(clock, &ts) != 0) return std::chrono::nanoseconds::max();
  return std::chrono::seconds(ts.tv_sec) + std::chrono::nanoseconds(ts.tv_nsec);
}

// How often a waiting caller looks at the thread's CPU clock. A job that
// finishes wakes the caller at once; this only sets how far past the
// budget an overrun is noticed.
constexpr std::chrono::milliseconds kPollInterval{10};

}  // namespace

BudgetedThread::~BudgetedThread() {
  if (!shared_) return;
  if (overran_) {
    shared_->thread.detach();
    return;
  }
  {
    std::lock_guard lock(shared_->mutex);
    shared_->stop = true;
  }
  shared_->wake.notify_one();
  shared_->thread.join();
}

bool BudgetedThread::Run(std::function<void()> job) {
  if (overran_) return false;
  if (!shared_) {
    shared_ = std::make_shared<Shared>();
    shared_->thread = std::thread([shared = shared_] {
      std::unique_lock lock(shared->mutex);
      for (;;) {
        shared->wake.wait(lock, [&] { return shared->stop || shared->job; });
        if (shared->stop) return;
        std::function<void()> job = std::move(shared->job);
        shared->job = nullptr;
        lock.unlock();
        job();
        lock.lock();
        shared->finished = true;
        shared->done.notify_one();
      }
    });
    pthread_getcpuclockid(shared_->thread.native_handle(), &shared_->cpu_clock);
  }
  const auto cpu_start = CpuTime(shared_->cpu_clock);
  const auto wall_deadline = std::chrono::steady_clock::now() + budget_.wall;
  std::unique_lock lock(shared_->mutex);
  shared_->finished = false;
  shared_->job = std::move(job);
  shared_->wake.notify_one();
  while (!shared_->done.wait_for(lock, kPollInterval,
                                 [&] { return shared_->finished; })) {
    if (CpuTime(shared_->cpu_clock) - cpu_start > budget_.cpu ||
        std::chrono::steady_clock::now() > wall_deadline) {
      overran_ = true;
      return false;
    }
  }
  return true;
}

}  // namespace wikid
