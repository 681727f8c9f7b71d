// The process tree under stress: workers killed, a graceful stop with
// requests in flight, a rolling restart, a dead master, clients that leave,
// hostile FastCGI records, and template reloading in development mode.
// Each case starts its own nginx and wikid, since each disturbs them.
#define BOOST_TEST_MODULE process
#include <boost/test/unit_test.hpp>

#include <signal.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>
#include <utime.h>

#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <future>
#include <memory>
#include <random>
#include <set>
#include <thread>

#include "model/store/sqlite/database.h"
#include "tests/support/fastcgi_client.h"
#include "tests/support/test_wiki.h"

namespace wikid::testing {
namespace {

using namespace std::chrono_literals;

int CountOk(TestWiki& wiki, const std::string& path, int n) {
  int ok = 0;
  for (int i = 0; i < n; ++i) ok += wiki.Get(path).status == 200;
  return ok;
}

std::string BeginRequest(uint16_t role) {
  return FastCgiRecord(1, std::string{static_cast<char>(role >> 8),
                                      static_cast<char>(role & 0xff), 0, 0, 0,
                                      0, 0, 0});
}

// The sockets among `pid`'s open files.
size_t SocketsOf(pid_t pid) {
  size_t sockets = 0;
  for (const auto& fd : std::filesystem::directory_iterator("/proc/" + std::to_string(pid) + "/fd")) {
    std::error_code error;
    auto target = std::filesystem::read_symlink(fd.path(), error);
    if (!error && target.string().starts_with("socket:")) ++sockets;
  }
  return sockets;
}

// A hostile local peer: sends bytes, waits briefly for the worker to close.
void SendRawFastCgi(const std::string& socket_path, const std::string& bytes) {
  FastCgiExchange(socket_path, bytes, 500);
}

BOOST_AUTO_TEST_CASE(a_worker_killed_with_sigkill_is_replaced) {
  TestWiki wiki{TestWikiOptions{}};
  BOOST_REQUIRE(wiki.WaitForWorkerCount(2, 60s));
  auto before = wiki.WorkerPids();
  BOOST_REQUIRE(kill(before[0], SIGKILL) == 0);
  // The master notices and starts another.
  BOOST_TEST(wiki.WaitForReplacement(before[0], 2));
  BOOST_TEST(CountOk(wiki, "/_pages", 20) == 20);
  BOOST_TEST(wiki.WikidLog().find("killed by signal 9") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(sigkill_mid_save_leaves_no_revision_and_wiki_answers) {
  TestWiki wiki{TestWikiOptions{.env = {{"WIKID_FAILPOINTS",
                                         "save_in_txn_sleep=1500"}}}};
  BOOST_REQUIRE(wiki.Save("Kill_Me", 0, "one").status == 303);
  auto save = std::async(std::launch::async,
                         [&] { return wiki.Save("Kill_Me", 1, "two"); });
  // Killed inside the transaction, where the save sleeps 1.5 s.
  BOOST_REQUIRE(wiki.WaitForWriteLock(60s));
  for (pid_t pid : wiki.WorkerPids()) kill(pid, SIGKILL);
  BOOST_TEST(save.get().status == 502);
  BOOST_REQUIRE(wiki.WaitForWorkerCount(2, 60s));
  HttpResponse page = wiki.Get("/Kill_Me");
  BOOST_TEST(page.status == 200);
  BOOST_TEST(page.body.find("one") != std::string::npos);
  HttpResponse history = wiki.Get("/_history/Kill_Me");
  BOOST_TEST(history.body.find("?rev=2\"") == std::string::npos);
  // The lock the killed worker held is free: the next save lands.
  BOOST_TEST(wiki.Save("Kill_Me", 1, "two again").status == 303);
}

// F7: twenty slow requests with large answers, then SIGTERM: every one
// completes, whole, and then nothing is served.
BOOST_AUTO_TEST_CASE(sigterm_lets_requests_in_flight_finish) {
  TestWiki wiki{TestWikiOptions{
      .workers = 4,
      .nginx_max_body = "4m",
      // A loaded machine may need long to serve twenty: the stop must
      // wait for them all, not give up at the default 10 s.
      .extra_args = {"--max-body-bytes", "4194304", "--max-page-bytes",
                     "3145728", "--shutdown-timeout", "300"},
      .env = {{"WIKID_FAILPOINTS", "request_sleep=300"}}}};
  // A 2 MB code block: cheap to render, so the time measured is the stop.
  std::string big = "```\n";
  for (int i = 0; i < 32768; ++i) big += std::string(64, 'a' + i % 26) + "\n";
  BOOST_REQUIRE(wiki.Save("Large", 0, big + "```\n").status == 303);
  size_t full_size = wiki.Get("/Large").body.size();
  BOOST_REQUIRE(full_size > (2u << 20));
  // Each request a worker takes logs its failpoint sleep.
  auto taken = [&] { return wiki.LogCount("failpoint request_sleep"); };
  const size_t taken_before = taken();
  std::vector<std::future<HttpResponse>> in_flight;
  for (int i = 0; i < 20; ++i) {
    in_flight.push_back(
        std::async(std::launch::async, [&] { return wiki.Get("/Large"); }));
  }
  // In flight: every request has reached wikid, taken by a worker or
  // waiting in the socket's accept queue. The log is read first: a request
  // accepted between the two reads is then counted in neither, never twice.
  auto all_in_flight = [&] {
    size_t n = taken() - taken_before;
    return n + wiki.AcceptQueueLength() >= 20;
  };
  auto deadline = std::chrono::steady_clock::now() + 120s;
  while (!all_in_flight() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(10ms);  // a poll, under the deadline above
  }
  BOOST_REQUIRE(all_in_flight());
  pid_t mailer = wiki.MailerPid();
  BOOST_REQUIRE(mailer > 0);
  int status = wiki.StopWikid(120s);
  BOOST_TEST(!ProcessAlive(mailer));  // stopped with the workers
  BOOST_TEST(status == 0);
  // Every worker finished on its own: none had to be killed at the
  // shutdown timeout. (Said by the master's log, not by a stopwatch: how
  // long twenty answers take depends on how loaded the machine is.)
  BOOST_TEST(wiki.WikidLog().find("did not finish in time") == std::string::npos);
  int whole = 0;
  for (auto& f : in_flight) {
    HttpResponse r = f.get();
    whole += r.status == 200 && r.body.size() == full_size;
  }
  BOOST_TEST(whole == 20);
  // Stopped means stopped: the socket is gone and nginx gets nothing.
  BOOST_TEST(!std::filesystem::exists(wiki.socket_path()));
  BOOST_TEST(wiki.Get("/_pages").status == 502);
}

// Replaces "All pages" in pages.tpl of `dir` and moves its mtime forward
// (ctemplate compares whole-second mtimes).

// Replaces `from` with `to` in the template `name` and dates the file in
// the future, so dev mode's reload sees it changed.
void EditTemplate(const TempDir& dir, const std::string& name, const std::string& from,
                  const std::string& to) {
  std::string file = dir.File(name);
  std::ifstream in(file);
  std::string text((std::istreambuf_iterator<char>(in)), {});
  text.replace(text.find(from), from.size(), to);
  std::ofstream(file) << text;
  utimbuf times{time(nullptr) + 5, time(nullptr) + 5};
  utime(file.c_str(), &times);
}

void EditPagesTemplate(const TempDir& dir, const std::string& replacement) {
  EditTemplate(dir, "pages.tpl", "All pages", replacement);
}

void CopyTemplates(const TempDir& to) {
  std::filesystem::copy(std::string(WIKID_SOURCE_DIR) + "/views/templates",
                        to.path(), std::filesystem::copy_options::recursive);
}

// F8: two rolling restarts under load from four clients: no request
// fails, every worker is replaced, and a changed template goes live (in
// production mode, where only a reload reads templates again).
BOOST_AUTO_TEST_CASE(sighup_replaces_every_worker_without_refusing) {
  TempDir templates;
  CopyTemplates(templates);
  TestWiki wiki{TestWikiOptions{.templates_dir = templates.path()}};
  auto before = wiki.WorkerPids();
  // A worker counts as started once forked, before it has read its
  // templates (on PostgreSQL its connection takes a while first): the edit
  // waits until every worker has answered, so each read the old ones.
  // Clients at once, so that both workers get requests.
  std::set<std::string> answered;
  for (auto deadline = std::chrono::steady_clock::now() + 60s;
       answered.size() < before.size() && std::chrono::steady_clock::now() < deadline;) {
    std::vector<std::future<std::string>> views;
    for (int i = 0; i < 4; ++i) {
      views.push_back(std::async(std::launch::async,
                                 [&] { return wiki.Get("/_pages").Header("x-wikid-worker"); }));
    }
    for (auto& view : views) answered.insert(view.get());
  }
  BOOST_REQUIRE(answered.size() == before.size());
  EditPagesTemplate(templates, "Reloaded pages");
  BOOST_TEST(wiki.Get("/_pages").body.find("Reloaded pages") == std::string::npos);

  std::atomic<bool> done = false;
  std::atomic<int> failures = 0, requests = 0;
  std::atomic<long> failed_status = 0;  // the first failure's, for the log
  std::vector<std::thread> load;
  for (int i = 0; i < 4; ++i) {
    load.emplace_back([&] {
      while (!done) {
        long status = wiki.Get("/_pages").status;
        if (status != 200) {
          ++failures;
          long none = 0;
          failed_status.compare_exchange_strong(none, status == 0 ? -1 : status);
        }
        ++requests;
      }
    });
  }
  auto replaced_all = [&](const std::vector<pid_t>& old) {
    auto deadline = std::chrono::steady_clock::now() + 60s;
    while (std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(50ms);  // a poll, under the deadline above
      auto now = wiki.WorkerPids();
      bool replaced = now.size() == 2;
      for (pid_t pid : old) {
        replaced &= std::find(now.begin(), now.end(), pid) == now.end();
      }
      if (replaced) return true;
    }
    return false;
  };
  std::this_thread::sleep_for(300ms);
  kill(wiki.master_pid(), SIGHUP);
  bool first = replaced_all(before);
  auto middle = wiki.WorkerPids();
  std::this_thread::sleep_for(300ms);
  kill(wiki.master_pid(), SIGHUP);
  bool second = replaced_all(middle);
  std::this_thread::sleep_for(300ms);
  done = true;
  for (auto& t : load) t.join();
  BOOST_TEST(first);
  BOOST_TEST(second);
  BOOST_TEST(requests > 20);
  BOOST_TEST(failures == 0, "first failure: status " << failed_status
                                                      << " (-1: no response)\n"
                                                      << wiki.NginxErrorLog() << wiki.WikidLog());
  for (int i = 0; i < 4; ++i) {
    BOOST_TEST(wiki.Get("/_pages").body.find("Reloaded pages") != std::string::npos);
  }
}

// A reload whose new worker cannot start (a template that does not parse)
// keeps the old workers serving the old templates.
// A stop signal that reaches a worker just after it accepted a connection,
// while libfcgi waits for the first bytes (a select() that SA_RESTART does
// not restart), must not cost that request: libfcgi would close the
// connection and nginx answer 502. Found by the test above, one run in
// ten under load; here made certain by holding the connection silent.
BOOST_AUTO_TEST_CASE(a_stop_signal_while_a_connection_waits_for_its_request_loses_nothing) {
  TestWiki wiki{TestWikiOptions{.workers = 1}};
  BOOST_REQUIRE(wiki.WaitForWorkerCount(1, 60s));
  pid_t worker = wiki.WorkerPids().at(0);
  std::string reply = FastCgiExchangeAfter(
      wiki.socket_path(),
      FastCgiRequest({{"REQUEST_METHOD", "GET"}, {"REQUEST_URI", "/_health"},
                      {"REMOTE_ADDR", "127.0.0.1"}},
                     ""),
      [&] {
        std::this_thread::sleep_for(300ms);  // the worker is in its select()
        kill(worker, SIGTERM);
        std::this_thread::sleep_for(100ms);
      });
  BOOST_TEST(reply.find("Status: 200") != std::string::npos, "reply: " << reply);
  // And the worker still stops, after that request.
  auto deadline = std::chrono::steady_clock::now() + 60s;
  while (ProcessAlive(worker) && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(20ms);
  }
  BOOST_TEST(!ProcessAlive(worker));
}

// A worker closes a connection as soon as it has answered, instead of
// waiting for nginx to close first (libfcgi's lingering close, up to 2 s):
// a busy nginx that leaves a finished connection open must not keep the
// worker from the next request.
BOOST_AUTO_TEST_CASE(a_worker_does_not_wait_for_nginx_to_close_an_answered_connection) {
  TestWiki wiki{TestWikiOptions{.workers = 1}};
  BOOST_REQUIRE(wiki.WaitForWorkerCount(1, 60s));
  const std::string request =
      FastCgiRequest({{"REQUEST_METHOD", "GET"}, {"REQUEST_URI", "/_health"},
                      {"REMOTE_ADDR", "127.0.0.1"}},
                     "");
  const pid_t worker = wiki.WorkerPids().at(0);
  const size_t idle_sockets = SocketsOf(worker);
  HeldExchange held = FastCgiExchangeHeld(wiki.socket_path(), request);
  BOOST_TEST(held.ended);
  BOOST_TEST(held.stdout_data.find("Status: 200") != std::string::npos);
  // The only worker answered and closed its side at once, while the first
  // connection is still open here: it holds no more sockets than when idle
  // (libfcgi's lingering close would keep this one for up to 2 s). Read
  // from the worker's open files, not from a stopwatch: a slow machine
  // cannot make this pass or fail.
  char byte;
  BOOST_TEST(read(held.fd, &byte, 1) == 0);
  BOOST_TEST(SocketsOf(worker) == idle_sockets);
  std::string next = FastCgiExchange(wiki.socket_path(), request, 30000);
  BOOST_TEST(next.find("Status: 200") != std::string::npos, "reply: " << next);
  close(held.fd);
}

BOOST_AUTO_TEST_CASE(a_reload_with_a_broken_template_keeps_the_old_workers) {
  TempDir templates;
  CopyTemplates(templates);
  TestWiki wiki{TestWikiOptions{.templates_dir = templates.path()}};
  // Both workers ready first (they take their name once their templates
  // are loaded): the wiki answers once one runs, and a second still
  // loading would read the broken template below and die (CI saw it).
  BOOST_REQUIRE(wiki.WaitForWorkerCount(2, 60s));
  auto before = wiki.WorkerPids();
  std::ofstream(templates.File("pages.tpl"), std::ios::app) << "{{#UNCLOSED}}\n";
  kill(wiki.master_pid(), SIGHUP);
  auto deadline = std::chrono::steady_clock::now() + 60s;
  while (wiki.WikidLog().find("keeping the old configuration") == std::string::npos &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(20ms);
  }
  BOOST_TEST(wiki.WikidLog().find("keeping the old configuration") != std::string::npos);
  // The same workers, waited for: a child the reload forked (the mailer
  // started again, the successor that failed) may still be there a moment
  // after the line. Old workers replaced would never be the same set.
  const std::set<pid_t> kept(before.begin(), before.end());
  std::vector<pid_t> after;
  BOOST_TEST(WaitUntil(
                 [&] {
                   after = wiki.WorkerPids();
                   return std::set<pid_t>(after.begin(), after.end()) == kept;
                 },
                 60s),
             "workers after the refused reload: " << after.size() << "\n" << wiki.WikidLog());
  BOOST_TEST(CountOk(wiki, "/_pages", 10) == 10);
}

BOOST_AUTO_TEST_CASE(workers_and_the_mailer_exit_when_the_master_is_killed) {
  TestWiki wiki{TestWikiOptions{}};
  BOOST_REQUIRE(wiki.WaitForWorkerCount(2, 60s));
  auto workers = wiki.WorkerPids();
  BOOST_REQUIRE(wiki.MailerPid() > 0);
  workers.push_back(wiki.MailerPid());
  kill(wiki.master_pid(), SIGKILL);
  auto deadline = std::chrono::steady_clock::now() + 60s;
  bool gone = false;
  while (!gone && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(20ms);
    gone = true;
    for (pid_t pid : workers) gone &= !ProcessAlive(pid);
  }
  BOOST_TEST(gone);
}

// Connects, sends `bytes` and stops, as a stalled or hostile peer would;
// true when wikid closes the connection unanswered within 30 s (it must
// within its --fastcgi-timeout-ms).
bool ClosedUnanswered(const std::string& socket_path, const std::string& bytes) {
  int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::strncpy(addr.sun_path, socket_path.c_str(), sizeof addr.sun_path - 1);
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    close(fd);
    return false;
  }
  [[maybe_unused]] ssize_t sent = write(fd, bytes.data(), bytes.size());
  pollfd pfd{fd, POLLIN, 0};
  char byte;
  // Unread bytes make the close a reset (ECONNRESET) rather than an end.
  bool closed = poll(&pfd, 1, 30000) == 1 &&
                (read(fd, &byte, 1) == 0 || errno == ECONNRESET);
  close(fd);
  return closed;
}

// One crafted input for wikid's socket, from `rng`: a whole request cut
// anywhere, one with bits flipped, a record of any type and lengths, two
// BEGIN_REQUESTs and parameters with huge lengths, GET_VALUES, or noise.
std::string CraftedInput(std::mt19937& rng, const std::string& whole) {
  auto below = [&](size_t n) { return static_cast<size_t>(rng() % n); };
  auto noise = [&](size_t n) {
    std::string bytes(n, '\0');
    for (char& c : bytes) c = static_cast<char>(rng());
    return bytes;
  };
  switch (below(6)) {
    case 0:
      return whole.substr(0, below(whole.size()));
    case 1: {
      std::string flipped = whole;
      for (size_t i = 0, n = 1 + below(8); i < n; ++i) {
        flipped[below(flipped.size())] ^= static_cast<char>(1 << below(8));
      }
      return flipped;
    }
    case 2: {
      const size_t length = below(3) == 0 ? 0xffff : below(300);
      std::string header = {1, static_cast<char>(rng()), static_cast<char>(rng()),
                            static_cast<char>(rng()), static_cast<char>(length >> 8),
                            static_cast<char>(length & 0xff), static_cast<char>(below(256)), 0};
      return header + noise(std::min(length, below(400)));
    }
    case 3: {
      std::string lengths = noise(8);
      lengths[0] |= '\x80';
      lengths[4] |= '\x80';
      return BeginRequest(1) + BeginRequest(1) + FastCgiRecord(4, lengths + noise(below(64)));
    }
    case 4:
      return FastCgiRecord(9, noise(below(64)));  // FCGI_GET_VALUES
    default:
      return noise(below(300));
  }
}

// A fuzzer's worth of crafted records at wikid's socket, as issue 23's
// report sent them (6,000 then killed 7 workers and held 274 connections
// for ever): 3,000 inputs from a fixed seed, each on a connection of its
// own that ends after the bytes, and 20 more left open half sent. No
// worker dies, every connection is closed by wikid (the open ones after
// the FastCGI timeout), and health probes through nginx answer throughout.
BOOST_AUTO_TEST_CASE(thousands_of_crafted_records_cost_no_worker_and_hold_no_connection) {
  TestWiki wiki{TestWikiOptions{.extra_args = {"--fastcgi-timeout-ms", "1000"}}};
  const auto workers = wiki.WorkerPids();
  const std::string whole = FastCgiRequest(
      {{"REQUEST_METHOD", "GET"}, {"REQUEST_URI", "/_health"}, {"REMOTE_ADDR", "127.0.0.1"}}, "");
  std::mt19937 rng(23);
  // Twenty peers that stop part way through the head (BEGIN_REQUEST and the
  // parameters up to their empty record; past that a GET is whole and is
  // answered), held open here while the rest goes on.
  const size_t head = whole.size() - 8;  // all but the empty STDIN record
  std::vector<std::future<bool>> held;
  for (int i = 0; i < 20; ++i) {
    std::string part = whole.substr(0, 1 + rng() % (head - 1));
    held.push_back(std::async(std::launch::async, [&wiki, part] {
      return ClosedUnanswered(wiki.socket_path(), part);
    }));
  }
  int probes = 0, probes_ok = 0, held_open = 0;
  for (int i = 0; i < 3000; ++i) {
    const std::string bytes = CraftedInput(rng, whole);
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::strncpy(addr.sun_path, wiki.socket_path().c_str(), sizeof addr.sun_path - 1);
    BOOST_REQUIRE(connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
    [[maybe_unused]] ssize_t sent = send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    shutdown(fd, SHUT_WR);  // the peer is done: wikid sees the end
    // wikid answers or drops it, and closes: read to the end (a minute at
    // most; a connection still open then is one held for good).
    char buffer[4096];
    bool closed = false;
    for (pollfd pfd{fd, POLLIN, 0}; !closed && poll(&pfd, 1, 60000) == 1;) {
      ssize_t n = read(fd, buffer, sizeof buffer);
      closed = n <= 0;
    }
    held_open += !closed;
    close(fd);
    if (i % 100 == 0) {
      ++probes;
      probes_ok += wiki.Get("/_health").status == 200;
    }
  }
  BOOST_TEST(held_open == 0);
  for (auto& h : held) BOOST_TEST(h.get());
  BOOST_TEST(probes_ok == probes);
  BOOST_TEST(wiki.Get("/_health").status == 200);
  const auto after = wiki.WorkerPids();
  BOOST_TEST((std::set<pid_t>(workers.begin(), workers.end()) ==
              std::set<pid_t>(after.begin(), after.end())));
  BOOST_TEST(wiki.WikidLog().find("killed by signal") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(hostile_fastcgi_records_cost_no_worker) {
  // A short FastCGI timeout, so stalled peers are dropped soon; it applies
  // to nginx's own requests too, which on a loaded machine may take a
  // moment between connecting and writing: one second, not less.
  TestWiki wiki{TestWikiOptions{.memcached = true,
                                .fast_path = true,
                                .extra_args = {"--fastcgi-timeout-ms", "1000"}}};
  BOOST_REQUIRE(wiki.Save("Home", 0, "home").status == 303);
  BOOST_REQUIRE(wiki.WaitForFastPath(30s));
  const std::string generation = wiki.ServingGeneration();
  const auto workers = wiki.WorkerPids();
  struct stat st {};
  BOOST_REQUIRE(stat(wiki.socket_path().c_str(), &st) == 0);
  BOOST_TEST((st.st_mode & 0777) == 0660u);

  // nameLen = valueLen = 0x7ffffffe: Debian's libfcgi asserts and aborts.
  // (A 4-byte length has its top bit set on the wire: ff ff ff fe.)
  std::string huge_lengths = "\xff\xff\xff\xfe\xff\xff\xff\xfe" +
                             std::string(100, 'A');
  SendRawFastCgi(wiki.socket_path(),
                 BeginRequest(1) + FastCgiRecord(4, huge_lengths));
  SendRawFastCgi(wiki.socket_path(), BeginRequest(1) + FastCgiRecord(4, huge_lengths));
  SendRawFastCgi(wiki.socket_path(),
                 BeginRequest(1) + FastCgiRecord(4, "\xff\xff\xff\xff\xff\xff\xff\xff"));  // 0x7fffffff
  // A 127-byte name and a value length of 0x7fffff7f: aborts a worker too.
  SendRawFastCgi(wiki.socket_path(),
                 BeginRequest(1) + FastCgiRecord(4, "\x7f\xff\xff\xff\x7f\xff\xff\xff"));
  SendRawFastCgi(wiki.socket_path(), std::string("\x01\x01\x00", 3));  // cut
  SendRawFastCgi(wiki.socket_path(), FastCgiRecord(99, "x"));  // unknown type
  SendRawFastCgi(wiki.socket_path(), BeginRequest(99));  // unknown role
  // Peers that stop, or trickle, before their request is whole: each
  // connection is closed after the timeout (was: held for ever).
  BOOST_TEST(ClosedUnanswered(wiki.socket_path(), ""));
  BOOST_TEST(ClosedUnanswered(wiki.socket_path(), BeginRequest(1) + "\x01\x04"));
  BOOST_TEST(ClosedUnanswered(wiki.socket_path(),
                              BeginRequest(1) + FastCgiRecord(4, std::string("\x01\x01") + "ab")));
  // A peer that hangs up with its head half sent is let go at once (its
  // bytes stay queued, so only the hang-up says so).
  {
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::strncpy(addr.sun_path, wiki.socket_path().c_str(), sizeof addr.sun_path - 1);
    BOOST_REQUIRE(connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
    std::string half = BeginRequest(1) + "\x01\x04";
    BOOST_REQUIRE(write(fd, half.data(), half.size()) == static_cast<ssize_t>(half.size()));
    close(fd);
  }
  bool hang_up_seen = false;
  for (int i = 0; i < 3000 && !hang_up_seen; ++i) {  // a poll under a 30 s bound
    hang_up_seen = wiki.WikidLog().find("closed before its request was whole") !=
                   std::string::npos;
    if (!hang_up_seen) std::this_thread::sleep_for(10ms);
  }
  BOOST_TEST(hang_up_seen);
  // Every one of them cost no worker, and so no fast-path suspension.
  BOOST_TEST(CountOk(wiki, "/_pages", 20) == 20);
  BOOST_TEST((wiki.WorkerPids() == workers));
  BOOST_TEST(wiki.ServingGeneration() == generation);
  BOOST_TEST(wiki.WikidLog().find("died") == std::string::npos, wiki.WikidLog());
  BOOST_TEST(wiki.WikidLog().find("closed a FastCGI connection unanswered") !=
             std::string::npos);
}

// What the kernel says process `pid` waits in (/proc/PID/wchan).
std::string WaitChannel(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/wchan");
  std::string channel;
  std::getline(in, channel);
  return channel;
}

// A worker that dies while libfcgi reads its request (as libfcgi's own
// abort on a management record in the body kills one) was writing
// nothing: the master replaces it and keeps trusting the caches. One
// that dies doing anything else (here: idle between requests) may have
// died mid-save, and the fast path is suspended, as before.
BOOST_AUTO_TEST_CASE(a_worker_dying_while_reading_a_request_leaves_the_caches_trusted) {
  // request_sleep: each request a worker takes says so in the log, from
  // inside its reading (fcgi/worker.cc: Serve, before the body is read).
  TestWiki wiki{TestWikiOptions{.workers = 1,
                                .memcached = true,
                                .fast_path = true,
                                .extra_args = {"--fastcgi-timeout-ms", "60000"},
                                .env = {{"WIKID_FAILPOINTS", "request_sleep=1"}}}};
  BOOST_REQUIRE(wiki.Save("Home", 0, "home").status == 303);
  BOOST_REQUIRE(wiki.WaitForFastPath(30s));
  const std::string generation = wiki.ServingGeneration();
  const pid_t worker = wiki.WorkerPids().at(0);
  // A whole head, a body that never comes: the worker waits in ReadBody,
  // reading, until the worker dies (or its 60 s read timeout passes: a
  // deadline for a loaded machine).
  std::string head = FastCgiRequest({{"REQUEST_METHOD", "POST"},
                                     {"REQUEST_URI", "/_edit/X"},
                                     {"CONTENT_TYPE", "application/x-www-form-urlencoded"},
                                     {"CONTENT_LENGTH", "100"}},
                                    "");
  head.resize(head.size() - 8);  // without the empty STDIN that ends it
  const size_t taken_before = wiki.LogCount("failpoint request_sleep");
  std::thread peer([&] { FastCgiExchange(wiki.socket_path(), head, 120000); });
  // The worker took this request (no other is sent) and is inside it: from
  // its log line until the body comes, it is reading. Said by the worker,
  // not guessed from what /proc shows a loaded process waiting in.
  BOOST_REQUIRE(WaitUntil(
      [&] { return wiki.LogCount("failpoint request_sleep") > taken_before; }, 60s));
  BOOST_REQUIRE(kill(worker, SIGKILL) == 0);
  peer.join();
  // Its replacement (a count alone could see the killed one before the
  // master reaps it).
  BOOST_REQUIRE(wiki.WaitForReplacement(worker, 1, 20s));
  const pid_t replacement = wiki.WorkerPids().at(0);
  auto log_says = [&](const char* text) {
    for (int i = 0; i < 1000; ++i) {  // a poll under a 10 s bound
      if (wiki.WikidLog().find(text) != std::string::npos) return true;
      std::this_thread::sleep_for(10ms);
    }
    return false;
  };
  BOOST_TEST(log_says("while reading a request"));
  // Trusted: no suspension, and the same generation serves. Not "the
  // switch is on at this moment": with its only worker held in a read and
  // then starting, the host's copy of the shared state went unread past
  // its lease, and the master pointed the switch off until the new worker
  // read it again (model/cache/fast_path.h), which a loaded machine makes
  // last. A distrust would serve a new generation after it.
  BOOST_TEST(wiki.LogCount("fast path suspended: worker") == 0u);
  BOOST_TEST(wiki.ServingGeneration(60s) == generation);
  // The control: a worker killed while idle distrusts every view. The new
  // worker is idle once it waits where idle workers wait.
  const pid_t idle = replacement;
  auto deadline = std::chrono::steady_clock::now() + 20s;
  while (WaitChannel(idle) != "do_epoll_wait" && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(5ms);  // a poll under the deadline above
  }
  BOOST_REQUIRE(WaitChannel(idle) == "do_epoll_wait");
  BOOST_REQUIRE(kill(idle, SIGKILL) == 0);
  BOOST_TEST(log_says("fast path suspended: worker"));
}

// A start that finds the database locked past the busy timeout (another
// host migrating the file they share: hosts started together take turns)
// waits for its turn instead of exiting. The busy timeout is 200 ms here
// instead of 5 s: what is tested is what a start does after it.
BOOST_AUTO_TEST_CASE(a_start_waits_while_the_database_is_locked) {
  TempDir dir;
  const std::string data = dir.File("data");
  std::filesystem::create_directories(data);
  auto db = Database::Open(data + "/wikid.db", {});
  BOOST_REQUIRE(db.ok());
  BOOST_REQUIRE((*db)->Exec("BEGIN EXCLUSIVE").ok());
  const std::string log = dir.File("serve.log");
  pid_t serve = Spawn({WIKID_BINARY, "serve", "--workers", "1", "--data", data, "--templates",
                       std::string(WIKID_SOURCE_DIR) + "/views/templates", "--socket",
                       dir.File("wikid.sock")},
                      log, {{"WIKID_FAILPOINTS", "start_busy_timeout_ms=200"}});
  BOOST_TEST(WaitUntil([&] { return ReadFile(log).find("trying again") != std::string::npos; },
                       60s),
             ReadFile(log));
  BOOST_TEST(ProcessAlive(serve), ReadFile(log));
  BOOST_REQUIRE((*db)->Exec("COMMIT").ok());
  BOOST_TEST(WaitUntil([&] { return !MasterChildren(serve, false).empty(); }, 60s),
             ReadFile(log));
  kill(serve, SIGTERM);
  BOOST_TEST(WaitExit(serve, 60s) != -1);
}

// Over TCP, only FCGI_WEB_SERVER_ADDRS may connect (libfcgi's own rule,
// kept now that the worker accepts connections itself).
BOOST_AUTO_TEST_CASE(a_tcp_peer_not_listed_is_refused) {
  TestWiki wiki{TestWikiOptions{.tcp_socket = true,
                                .env = {{"FCGI_WEB_SERVER_ADDRS", "127.0.0.2"}}}};
  BOOST_TEST(wiki.Get("/_pages").status == 502);
  // Logged once the worker has closed the connection, which nginx may
  // answer before.
  BOOST_TEST(WaitUntil(
      [&] {
        return wiki.WikidLog().find("the peer 127.0.0.1 is not in FCGI_WEB_SERVER_ADDRS") !=
               std::string::npos;
      },
      60s));
  TestWiki listed{TestWikiOptions{.tcp_socket = true,
                                  .env = {{"FCGI_WEB_SERVER_ADDRS", "127.0.0.2,127.0.0.1"}}}};
  BOOST_TEST(listed.Get("/_pages").status == 200);
}

BOOST_AUTO_TEST_CASE(a_client_leaving_mid_response_costs_nothing) {
  TestWiki wiki{TestWikiOptions{}};
  BOOST_REQUIRE(wiki.Save("Big", 0, std::string(900000, 'z')).status == 303);
  BOOST_REQUIRE(wiki.WaitForWorkerCount(2, 60s));
  auto before = wiki.WorkerPids();
  for (int i = 0; i < 20; ++i) wiki.GetAndHangUp("/Big", 1024);
  BOOST_TEST(CountOk(wiki, "/Big", 20) == 20);
  auto after = wiki.WorkerPids();
  BOOST_TEST((std::set<pid_t>(before.begin(), before.end()) ==
              std::set<pid_t>(after.begin(), after.end())));
}

// --- Development mode, on one stack -------------------------------------
//
// Its cases edit templates of their own (pages.tpl; page.tpl and
// changes.tpl), which include none of the other's, in one copy of the
// templates: one dev-mode wiki with memcached serves both (a stack costs
// more than a CPU-second to start and stop).
struct DevWiki {
  DevWiki() {
    auto copy = std::make_unique<TempDir>();
    CopyTemplates(*copy);
    wiki = new TestWiki(
        TestWikiOptions{.dev = true, .templates_dir = copy->path(), .memcached = true});
    templates = copy.release();
  }
  ~DevWiki() {
    delete wiki;
    delete templates;
  }
  static inline TempDir* templates = nullptr;
  static inline TestWiki* wiki = nullptr;
};

// What a case of dev_mode sees: the suite's wiki and its templates.
struct OnDevWiki {
  TestWiki& wiki = *DevWiki::wiki;
  const TempDir& templates = *DevWiki::templates;
};

BOOST_AUTO_TEST_SUITE(dev_mode, *boost::unit_test::fixture<DevWiki>())

BOOST_FIXTURE_TEST_CASE(dev_mode_shows_an_edited_template_on_the_next_request, OnDevWiki) {
  BOOST_TEST(wiki.Get("/_pages").body.find("All pages") != std::string::npos);
  EditPagesTemplate(templates, "Every page, edited");
  for (int i = 0; i < 4; ++i) {  // whichever worker answers
    BOOST_TEST(wiki.Get("/_pages").body.find("Every page, edited") !=
               std::string::npos);
  }
}

// With memcached too: page views (kept whole for anonymous readers outside
// dev mode) and the front page's rendered changes follow the edit at once.
BOOST_FIXTURE_TEST_CASE(dev_mode_keeps_no_rendered_page_past_a_template_edit, OnDevWiki) {
  BOOST_REQUIRE(wiki.Save("Main_Page", 0, "front text").status == 303);
  BOOST_REQUIRE(wiki.Save("Shown", 0, "shown text").status == 303);
  for (int i = 0; i < 8; ++i) {  // every worker has served both
    BOOST_REQUIRE(wiki.Get("/Shown").status == 200);
    BOOST_REQUIRE(wiki.Get("/").status == 200);
  }
  EditTemplate(templates, "page.tpl", "<article class=\"page\">",
               "<article class=\"page\"><p>page template, edited</p>");
  EditTemplate(templates, "changes.tpl", "{{%AUTOESCAPE context=\"HTML\"}}",
               "{{%AUTOESCAPE context=\"HTML\"}}<p>changes template, edited</p>");
  for (int i = 0; i < 4; ++i) {  // whichever worker answers
    BOOST_TEST(wiki.Get("/Shown").body.find("page template, edited") != std::string::npos);
    BOOST_TEST(wiki.Get("/").body.find("changes template, edited") != std::string::npos);
  }
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace wikid::testing
