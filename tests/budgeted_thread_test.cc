// BudgetedThread: a job's CPU time is bounded, its sleeping is not, and a
// job that overran leaves the thread refusing work.
#define BOOST_TEST_MODULE budgeted_thread
#include <boost/test/unit_test.hpp>

#include <atomic>
#include <chrono>
#include <thread>

#include "views/markup/budgeted_thread.h"

namespace wikid {
namespace {

using std::chrono::milliseconds;
using Outcome = BudgetedThread::Outcome;

BOOST_AUTO_TEST_CASE(jobs_within_the_budget_finish_on_one_thread) {
  BudgetedThread thread({.cpu = milliseconds(1000), .wall = milliseconds(60000)});
  std::thread::id first, second;
  BOOST_TEST((thread.Run([&] { first = std::this_thread::get_id(); }) == Outcome::kFinished));
  BOOST_TEST((thread.Run([&] { second = std::this_thread::get_id(); }) == Outcome::kFinished));
  BOOST_TEST((first == second));
  BOOST_TEST((first != std::this_thread::get_id()));
  BOOST_TEST(!thread.overran());
}

BOOST_AUTO_TEST_CASE(a_job_past_its_cpu_budget_is_left_behind) {
  BudgetedThread thread({.cpu = milliseconds(50), .wall = milliseconds(600000)});
  auto release = std::make_shared<std::atomic<bool>>(false);
  // Spins (CPU time) until the test lets it go, after Run gave up on it.
  BOOST_TEST((thread.Run([release] {
    while (!release->load()) {
    }
  }) == Outcome::kOverran));
  BOOST_TEST(thread.overran());
  bool ran = false;
  BOOST_TEST((thread.Run([&] { ran = true; }) == Outcome::kRefused));
  BOOST_TEST(!ran);
  release->store(true);
}

BOOST_AUTO_TEST_CASE(one_call_may_have_a_smaller_budget) {
  BudgetedThread thread({.cpu = milliseconds(600000), .wall = milliseconds(600000)});
  auto release = std::make_shared<std::atomic<bool>>(false);
  BOOST_TEST((thread.Run(
                  [release] {
                    while (!release->load()) {
                    }
                  },
                  milliseconds(50)) == Outcome::kOverran));
  release->store(true);
}

BOOST_AUTO_TEST_CASE(waiting_costs_no_cpu_budget) {
  // A job that sleeps for ten times its CPU budget still finishes: only
  // the thread's own work counts, so a loaded machine refuses nothing.
  BudgetedThread thread({.cpu = milliseconds(20), .wall = milliseconds(600000)});
  BOOST_TEST((thread.Run([] { std::this_thread::sleep_for(milliseconds(200)); }) ==
              Outcome::kFinished));
  BOOST_TEST(!thread.overran());
}

BOOST_AUTO_TEST_CASE(a_job_blocked_past_the_wall_limit_is_left_behind) {
  BudgetedThread thread({.cpu = milliseconds(600000), .wall = milliseconds(100)});
  auto release = std::make_shared<std::atomic<bool>>(false);
  BOOST_TEST((thread.Run([release] {
    // A poll with a bound: the test releases it once Run has returned.
    while (!release->load()) std::this_thread::sleep_for(milliseconds(5));
  }) == Outcome::kOverran));
  BOOST_TEST(thread.overran());
  release->store(true);
}

}  // namespace
}  // namespace wikid
