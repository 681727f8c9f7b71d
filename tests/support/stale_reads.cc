#include "tests/support/stale_reads.h"

#include <algorithm>

namespace wikid::testing {

StaleReadChecker::StaleReadChecker(int readers, std::function<HttpResponse(int reader)> view,
                                   int first)
    : acknowledged_(first) {
  for (int r = 0; r < readers; ++r) {
    threads_.emplace_back([this, r, view] {
      int seen = 0;
      while (!done_) {
        const int before = acknowledged_.load();
        HttpResponse page = view(r);
        const int rev = ShownRevision(page);
        if (rev == 0) {
          ++failed_;
          continue;
        }
        ++reads_;
        if (FromNginx(page)) {
          ++from_nginx_;
        } else {
          std::lock_guard lock(pids_mutex_);
          pids_.insert(page.Header("x-wikid-worker"));
        }
        if (rev < before) ++stale_;
        if (rev < seen) ++went_back_;
        if (rev < before || rev < seen) {
          std::lock_guard lock(pids_mutex_);
          if (examples_.size() < 10) {
            examples_.push_back("reader " + std::to_string(r) + ": revision " +
                                std::to_string(rev) + " after " + std::to_string(seen) +
                                ", acknowledged " + std::to_string(before) + ", from " +
                                (FromNginx(page) ? "nginx" : "worker " + page.Header("x-wikid-worker")));
          }
        }
        seen = std::max(seen, rev);
      }
    });
  }
}

StaleReadChecker::~StaleReadChecker() { Stop(); }

size_t StaleReadChecker::workers_seen() const {
  std::lock_guard lock(pids_mutex_);
  return pids_.size();
}

StaleReadOutcome StaleReadChecker::Stop() {
  done_ = true;
  for (auto& t : threads_) t.join();
  threads_.clear();
  return {.acknowledged = acknowledged_,
          .workers_seen = workers_seen(),
          .reads = reads_,
          .from_nginx = from_nginx_,
          .stale = stale_,
          .went_back = went_back_,
          .failed = failed_,
          .examples = examples_};
}

}  // namespace wikid::testing
