// /_metrics through nginx, with several workers: it passes promtool's
// check, its counters move by what the test's requests did whichever
// worker answers, and a reader who is neither on this machine nor an
// admin is refused with a sentence saying why.
#define BOOST_TEST_MODULE metrics_http
#include <signal.h>

#include <boost/test/unit_test.hpp>

#include <chrono>
#include <fstream>
#include <future>
#include <map>
#include <set>
#include <vector>

#include "tests/support/temp_dir.h"
#include "tests/support/test_wiki.h"

namespace wikid::testing {
namespace {

using namespace std::chrono_literals;

// One scrape: each sample's series (name and labels, as written) and
// value, and the worker that answered.
struct Scrape {
  std::string text;
  std::map<std::string, double> samples;
  std::string worker;

  // A series' value; 0 for one not written (a counter not yet moved).
  double operator[](const std::string& series) const {
    auto it = samples.find(series);
    return it == samples.end() ? 0 : it->second;
  }
};

// `r`, a scrape's answer, read (on the test's thread: Boost.Test's checks
// are not for other threads).
Scrape Parse(const HttpResponse& r) {
  BOOST_REQUIRE_EQUAL(r.status, 200);
  BOOST_TEST(r.Header("content-type") ==
             "text/plain; version=0.0.4; charset=utf-8");
  Scrape scrape{.text = r.body, .worker = r.Header("x-wikid-worker")};
  size_t start = 0;
  while (start < r.body.size()) {
    size_t end = r.body.find('\n', start);
    BOOST_REQUIRE(end != std::string::npos);  // every line ends with one
    std::string line = r.body.substr(start, end - start);
    start = end + 1;
    if (line.empty() || line[0] == '#') continue;
    size_t space = line.rfind(' ');
    BOOST_REQUIRE(space != std::string::npos);
    BOOST_TEST(scrape.samples.count(line.substr(0, space)) == 0,
               "twice: " << line);
    scrape.samples[line.substr(0, space)] = std::stod(line.substr(space + 1));
  }
  return scrape;
}

Scrape Read(TestWiki& wiki) { return Parse(wiki.Get("/_metrics")); }

// promtool (Debian's prometheus package, scripts/deps) reads `text` as a
// Prometheus server would and lints it: its output, empty when it passes.
std::string PromtoolProblems(const std::string& text) {
  TempDir dir;
  const std::string file = dir.File("metrics.txt");
  std::ofstream(file) << text;
  CommandRun run = RunCommand({"sh", "-c", "promtool check metrics < " + file});
  if (run.code == 0 && run.output.empty()) return "";
  return "promtool exited " + std::to_string(run.code) + ": " + run.output;
}

std::string Requests(const std::string& route, const std::string& method,
                     const std::string& status) {
  return "wikid_http_requests_total{route=\"" + route + "\",method=\"" +
         method + "\",status=\"" + status + "\"}";
}

BOOST_AUTO_TEST_CASE(counters_move_by_what_requests_did_on_every_worker) {
  // Three workers and memcached, as a host runs; loopback proxies trusted,
  // so that a request can come from elsewhere through X-Forwarded-For.
  TestWiki wiki{
      TestWikiOptions{.workers = 3,
                      .memcached = true,
                      .extra_args = {"--trusted-proxies", "127.0.0.1"}}};
  BOOST_REQUIRE(wiki.WaitForWorkerCount(3, 60s));
  BOOST_REQUIRE_EQUAL(wiki.Save("Metered", 0, "one\n\ntwo\n\nthree\n").status,
                      303);

  const Scrape before = Read(wiki);
  BOOST_TEST(PromtoolProblems(before.text) == "");

  // A view, a save, a merge (an older base, changes that do not overlap),
  // a conflict (an older base, changes that do), a failed login.
  HttpResponse view = wiki.Get("/Metered");
  BOOST_REQUIRE_EQUAL(view.status, 200);
  BOOST_REQUIRE_EQUAL(wiki.Save("Metered", 1, "ONE\n\ntwo\n\nthree\n").status,
                      303);
  HttpResponse merged = wiki.Save("Metered", 1, "one\n\ntwo\n\nTHREE\n");
  BOOST_REQUIRE_EQUAL(merged.status, 303);
  BOOST_REQUIRE(merged.Header("location").find("merged=3") !=
                std::string::npos);
  BOOST_REQUIRE_EQUAL(wiki.Save("Metered", 1, "uno\n\ntwo\n\nthree\n").status,
                      409);
  Browser stranger(wiki);
  BOOST_REQUIRE_EQUAL(stranger.LogIn("Tester", "not the password").status, 403);

  const Scrape after = Read(wiki);
  BOOST_TEST(PromtoolProblems(after.text) == "");
  auto moved = [&](const std::string& series) {
    return after[series] - before[series];
  };
  BOOST_TEST(moved(Requests("/*", "GET", "2xx")) == 1);
  BOOST_TEST(moved(Requests("/_edit/*", "POST", "3xx")) == 2);
  BOOST_TEST(moved(Requests("/_edit/*", "POST", "4xx")) == 1);
  BOOST_TEST(moved(Requests("/_login", "POST", "4xx")) == 1);
  BOOST_TEST(moved(Requests("/_metrics", "GET", "2xx")) ==
             1);  // `before` itself
  BOOST_TEST(moved("wikid_http_request_duration_seconds_count{route=\"/"
                   "*\",method=\"GET\"}") == 1);
  BOOST_TEST(moved("wikid_http_request_duration_seconds_bucket{route=\"/"
                   "*\",method=\"GET\","
                   "le=\"+Inf\"}") == 1);
  BOOST_TEST(moved("wikid_http_request_duration_seconds_sum{route=\"/"
                   "*\",method=\"GET\"}") > 0);
  BOOST_TEST(moved("wikid_saves_total") == 2);
  BOOST_TEST(moved("wikid_save_merges_total") == 1);
  BOOST_TEST(moved("wikid_save_conflicts_total") == 1);
  BOOST_TEST(moved("wikid_login_failures_total") == 1);
  BOOST_TEST(moved("wikid_login_throttled_total") == 0);
  // The view was answered from a cache (the save put it in memcached), by
  // the worker's own copy or by memcached.
  if (view.Header("x-cache") == "hit") {
    BOOST_TEST(moved("wikid_cache_hits_total{tier=\"worker\"}") +
                   moved("wikid_cache_hits_total{tier=\"memcached\"}") >=
               1);
  }
  BOOST_TEST(after["wikid_fast_path_state{state=\"off\"}"] == 1);
  BOOST_TEST(after["wikid_outbox_messages"] == 0);

  // Every worker answers with the host's numbers, not its own: scrapes
  // three at a time (so that busy workers leave the next to an idle one)
  // until each worker has answered one, each answering what `after` said,
  // whichever worker served what. (Stopping the other workers with
  // SIGSTOP, as this did first, could freeze one inside a lock of the
  // shared memory that the one left running then waited for.)
  const std::vector<pid_t> workers = wiki.WorkerPids();
  BOOST_REQUIRE_EQUAL(workers.size(), 3u);
  std::set<std::string> answered;
  const auto deadline = std::chrono::steady_clock::now() + 120s;
  while (answered.size() < workers.size()) {
    BOOST_REQUIRE(std::chrono::steady_clock::now() < deadline);
    std::vector<std::future<HttpResponse>> scrapes;
    for (size_t i = 0; i < workers.size(); ++i) {
      scrapes.push_back(std::async(std::launch::async, [&] { return wiki.Get("/_metrics"); }));
    }
    for (auto& scrape : scrapes) {
      const Scrape again = Parse(scrape.get());
      answered.insert(again.worker);
      for (const std::string& series :
           {std::string("wikid_saves_total"),
            std::string("wikid_save_merges_total"),
            std::string("wikid_save_conflicts_total"),
            std::string("wikid_login_failures_total"),
            Requests("/*", "GET", "2xx"), Requests("/_edit/*", "POST", "3xx"),
            Requests("/_login", "POST", "4xx")}) {
        BOOST_TEST(again[series] == after[series],
                   series << " on worker " << again.worker);
      }
    }
  }
  for (pid_t worker : workers) BOOST_TEST(answered.count(std::to_string(worker)) == 1u);

  // A worker killed is counted once its replacement runs.
  const pid_t victim = wiki.WorkerPids().at(0);
  BOOST_REQUIRE(kill(victim, SIGKILL) == 0);
  BOOST_REQUIRE(wiki.WaitForReplacement(victim, 3));
  const Scrape restarted = Read(wiki);
  BOOST_TEST(restarted["wikid_worker_restarts_total{reason=\"died\"}"] -
                 after["wikid_worker_restarts_total{reason=\"died\"}"] ==
             1);
  // The killed worker's counts stay: they were the host's already.
  BOOST_TEST(restarted["wikid_saves_total"] == after["wikid_saves_total"]);

  // From another machine (through a trusted proxy): refused, told why,
  // and shown nothing.
  HttpResponse far = wiki.Get("/_metrics", {"X-Forwarded-For: 203.0.113.9"});
  BOOST_TEST(far.status == 403);
  BOOST_TEST(far.body.find("only to requests from this machine") !=
             std::string::npos);
  BOOST_TEST(far.body.find("wikid_saves_total") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(
    admins_mode_serves_an_admin_from_anywhere_and_refuses_the_rest) {
  TestWiki wiki{
      TestWikiOptions{.workers = 1, .extra_args = {"--metrics", "admins"}}};
  HttpResponse anonymous = wiki.Get("/_metrics");
  BOOST_TEST(anonymous.status == 403);
  BOOST_TEST(anonymous.body.find("only to the wiki's admins") !=
             std::string::npos);
  BOOST_TEST(wiki.Editor().Get("/_metrics").status == 403);  // a plain user
  auto admin = wiki.LoggedInAs("Operator", "operator password", /*admin=*/true);
  HttpResponse scraped = admin->Get("/_metrics");
  BOOST_TEST(scraped.status == 200);
  BOOST_TEST(PromtoolProblems(scraped.body) == "");
}

}  // namespace
}  // namespace wikid::testing
