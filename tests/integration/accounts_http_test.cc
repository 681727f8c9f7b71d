// Accounts through a real nginx and several wikid workers: what a person's
// browser does, and what an attacker's does (A1-A6 of the reliability
// matrix, X1 for the account fields). The in-process accounts_test covers
// the same rules case by case; here each behaviour crosses the real stack.
#define BOOST_TEST_MODULE accounts_http
#include <algorithm>
#include <atomic>
#include <boost/test/unit_test.hpp>
#include <chrono>
#include <future>
#include <map>
#include <regex>
#include <set>
#include <thread>
#include <vector>

#include "tests/support/fastcgi_client.h"
#include "tests/support/html_safety.h"
#include "tests/support/temp_dir.h"
#include "tests/support/test_wiki.h"

namespace wikid::testing {
namespace {

using Clock = std::chrono::steady_clock;

// One wiki for most of the file, with three workers. The address limits
// of the login throttle are raised, since every test logs in from
// 127.0.0.1; they are tested on wikis of their own.
TestWiki& Wiki() {
  static TestWiki wiki{TestWikiOptions{
      .workers = 3,
      .extra_args = {"--login-failures-per-address", "10000", "--login-names-per-address",
                     "10000"}}};
  return wiki;
}

// The same, hashing passwords at the real cost (every other wiki of the
// suite hashes at the least): for what that cost is there for, the same
// time for every name and a flood that cannot take every worker.
TestWiki& RealCostWiki() {
  static TestWiki wiki{TestWikiOptions{
      .workers = 3,
      .extra_args = {"--login-failures-per-address", "10000", "--login-names-per-address",
                     "10000"},
      .env = kRealPasswordCost}};
  return wiki;
}

bool Contains(const HttpResponse& r, std::string_view needle) {
  return r.body.find(needle) != std::string::npos;
}

// The text of the first element with class="error".
std::string ErrorText(const HttpResponse& r) {
  size_t at = r.body.find("class=\"error\"");
  if (at == std::string::npos) return "";
  size_t start = r.body.find('>', at) + 1;
  return r.body.substr(start, r.body.find('<', start) - start);
}

// A new account, signed up in `browser` (logged in afterwards).
void SignUp(Browser& browser, const std::string& name,
            const std::string& password = "a long password") {
  HttpResponse r = browser.SignUp(name, password);
  BOOST_REQUIRE_MESSAGE(r.status == 303,
                        name + ": " + std::to_string(r.status));
}

// Whether a request with `session` (a wikid_session token) is logged in,
// on each worker that answered, after enough requests to reach them all.
std::map<std::string, bool> LoggedInByWorker(const std::string& session,
                                             const std::string& name) {
  std::map<std::string, bool> seen;
  // Requests in parallel: one at a time, the same idle worker would answer
  // every one (the kernel wakes the first idle worker: fcgi/accept_wait.h).
  for (int round = 0; round < 60 && seen.size() < 3; ++round) {
    std::vector<std::future<HttpResponse>> replies;
    for (int i = 0; i < 6; ++i) {
      replies.push_back(std::async(std::launch::async, [&] {
        Browser replay(Wiki());
        replay.SetCookie("wikid_session", session);
        return replay.Get("/_user/" + name + "/_edit");
      }));
    }
    for (auto& reply : replies) {
      HttpResponse r = reply.get();
      auto [at, _] = seen.try_emplace(r.Header("x-wikid-worker"), true);
      at->second = at->second && r.status == 200;
    }
  }
  return seen;
}

BOOST_AUTO_TEST_SUITE(sessions)

BOOST_AUTO_TEST_CASE(a_login_on_one_worker_is_known_to_every_worker) {
  Browser alice(Wiki());
  SignUp(alice, "Across");
  auto seen = LoggedInByWorker(alice.Cookie("wikid_session"), "Across");
  BOOST_TEST(seen.size() >= 2u);  // at least two worker pids answered
  for (const auto& [worker, logged_in] : seen) BOOST_TEST(logged_in, worker);
  // And the header says who is logged in, with the profile and logout.
  HttpResponse page = alice.Get("/_pages");
  BOOST_TEST(
      Contains(page, "<a class=\"user\" href=\"/_user/Across\">Across</a>"));
  BOOST_TEST(Contains(page, "action=\"/_logout\""));
}

// Two hosts (two wikids, each with its own data folder) on one database
// (issue 17): a form shown by one is accepted by the other (the key that
// signs forms lives in the database), a login made on one is valid on the
// other, and a logout on the other ends it at once. Host A is the file's
// wiki (its accounts are other names); B joins its database for the case.
BOOST_AUTO_TEST_CASE(forms_and_logins_work_across_hosts) {
  TestWiki& host_a = Wiki();
  TestWiki host_b{TestWikiOptions{.database_url = host_a.database().url()}};
  BOOST_REQUIRE(host_a.data_dir() != host_b.data_dir());
  Browser on_a(host_a), on_b(host_b);
  // The signup form comes from A; the same browser posts it to B.
  const std::string token = on_a.FormToken();
  on_b.SetCookie("wikid_csrf", on_a.Cookie("wikid_csrf"));
  HttpResponse signed_up = on_b.PostWithoutToken(
      "/_signup", {{"csrf", token}, {"name", "Traveller"}, {"password", "a long password"},
                   {"password2", "a long password"}});
  BOOST_REQUIRE(signed_up.status == 303);
  // The login B made is valid on A...
  on_a.SetCookie("wikid_session", on_b.Cookie("wikid_session"));
  BOOST_TEST(on_a.Get("/_user/Traveller/_edit").status == 200);
  // ...and a logout on A ends it on B at once.
  BOOST_REQUIRE(on_a.LogOut().status == 303);
  BOOST_TEST(on_b.Get("/_user/Traveller/_edit").status != 200);
}

BOOST_AUTO_TEST_CASE(a3_a_planted_token_is_replaced_at_login) {
  Browser victim(Wiki());
  SignUp(victim, "Fixated");
  std::string planted = victim.Cookie("wikid_session");
  // The attacker's token (here: a real one of the victim's) is in the
  // browser before the login; the login must not keep it.
  HttpResponse login = victim.LogIn("Fixated", "a long password");
  BOOST_TEST(login.status == 303);
  std::string fresh = victim.Cookie("wikid_session");
  BOOST_TEST(!fresh.empty());
  BOOST_TEST(fresh != planted);
  for (const auto& [worker, logged_in] : LoggedInByWorker(planted, "Fixated")) {
    BOOST_TEST(!logged_in, worker);
  }
}

BOOST_AUTO_TEST_CASE(
    a3_logout_password_change_and_disabling_revoke_on_every_worker) {
  Browser user(Wiki());
  SignUp(user, "Revoked");
  std::string first = user.Cookie("wikid_session");
  BOOST_TEST(user.LogOut().status == 303);
  BOOST_TEST(user.Cookie("wikid_session").empty());  // the cookie is cleared
  for (const auto& [worker, in] : LoggedInByWorker(first, "Revoked")) {
    BOOST_TEST(!in, "logout, " << worker);
  }
  // A revoked token is sent to the login form, not shown an error.
  Browser replay(Wiki());
  replay.SetCookie("wikid_session", first);
  HttpResponse form = replay.Get("/_user/Revoked/_edit");
  BOOST_TEST(form.status == 303);
  BOOST_TEST(form.Header("location").starts_with("/_login?next="));

  BOOST_REQUIRE(user.LogIn("Revoked", "a long password").status == 303);
  std::string second = user.Cookie("wikid_session");
  Browser elsewhere(Wiki());
  BOOST_REQUIRE(elsewhere.LogIn("Revoked", "a long password").status == 303);
  HttpResponse changed = user.Post("/_user/Revoked/_password",
                                   {{"current", "a long password"},
                                    {"password", "another long one"},
                                    {"password2", "another long one"}});
  BOOST_TEST(changed.status == 303);
  for (const std::string& old : {second, elsewhere.Cookie("wikid_session")}) {
    for (const auto& [worker, in] : LoggedInByWorker(old, "Revoked")) {
      BOOST_TEST(!in, "password change, " << worker);
    }
  }
  // The browser that changed it stays logged in, with a new token.
  BOOST_TEST(user.Get("/_user/Revoked/_edit").status == 200);

  Wiki().CreateUser("Disabler", "admin password", /*admin=*/true);
  Browser admin(Wiki());
  BOOST_REQUIRE(admin.LogIn("Disabler", "admin password").status == 303);
  std::string third = user.Cookie("wikid_session");
  BOOST_TEST(
      admin.Post("/_admin/users/Revoked", {{"action", "disable"}, {"confirm", "yes"}}).status ==
      303);
  for (const auto& [worker, in] : LoggedInByWorker(third, "Revoked")) {
    BOOST_TEST(!in, "disabled, " << worker);
  }
  HttpResponse locked = Browser(Wiki()).LogIn("Revoked", "another long one");
  BOOST_TEST(locked.status == 403);
  BOOST_TEST(ErrorText(locked).find("disabled") != std::string::npos);
  BOOST_TEST(
      admin.Post("/_admin/users/Revoked", {{"action", "enable"}}).status ==
      303);
  BOOST_TEST(Browser(Wiki()).LogIn("Revoked", "another long one").status ==
             303);
}

// A login lives in SQLite: it outlasts the workers that saw it. Here too:
// signup turned off by configuration, so the account comes from the
// command line.
BOOST_AUTO_TEST_CASE(a_session_survives_a_restart_and_signup_can_be_off) {
  TestWiki wiki{TestWikiOptions{.extra_args = {"--signup", "false"}}};
  Browser visitor(wiki);
  HttpResponse signup = visitor.SignUp("Newcomer", "a long password");
  BOOST_TEST(signup.status == 403);
  BOOST_TEST(visitor.Cookie("wikid_session").empty());
  BOOST_TEST(!Contains(visitor.Get("/_login"), "href=\"/_signup"));
  wiki.CreateUser("Operator", "operator password");
  BOOST_REQUIRE(visitor.LogIn("Operator", "operator password").status == 303);
  auto before = wiki.WorkerPids();
  BOOST_REQUIRE(wiki.StopWikid(std::chrono::seconds(10)) == 0);
  wiki.StartWikid();
  for (pid_t pid : wiki.WorkerPids()) {
    BOOST_TEST((std::find(before.begin(), before.end(), pid) == before.end()));
  }
  HttpResponse form = visitor.Get("/_user/Operator/_edit");
  BOOST_TEST(form.status == 200);
  BOOST_TEST(visitor.Save("After_Restart", 0, "still logged in").status == 303);
}

// A4, over plain HTTP through nginx, and with HTTPS=on as nginx sends it
// for a TLS connection (straight to wikid's socket: no certificate needed).
BOOST_AUTO_TEST_CASE(a4_cookie_flags_and_secure_only_under_https) {
  Browser browser(Wiki());
  SignUp(browser, "Flags");
  browser.ClearCookies();
  HttpResponse plain = browser.LogIn("Flags", "a long password");
  std::string cookie;
  for (auto [it, end] = plain.headers.equal_range("set-cookie"); it != end;
       ++it) {
    if (it->second.starts_with("wikid_session=")) cookie = it->second;
  }
  BOOST_TEST(cookie.find("; Path=/") != std::string::npos, cookie);
  BOOST_TEST(cookie.find("; HttpOnly") != std::string::npos, cookie);
  BOOST_TEST(cookie.find("; SameSite=Lax") != std::string::npos, cookie);
  BOOST_TEST(cookie.find("Secure") == std::string::npos, cookie);

  Browser tls(Wiki());
  std::string token = tls.FormToken();
  std::string body = "name=Flags&password=a+long+password&next=&csrf=" + token;
  std::string reply = FastCgiExchange(
      Wiki().socket_path(),
      FastCgiRequest({{"REQUEST_METHOD", "POST"},
                      {"REQUEST_URI", "/_login"},
                      {"CONTENT_TYPE", "application/x-www-form-urlencoded"},
                      {"CONTENT_LENGTH", std::to_string(body.size())},
                      {"HTTP_COOKIE", "wikid_csrf=" + tls.Cookie("wikid_csrf")},
                      {"REMOTE_ADDR", "127.0.0.1"},
                      {"HTTPS", "on"}},
                     body));
  BOOST_TEST(reply.find("Status: 303") != std::string::npos, reply);
  std::smatch secure;
  BOOST_TEST(std::regex_search(
                 reply, secure,
                 std::regex("Set-Cookie: wikid_session=[^\r\n]*HttpOnly; "
                            "SameSite=Lax; Secure")),
             reply);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(abuse)

// A5: every form that changes state refuses a POST without its token, with
// a wrong one and with another session's, and answers a valid one.
BOOST_AUTO_TEST_CASE(a5_every_state_changing_post_needs_this_sessions_token) {
  Wiki().CreateUser("CsrfAdmin", "admin password", /*admin=*/true);
  Browser admin(Wiki());
  BOOST_REQUIRE(admin.LogIn("CsrfAdmin", "admin password").status == 303);
  BOOST_REQUIRE(admin.Save("Csrf_Target", 0, "exists").status == 303);
  Browser other(Wiki());
  SignUp(other, "CsrfOther");
  Browser victim(Wiki());
  SignUp(victim, "CsrfVictim");
  struct Case {
    Browser* as;
    std::string path;
    FormList fields;
    std::string kept;  // typed text the refusal must show again, if any
  };
  const Case cases[] = {
      {&victim,
       "/_edit/Csrf_Page",
       {{"text", "typed\nby hand"}, {"base_rev", "0"}},
       ">\ntyped\nby hand</textarea>"},
      {&victim,
       "/_user/CsrfVictim/_edit",
       {{"display_name", "Kept Name"}, {"bio", "kept bio"}, {"email", ""}},
       "value=\"Kept Name\""},
      {&victim,
       "/_user/CsrfVictim/_password",
       {{"current", "a long password"},
        {"password", "x long password"},
        {"password2", "x long password"}},
       ""},
      {&admin, "/_protect/Csrf_Target", {{"protect", "1"}}, ""},
      {&admin, "/_admin/users/CsrfOther", {{"action", "disable"}, {"confirm", "yes"}}, ""},
      {&admin, "/_admin/cache/flush", {{"confirm", "yes"}}, ""},
      {&victim, "/_logout", {}, ""},
  };
  for (const Case& c : cases) {
    BOOST_TEST_CONTEXT(c.path) {
      FormList wrong = c.fields, stolen = c.fields;
      wrong.emplace_back("csrf", std::string(43, 'A'));
      stolen.emplace_back("csrf", other.FormToken());
      for (const HttpResponse& r : {c.as->PostWithoutToken(c.path, c.fields),
                                    c.as->PostWithoutToken(c.path, wrong),
                                    c.as->PostWithoutToken(c.path, stolen)}) {
        BOOST_TEST(r.status == 403);
        if (!c.kept.empty()) BOOST_TEST(Contains(r, c.kept));
      }
    }
  }
  // Nothing happened, and with the right token each one works.
  BOOST_TEST(Wiki().Get("/Csrf_Page").status == 404);
  for (const Case& c : cases)
    BOOST_TEST(c.as->Post(c.path, c.fields).status == 303, c.path);
  // Anonymous forms carry a pre-session token: signup and login too.
  Browser anonymous(Wiki());
  BOOST_TEST(
      anonymous
          .PostWithoutToken("/_signup", {{"name", "NoToken"},
                                         {"email", "kept@example.org"},
                                         {"password", "a long password"},
                                         {"password2", "a long password"}})
          .status == 403);
  HttpResponse login = anonymous.PostWithoutToken(
      "/_login", {{"name", "CsrfOther"}, {"password", "a long password"}});
  BOOST_TEST(login.status == 403);
  BOOST_TEST(Contains(login, "value=\"CsrfOther\""));
  BOOST_TEST(anonymous.Cookie("wikid_session").empty());
}

// A2: a real name and a name nobody has get the same answers, at the same
// speed, and both are throttled at the sixth attempt.
BOOST_AUTO_TEST_CASE(a2_throttling_with_429_and_no_name_enumeration) {
  Browser attacker(RealCostWiki());
  SignUp(attacker, "Targeted");
  attacker.ClearCookies();
  std::vector<HttpResponse> real, unknown;
  for (int i = 0; i < 6; ++i) {
    real.push_back(attacker.LogIn("Targeted", "guess " + std::to_string(i)));
    unknown.push_back(
        attacker.LogIn("NoSuchPerson", "guess " + std::to_string(i)));
  }
  // The same words for both; the seconds to wait are the clock's.
  auto words = [](const HttpResponse& r) {
    return std::regex_replace(ErrorText(r), std::regex("[0-9]+"), "N");
  };
  for (int i = 0; i < 5; ++i) {
    BOOST_TEST(real[i].status == 403);
    BOOST_TEST(unknown[i].status == 403);
    BOOST_TEST(ErrorText(real[i]) == ErrorText(unknown[i]));
  }
  BOOST_TEST(real[5].status == 429);
  BOOST_TEST(unknown[5].status == 429);
  BOOST_TEST(words(real[5]) == words(unknown[5]));
  // The first of the name's growing delays (model/store/login_throttle.h).
  int retry = std::stoi(real[5].Header("retry-after"));
  BOOST_TEST(retry > 0);
  BOOST_TEST(retry <= 30);
  BOOST_TEST(ErrorText(real[5]).find("seconds and try again") != std::string::npos);
  // Even the right password waits now.
  BOOST_TEST(attacker.LogIn("Targeted", "a long password").status == 429);

  // Timing: 30 failed logins for names that exist and 30 for names that
  // do not, interleaved. Both hash once: the median difference within a
  // pair (what an attacker timing both kinds would see) must be within
  // 20% of one hash. Pairs, not the two medians apart, because the suite
  // runs other tests beside this one and a slow stretch slows both halves
  // of a pair alike.
  std::vector<std::string> names;
  for (int i = 0; i < 6; ++i) {
    Browser b(RealCostWiki());
    names.push_back("Timed" + std::to_string(i));
    SignUp(b, names.back());
  }
  std::vector<double> real_ms, unknown_ms;
  auto time_login = [&](const std::string& name) {
    auto start = Clock::now();
    HttpResponse r = attacker.LogIn(name, "wrong password");
    BOOST_TEST(r.status == 403, name);
    return std::chrono::duration<double, std::milli>(Clock::now() - start)
        .count();
  };
  for (int i = 0; i < 30; ++i) {
    real_ms.push_back(time_login(names[i / 5]));  // five tries per name
    unknown_ms.push_back(time_login("Ghost" + std::to_string(i)));
  }
  auto median = [](std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return (v[14] + v[15]) / 2;
  };
  std::vector<double> differences;
  for (size_t i = 0; i < real_ms.size(); ++i) differences.push_back(real_ms[i] - unknown_ms[i]);
  double real_median = median(real_ms), unknown_median = median(unknown_ms);
  double difference = median(differences);
  BOOST_TEST_MESSAGE("login medians: real " << real_median << " ms, unknown "
                                            << unknown_median << " ms, difference in a pair "
                                            << difference << " ms");
  BOOST_TEST(unknown_median > 10.0);  // a hash was done, not skipped
  BOOST_TEST(std::abs(difference) < 0.2 * unknown_median);
}

// A6: wherever `next` comes from, the browser is sent to a local path.
BOOST_AUTO_TEST_CASE(a6_open_redirects_are_refused) {
  Browser browser(Wiki());
  SignUp(browser, "Redirected");
  for (const char* next :
       {"//evil.test", "/\\evil.test", "http://evil.test", "%2F%2Fevil.test",
        "/%0d%0aSet-Cookie:x", "javascript:alert(1)"}) {
    BOOST_TEST_CONTEXT(next) {
      // As a browser would send the login form the link filled in.
      HttpResponse form = browser.Get(std::string("/_login?next=") + next);
      BOOST_TEST(form.status == 200);
      std::smatch field;
      BOOST_REQUIRE(std::regex_search(
          form.body, field, std::regex("name=\"next\" value=\"([^\"]*)\"")));
      HttpResponse r = browser.Post("/_login", {{"name", "Redirected"},
                                                {"password", "a long password"},
                                                {"next", next}});
      BOOST_TEST(r.status == 303);
      std::string location = r.Header("location");
      BOOST_TEST(location.starts_with("/"));
      BOOST_TEST(!location.starts_with("//"));
      BOOST_TEST(location.find_first_of("\r\n\\") == std::string::npos);
      BOOST_TEST(r.headers.count("set-cookie") == 1u);  // only the session
    }
  }
  HttpResponse back =
      browser.Post("/_login", {{"name", "Redirected"},
                               {"password", "a long password"},
                               {"next", "/_history/Some Page"}});
  BOOST_TEST(back.Header("location") == "/_history/Some%20Page");
}

// A login flood from many addresses (here: one address the throttle lets
// through) cannot put every worker to hashing: with three workers, two
// hash at most and the rest are told to come back; page views go on.
BOOST_AUTO_TEST_CASE(a_login_flood_leaves_a_worker_for_page_views) {
  BOOST_REQUIRE(RealCostWiki().Save("Flood_Reading", 0, "still readable").status ==
                303);
  std::atomic<int> busy = 0, wrong = 0, other = 0;
  std::vector<std::thread> flood;
  for (int t = 0; t < 6; ++t) {
    flood.emplace_back([&, t] {
      Browser attacker(RealCostWiki());
      for (int i = 0; i < 6; ++i) {
        HttpResponse r =
            attacker.LogIn("Flood" + std::to_string(t * 100 + i), "guess");
        if (r.status == 503 && r.Header("retry-after") == "1") {
          ++busy;
        } else if (r.status == 403) {
          ++wrong;
        } else {
          ++other;
        }
      }
    });
  }
  int views = 0;
  for (int i = 0; i < 30; ++i)
    views += Contains(RealCostWiki().Get("/Flood_Reading"), "still readable");
  for (std::thread& t : flood) t.join();
  BOOST_TEST(views == 30);
  BOOST_TEST(busy > 0);   // the limit engaged
  BOOST_TEST(wrong > 0);  // and the rest were checked
  BOOST_TEST(other == 0);
}

// Behind a load balancer (played by this test, at 127.0.0.1): with
// --trusted-proxies the throttle counts the address the balancer says it
// forwarded for; without it, a client's own X-Forwarded-For changes
// nothing, so it cannot dodge the per-address limit.
// Issue 21: one address, an office behind NAT, with the default limits.
// One person's wrong passwords slow only their own name; a spray of names
// from there is refused with a time to come back, even for a right
// password.
BOOST_AUTO_TEST_CASE(one_persons_failures_do_not_lock_out_an_office_but_a_spray_does) {
  TestWiki wiki{TestWikiOptions{}};
  Browser alice(wiki), bob(wiki), attacker(wiki);
  SignUp(alice, "Alice");
  SignUp(bob, "Bob");
  alice.ClearCookies();
  bob.ClearCookies();
  for (int i = 0; i < 5; ++i) BOOST_TEST(alice.LogIn("Alice", "mistyped").status == 403);
  // Alice's name waits its first delay, even with her right password...
  HttpResponse delayed = alice.LogIn("Alice", "a long password");
  BOOST_TEST(delayed.status == 429);
  BOOST_TEST(std::stoi(delayed.Header("retry-after")) <= 30);
  BOOST_TEST(ErrorText(delayed).find("seconds and try again") != std::string::npos);
  // ...while Bob, at the next desk, logs in.
  BOOST_TEST(bob.LogIn("Bob", "a long password").status == 303);
  // A spray: Alice's name and 19 more (20 names, the default limit) fail,
  // then every login from the address waits, Bob's right password too.
  for (int i = 0; i < 19; ++i) {
    BOOST_TEST(attacker.LogIn("sprayed" + std::to_string(i), "Summer2026!").status == 403, i);
  }
  bob.ClearCookies();
  HttpResponse refused = bob.LogIn("Bob", "a long password");
  BOOST_TEST(refused.status == 429);
  // Until Alice's name, the oldest of the 20, leaves the 15 minutes.
  const int retry = std::stoi(refused.Header("retry-after"));
  BOOST_TEST(retry > 0);
  BOOST_TEST(retry <= 900);
  BOOST_TEST(ErrorText(refused) ==
             "Too many failed logins for this name or from this address. Please wait " +
                 std::to_string((retry + 59) / 60) + " minutes and try again.");
  BOOST_TEST(Contains(refused, "value=\"Bob\""));  // what was typed is kept
  // Counted for /_metrics.
  BOOST_TEST(Contains(wiki.Get("/_metrics"), "wikid_login_throttled_total 2"));
}

BOOST_AUTO_TEST_CASE(the_throttle_sees_the_client_behind_a_trusted_proxy) {
  for (bool trusted : {false, true}) {
    BOOST_TEST_CONTEXT("trusted: " << trusted) {
      // Five names failing from one address is spraying here.
      TestWikiOptions options{.extra_args = {"--login-names-per-address", "5"}};
      if (trusted) {
        options.extra_args.insert(options.extra_args.end(),
                                  {"--trusted-proxies", "127.0.0.0/8"});
      }
      TestWiki wiki{options};
      Browser browser(wiki);
      auto log_in_from = [&](const std::string& address, int i) {
        return browser.Post("/_login",
                            {{"name", "name" + std::to_string(i)}, {"password", "guess"}},
                            {"X-Forwarded-For: " + address});
      };
      for (int i = 0; i < 5; ++i) BOOST_TEST(log_in_from("198.51.100.1", i).status == 403);
      BOOST_TEST(log_in_from("198.51.100.1", 5).status == 429);
      // Another client behind the balancer: its own limit, if believed.
      BOOST_TEST(log_in_from("198.51.100.2", 6).status == (trusted ? 403 : 429));
      // A client that names itself after the first one, while the balancer
      // saw another address: the address the balancer appended counts.
      BOOST_TEST(log_in_from("198.51.100.1, 198.51.100.3", 7).status ==
                 (trusted ? 403 : 429));
      // The same as two header lines (a balancer that adds a line of its
      // own): the last line's address counts.
      HttpResponse two_lines = browser.Post(
          "/_login", {{"name", "name8"}, {"password", "guess"}},
          {"X-Forwarded-For: 198.51.100.1", "X-Forwarded-For: 198.51.100.5"});
      BOOST_TEST(two_lines.status == (trusted ? 403 : 429));
    }
  }
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(editing)

BOOST_AUTO_TEST_CASE(
    edits_are_refused_when_logged_out_and_attributed_when_not) {
  Browser anonymous(Wiki());
  HttpResponse form = anonymous.Get("/_edit/Policy_Page");
  BOOST_TEST(form.status == 303);
  BOOST_TEST(form.Header("location") == "/_login?next=/_edit/Policy_Page");
  HttpResponse refused = anonymous.Save("Policy_Page", 0, "anonymous\ttext\n");
  BOOST_TEST(refused.status == 403);
  BOOST_TEST(Contains(refused, ">\nanonymous\ttext\n</textarea>"));
  BOOST_TEST(Wiki().Get("/Policy_Page").status == 404);

  Browser author(Wiki());
  SignUp(author, "Attributed");
  BOOST_TEST(author.Save("Policy_Page", 0, "by an account").status == 303);
  const std::string link = "<a href=\"/_user/Attributed\">Attributed</a>";
  BOOST_TEST(Contains(Wiki().Get("/Policy_Page"), link));
  BOOST_TEST(Contains(Wiki().Get("/_history/Policy_Page"), link));
  HttpResponse profile = Wiki().Get("/_user/Attributed");
  BOOST_TEST(Contains(profile, "1 edits"));
  BOOST_TEST(Contains(profile, "href=\"/Policy_Page?rev=1\""));
}

BOOST_AUTO_TEST_CASE(a_protected_page_is_editable_only_by_admins) {
  Wiki().CreateUser("Protector", "admin password", /*admin=*/true);
  Browser admin(Wiki());
  BOOST_REQUIRE(admin.LogIn("Protector", "admin password").status == 303);
  BOOST_REQUIRE(admin.Save("Guarded", 0, "rules").status == 303);
  BOOST_TEST(admin.Post("/_protect/Guarded", {{"protect", "1"}}).status == 303);
  // Every worker shows it protected at once (the view cache is told).
  for (int i = 0; i < 6; ++i)
    BOOST_TEST(Contains(Wiki().Get("/Guarded"), "Protected"));
  Browser user(Wiki());
  SignUp(user, "Unprivileged");
  // No Edit offered to them, nor to anonymous readers; the admin has it.
  BOOST_TEST(!Contains(user.Get("/Guarded"), "href=\"/_edit/Guarded\""));
  BOOST_TEST(!Contains(Wiki().Get("/Guarded"), "href=\"/_edit/Guarded\""));
  BOOST_TEST(Contains(admin.Get("/Guarded"), "href=\"/_edit/Guarded\""));
  // Their refused text comes back to read and copy, with no Save.
  HttpResponse refused = user.Save("Guarded", 1, "vandalism\n");
  BOOST_TEST(refused.status == 403);
  BOOST_TEST(Contains(refused, " readonly>\nvandalism\n</textarea>"));
  BOOST_TEST(!Contains(refused, "value=\"save\""));
  HttpResponse form = user.Get("/_edit/Guarded");
  BOOST_TEST(form.status == 403);
  BOOST_TEST(!Contains(form, "value=\"save\""));
  BOOST_TEST(Contains(admin.Get("/_edit/Guarded"), "value=\"save\""));
  BOOST_TEST(user.Post("/_protect/Guarded", {{"protect", "0"}}).status == 403);
  BOOST_TEST(admin.Save("Guarded", 1, "amended rules").status == 303);
  BOOST_TEST(Contains(Wiki().Get("/Guarded"), "amended rules"));
}

// The stale form (issue 21): a session ends while its owner edits; the
// save is refused with the text kept; they log in in another tab and save
// the same form again. That form's token was for the browser before the
// login, which is not enough for a logged-in save, and the refusal says
// so in words, keeps the text and carries the session's token: the next
// save works.
BOOST_AUTO_TEST_CASE(a_form_shown_before_a_login_keeps_its_text_and_saves_next_time) {
  Browser writer(Wiki());
  SignUp(writer, "Staleform");
  const std::string text = "A long text\ntyped before the login.\n";
  BOOST_REQUIRE(writer.LogOut().status == 303);  // as if the session expired
  HttpResponse asked = writer.PostWithoutToken(
      "/_edit/Stale_Form", {{"csrf", "x"}, {"base_rev", "0"}, {"text", text}, {"action", "save"}});
  BOOST_TEST(asked.status == 403);
  BOOST_TEST(Contains(asked, "You need to log in to edit pages"));
  BOOST_TEST(Contains(asked, ">\n" + text + "</textarea>"));
  auto token_in = [](const HttpResponse& r) {
    std::smatch m;
    std::regex_search(r.body, m, std::regex("name=\"csrf\" value=\"([^\"]+)\""));
    return m.size() > 1 ? m[1].str() : "";
  };
  const std::string before_login = token_in(asked);
  BOOST_REQUIRE(!before_login.empty());
  BOOST_REQUIRE(writer.LogIn("Staleform", "a long password").status == 303);  // "another tab"
  HttpResponse again = writer.PostWithoutToken(
      "/_edit/Stale_Form",
      {{"csrf", before_login}, {"base_rev", "0"}, {"text", text}, {"action", "save"}});
  BOOST_TEST(again.status == 403);
  BOOST_TEST(Contains(again, "You logged in after this form was shown"), again.body);
  BOOST_TEST(Contains(again, ">\n" + text + "</textarea>"));
  const std::string fresh = token_in(again);
  BOOST_TEST(fresh != before_login);
  HttpResponse saved = writer.PostWithoutToken(
      "/_edit/Stale_Form", {{"csrf", fresh}, {"base_rev", "0"}, {"text", text}, {"action", "save"}});
  BOOST_TEST(saved.status == 303);
  BOOST_TEST(Contains(Wiki().Get("/Stale_Form"), "typed before the login."));
  // A token of no form at all is still told apart: the old message.
  HttpResponse forged = writer.PostWithoutToken(
      "/_edit/Stale_Form", {{"csrf", std::string(43, 'A')}, {"base_rev", "1"}, {"text", text}});
  BOOST_TEST(forged.status == 403);
  BOOST_TEST(Contains(forged, "does not match this browser"));
}

// X1 for the account fields: names, display names and bios are inert
// wherever they are shown.
BOOST_AUTO_TEST_CASE(html_in_names_display_names_and_bios_is_inert) {
  Browser browser(Wiki());
  HttpResponse bad_name =
      browser.SignUp("<script>alert(1)</script>", "a long password");
  BOOST_TEST(bad_name.status == 400);
  BOOST_TEST(PageDangers(bad_name.body) == "");
  SignUp(browser, "Hostile");
  BOOST_REQUIRE(browser.Save("Hostile_Page", 0, "text").status == 303);
  for (const std::string& payload : XssPayloads()) {
    BOOST_TEST_CONTEXT(payload) {
      // A display name is one line of text: a tab in it is refused, and
      // the refusal (which shows the form again) must be inert too.
      const bool control = std::any_of(payload.begin(), payload.end(),
                                       [](unsigned char c) { return c < 0x20; });
      HttpResponse saved = browser.Post("/_user/Hostile/_edit",
                                        {{"display_name", payload.substr(0, 64)},
                                         {"bio", payload},
                                         {"email", ""}});
      BOOST_TEST(saved.status == (control ? 400 : 303));
      BOOST_TEST(PageDangers(saved.body) == "");
      for (const char* path : {"/_user/Hostile", "/_user/Hostile/_edit",
                               "/Hostile_Page", "/_history/Hostile_Page"}) {
        HttpResponse r = browser.Get(path);
        BOOST_TEST(r.status == 200, path);
        BOOST_TEST(PageDangers(r.body) == "", path);
      }
    }
  }
}

// The memcached issue's rule with accounts: a view comes from the cache,
// the header around it never does.
BOOST_AUTO_TEST_CASE(a_cached_view_never_carries_another_viewers_header) {
  TestWiki wiki{TestWikiOptions{.workers = 2, .memcached = true}};
  BOOST_REQUIRE(wiki.Save("Shared_View", 0, "the same for everyone").status ==
                303);
  Browser alice(wiki), bob(wiki), anonymous(wiki);
  SignUp(alice, "AliceViewer");
  SignUp(bob, "BobViewer");
  int hits = 0;
  for (int i = 0; i < 10; ++i) {
    HttpResponse a = alice.Get("/Shared_View");
    HttpResponse b = bob.Get("/Shared_View");
    HttpResponse n = anonymous.Get("/Shared_View");
    hits += (a.Header("x-cache") == "hit") + (b.Header("x-cache") == "hit") +
            (n.Header("x-cache") == "hit");
    BOOST_TEST(Contains(a, "class=\"user\" href=\"/_user/AliceViewer\""));
    BOOST_TEST(!Contains(a, "BobViewer"));
    BOOST_TEST(Contains(b, "class=\"user\" href=\"/_user/BobViewer\""));
    BOOST_TEST(!Contains(b, "AliceViewer"));
    BOOST_TEST(!Contains(n, "Viewer"));
    BOOST_TEST(!Contains(n, "action=\"/_logout\""));
    BOOST_TEST(Contains(n, "the same for everyone"));
  }
  BOOST_TEST(hits > 20);  // the views themselves did come from the cache
}

BOOST_AUTO_TEST_SUITE_END()

// S7 for accounts: a wiki made before accounts existed keeps its pages and
// its anonymous authors.
// (postgres_engine_test upgrades a PostgreSQL database from its schema 1.)
BOOST_AUTO_TEST_CASE(
    a_database_of_the_first_schema_is_upgraded_with_pages_intact,
    *boost::unit_test::precondition(SqliteOnly{"it plants a schema-1 SQLite file"})) {
  TempDir data;
  std::string sql =
      std::string(WIKID_SOURCE_DIR) + "/tests/fixtures/schema_v1.sql";
  std::string command = "sqlite3 " + data.File("wikid.db") + " < " + sql;
  BOOST_REQUIRE(std::system(command.c_str()) == 0);
  TestWiki wiki{TestWikiOptions{.data_dir = data.path()}};
  HttpResponse main = wiki.Get("/Main_Page");
  BOOST_TEST(main.status == 200);
  BOOST_TEST(Contains(main, "Revision 2"));
  BOOST_TEST(Contains(main, "href=\"/Other\""));
  HttpResponse history = wiki.Get("/_history/Main_Page");
  BOOST_TEST(Contains(history, "2 revisions"));
  BOOST_TEST(Contains(history, "<td>127.0.0.1</td>"));  // still an address
  BOOST_TEST(!Contains(history, "/_user/"));
  BOOST_TEST(Contains(wiki.Get("/Other"), "Other page"));
  // The upgraded wiki takes accounts and attributed edits.
  BOOST_TEST(wiki.Save("After_Upgrade", 0, "new").status == 303);
  BOOST_TEST(Contains(wiki.Get("/After_Upgrade"), "/_user/Tester"));
}

}  // namespace
}  // namespace wikid::testing
