// wikid's log through a real nginx (README "Logs"): one logfmt line per
// request whose request id is nginx's, the same in nginx's access log and
// in the X-Request-Id header; no password, session cookie or query value
// in either log; --log-file opened again on SIGUSR1 after logrotate moved
// it; Server-Timing for admins only. One wiki for every case.
#define BOOST_TEST_MODULE logs_http
#include <signal.h>
#include <stdio.h>
#include <sys/stat.h>

#include <boost/test/unit_test.hpp>
#include <regex>
#include <string>

#include "tests/support/fastcgi_client.h"
#include "tests/support/temp_dir.h"
#include "tests/support/test_wiki.h"

namespace wikid::testing {
namespace {

using namespace std::chrono_literals;

constexpr char kAdminPassword[] = "pw-Admin-Secret-8c1f";
constexpr char kUserPassword[] = "pw-Plain-Secret-44d2";

struct LoggedWiki {
  static TestWikiOptions Options(const std::string& log_file) {
    TestWikiOptions options;
    options.workers = 2;
    options.extra_args = {"--log-file", log_file};
    return options;
  }
  std::string Log() const { return ReadFile(log_file); }
  std::string AccessLog() const { return ReadFile(wiki.folder() + "/nginx/logs/access.log"); }
  // The line of `file`'s text holding `needle`, or "".
  static std::string LineWith(const std::string& text, const std::string& needle) {
    const size_t at = text.find(needle);
    if (at == std::string::npos) return "";
    const size_t start = text.rfind('\n', at);
    const size_t end = text.find('\n', at);
    return text.substr(start == std::string::npos ? 0 : start + 1,
                       end == std::string::npos ? std::string::npos
                                                : end - (start == std::string::npos ? 0 : start + 1));
  }
  // Waits until wikid's log has the line of request `id` (written once
  // its answer went out) and returns it.
  std::string WikidLineOf(const std::string& id) {
    std::string line;
    WaitUntil([&] { return !(line = LineWith(Log(), "request_id=" + id + " ")).empty(); },
              60s);
    return line;
  }

  TempDir logs;
  const std::string log_file = logs.File("wikid.log");
  TestWiki wiki{Options(log_file)};
};

// One wiki for every case (each starts its own accounts and pages).
LoggedWiki& Shared() {
  static LoggedWiki shared;
  return shared;
}

struct SharedWiki {
  LoggedWiki& w = Shared();
  TestWiki& wiki = w.wiki;
  const std::string& log_file = w.log_file;
  std::string Log() const { return w.Log(); }
  std::string AccessLog() const { return w.AccessLog(); }
  std::string WikidLineOf(const std::string& id) { return w.WikidLineOf(id); }
  static std::string LineWith(const std::string& text, const std::string& needle) {
    return LoggedWiki::LineWith(text, needle);
  }
};

BOOST_FIXTURE_TEST_SUITE(logs, SharedWiki)

BOOST_AUTO_TEST_CASE(one_request_has_one_id_in_nginx_wikid_and_the_header) {
  HttpResponse r = wiki.Get("/Some_Page?rev=3&token=QuerySecret0b7e");
  BOOST_TEST(r.status == 404);
  const std::string id = r.Header("x-request-id");
  BOOST_TEST_REQUIRE(std::regex_match(id, std::regex("[0-9a-f]{32}")), id);

  const std::string line = WikidLineOf(id);
  BOOST_TEST_REQUIRE(!line.empty(), Log());
  BOOST_TEST(std::regex_search(line, std::regex("^ts=\\S+Z level=info pid=[0-9]+ msg=request "
                                                "request_id=" + id +
                                                " method=GET path=/Some_Page query=rev,token "
                                                "status=404 bytes=[1-9][0-9]* "
                                                "duration_ms=[0-9]+\\.[0-9]{3} cache=\\S+ user=-$")),
             line);
  // nginx writes its line once the response is sent.
  std::string nginx_line;
  BOOST_TEST(WaitUntil([&] {
    return !(nginx_line = LineWith(AccessLog(), "request_id=" + id)).empty();
  }, 60s), AccessLog());
  BOOST_TEST(nginx_line.find("path=\"/Some_Page\" status=404") != std::string::npos, nginx_line);
  // A query's values never: a confirmation link's token is one.
  BOOST_TEST(Log().find("QuerySecret0b7e") == std::string::npos);
  BOOST_TEST(AccessLog().find("QuerySecret0b7e") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(a_request_without_nginx_gets_an_id_of_wikids_own) {
  const std::string reply = FastCgiExchange(
      wiki.socket_path(),
      FastCgiRequest({{"REQUEST_METHOD", "GET"}, {"REQUEST_URI", "/_health"},
                      {"REMOTE_ADDR", "127.0.0.1"}, {"WIKID_REQUEST_ID", "bad id\"x"}},
                     ""));
  std::smatch id;
  BOOST_TEST_REQUIRE(std::regex_search(reply, id, std::regex("X-Request-Id: ([0-9a-f]{32})\r\n")),
                     reply);
  BOOST_TEST(!WikidLineOf(id[1]).empty(), Log());
  BOOST_TEST(Log().find("bad id") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(passwords_and_session_cookies_never_reach_a_log) {
  auto admin = wiki.LoggedInAs("Chief", kAdminPassword, /*admin=*/true);
  auto user = wiki.LoggedInAs("Plain", kUserPassword);
  const std::string session = admin->Cookie("wikid_session");
  BOOST_TEST_REQUIRE(session.size() > 20);
  // A wrong password too, which is logged as a failure (without it).
  Browser stranger(wiki);
  BOOST_TEST(stranger.LogIn("Chief", "pw-Wrong-Secret-913a").status == 403);
  HttpResponse seen = admin->Get("/_recent");
  BOOST_TEST(seen.status == 200);
  const std::string line = WikidLineOf(seen.Header("x-request-id"));
  BOOST_TEST(std::regex_search(line, std::regex(" user=[1-9][0-9]*$")), line);
  // Both logs have every line of those requests by now.
  BOOST_TEST(WaitUntil([&] {
    return !LineWith(AccessLog(), "request_id=" + seen.Header("x-request-id")).empty();
  }, 60s));
  const std::string logs = Log() + AccessLog();
  BOOST_TEST(logs.find("method=POST path=/_login") != std::string::npos, logs);
  for (const std::string& secret : {std::string(kAdminPassword), std::string(kUserPassword),
                                   std::string("pw-Wrong-Secret-913a"), session,
                                   user->Cookie("wikid_session")}) {
    BOOST_TEST(logs.find(secret) == std::string::npos, "logged: " << secret);
  }
}

BOOST_AUTO_TEST_CASE(server_timing_goes_to_admins_only) {
  auto admin = wiki.LoggedInAs("Chief2", kAdminPassword, /*admin=*/true);
  auto user = wiki.LoggedInAs("Plain2", kUserPassword);
  BOOST_TEST(user->Save("Timed", 0, "# Timed\n\ntext").status == 303);
  HttpResponse as_admin = admin->Get("/Timed");
  BOOST_TEST(as_admin.status == 200);
  BOOST_TEST(std::regex_search(as_admin.Header("server-timing"),
                               std::regex("^total;dur=[0-9]+\\.[0-9]{3}, .*db;desc=\"[0-9]+ "
                                          "queries, [0-9]+ rows\", cache;desc=")),
             as_admin.Header("server-timing"));
  BOOST_TEST(user->Get("/Timed").Header("server-timing").empty());
  BOOST_TEST(user->Get("/_recent").Header("server-timing").empty());
  BOOST_TEST(wiki.Get("/Timed").Header("server-timing").empty());
  BOOST_TEST(wiki.Get("/_recent").Header("server-timing").empty());
}

BOOST_AUTO_TEST_CASE(sigusr1_after_logrotate_moved_the_file_makes_a_new_one) {
  HttpResponse before = wiki.Get("/_health");
  BOOST_TEST_REQUIRE(!WikidLineOf(before.Header("x-request-id")).empty());
  const std::string rotated = log_file + ".1";
  BOOST_TEST_REQUIRE(rename(log_file.c_str(), rotated.c_str()) == 0);
  BOOST_TEST_REQUIRE(kill(wiki.master_pid(), SIGUSR1) == 0);
  struct stat st {};
  // The master opens the new file and says so there.
  BOOST_TEST_REQUIRE(WaitUntil([&] {
    return stat(log_file.c_str(), &st) == 0 && Log().find("SIGUSR1") != std::string::npos;
  }, 60s));
  // The workers follow on their next line (each looks at the shared
  // count of reopenings before it writes): a request's line lands there.
  HttpResponse after = wiki.Get("/_health");
  BOOST_TEST(!WikidLineOf(after.Header("x-request-id")).empty(), Log());
  BOOST_TEST(ReadFile(rotated).find(after.Header("x-request-id")) == std::string::npos);
  BOOST_TEST(ReadFile(rotated).find(before.Header("x-request-id")) != std::string::npos);
  BOOST_TEST(Log().find(before.Header("x-request-id")) == std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace wikid::testing
