#include "views/markup/budgeted_thread.h"

#include <pthread.h>
#include <time.h>

#include <condition_variable>
#include <mutex>
#include <system_error>
#include <thread>

#include "model/base/log.h"

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
  bool has_cpu_clock = false;  // else only the wall-time limit applies
  std::thread thread;

  // The thread's CPU time so far; zero without its clock.
  std::chrono::nanoseconds CpuTime() const {
    timespec ts{};
    if (!has_cpu_clock || clock_gettime(cpu_clock, &ts) != 0) {
      return std::chrono::nanoseconds(0);
    }
    return std::chrono::seconds(ts.tv_sec) + std::chrono::nanoseconds(ts.tv_nsec);
  }
};

namespace {

// How often a waiting caller looks at the thread's CPU clock. A job that
// finishes wakes the caller at once; this only sets how far past the
// budget an overrun is noticed.
constexpr std::chrono::milliseconds kPollInterval{10};

}  // namespace

BudgetedThread::~BudgetedThread() {
  if (!shared_) return;
  if (overran_) {
    if (shared_->thread.joinable()) shared_->thread.detach();
    return;
  }
  {
    std::lock_guard lock(shared_->mutex);
    shared_->stop = true;
  }
  shared_->wake.notify_one();
  shared_->thread.join();
}

BudgetedThread::Outcome BudgetedThread::Run(std::function<void()> job,
                                             std::optional<std::chrono::milliseconds> cpu) {
  if (overran_) return Outcome::kRefused;
  if (!shared_) {
    auto shared = std::make_shared<Shared>();
    try {
      shared->thread = std::thread([shared] {
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
    } catch (const std::system_error& e) {
      LogError(std::string("cannot start a thread for budgeted work, running it "
                           "unbounded: ") + e.what());
      job();
      return Outcome::kFinished;
    }
    shared->has_cpu_clock =
        pthread_getcpuclockid(shared->thread.native_handle(), &shared->cpu_clock) == 0;
    shared_ = std::move(shared);
  }
  const auto cpu_budget = cpu.value_or(budget_.cpu);
  const auto cpu_start = shared_->CpuTime();
  const auto wall_deadline = std::chrono::steady_clock::now() + budget_.wall;
  std::unique_lock lock(shared_->mutex);
  shared_->finished = false;
  shared_->job = std::move(job);
  shared_->wake.notify_one();
  while (!shared_->done.wait_for(lock, kPollInterval,
                                 [&] { return shared_->finished; })) {
    if (shared_->CpuTime() - cpu_start > cpu_budget ||
        std::chrono::steady_clock::now() > wall_deadline) {
      overran_ = true;
      return Outcome::kOverran;
    }
  }
  return Outcome::kFinished;
}

}  // namespace wikid
