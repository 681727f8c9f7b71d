// BudgetedThread: runs one job at a time on a thread of its own and waits
// for it at most a budget of that thread's CPU time, so a job that would
// run for minutes (cmark-gfm on pathological Markdown, views/markup/markdown.h)
// costs the request at most the budget.
//
// A job cannot be stopped from outside (no library call is safe to
// interrupt: cmark allocates, and a signal or a cancelled thread could
// leave the allocator locked), so an overrun job keeps its thread until
// the process ends. After one, `overran()` is true, Run refuses every
// further job, and the process should end once its request is answered
// (fcgi/worker.cc retires the worker; the master starts another).
//
// CPU time, not wall time, because a loaded machine must not turn a page
// that renders in 50 ms into one that is refused: the thread's own CPU
// clock only advances while it works. A wall-clock limit, far above the
// budget, still bounds a thread that is starved or blocked.
//
// One BudgetedThread per worker (views/site.h owns it through Markdown).
// Not thread-safe: one caller at a time.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <optional>

namespace wikid {

class BudgetedThread {
 public:
  struct Budget {
    std::chrono::milliseconds cpu{2000};
    std::chrono::milliseconds wall{20000};
  };

  explicit BudgetedThread(Budget budget) : budget_(budget) {}
  BudgetedThread(const BudgetedThread&) = delete;
  BudgetedThread& operator=(const BudgetedThread&) = delete;
  // Ends an idle thread; leaves an overrun one running (detached).
  ~BudgetedThread();

  enum class Outcome {
    kFinished,  // the job ran to its end within the budget
    kOverran,   // this job overran: it still runs, and overran() is true
    kRefused,   // not run: an earlier job overran
  };

  // Runs `job` on the thread (started on first use, so a worker that
  // renders nothing starts none) and waits for it, at most `cpu` of its
  // CPU time (the budget's, by default) and the budget's wall time. The
  // job must own, or share ownership of, everything it touches: after an
  // overrun it outlives this call. If the thread cannot be started (no
  // resources), the job runs here, unbounded, and the failure is logged:
  // a right answer late rather than a wrong one.
  Outcome Run(std::function<void()> job,
              std::optional<std::chrono::milliseconds> cpu = std::nullopt);

  bool overran() const { return overran_; }
  const Budget& budget() const { return budget_; }

 private:
  struct Shared;

  Budget budget_;
  std::shared_ptr<Shared> shared_;  // with the thread, which may outlive us
  bool overran_ = false;
};

}  // namespace wikid
