// Delete and undelete (issue 20) through a real nginx with three workers,
// memcached and the fast path: once a delete is acknowledged, no reader
// on any worker, nor nginx, shows the page, a link to it in blue, or it
// in the lists and search (the read-your-writes guarantee of a save);
// undelete brings all of it back with the whole history. A control with
// the delete's cache retirement turned off (failpoint delete_skip_retire)
// shows the same checks fail. Hostile reasons (X1) stay text.
#define BOOST_TEST_MODULE delete_http
#include <boost/test/unit_test.hpp>
#include <string>
#include <vector>

#include "tests/support/html_safety.h"
#include "tests/support/test_wiki.h"

namespace wikid::testing {
namespace {

TestWikiOptions Options(std::map<std::string, std::string> env = {}) {
  return TestWikiOptions{.workers = 3, .memcached = true, .fast_path = true, .env = env};
}

TestWiki& Wiki() {
  static TestWiki wiki{Options()};
  return wiki;
}

// The admin of the cases on Wiki() that need one and no more (made once:
// `wikid user create` costs about 0.4 s of CPU under the sanitizers). The
// watchlist case keeps an admin of its own: what it watches is its test.
Browser& Boss() {
  static std::unique_ptr<Browser> admin =
      Wiki().LoggedInAs("Boss", "boss-password", /*admin=*/true);
  return *admin;
}

bool Contains(const HttpResponse& r, std::string_view needle) {
  return r.body.find(needle) != std::string::npos;
}

// Each of these is read this many times in a row, so that every worker
// and nginx's fast path answer it.
constexpr int kReads = 9;

// A wiki of three pages: `name` (two revisions, a rare word, a link to
// `name`_Kept), `name`_Kept, and `name`_Pointer linking to `name`; every
// view of them read until nginx serves it, so every cache holds them.
void Plant(TestWiki& wiki, const std::string& name) {
  BOOST_REQUIRE(wiki.Save(name + "_Kept", 0, "kept").status == 303);
  BOOST_REQUIRE(wiki.Save(name, 0, "first quaggafish").status == 303);
  BOOST_REQUIRE(wiki.Save(name, 1, "second quaggafish [[" + name + "_Kept]]").status == 303);
  BOOST_REQUIRE(wiki.Save(name + "_Pointer", 0, "see [[" + name + "]]").status == 303);
  for (const std::string& page : {name, name + "_Pointer"}) {
    BOOST_REQUIRE(FromNginx(wiki.ViewUntilFast("/" + page)));
  }
  for (int i = 0; i < kReads; ++i) {
    BOOST_REQUIRE(wiki.Get("/" + name).status == 200);
    BOOST_REQUIRE(wiki.Get("/_recent").status == 200);
  }
}

// What anonymous readers still see of `name` after its delete was
// acknowledged: one line per stale answer, none when all are current.
std::vector<std::string> StaleAfterDelete(TestWiki& wiki, const std::string& name) {
  std::vector<std::string> stale;
  auto check = [&](const std::string& what, bool ok) {
    if (!ok) stale.push_back(what);
  };
  for (int i = 0; i < kReads; ++i) {
    HttpResponse page = wiki.Get("/" + name);
    check("/" + name + " answered " + std::to_string(page.status) +
              (FromNginx(page) ? " from nginx" : ""),
          page.status == 410);
    HttpResponse pointer = wiki.Get("/" + name + "_Pointer");
    check("a link to it is blue", Contains(pointer, "href=\"/_edit/" + name + "\"") &&
                                      !Contains(pointer, "href=\"/" + name + "\""));
    HttpResponse recent = wiki.Get("/_recent");
    check("recent changes list its revisions", !Contains(recent, "href=\"/" + name + "?rev="));
    check("recent changes miss the delete",
          Contains(recent, "<span class=\"log delete\">deleted</span>"));
  }
  for (const std::string& path : {"/_raw/" + name, "/_history/" + name,
                                  "/_diff/" + name + "?from=1&to=2"}) {
    check(path + " is not 410", wiki.Get(path).status == 410);
  }
  check("All pages lists it", !Contains(wiki.Get("/_pages"), ">" + name + "<"));
  check("search finds it", !Contains(wiki.Get("/_search?q=quaggafish"), name));
  check("it is not wanted", Contains(wiki.Get("/_wanted"), "/_edit/" + name + "\""));
  check("the page it linked is no orphan",
        Contains(wiki.Get("/_orphans"), "/" + name + "_Kept\""));
  return stale;
}

HttpResponse DeleteAs(Browser& admin, const std::string& name, const std::string& reason) {
  return admin.Post("/_delete/" + name, {{"reason", reason}});
}

// The page ids the Undelete buttons of `name`'s 410 page post, newest
// deletion first (an admin's view).
std::vector<std::string> UndeleteIds(Browser& admin, const std::string& name) {
  const std::string body = admin.Get("/" + name).body;
  const std::string marker = "name=\"page_id\" value=\"";
  std::vector<std::string> ids;
  for (size_t at = body.find(marker); at != std::string::npos; at = body.find(marker, at)) {
    at += marker.size();
    ids.push_back(body.substr(at, body.find('"', at) - at));
  }
  return ids;
}

// Presses the Undelete button of `name`'s newest deletion.
HttpResponse UndeleteAs(Browser& admin, const std::string& name) {
  const std::vector<std::string> ids = UndeleteIds(admin, name);
  BOOST_REQUIRE_MESSAGE(!ids.empty(), "no Undelete button on /" + name);
  return admin.Post("/_undelete/" + name, {{"page_id", ids.front()}});
}

BOOST_AUTO_TEST_CASE(a_deleted_page_is_gone_everywhere_at_once_and_undelete_restores_it) {
  TestWiki& wiki = Wiki();
  Browser* admin = &Boss();
  Plant(wiki, "Doomed");

  // Only admins: a plain user is refused the form and the delete.
  BOOST_TEST(wiki.Editor().Get("/_delete/Doomed").status == 403);
  BOOST_TEST(wiki.Editor().Post("/_delete/Doomed", {{"reason", "x"}}).status == 403);
  BOOST_TEST(wiki.Get("/_delete/Doomed").status != 200);
  // The confirmation step: a page with a reason box, then a POST with a
  // token (a forged one is refused).
  HttpResponse form = admin->Get("/_delete/Doomed");
  BOOST_REQUIRE(form.status == 200);
  BOOST_TEST(Contains(form, "Delete <a href=\"/Doomed\">Doomed</a>?"));
  BOOST_TEST(Contains(form, "name=\"reason\""));
  BOOST_TEST(Contains(form, "its whole history"));
  BOOST_TEST(admin->PostWithoutToken("/_delete/Doomed", {{"reason", "x"}}).status == 403);
  BOOST_TEST(wiki.Get("/Doomed").status == 200);

  HttpResponse deleted = DeleteAs(*admin, "Doomed", "spam & <nonsense>");
  BOOST_REQUIRE(deleted.status == 303);
  BOOST_TEST(deleted.Header("location") == "/Doomed");
  const std::vector<std::string> stale = StaleAfterDelete(wiki, "Doomed");
  for (const std::string& line : stale) BOOST_ERROR("stale after the delete: " << line);

  // 410 for everyone, with who, when and why; the old text only to admins.
  HttpResponse gone = wiki.Get("/Doomed");
  BOOST_TEST(gone.status == 410);
  BOOST_TEST(Contains(gone, "deleted"));
  BOOST_TEST(Contains(gone, ">Boss</a>"));
  BOOST_TEST(Contains(gone, "spam &amp; &lt;nonsense&gt;"));
  BOOST_TEST(!Contains(gone, "quaggafish"));
  BOOST_TEST(!Contains(gone, "Undelete"));
  HttpResponse seen = admin->Get("/Doomed");
  BOOST_TEST(seen.status == 410);
  BOOST_TEST(Contains(seen, "second quaggafish"));
  BOOST_TEST(Contains(seen, "Revision 1,"));
  BOOST_TEST(Contains(seen, "action=\"/_undelete/Doomed\""));
  BOOST_TEST(DeleteAs(*admin, "Doomed", "again").status == 404);
  // A logged event in recent changes and the feed, with its reason.
  HttpResponse recent = wiki.Get("/_recent");
  BOOST_TEST(Contains(recent, "<a href=\"/Doomed\">Doomed</a> <span class=\"log delete\">"
                              "deleted</span> by <a href=\"/_user/Boss\">Boss</a> "
                              "<span class=\"summary\">spam &amp; &lt;nonsense&gt;</span>"),
             recent.body);
  HttpResponse feed = wiki.Get("/_recent.atom");
  BOOST_TEST(Contains(feed, "<title>Doomed (deleted)</title>"));
  BOOST_TEST(Contains(feed, "<summary>spam &amp; &lt;nonsense&gt;</summary>"));
  BOOST_TEST(wiki.Editor().Post("/_undelete/Doomed", {}).status == 403);

  // Undelete: everything back, the whole history, on every worker. The
  // button names the deleted page; a form without it is refused.
  BOOST_TEST(admin->Post("/_undelete/Doomed", {}).status == 400);
  const std::vector<std::string> ids = UndeleteIds(*admin, "Doomed");
  BOOST_REQUIRE(ids.size() == 1u);
  HttpResponse undone = admin->Post("/_undelete/Doomed", {{"page_id", ids[0]}});
  BOOST_REQUIRE(undone.status == 303);
  BOOST_TEST(undone.Header("location") == "/Doomed");
  for (int i = 0; i < kReads; ++i) {
    HttpResponse page = wiki.Get("/Doomed");
    BOOST_TEST(page.status == 200);
    BOOST_TEST(Contains(page, "second quaggafish"));
    BOOST_TEST(Contains(wiki.Get("/Doomed_Pointer"), "href=\"/Doomed\""));
  }
  BOOST_TEST(wiki.Get("/_raw/Doomed?rev=1").body == "first quaggafish");
  BOOST_TEST(Contains(wiki.Get("/_history/Doomed"), "/Doomed?rev=1"));
  BOOST_TEST(Contains(wiki.Get("/_pages"), ">Doomed<"));
  BOOST_TEST(Contains(wiki.Get("/_search?q=quaggafish"), "Doomed"));
  BOOST_TEST(!Contains(wiki.Get("/_wanted"), "/_edit/Doomed\""));
  BOOST_TEST(FromNginx(wiki.ViewUntilFast("/Doomed")));
  BOOST_TEST(Contains(wiki.Get("/_recent"), "<span class=\"log undelete\">undeleted</span>"));
  BOOST_TEST(Contains(wiki.Get("/_recent.atom"), "<title>Doomed (undeleted)</title>"));
  BOOST_TEST(admin->Post("/_undelete/Doomed", {{"page_id", ids[0]}}).status == 404);
}

// A deleted name may be written again (a new page with its own history)
// and deleted again: the 410 page lists both deletions, each with its own
// Undelete, and the older one comes back as well as the newer (it once
// could not: undelete took the newest). While a page of the name stands,
// undelete answers 409 with advice that works: a move that leaves a
// redirect keeps the name taken, a delete frees it.
BOOST_AUTO_TEST_CASE(each_deletion_of_a_name_can_be_undeleted) {
  TestWiki& wiki = Wiki();
  Browser* admin = &Boss();
  BOOST_REQUIRE(wiki.Save("Phoenix", 0, "old life").status == 303);
  BOOST_REQUIRE(DeleteAs(*admin, "Phoenix", "").status == 303);
  HttpResponse gone = wiki.Get("/Phoenix");
  BOOST_TEST(gone.status == 410);
  BOOST_TEST(Contains(gone, "no reason given"));
  BOOST_REQUIRE(wiki.Save("Phoenix", 0, "new life").status == 303);
  BOOST_TEST(Contains(wiki.Get("/Phoenix"), "new life"));
  BOOST_REQUIRE(DeleteAs(*admin, "Phoenix", "second").status == 303);

  HttpResponse both = admin->Get("/Phoenix");
  BOOST_TEST(both.status == 410);
  BOOST_TEST(Contains(both, "deleted 2 times"));
  BOOST_TEST(Contains(both, "old life"));
  BOOST_TEST(Contains(both, "new life"));
  const std::vector<std::string> ids = UndeleteIds(*admin, "Phoenix");
  BOOST_REQUIRE(ids.size() == 2u);
  BOOST_TEST(UndeleteIds(wiki.Editor(), "Phoenix").empty());
  HttpResponse anyone = wiki.Get("/Phoenix");
  BOOST_TEST(Contains(anyone, "second"));  // the newest deletion's reason
  BOOST_TEST(!Contains(anyone, "old life"));

  // The older one, by its page id.
  BOOST_REQUIRE(admin->Post("/_undelete/Phoenix", {{"page_id", ids[1]}}).status == 303);
  BOOST_TEST(Contains(wiki.Get("/Phoenix"), "old life"));
  BOOST_TEST(Contains(wiki.Get("/_raw/Phoenix"), "old life"));

  // The newer one waits while a page of the name stands.
  HttpResponse refused = admin->Post("/_undelete/Phoenix", {{"page_id", ids[0]}});
  BOOST_TEST(refused.status == 409);
  BOOST_TEST(Contains(refused, "exists now"));
  BOOST_TEST(Contains(refused, "Leave a redirect behind"));
  // A move that leaves a redirect does not free the name...
  BOOST_REQUIRE(admin->Post("/_move/Phoenix", {{"to", "Phoenix_Elder"}, {"reason", ""},
                                               {"redirect", "1"}})
                    .status == 303);
  BOOST_TEST(admin->Post("/_undelete/Phoenix", {{"page_id", ids[0]}}).status == 409);
  // ...deleting what stands there does (so does a move without a
  // redirect: page_store_test's deletions case).
  BOOST_REQUIRE(DeleteAs(*admin, "Phoenix", "a redirect in the way").status == 303);
  BOOST_REQUIRE(admin->Post("/_undelete/Phoenix", {{"page_id", ids[0]}}).status == 303);
  BOOST_TEST(Contains(wiki.Get("/Phoenix"), "new life"));
  BOOST_TEST(Contains(wiki.Get("/Phoenix_Elder"), "old life"));
}

// Where deletion meets the other features (merge review): a deleted
// front page answers 410 at "/" with its undelete, not the welcome of a
// wiki that never had one; a deleted page leaves its watchers' watchlist
// (its revisions are for admins only) and comes back to it on undelete.
BOOST_AUTO_TEST_CASE(a_deleted_front_page_and_watched_page_stay_gone) {
  TestWiki& wiki = Wiki();
  auto admin = wiki.LoggedInAs("Curator", "curator-password", /*admin=*/true);
  BOOST_REQUIRE(admin->Save("Main_Page", 0, "the front").status == 303);
  BOOST_REQUIRE(DeleteAs(*admin, "Main_Page", "front gone").status == 303);
  HttpResponse front = wiki.Get("/");
  BOOST_TEST(front.status == 410);
  BOOST_TEST(Contains(front, "front gone"));
  BOOST_TEST(!Contains(front, "Welcome to wikid"));
  BOOST_TEST(Contains(admin->Get("/"), "Undelete"));
  BOOST_REQUIRE(UndeleteAs(*admin, "Main_Page").status == 303);
  BOOST_TEST(Contains(wiki.Get("/"), "the front"));

  // The admin made the page, so watches it (the default).
  BOOST_REQUIRE(admin->Save("Watched_Then_Gone", 0, "watched words", "a summary to hide")
                    .status == 303);
  BOOST_REQUIRE(Contains(admin->Get("/_watchlist"), "a summary to hide"));
  BOOST_REQUIRE(DeleteAs(*admin, "Watched_Then_Gone", "").status == 303);
  HttpResponse list = admin->Get("/_watchlist");
  BOOST_TEST(list.status == 200);
  BOOST_TEST(!Contains(list, "a summary to hide"));
  BOOST_TEST(!Contains(list, "deleted "));  // the hidden name
  BOOST_REQUIRE(UndeleteAs(*admin, "Watched_Then_Gone").status == 303);
  BOOST_TEST(Contains(admin->Get("/_watchlist"), "a summary to hide"));
}

// X1: every hostile reason is kept as text on the 410 page (anyone's and
// an admin's); a reason that breaks the rules (a line break, a control
// character) is refused with 400 and the form keeps it.
BOOST_AUTO_TEST_CASE(hostile_reasons_stay_text) {
  TestWiki& wiki = Wiki();
  Browser* admin = &Boss();
  BOOST_REQUIRE(wiki.Save("Target_X1", 0, "text").status == 303);
  for (const std::string& payload : XssSample()) {
    BOOST_REQUIRE(DeleteAs(*admin, "Target_X1", payload).status == 303);
    HttpResponse anyone = wiki.Get("/Target_X1");
    BOOST_TEST(anyone.status == 410);
    BOOST_TEST(HtmlIsInert(anyone.body), payload << ": " << PageDangers(anyone.body));
    HttpResponse admins = admin->Get("/Target_X1");
    BOOST_TEST(HtmlIsInert(admins.body), payload << ": " << PageDangers(admins.body));
    HttpResponse recent = wiki.Get("/_recent");
    BOOST_TEST(HtmlIsInert(recent.body), payload << ": " << PageDangers(recent.body));
    BOOST_TEST(!Contains(wiki.Get("/_recent.atom"), "<script"), payload);
    BOOST_REQUIRE(UndeleteAs(*admin, "Target_X1").status == 303);
  }
  for (const std::string& bad : {std::string("two\nlines"), std::string("bell\x07")}) {
    HttpResponse refused = DeleteAs(*admin, "Target_X1", bad + "<script>x</script>");
    BOOST_TEST(refused.status == 400);
    BOOST_TEST(Contains(refused, "The reason"));
    BOOST_TEST(HtmlIsInert(refused.body));
    BOOST_TEST(Contains(refused, "&lt;script&gt;x&lt;/script&gt;"));
    BOOST_TEST(wiki.Get("/Target_X1").status == 200);
  }
}

// The control: with the delete's cache retirement turned off, the same
// checks see the page and the blue link served after the delete (nginx
// and the workers keep their views): they can fail, and do without it.
BOOST_AUTO_TEST_CASE(without_the_retirement_the_checks_fail) {
  TestWiki wiki{Options({{"WIKID_FAILPOINTS", "delete_skip_retire=1"}})};
  auto admin = wiki.LoggedInAs("Boss", "boss-password", /*admin=*/true);
  Plant(wiki, "Control");
  BOOST_REQUIRE(DeleteAs(*admin, "Control", "control").status == 303);
  const std::vector<std::string> stale = StaleAfterDelete(wiki, "Control");
  BOOST_TEST(!stale.empty());
  for (const std::string& line : stale) BOOST_TEST_MESSAGE("stale, as expected: " << line);
  bool page_served = false, link_blue = false;
  for (const std::string& line : stale) {
    page_served = page_served || line.starts_with("/Control answered 200");
    link_blue = link_blue || line == "a link to it is blue";
  }
  BOOST_TEST(page_served);
  BOOST_TEST(link_blue);
}

}  // namespace
}  // namespace wikid::testing
