// C1's checker (README, RELIABILITY-NOTES: once a save has been
// acknowledged, no view that starts afterwards shows an older revision):
// reader threads view one page again and again while the test saves it,
// and count the views older than a save acknowledged before they began.
// The single-host race (tests/integration/consistency_test.cc) and the
// multi-host one (tests/integration/multihost_test.cc) share it.
#pragma once

#include <atomic>
#include <functional>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "tests/support/test_wiki.h"

namespace wikid::testing {

struct StaleReadOutcome {
  int acknowledged = 0;
  size_t workers_seen = 0;  // distinct worker pids that answered reads
  int reads = 0;
  int from_nginx = 0;   // reads nginx answered from its fast path
  int stale = 0;        // a view older than a save acknowledged before it began
  int went_back = 0;    // a client saw a revision older than it saw before
  int failed = 0;       // non-200 answers, or no page view
  // The first few stale or backward views: which reader, what it saw,
  // from nginx or from which worker.
  std::vector<std::string> examples;
};

class StaleReadChecker {
 public:
  // Starts `readers` threads; reader r makes each of its views with
  // `view(r)`. `first` is the revision acknowledged before they start.
  StaleReadChecker(int readers, std::function<HttpResponse(int reader)> view, int first);
  ~StaleReadChecker();  // stops the readers
  StaleReadChecker(const StaleReadChecker&) = delete;
  StaleReadChecker& operator=(const StaleReadChecker&) = delete;

  // A save of `revision` was acknowledged: views begun from now on must
  // show it or a later one.
  void Acknowledged(int revision) { acknowledged_ = revision; }
  int reads() const { return reads_; }
  size_t workers_seen() const;
  // Stops the readers and says what they saw.
  StaleReadOutcome Stop();

 private:
  std::atomic<int> acknowledged_;
  std::atomic<bool> done_ = false;
  std::atomic<int> reads_ = 0, from_nginx_ = 0, stale_ = 0, went_back_ = 0, failed_ = 0;
  mutable std::mutex pids_mutex_;
  std::set<std::string> pids_;
  std::vector<std::string> examples_;  // under pids_mutex_
  std::vector<std::thread> threads_;
};

}  // namespace wikid::testing
