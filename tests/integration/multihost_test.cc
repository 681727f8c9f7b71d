// Several hosts (issue 17, "How it must be shown"): three wikid masters,
// each in a network namespace of its own with its own shared memory and
// data folder, FastCGI over TCP, behind one nginx upstream and each behind
// its own nginx (tests/support/netns_hosts.h), sharing two memcached
// servers (ketama) and one database. In order of value:
//   a. forms and sessions go from host to host, a logout anywhere ends
//      the session everywhere at once;
//   b. C1 across hosts: no view on any host older than a save acknowledged
//      on another, with its control (version numbers kept per host), and
//      no reader's view older than one it saw before;
//   c. a host killed mid-save (and holding a fill's mark) loses nothing
//      acknowledged, and the others serve on; a host whose wikid alone
//      died leaves its nginx serving nothing stale;
//   d. two hosts' mailers send each queued message once, and a host
//      killed between a send and its mark costs one duplicate, no loss;
//   e. memcached servers killed, frozen and flushed under load;
//   f. a fill on one host racing a delete on another, with its control
//      (the fill marks not read).
// Sizes: small in the suite (b: 60 saves, 2,000 reads, the size at which
// its control finds hundreds of stale reads); scripts/soak runs b at the
// issue's (WIKID_MULTIHOST_EDITS=500, WIKID_MULTIHOST_READS=20000).
//
// The database is on the engine WIKID_TEST_DATABASE names: one SQLite
// file (multihost_test), or a PostgreSQL server the hosts reach over
// their bridge (multihost_test_postgres; tests/support/netns_hosts.h).
// On PostgreSQL cases a, b and c run (sessions and the form key across
// hosts, the race of saves and reads, a host's connections dying inside a
// save's transaction); the others are skipped there, each saying why:
// their SQL runs on PostgreSQL in other suites, and the suite's time
// (about 40 s for this run) does not allow them twice.
//
// Needs root (network namespaces); elsewhere the executable says why and
// exits with 77, which ctest reports as skipped, never as passed.
#define BOOST_TEST_MODULE multihost
#include <signal.h>

#include <boost/test/unit_test.hpp>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <map>
#include <future>
#include <regex>
#include <set>
#include <thread>

#include "model/cache/memcache.h"
#include "tests/support/netns_hosts.h"
#include "tests/support/stale_reads.h"
#include "tests/support/test_database.h"

namespace wikid::testing {
namespace {

using namespace std::chrono_literals;

struct SkipWithoutNamespaces {
  SkipWithoutNamespaces() {
    const std::string why = NetnsHosts::Unavailable();
    if (!why.empty()) {
      std::fprintf(stderr, "multihost_test skipped: %s\n", why.c_str());
      std::fflush(stderr);
      std::_Exit(77);  // ctest's SKIP_RETURN_CODE for this test
    }
  }
};
BOOST_TEST_GLOBAL_FIXTURE(SkipWithoutNamespaces);

// A size from the environment (scripts/soak asks for the issue's), or
// the suite's.
int Setting(const char* name, int fallback) {
  const char* text = std::getenv(name);
  return text != nullptr ? std::atoi(text) : fallback;
}

// C1 across hosts in the suite: saves, and reads at least.
constexpr int kSmallEdits = 60;
constexpr int kSmallReads = 2000;

bool LoggedIn(const HttpResponse& page) {
  return page.status == 200 && page.body.find("action=\"/_logout\"") != std::string::npos;
}

std::string FormToken(const std::string& html) {
  std::smatch token;
  if (!std::regex_search(html, token, std::regex("name=\"csrf\" value=\"([^\"]+)\""))) return "";
  return token[1];
}

// Anonymous views of `path` through host `host`'s nginx, one after the
// other (a first view may fill nothing), until one more fill than before
// is held at the failpoint fast_fill_checked (its mark set in memcached).
// The views, to be waited for once the hold is let go or the host killed.
std::vector<std::future<HttpResponse>> ViewUntilHeld(NetnsHosts& hosts, int host,
                                                     const std::string& path) {
  const std::string holding = "failpoint fast_fill_checked: holding";
  const size_t before = hosts.LogCount(host, holding);
  std::vector<std::future<HttpResponse>> views;
  const bool held = WaitUntil(
      [&] {
        if (hosts.LogCount(host, holding) > before) return true;
        if (views.empty() || views.back().wait_for(0s) == std::future_status::ready) {
          views.push_back(
              std::async(std::launch::async, [&hosts, host, path] {
                return hosts.Pinned(host).Get(path);
              }));
        }
        return false;
      },
      120s);
  if (!held) {
    // What the views met, for a failure on a machine this cannot be rerun
    // on: the host's switch, and how the last answered view was served.
    std::string last = "none answered";
    for (auto& view : views) {
      if (view.wait_for(0s) != std::future_status::ready) continue;
      const HttpResponse answer = view.get();
      last = std::to_string(answer.status) + ", X-Cache \"" + answer.Header("x-cache") +
             "\", revision " + std::to_string(ShownRevision(answer));
    }
    BOOST_FAIL("no fill of " << path << " held on host " << host << " after " << views.size()
                             << " views; the last: " << last << "; its switch: \""
                             << hosts.FastPathSwitch(host) << "\"\n--- its log\n"
                             << hosts.HostLog(host));
  }
  return views;
}

// C1 across hosts (case b, its control, case e): saves of one page spread over every host (each save on the next host),
// readers through every nginx, anonymous (nginx's fast path on) and
// logged in, until `min_reads`. `before_save(base)` runs before the save
// on top of revision `base` (a fault put in the way).
StaleReadOutcome RaceAcrossHosts(NetnsHosts& hosts, int edits, int min_reads,
                                 const std::function<void(int base)>& before_save = {}) {
  for (int i = 0; i < hosts.size(); ++i) {
    BOOST_REQUIRE_MESSAGE(hosts.WaitForFastPath(i, 60s), "no fast path on host " << i);
  }
  Browser editor(hosts.Pinned(0));
  BOOST_REQUIRE(editor.SignUp("Editor", "editor's long password").status == 303);
  BOOST_REQUIRE(editor.Save("Contended", 0, "text of revision 1").status == 303);
  // Reader r reads through nginx r % 4 (3: the one in front of every
  // host); odd readers logged in, even ones anonymous.
  constexpr int kReaders = 6;
  std::vector<std::unique_ptr<Browser>> readers;
  for (int r = 0; r < kReaders; ++r) {
    HttpTarget& target =
        r % 4 == 3 ? static_cast<HttpTarget&>(hosts.Balanced()) : hosts.Pinned(r % 4);
    readers.push_back(std::make_unique<Browser>(target));
    if (r % 2 == 1) {
      BOOST_REQUIRE(readers.back()->LogIn("Editor", "editor's long password").status == 303);
    }
  }
  StaleReadChecker checker(
      kReaders, [&](int r) { return readers[r]->Get("/Contended"); }, /*first=*/1);
  int refused = 0;
  for (int base = 1; base < edits; ++base) {
    if (before_save) before_save(base);
    editor.Use(hosts.Pinned(base));
    HttpResponse saved = editor.Save("Contended", base, "text of revision " + std::to_string(base + 1));
    if (saved.status == 303) {
      checker.Acknowledged(base + 1);
    } else {
      ++refused;
      BOOST_TEST_MESSAGE("save " << base + 1 << ": " << saved.status);
    }
  }
  BOOST_TEST(refused == 0);
  // The readers go on until there are enough, for at most five minutes.
  BOOST_TEST(WaitUntil([&] { return checker.reads() >= min_reads; }, 300s));
  StaleReadOutcome o = checker.Stop();
  BOOST_TEST_MESSAGE(o.reads << " reads (" << o.from_nginx << " from nginx's fast path), "
                             << o.acknowledged << " revisions, " << o.workers_seen
                             << " workers, " << o.stale << " stale, " << o.went_back
                             << " went back, " << o.failed << " failed");
  for (const std::string& example : o.examples) BOOST_TEST_MESSAGE(example);
  return o;
}

// Cases a and b run on one stack (their accounts and pages differ): a
// start of three hosts less.
struct SharedHosts {
  SharedHosts() { hosts = std::make_unique<NetnsHosts>(); }
  ~SharedHosts() { hosts.reset(); }
  static inline std::unique_ptr<NetnsHosts> hosts;
};

BOOST_AUTO_TEST_SUITE(one_stack, *boost::unit_test::fixture<SharedHosts>())

// --- a. Forms and sessions, from host to host ---------------------------

BOOST_AUTO_TEST_CASE(forms_and_sessions_go_from_host_to_host) {
  NetnsHosts& hosts = *SharedHosts::hosts;
  Browser browser(hosts.Pinned(0));
  BOOST_REQUIRE(browser.SignUp("Walker", "walker's long password").status == 303);
  const std::string session = browser.Cookie("wikid_session");
  BOOST_REQUIRE(!session.empty());
  // The session made on host 0 is valid on every host.
  for (int i = 0; i < hosts.size(); ++i) {
    browser.Use(hosts.Pinned(i));
    BOOST_TEST(LoggedIn(browser.Get("/_recent")), "logged in on host " << i);
  }
  // A form rendered by host 0, posted to host 1 (signed with the key
  // every host reads from the database).
  browser.Use(hosts.Pinned(0));
  HttpResponse form = browser.Get("/_edit/Travelling");
  BOOST_REQUIRE(form.status == 200);
  const std::string token = FormToken(form.body);
  BOOST_REQUIRE(!token.empty());
  browser.Use(hosts.Pinned(1));
  HttpResponse saved = browser.PostWithoutToken(
      "/_edit/Travelling", {{"text", "made on 0, saved on 1"}, {"base_rev", "0"}, {"csrf", token}});
  BOOST_TEST(saved.status == 303, saved.status << ": " << saved.body.substr(0, 300));
  // ...and seen on host 2.
  BOOST_TEST(ShownRevision(hosts.Pinned(2).Get("/Travelling")) == 1);

  // Every host's workers have used the session (and may keep what they
  // read of it); a logout on host 1 ends it on host 0 at once.
  for (int i = 0; i < 4; ++i) {
    Browser again(hosts.Pinned(i % 2 == 0 ? 0 : 2));
    again.SetCookie("wikid_session", session);
    BOOST_TEST(LoggedIn(again.Get("/_recent")));
  }
  browser.Use(hosts.Pinned(1));
  BOOST_REQUIRE(browser.LogOut().status == 303);
  for (int i = 0; i < hosts.size() * 2; ++i) {
    Browser stale(hosts.Pinned(i));
    stale.SetCookie("wikid_session", session);
    BOOST_TEST(!LoggedIn(stale.Get("/_recent")), "the ended session still works on host "
                                                     << i % hosts.size());
  }
  // On PostgreSQL every host reached it over the bridge, from an address
  // of its own, as the role that must give a password...
  if (EngineUnderTest() == Engine::kPostgres) {
    const std::string password_user = PostgresServer::kPasswordUser;
    BOOST_TEST(hosts.Scalar("SELECT count(DISTINCT client_addr) FROM pg_stat_activity WHERE "
                            "datname = current_database() AND usename = '" +
                            password_user + "'") == hosts.size());
    // ...the only way in from there: not without the password, nor as
    // the superuser (trusted on 127.0.0.1). psql -w never asks.
    auto connect = [&](const std::string& user, bool with_password) {
      std::map<std::string, std::string> env;
      if (with_password) env["PGPASSWORD"] = PostgresServer::kPassword;
      return hosts.RunOnHost(0, {"/usr/lib/postgresql/15/bin/psql", "-w", "-c", "SELECT 1",
                                 hosts.BridgeDatabaseUrl(user)},
                             env);
    };
    CommandRun in = connect(password_user, true);
    BOOST_TEST(in.code == 0, in.output);
    BOOST_TEST(connect(password_user, false).code != 0);
    CommandRun superuser = connect(PostgresServer::kUser, false);
    BOOST_TEST(superuser.code != 0);
    BOOST_TEST(superuser.output.find("no pg_hba.conf entry") != std::string::npos,
               superuser.output);
  }
}

// --- b. C1 across hosts -------------------------------------------------

BOOST_AUTO_TEST_CASE(after_an_acknowledged_save_no_view_on_any_host_is_older) {
  NetnsHosts& hosts = *SharedHosts::hosts;
  const int edits = Setting("WIKID_MULTIHOST_EDITS", kSmallEdits);
  const int min_reads = Setting("WIKID_MULTIHOST_READS", kSmallReads);
  StaleReadOutcome o = RaceAcrossHosts(hosts, edits, min_reads);
  BOOST_TEST(o.acknowledged == edits);
  BOOST_TEST(o.reads >= min_reads);
  BOOST_TEST(o.from_nginx > 0);                   // the fast path served...
  BOOST_TEST(o.reads - o.from_nginx > 0);         // ...and so did wikid
  BOOST_TEST(o.workers_seen >= 4);                // on more than one host
  BOOST_TEST(o.failed == 0);
  BOOST_TEST(o.stale == 0);
  // Reads monotonic per client: from a save's commit to the move of its
  // numbers, they are in flight (marked before the commit, nginx's
  // entries deleted then too), so a reader who saw N in the database
  // never gets a copy of N - 1 afterwards, on any host
  // (model/cache/versions.h).
  BOOST_TEST(o.went_back == 0);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_CASE(host_local_versions_are_caught_by_the_same_checker,
                     *boost::unit_test::precondition(SqliteOnly{
                         "a control of the checker at the suite's size: the versions it "
                         "makes host-local are memcached's, alike on both engines"})) {
  // The control: version numbers each host keeps for itself (as before
  // they lived in memcached) let a host serve its views of before another
  // host's save. At the suite's size of the case above, so that size is
  // shown to be able to fail.
  NetnsHosts hosts({.env = {{"WIKID_UNSAFE_HOST_VERSIONS", "1"}}});
  StaleReadOutcome o = RaceAcrossHosts(hosts, kSmallEdits, kSmallReads);
  BOOST_TEST(o.stale > 0);
}


// --- c. A host killed mid-save ------------------------------------------

// Host 2 dies at once (SIGKILL to its master, workers and mailer) while
// one of its workers is inside a save's transaction and another holds a
// fill's mark in memcached (fill:<generation>:<entry>, model/cache/
// fast_path.h), which nobody will take away now. Nothing acknowledged is
// lost; the other hosts save (the write lock died with the process), a
// save of the marked page is acknowledged (it waits out the mark, then
// suspends the fast path) and seen; the fast path comes back on the
// living hosts; host 2, started again, serves the latest.
BOOST_AUTO_TEST_CASE(a_host_killed_mid_save_loses_nothing_acknowledged) {
  NetnsHosts hosts({.host_env = {{2,
                                  {{"WIKID_FAILPOINTS",
                                    "save_in_txn_sleep=120000,fast_fill_checked=120000"}}}}});
  for (int i = 0; i < hosts.size(); ++i) BOOST_REQUIRE(hosts.WaitForFastPath(i, 60s));
  Browser editor(hosts.Pinned(0));
  BOOST_REQUIRE(editor.SignUp("Editor", "editor's long password").status == 303);
  // Acknowledged saves on hosts 0 and 1 (host 2's would sleep).
  int rev = 0;
  for (; rev < 6; ++rev) {
    editor.Use(hosts.Pinned(rev % 2));
    BOOST_REQUIRE(editor.Save("Survivor", rev, "revision " + std::to_string(rev + 1)).status ==
                  303);
    editor.Use(hosts.Pinned((rev + 1) % 2));
    BOOST_REQUIRE(editor.Save("Marked", rev, "revision " + std::to_string(rev + 1)).status ==
                  303);
  }
  // Host 2 fills Marked's entry (anonymous views, one after the other,
  // until one fills: a first view may fill nothing) and is held after its
  // check, with its mark set...
  std::vector<std::future<HttpResponse>> views = ViewUntilHeld(hosts, 2, "/Marked");
  // ...and saves Survivor, held inside its transaction.
  Browser doomed(hosts.Pinned(2));
  BOOST_REQUIRE(doomed.LogIn("Editor", "editor's long password").status == 303);
  auto saving = std::async(std::launch::async,
                           [&] { return doomed.Save("Survivor", rev, "never acknowledged"); });
  BOOST_REQUIRE_MESSAGE(
      WaitUntil([&] { return hosts.LogCount(2, "failpoint save_in_txn_sleep: sleeping") > 0; },
                60s),
      hosts.AllLogs());
  hosts.KillHost(2);
  BOOST_TEST(saving.get().status != 303);  // never acknowledged: nginx says 502
  for (auto& view : views) view.get();

  // Nothing acknowledged is lost; the half-done save left nothing.
  BOOST_TEST(hosts.Scalar("SELECT count(*) FROM revision") == 2 * rev);
  // The others save and serve on, through every nginx but host 2's.
  editor.Use(hosts.Pinned(0));
  HttpResponse saved = editor.Save("Survivor", rev, "after the crash");
  BOOST_TEST(saved.status == 303, saved.status << ": " << saved.body.substr(0, 300));
  editor.Use(hosts.Pinned(1));
  saved = editor.Save("Marked", rev, "after the crash");
  BOOST_TEST(saved.status == 303, saved.status << ": " << saved.body.substr(0, 300));
  int errors = 0;
  for (int i = 0; i < 30; ++i) {
    NginxTarget& nginx = i % 3 == 2 ? hosts.Balanced() : hosts.Pinned(i % 3);
    for (const char* page : {"/Survivor", "/Marked"}) {
      HttpResponse view = nginx.Get(page);
      errors += view.status != 200;
      BOOST_TEST(ShownRevision(view) == rev + 1, page << " on nginx " << i % 3);
    }
  }
  BOOST_TEST(errors == 0);
  // The dead host's mark expires: the fast path serves Marked again, the
  // latest, on the living hosts.
  for (int i = 0; i < 2; ++i) {
    HttpResponse fast;
    BOOST_TEST(WaitUntil(
        [&] {
          fast = hosts.Pinned(i).Get("/Marked");
          BOOST_TEST(ShownRevision(fast) == rev + 1);
          return FromNginx(fast);
        },
        90s), "no fast path on host " << i << " after the crash: " << hosts.FastPathSwitch(i));
  }
  // Host 2 comes back and serves the latest.
  hosts.StartHost(2);
  BOOST_TEST(ShownRevision(hosts.Pinned(2).Get("/Survivor")) == rev + 1);
  BOOST_TEST(ShownRevision(hosts.Pinned(2).Get("/Marked")) == rev + 1);
}

// A host whose wikid died (its master SIGKILLed: the OOM killer, kill -9)
// while its nginx lives on. The other hosts go on saving, and the fast
// path moves to a new generation meanwhile (host 0 reloads: SIGHUP
// suspends it). The dead host's nginx must then serve no entry its
// master's switch pointed at before: saves now delete in the new
// generation only.
BOOST_AUTO_TEST_CASE(a_dead_wikid_leaves_its_nginx_serving_nothing_stale,
                     *boost::unit_test::precondition(SqliteOnly{
                         "the shared fast-path state's SQL is fast_path_test_postgres's and "
                         "fast_path_http_test_postgres's; the rest is each host's switch"})) {
  NetnsHosts hosts({.hosts = 2});
  for (int i = 0; i < hosts.size(); ++i) BOOST_REQUIRE(hosts.WaitForFastPath(i, 60s));
  Browser editor(hosts.Pinned(0));
  BOOST_REQUIRE(editor.SignUp("Editor", "editor's long password").status == 303);
  BOOST_REQUIRE(editor.Save("Kept", 0, "revision 1").status == 303);
  // Host 1's nginx serves Kept from memcached...
  HttpResponse fast;
  BOOST_REQUIRE(WaitUntil(
      [&] {
        fast = hosts.Pinned(1).Get("/Kept");
        return FromNginx(fast);
      },
      60s));
  BOOST_REQUIRE(ShownRevision(fast) == 1);
  const std::string before = hosts.FastPathSwitch(0);
  // ...and host 1's wikid dies.
  hosts.KillMaster(1);
  // Host 0 reloads: the fast path is suspended and comes back in a new
  // generation; then Kept is saved.
  kill(hosts.MasterPid(0), SIGHUP);
  BOOST_REQUIRE(WaitUntil(
      [&] {
        const std::string now = hosts.FastPathSwitch(0);
        return now.size() == 16 && now != before;
      },
      60s));
  BOOST_REQUIRE(editor.Save("Kept", 1, "revision 2").status == 303);
  // Host 1's nginx: whatever it answers, never revision 1 (its wikid is
  // gone, so 502 is right).
  for (int i = 0; i < 5; ++i) {
    HttpResponse view = hosts.Pinned(1).Get("/Kept");
    BOOST_TEST(ShownRevision(view) != 1, "host 1's nginx serves revision 1 "
                                             << (FromNginx(view) ? "from memcached" : "")
                                             << "; its switch: " << hosts.FastPathSwitch(1));
  }
}

// --- d. Two mailers on two hosts ----------------------------------------

// The SMTP server down while 50 messages queue up on two hosts; once it
// is back, both hosts' mailers send, and every message arrives exactly
// once (a message is claimed in the outbox before it is sent). Each send
// is slowed down, so the two mailers are at work at the same time.
// Then host 0 is killed (E3 across hosts) while its mailer holds the
// claim of a message it has sent but not yet marked sent: host 1's mailer
// sends the others and leaves that one alone while the claim lasts, and
// sends it once the claim has expired: at most one duplicate, with the
// same Message-ID, and nothing lost.
BOOST_AUTO_TEST_CASE(two_mailers_on_two_hosts_deliver_each_message_once,
                     *boost::unit_test::precondition(SqliteOnly{
                         "the outbox's claims and their expiry are mail_http_test_postgres's "
                         "(two mailers on one database, a killed mailer, a stopped host's "
                         "mail): the same SQL from two namespaces"})) {
  NetnsHosts hosts({.hosts = 2,
                    .smtp = true,
                    .env = {{"WIKID_FAILPOINTS", "mailer_after_send_before_mark=40"}},
                    // Held between send and mark, from the second part on.
                    .host_env = {{0, {{"WIKID_FAILPOINTS",
                                       "mailer_after_send_before_mark=120000"}}}},
                    .extra_args = {"--public-url", "https://wiki.example.org", "--mail-from",
                                   "wiki@example.org", "--mail-retry-seconds", "1",
                                   "--admin-emails", "ops@example.org", "--mail-events",
                                   "page-created", "--edit-policy", "anyone"}});
  const std::string release = hosts.FailpointDir(0) + "/mailer_after_send_before_mark";
  std::fclose(std::fopen(release.c_str(), "w"));  // host 0 holds nothing yet
  hosts.smtp().Stop();
  for (int i = 0; i < 50; ++i) {
    BOOST_REQUIRE(Browser(hosts.Pinned(i)).Save("Queued_" + std::to_string(i), 0, "text").status ==
                  303);
  }
  // Every message tried (and failed) at least once before the server is back.
  const std::string tried = "SELECT count(DISTINCT outbox_id) FROM outbox_attempt";
  BOOST_REQUIRE(WaitUntil([&] { return hosts.Scalar(tried) >= 50; }, 120s));
  hosts.smtp().Start();
  const std::string sent = "SELECT count(*) FROM outbox WHERE state = 'sent'";
  BOOST_REQUIRE(WaitUntil([&] { return hosts.Scalar(sent) >= 50; }, 120s));
  std::vector<SunkMail> mail = hosts.smtp().WaitFor(50, 120);
  std::set<std::string> ids;
  for (const SunkMail& m : mail) ids.insert(m.Header("message-id"));
  BOOST_TEST(mail.size() == 50u);
  BOOST_TEST(ids.size() == 50u);
  // Both hosts' mailers were at work.
  BOOST_TEST(hosts.Scalar("SELECT count(DISTINCT mailer) FROM outbox_attempt") == 2);

  // Host 0's mailer now holds after a send (saved on host 0: its master
  // wakes its mailer at once, host 1's looks every few seconds).
  std::remove(release.c_str());
  const std::string holding = "failpoint mailer_after_send_before_mark: holding";
  const size_t held_before = hosts.LogCount(0, holding);
  for (int i = 0; i < 5; ++i) {
    BOOST_REQUIRE(
        Browser(hosts.Pinned(0)).Save("Late_" + std::to_string(i), 0, "text").status == 303);
  }
  BOOST_REQUIRE_MESSAGE(
      WaitUntil([&] { return hosts.LogCount(0, holding) > held_before; }, 120s),
      hosts.AllLogs());
  BOOST_REQUIRE(hosts.smtp().WaitFor(51, 120).size() >= 51u);  // it was sent...
  hosts.KillHost(0);                                            // ...and never marked
  // Host 1 sends the other four; the claimed one stays queued, host 0's.
  BOOST_REQUIRE(WaitUntil([&] { return hosts.Scalar(sent) >= 54; }, 120s));
  const std::string claimed =
      "SELECT count(*) FROM outbox WHERE state = 'queued' AND claimed_until > 0";
  BOOST_TEST(hosts.Scalar(claimed) == 1);
  BOOST_TEST(hosts.Scalar(sent) == 54);
  BOOST_TEST(hosts.smtp().Messages().size() == 55u);
  // Its claim expires: moved back by the claim's length, as if that much
  // time had passed (a lease is a time in the row; the suite does not
  // wait a minute for it).
  hosts.Exec("UPDATE outbox SET claimed_until = claimed_until - 60 WHERE state = 'queued'");
  BOOST_REQUIRE(WaitUntil([&] { return hosts.Scalar(sent) >= 55; }, 120s));
  mail = hosts.smtp().WaitFor(56, 120);
  std::map<std::string, int> deliveries;
  for (const SunkMail& m : mail) ++deliveries[m.Header("message-id")];
  int duplicates = 0;
  for (const auto& [id, n] : deliveries) duplicates += n - 1;
  BOOST_TEST(deliveries.size() == 55u);  // nothing lost
  BOOST_TEST(duplicates == 1);           // the one the dead host sent
  BOOST_TEST(mail.size() == 56u);
}

// --- e. memcached killed, frozen, flushed under load --------------------

// While saves go on over every host and readers read through every nginx:
// one memcached server killed (and started again, empty), the other
// frozen for 3 s (SIGSTOP: the fault itself, not a wait), then both
// flushed. No view older than an acknowledged save; no failed request but
// those in flight when a fault struck; the fast path back afterwards on
// every nginx.
BOOST_AUTO_TEST_CASE(memcached_killed_frozen_and_flushed_under_load,
                     *boost::unit_test::precondition(SqliteOnly{
                         "memcached's faults: what they write to the database, the cache "
                         "epoch's advance and the shared fast-path state, is "
                         "postgres_engine_test's and fast_path_test_postgres's; case b runs "
                         "the race across hosts on PostgreSQL"})) {
  NetnsHosts hosts;
  std::thread freezer;
  int faults = 0;
  StaleReadOutcome o = RaceAcrossHosts(hosts, 120, 3000, [&](int base) {
    if (base == 20) {
      hosts.memcached(0).Stop();
      ++faults;
    } else if (base == 40) {
      hosts.memcached(0).Start();
    } else if (base == 60) {
      ++faults;
      freezer = std::thread([&] {
        hosts.memcached(1).Pause();
        std::this_thread::sleep_for(3s);  // the freeze is the fault itself
        hosts.memcached(1).Resume();
      });
    } else if (base == 90) {
      freezer.join();
      BOOST_TEST((Memcache(PatientCacheOptions({hosts.memcached(0).address(),
                                                hosts.memcached(1).address()}))
                      .FlushAll() == CacheStatus::kOk));
      ++faults;
    }
  });
  if (freezer.joinable()) freezer.join();
  BOOST_TEST(o.acknowledged == 120);
  BOOST_TEST(o.stale == 0);
  // Not asserted here: reads monotonic per client. When memcached does
  // not confirm a save's version numbers, the saver advances the cache
  // epoch and waits out every host's 300 ms before it answers
  // (model/cache/versions.h); meanwhile a view that reads the database
  // shows the committed revision while another host still trusts its copy
  // of the one before, so a client can see N, then N - 1, before N is
  // acknowledged (seen: 7 of 8,208 reads, right after memcached 0 came
  // back empty). Never older than an acknowledged save (above).
  BOOST_TEST_MESSAGE(o.went_back << " views older than one the same reader saw before");
  // At most the 6 readers' requests in flight at each fault failed.
  BOOST_TEST(o.failed <= 6 * faults);
  auto fast_again = [&](NginxTarget& nginx, const std::string& which) {
    HttpResponse view;
    BOOST_TEST(WaitUntil(
                   [&] {
                     view = nginx.Get("/Contended");
                     BOOST_TEST(ShownRevision(view) == 120);
                     return FromNginx(view);
                   },
                   120s),
               "no fast path on " << which << " afterwards");
  };
  for (int i = 0; i < hosts.size(); ++i) fast_again(hosts.Pinned(i), "host " + std::to_string(i));
  fast_again(hosts.Balanced(), "the balanced nginx");
}

// --- f. A fill on one host racing a delete on another -------------------

// Host 0's fill of Raced is held after its check (its mark set in
// memcached), a save of Raced on host 1 is acknowledged meanwhile, then
// the fill goes on. Stale: nginx then serves a revision older than the
// acknowledged one. Returns how many of `rounds` rounds left one.
int StaleEntriesAfterRaces(bool unsafe_marks, int rounds) {
  NetnsHostsOptions options{.hosts = 2,
                            .host_env = {{0, {{"WIKID_FAILPOINTS", "fast_fill_checked=120000"}}}}};
  if (unsafe_marks) options.env["WIKID_UNSAFE_FILL_MARKS"] = "1";
  NetnsHosts hosts(options);
  for (int i = 0; i < hosts.size(); ++i) BOOST_REQUIRE(hosts.WaitForFastPath(i, 60s));
  Browser editor(hosts.Pinned(1));
  BOOST_REQUIRE(editor.SignUp("Editor", "editor's long password").status == 303);
  const std::string release = hosts.FailpointDir(0) + "/fast_fill_checked";
  int stale = 0;
  int rev = 0;
  for (int round = 0; round < rounds; ++round) {
    BOOST_REQUIRE(editor.Save("Raced", rev, "revision " + std::to_string(rev + 1)).status == 303);
    // Anonymous views on host 0, one after the other, until one fills
    // and is held.
    std::remove(release.c_str());
    std::vector<std::future<HttpResponse>> views = ViewUntilHeld(hosts, 0, "/Raced");
    // The save on host 1, acknowledged while the fill is held...
    BOOST_REQUIRE(editor.Save("Raced", rev + 1, "revision " + std::to_string(rev + 2)).status ==
                  303);
    // ...then the fill goes on, and is over when its view has answered.
    std::fclose(std::fopen(release.c_str(), "w"));
    for (auto& view : views) view.get();
    // Any view now must show revision rev + 2, from nginx or not.
    for (int i = 0; i < 4; ++i) {
      HttpResponse view = hosts.Pinned(i).Get("/Raced");
      if (ShownRevision(view) != rev + 2) {
        BOOST_TEST_MESSAGE("round " << round << ": revision " << ShownRevision(view)
                                    << (FromNginx(view) ? " from nginx" : " from wikid"));
        ++stale;
        break;
      }
    }
    rev += 2;
  }
  return stale;
}

constexpr char kMarksAreMemcachedOnly[] = "the fill marks are memcached's, alike on both engines";

BOOST_AUTO_TEST_CASE(a_fill_racing_a_delete_on_another_host_leaves_no_stale_entry,
                     *boost::unit_test::precondition(SqliteOnly{kMarksAreMemcachedOnly})) {
  BOOST_TEST(StaleEntriesAfterRaces(false, 4) == 0);
}

BOOST_AUTO_TEST_CASE(without_the_fill_marks_the_race_leaves_stale_entries,
                     *boost::unit_test::precondition(SqliteOnly{kMarksAreMemcachedOnly})) {
  // The control: a save that does not read the marks deletes before the
  // held fill adds, and nginx serves the fill's old view.
  BOOST_TEST(StaleEntriesAfterRaces(true, 4) > 0);
}

}  // namespace
}  // namespace wikid::testing
