// A brand-new wiki, as its first visitors and its operator meet it,
// through a real nginx and wikid: "/" welcomes with how to start (not a
// 404), the operator's one-time setup link (DATA/setup-link, 0600, never
// in the log) makes the first admin and nothing else does, and the front
// page, once written, replaces the welcome.
#define BOOST_TEST_MODULE first_run_http
#include <sys/stat.h>

#include <algorithm>
#include <boost/test/unit_test.hpp>
#include <regex>
#include <string>
#include <thread>
#include <vector>

#include "tests/support/test_wiki.h"

namespace wikid::testing {
namespace {

// One wiki for the cases, in order: each starts where the last left it.
TestWiki& Wiki() {
  static TestWiki wiki{TestWikiOptions{.workers = 2}};
  return wiki;
}

bool Contains(const HttpResponse& r, std::string_view needle) {
  return r.body.find(needle) != std::string::npos;
}

std::string SetupLinkFile() { return Wiki().data_dir() + "/setup-link"; }

// The token of the link wikid wrote.
std::string SetupToken() {
  std::smatch m;
  const std::string link = ReadFile(SetupLinkFile());
  if (!std::regex_search(link, m, std::regex("^http://[^/]+/_setup\\?token=([A-Za-z0-9_-]{43})\n$"))) {
    return "";
  }
  return m[1];
}

// The setup form as `browser` would post it.
HttpResponse PostSetup(Browser& browser, const std::string& token, const std::string& name,
                       const std::string& password, const std::string& password2,
                       const std::string& email = "") {
  return browser.Post("/_setup", {{"token", token},
                                  {"name", name},
                                  {"email", email},
                                  {"password", password},
                                  {"password2", password2}});
}

BOOST_AUTO_TEST_CASE(a_new_wikis_front_page_welcomes_and_says_how_to_start) {
  HttpResponse front = Wiki().Get("/");
  BOOST_TEST(front.status == 200);
  BOOST_TEST(Contains(front, "Welcome to wikid"), front.body);
  BOOST_TEST(Contains(front, "href=\"/_edit/Main_Page\""));
  BOOST_TEST(Contains(front, "href=\"/_signup?next=/\""));
  BOOST_TEST(Contains(front, "No one administers this wiki yet"));
  BOOST_TEST(Contains(front, "0 pages, 0 revisions"));
  BOOST_TEST(!Contains(front, "This page does not exist yet."));
  // Another missing page is still a 404 that offers to write it.
  BOOST_TEST(Wiki().Get("/No_Such_Page").status == 404);
}

BOOST_AUTO_TEST_CASE(the_setup_link_is_the_operators_alone) {
  struct stat st {};
  BOOST_REQUIRE(stat(SetupLinkFile().c_str(), &st) == 0);
  BOOST_TEST((st.st_mode & 0777) == 0600u);
  const std::string token = SetupToken();
  BOOST_REQUIRE_MESSAGE(!token.empty(), ReadFile(SetupLinkFile()));
  BOOST_TEST(Wiki().LogCount(token) == 0u);
  BOOST_TEST(Wiki().LogCount("setup-link") >= 1u);
  BOOST_TEST(Wiki().Get("/_setup").status == 403);
  std::string wrong = token;
  wrong[0] = wrong[0] == 'A' ? 'B' : 'A';
  HttpResponse refused = Wiki().Get("/_setup?token=" + wrong);
  BOOST_TEST(refused.status == 403);
  BOOST_TEST(Contains(refused, "setup-link"));
  // A POST with a wrong token makes nothing, whatever else it carries.
  Browser visitor(Wiki());
  BOOST_TEST(
      PostSetup(visitor, wrong, "intruder", "intruder-password", "intruder-password").status ==
      403);
  BOOST_TEST(Wiki().Scalar("SELECT COUNT(*) FROM account") == 0);
}

BOOST_AUTO_TEST_CASE(the_setup_link_makes_the_first_admin_once) {
  const std::string token = SetupToken();
  BOOST_REQUIRE(!token.empty());
  Browser owner(Wiki());
  HttpResponse form = owner.Get("/_setup?token=" + token);
  BOOST_REQUIRE(form.status == 200);
  BOOST_TEST(Contains(form, "Make the first admin"));
  // A refusal keeps what was typed, and the token.
  HttpResponse mismatch =
      PostSetup(owner, token, "Owner", "owner-password", "other-password", "owner@example.test");
  BOOST_TEST(mismatch.status == 400);
  BOOST_TEST(Contains(mismatch, "value=\"Owner\""));
  BOOST_TEST(Contains(mismatch, "value=\"owner@example.test\""));
  BOOST_TEST(Contains(mismatch, "value=\"" + token + "\""));
  HttpResponse made =
      PostSetup(owner, token, "Owner", "owner-password", "owner-password", "owner@example.test");
  BOOST_REQUIRE(made.status == 303);
  BOOST_TEST(made.Header("location") == "/_admin/users");
  // No --smtp-url here: each admin view says mail is not configured.
  for (const char* view : {"/_admin/users", "/_admin/mail", "/_admin/cache"}) {
    HttpResponse admin = owner.Get(view);
    BOOST_TEST(admin.status == 200);
    BOOST_TEST(Contains(admin, "Mail is not configured"), view);
  }
  BOOST_TEST(Wiki().Scalar("SELECT COUNT(*) FROM account WHERE role = 'admin'") == 1);
  // Once there is an admin, the link is spent, for anyone.
  BOOST_TEST(owner.Get("/_setup?token=" + token).status == 404);
  Browser second(Wiki());
  BOOST_TEST(PostSetup(second, token, "second", "second-password", "second-password").status ==
             404);
  BOOST_TEST(Wiki().Scalar("SELECT COUNT(*) FROM account") == 1);
  BOOST_TEST(!Contains(Wiki().Get("/"), "No one administers this wiki yet"));
}

// Two setups at once, both past the "no admin yet" check and held there
// (failpoint setup_before_signup) until both arrived: the sign-up's own
// transaction lets one make the admin and refuses the other. The link is
// then spent for good: its file is gone, and the token is refused even
// once no admin is left.
BOOST_AUTO_TEST_CASE(two_setups_at_once_make_one_admin_and_spend_the_link) {
  HeldFailpoints held;
  // Three workers: two password-hash slots, so neither setup is turned
  // away as busy.
  TestWiki wiki{TestWikiOptions{.workers = 3, .env = held.Env("setup_before_signup")}};
  const std::string file = wiki.data_dir() + "/setup-link";
  std::smatch m;
  const std::string link = ReadFile(file);
  BOOST_REQUIRE(std::regex_search(link, m, std::regex("token=([A-Za-z0-9_-]{43})")));
  const std::string token = m[1];
  int statuses[2] = {0, 0};
  std::vector<std::thread> setups;
  for (int i = 0; i < 2; ++i) {
    setups.emplace_back([&, i] {
      Browser browser(wiki);
      const std::string name = "Racer" + std::to_string(i);
      statuses[i] = PostSetup(browser, token, name, "racer-password", "racer-password").status;
    });
  }
  const bool both_held = WaitUntil(
      [&] { return wiki.LogCount("failpoint setup_before_signup: holding") >= 2; },
      std::chrono::seconds(120));
  held.Release("setup_before_signup");
  for (std::thread& t : setups) t.join();
  BOOST_REQUIRE(both_held);
  BOOST_TEST(wiki.Scalar("SELECT COUNT(*) FROM account WHERE role = 'admin'") == 1);
  BOOST_TEST(std::count(statuses, statuses + 2, 303) == 1);
  BOOST_TEST(std::count(statuses, statuses + 2, 403) == 1, statuses[0] << " " << statuses[1]);
  struct stat st {};
  BOOST_TEST(stat(file.c_str(), &st) != 0);
  // Every admin demoted: the old link makes no admin again.
  wiki.Exec("UPDATE account SET role = 'user'");
  BOOST_TEST(wiki.Get("/_setup?token=" + token).status == 403);
  Browser late(wiki);
  BOOST_TEST(PostSetup(late, token, "Late", "late-password", "late-password").status == 403);
  BOOST_TEST(wiki.Scalar("SELECT COUNT(*) FROM account WHERE role = 'admin'") == 0);
}

BOOST_AUTO_TEST_CASE(the_written_front_page_replaces_the_welcome) {
  BOOST_REQUIRE(Wiki().Save("Main_Page", 0, "Hello from **first run**").status == 303);
  HttpResponse front = Wiki().Get("/");
  BOOST_TEST(front.status == 200);
  BOOST_TEST(Contains(front, "<strong>first run</strong>"));
  BOOST_TEST(!Contains(front, "Welcome to wikid"));
  BOOST_TEST(Contains(front, "1 pages, 1 revisions"));
}

// A restart of a wiki with an admin leaves no link behind.
BOOST_AUTO_TEST_CASE(a_wiki_with_an_admin_gets_no_setup_link) {
  BOOST_REQUIRE(Wiki().StopWikid(std::chrono::seconds(60)) == 0);
  Wiki().StartWikid();
  BOOST_TEST(ReadFile(SetupLinkFile()).empty());
  struct stat st {};
  BOOST_TEST(stat(SetupLinkFile().c_str(), &st) != 0);
}

}  // namespace
}  // namespace wikid::testing
