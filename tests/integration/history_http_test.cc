// History you can use and pages you can find, through a real nginx and
// wikid with three workers and memcached: diffs of any two revisions, Show
// changes, two people editing the same page at once (merged when their
// changes do not overlap, 409 with both texts when they do), links and
// wanted pages, and search.
#define BOOST_TEST_MODULE history_http
#include <sqlite3.h>

#include <boost/test/unit_test.hpp>
#include <string>

#include "model/store/postgres/pg_connection.h"
#include "tests/support/test_wiki.h"

namespace wikid::testing {
namespace {

TestWiki& Wiki() {
  static TestWiki wiki{TestWikiOptions{.workers = 3, .memcached = true}};
  return wiki;
}

// A second person, logged in as "Second" (signed up through the form).
Browser& Other() {
  static std::unique_ptr<Browser> browser = Wiki().SignedUpAs("Second", "second-password");
  return *browser;
}

bool Contains(const HttpResponse& r, std::string_view needle) {
  return r.body.find(needle) != std::string::npos;
}

// The editor's text in a form that came back, as a browser would show it.
// (Read-only when the page is protected: the text is there to copy.)
bool KeepsText(const HttpResponse& r, const std::string& escaped_text) {
  for (const char* attribute : {"autofocus", "readonly"}) {
    if (Contains(r, std::string("<textarea id=\"field.text\" name=\"text\" rows=\"24\" ") +
                        attribute + ">\n" + escaped_text + "</textarea>")) {
      return true;
    }
  }
  return false;
}

BOOST_AUTO_TEST_CASE(any_two_revisions_compare_on_every_worker) {
  BOOST_REQUIRE(
      Wiki().Save("Compared", 0, "one\ntwo\nthree\n", "first").status == 303);
  BOOST_REQUIRE(Wiki()
                    .Save("Compared", 1, "one\ntwo, changed\nthree\n", "second")
                    .status == 303);
  BOOST_REQUIRE(
      Other()
          .Save("Compared", 2, "one\ntwo, changed\nthree\nfour\n", "third")
          .status == 303);
  for (int i = 0; i < 6; ++i) {  // every worker, twice over
    HttpResponse r = Wiki().Get("/_diff/Compared?from=1&to=3");
    BOOST_TEST(r.status == 200);
    BOOST_TEST(Contains(r, "two<ins>, changed</ins>"));
    BOOST_TEST(Contains(r, ">four</span>"));
    BOOST_TEST(Contains(r, "href=\"/_user/Second\">Second</a>"));
    BOOST_TEST(Contains(r, "third"));
  }
  HttpResponse latest = Wiki().Get("/_diff/Compared");
  BOOST_TEST(Contains(latest, "href=\"/Compared?rev=2\">Revision 2</a>"));
  BOOST_TEST(
      Contains(Wiki().Get("/_history/Compared"),
               "href=\"/_diff/Compared?from=2&amp;to=3\">diff with previous"));
  // The history's compare form is a plain GET.
  HttpResponse picked = Wiki().Get("/_diff/Compared?from=3&to=1");
  BOOST_TEST(picked.status == 200);
  BOOST_TEST(Contains(picked, "two<del>, changed</del>"));
}

BOOST_AUTO_TEST_CASE(show_changes_keeps_the_text_and_saves_nothing) {
  BOOST_REQUIRE(Wiki().Save("Shown", 0, "keep\nold line\n").status == 303);
  HttpResponse r =
      Wiki().Post("/_edit/Shown", {{"text", "keep\r\nnew line\r\n\tand a tab"},
                                   {"base_rev", "1"},
                                   {"summary", "typed summary"},
                                   {"action", "changes"}});
  BOOST_TEST(r.status == 200);
  BOOST_TEST(Contains(r, "Your changes to revision 1"));
  BOOST_TEST(Contains(r, "<del>old</del> line"));
  BOOST_TEST(Contains(r, ">\nkeep\nnew line\n\tand a tab</textarea>"));
  BOOST_TEST(Contains(r, "value=\"typed summary\""));
  BOOST_TEST(
      Wiki().Scalar("SELECT count(*) FROM revision JOIN page ON page.id = "
                    "revision.page_id WHERE page.name = 'Shown'") == 1);
}

BOOST_AUTO_TEST_CASE(two_people_changing_different_lines_are_both_kept) {
  const std::string base =
      "# Plan\n\nFirst part.\n\nSecond part.\n\nThird part.\n";
  BOOST_REQUIRE(Wiki().Save("Shared_Plan", 0, base).status == 303);
  // Both opened the editor on revision 1. Second saves first.
  BOOST_REQUIRE(Other()
                    .Save("Shared_Plan", 1,
                          "# Plan\n\nFirst part, by Second.\n\nSecond "
                          "part.\n\nThird part.\n")
                    .status == 303);
  HttpResponse mine = Wiki().Save(
      "Shared_Plan", 1,
      "# Plan\n\nFirst part.\n\nSecond part.\n\nThird part, by Tester.\n",
      "my part");
  BOOST_TEST(mine.status == 303);
  BOOST_TEST(mine.Header("location").ends_with("/Shared_Plan?merged=3"));
  HttpResponse notice = Wiki().Get("/Shared_Plan?merged=3");
  BOOST_TEST(Contains(notice, "both were kept"));
  for (int i = 0; i < 6; ++i) {  // the merge is what every worker shows
    HttpResponse page = Wiki().Get("/Shared_Plan");
    BOOST_TEST(Contains(page, "First part, by Second."));
    BOOST_TEST(Contains(page, "Third part, by Tester."));
    BOOST_TEST(Contains(page, "Revision 3"));
  }
  HttpResponse merged_diff = Wiki().Get("/_diff/Shared_Plan?from=2&to=3");
  BOOST_TEST(Contains(merged_diff, "Third part<ins>, by Tester</ins>."));
}

BOOST_AUTO_TEST_CASE(
    two_people_changing_the_same_line_get_409_with_both_texts) {
  BOOST_REQUIRE(Wiki().Save("Contested_Line", 0, "a\nthe line\nz\n").status ==
                303);
  BOOST_REQUIRE(Other()
                    .Save("Contested_Line", 1, "a\nthe line, says Second\nz\n")
                    .status == 303);
  HttpResponse lost =
      Wiki().Save("Contested_Line", 1, "a\nthe line, says <Tester>\nz\n");
  BOOST_TEST(lost.status == 409);
  BOOST_TEST(
      Contains(lost, ">\na\nthe line, says &lt;Tester&gt;\nz\n</textarea>"));
  BOOST_TEST(Contains(lost, ">\na\nthe line, says Second\nz\n</textarea>"));
  BOOST_TEST(Contains(lost, "Your text compared with revision 2"));
  BOOST_TEST(Contains(lost, "<del>Second</del>"));
  // The help says where things are: the comparison below the current
  // revision, the form (with the text typed) at the bottom.
  const size_t help = lost.body.find("the comparison below the current revision");
  const size_t current = lost.body.find("aria-label=\"Current text\"");
  const size_t comparison = lost.body.find("Your text compared with revision 2");
  const size_t form = lost.body.find("class=\"edit-form\"");
  BOOST_TEST(help != std::string::npos);
  BOOST_TEST((help < current && current < comparison && comparison < form));
  BOOST_TEST(Contains(Wiki().Get("/Contested_Line"), "says Second"));
}

BOOST_AUTO_TEST_CASE(
    links_and_wanted_pages_are_right_after_each_save_on_every_worker) {
  BOOST_REQUIRE(
      Wiki().Save("Linking_Page", 0, "Read [[Brand New Page]].").status == 303);
  for (int i = 0; i < 6; ++i) {
    BOOST_TEST(Contains(Wiki().Get("/Linking_Page"),
                        "href=\"/_edit/Brand_New_Page\""));
    BOOST_TEST(
        Contains(Wiki().Get("/_wanted"), "href=\"/_edit/Brand_New_Page\""));
    BOOST_TEST(Contains(Wiki().Get("/_links/Brand_New_Page"),
                        "href=\"/Linking_Page\""));
  }
  // Writing the page turns the red link blue at once, on every worker,
  // though the linking page's view was cached.
  BOOST_REQUIRE(Other().Save("Brand_New_Page", 0, "Here I am.").status == 303);
  for (int i = 0; i < 6; ++i) {
    HttpResponse page = Wiki().Get("/Linking_Page");
    BOOST_TEST(Contains(page, "href=\"/Brand_New_Page\""));
    BOOST_TEST(!Contains(page, "/_edit/Brand_New_Page"));
    BOOST_TEST(!Contains(Wiki().Get("/_wanted"), "Brand_New_Page"));
  }
  // Dropping the link drops the backlink.
  BOOST_REQUIRE(Wiki().Save("Linking_Page", 1, "No links.").status == 303);
  for (int i = 0; i < 3; ++i) {
    BOOST_TEST(!Contains(Wiki().Get("/_links/Brand_New_Page"),
                         "href=\"/Linking_Page\""));
    BOOST_TEST(Contains(Wiki().Get("/_orphans"), "href=\"/Brand_New_Page\""));
  }
}

BOOST_AUTO_TEST_CASE(search_finds_a_word_saved_a_moment_ago_on_every_worker) {
  BOOST_REQUIRE(
      Wiki().Save("Searched_Page", 0, "Nothing special yet.").status == 303);
  BOOST_REQUIRE(Other()
                    .Save("Searched_Page", 1, "Now with the word zyzzogeton.")
                    .status == 303);
  for (int i = 0; i < 6; ++i) {
    HttpResponse r = Wiki().Get("/_search?q=zyzzogeton");
    BOOST_TEST(r.status == 200);
    BOOST_TEST(Contains(r, "href=\"/Searched_Page\""));
    BOOST_TEST(Contains(r, "with the word <mark>zyzzogeton</mark>."));
    BOOST_TEST(Contains(Wiki().Get("/_search?q=special"), "No page matches."));
  }
  HttpResponse named = Wiki().Get("/_search?q=searched+page");
  BOOST_TEST(
      Contains(named, "There is a page named <a href=\"/Searched_Page\">"));
  HttpResponse garbage = Wiki().Get("/_search?q=%22%28%28NEAR%3A%5E");
  BOOST_TEST(garbage.status == 200);
}

BOOST_AUTO_TEST_CASE(feeds_and_raw_source_show_a_new_save_on_every_worker) {
  const std::string text = "Line one\n\tTabbed <b>&amp;</b>\nno final newline";
  BOOST_REQUIRE(Wiki().Save("Fed_Page", 0, text, "fresh <entry>").status ==
                303);
  for (int i = 0; i < 6; ++i) {
    HttpResponse recent = Wiki().Get("/_recent.atom");
    BOOST_TEST(recent.status == 200);
    BOOST_TEST(recent.Header("content-type") ==
               "application/atom+xml; charset=utf-8");
    BOOST_TEST(Contains(recent, "<title>Fed Page (revision 1)</title>"));
    BOOST_TEST(Contains(recent, "fresh &lt;entry&gt;"));
    BOOST_TEST(Contains(Wiki().Get("/_history/Fed_Page.atom"),
                        "/_diff/Fed_Page?from=0&amp;to=1"));
    HttpResponse raw = Wiki().Get("/_raw/Fed_Page");
    BOOST_TEST(raw.status == 200);
    BOOST_TEST(raw.Header("content-type") == "text/plain; charset=utf-8");
    BOOST_TEST(raw.Header("x-content-type-options") == "nosniff");
    BOOST_TEST(raw.body == text);
  }
  BOOST_REQUIRE(Wiki().Save("Fed_Page", 1, "second").status == 303);
  BOOST_TEST(Wiki().Get("/_raw/Fed_Page?rev=1").body == text);
  BOOST_TEST(Wiki().Get("/_raw/Fed_Page").body == "second");
  BOOST_TEST(Wiki().Get("/_raw/Fed_Page?rev=9").status == 404);
  BOOST_TEST(Contains(Wiki().Get("/_recent"),
                      "href=\"/_diff/Fed_Page?from=1&amp;to=2\">diff"));
  // The feeds are linked where people see them, not only in the head.
  BOOST_TEST(Contains(Wiki().Get("/_recent"),
                      "<a class=\"feed\" href=\"/_recent.atom\" type=\"application/atom+xml\">"));
  BOOST_TEST(Contains(Wiki().Get("/_history/Fed_Page"),
                      "<a class=\"feed\" href=\"/_history/Fed_Page.atom\" "
                      "type=\"application/atom+xml\">"));
}

BOOST_AUTO_TEST_CASE(the_json_api_put_cycle_through_nginx_with_a_token) {
  HttpResponse made = Other().Post("/_user/Second/_tokens",
                                   {{"action", "issue"}, {"label", "bot"}});
  BOOST_REQUIRE(made.status == 200);
  size_t at = made.body.find("<code class=\"token\">");
  BOOST_REQUIRE(at != std::string::npos);
  const std::string auth =
      "Authorization: Bearer " + made.body.substr(at + 20, 43);
  const HeaderList json = {"Content-Type: application/json", auth};
  auto with = [&](std::string header) {
    HeaderList headers = json;
    headers.push_back(std::move(header));
    return headers;
  };
  HttpResponse missing =
      Wiki().Request("PUT", "/_api/page/Api_Cycle", "{\"text\": \"a\"}", json);
  BOOST_TEST(missing.status == 428);
  BOOST_TEST(missing.Header("content-type") ==
             "application/json; charset=utf-8");
  HttpResponse created =
      Wiki().Request("PUT", "/_api/page/Api_Cycle", "{\"text\": \"a\"}",
                     with("If-None-Match: *"));
  BOOST_TEST(created.status == 201);
  BOOST_TEST(created.Header("etag") == "\"r1\"");
  HttpResponse updated =
      Wiki().Request("PUT", "/_api/page/Api_Cycle", "{\"text\": \"b\"}",
                     with("If-Match: \"r1\""));
  BOOST_TEST(updated.status == 200);
  BOOST_TEST(updated.Header("etag") == "\"r2\"");
  HttpResponse stale =
      Wiki().Request("PUT", "/_api/page/Api_Cycle", "{\"text\": \"c\"}",
                     with("If-Match: \"r1\""));
  BOOST_TEST(stale.status == 412);
  for (int i = 0; i < 6; ++i) {  // every worker has the new revision
    HttpResponse got = Wiki().Get("/_api/page/Api_Cycle");
    BOOST_TEST(got.status == 200);
    BOOST_TEST(got.Header("etag") == "\"r2\"");
    BOOST_TEST(Contains(got, "\"text\":\"b\""));
    BOOST_TEST(Contains(got, "\"author\":\"Second\""));
    BOOST_TEST(Contains(Wiki().Get("/Api_Cycle"), "<p>b</p>"));
  }
  HttpResponse anonymous =
      Wiki().Request("PUT", "/_api/page/Api_Cycle", "{\"text\": \"d\"}",
                     {"Content-Type: application/json", "If-Match: \"r2\""});
  BOOST_TEST(anonymous.status == 401);
  BOOST_TEST(Contains(Wiki().Get("/_api/recent"), "\"name\":\"Api Cycle\""));
  BOOST_TEST(
      Contains(Wiki().Get("/_api/search?q=Cycle"), "\"name\":\"Api Cycle\""));
}

// Every way a save can be refused shows the editor again with the text as
// typed and says why: validation, the size limit, page protection, an
// ended session, a forged or missing form token, a locked database. (A
// full or read-only disk: reliability_test, with injected faults.)
BOOST_AUTO_TEST_CASE(every_refused_save_shows_the_editor_with_the_text_kept) {
  const std::string typed = "My <careful> text\n\twith a tab & more";
  const std::string shown = "My &lt;careful&gt; text\n\twith a tab &amp; more";
  BOOST_REQUIRE(Wiki().Save("Refusals", 0, "start").status == 303);
  auto expect = [&](const HttpResponse& r, long status,
                    const std::string& why) {
    BOOST_TEST(r.status == status, why);
    BOOST_TEST(KeepsText(r, shown), why << ": " << r.body.substr(0, 300));
    BOOST_TEST(Contains(r, "role=\"alert\""), why);
  };
  expect(Wiki().Post("/_edit/Refusals", {{"text", typed}, {"base_rev", "x"}}),
         400, "bad base");
  expect(Wiki().Post("/_edit/Refusals", {{"text", typed},
                                         {"base_rev", "1"},
                                         {"summary", std::string(600, 's')}}),
         400, "long summary");
  HttpResponse too_long = Wiki().Post(
      "/_edit/Refusals",
      {{"text", typed + std::string(1100000, 'x')}, {"base_rev", "1"}});
  BOOST_TEST(too_long.status == 413);
  BOOST_TEST(KeepsText(too_long, shown + std::string(1100000, 'x')));
  BOOST_TEST(Contains(too_long, "bytes long; a page may have at most"));
  // A forged or missing token.
  expect(Wiki().Editor().PostWithoutToken(
             "/_edit/Refusals",
             {{"text", typed}, {"base_rev", "1"}, {"csrf", "forged"}}),
         403, "forged token");
  // A session that ended (logged out elsewhere): the cookie no longer counts.
  auto leaving_browser = Wiki().SignedUpAs("Leaving", "leaving-password");
  Browser& leaving = *leaving_browser;
  std::string old_session = leaving.Cookie("wikid_session");
  std::string old_token = leaving.FormToken();
  std::string csrf_cookie = leaving.Cookie("wikid_csrf");
  BOOST_REQUIRE(leaving.LogOut().status == 303);
  leaving.SetCookie("wikid_session", old_session);
  leaving.SetCookie("wikid_csrf", csrf_cookie);
  expect(leaving.PostWithoutToken(
             "/_edit/Refusals",
             {{"text", typed}, {"base_rev", "1"}, {"csrf", old_token}}),
         403, "ended session");
  // A protected page, for a user who is not an admin.
  Wiki().CreateUser("Guard", "guard-password", /*admin=*/true);
  Browser guard(Wiki());
  BOOST_REQUIRE(guard.LogIn("Guard", "guard-password").status == 303);
  BOOST_REQUIRE(guard.Post("/_protect/Refusals", {{"protect", "1"}}).status ==
                303);
  expect(Wiki().Post("/_edit/Refusals", {{"text", typed}, {"base_rev", "1"}}),
         403, "protected");
  BOOST_REQUIRE(guard.Post("/_protect/Refusals", {{"protect", "0"}}).status ==
                303);
  // Another process holds the write lock past the busy timeout (5 s); on
  // PostgreSQL, the page's row past the statement timeout (5 s).
  HttpResponse busy;
  if (Wiki().engine() == Engine::kSqlite) {
    sqlite3* other = nullptr;
    BOOST_REQUIRE(sqlite3_open(Wiki().db_path().c_str(), &other) == SQLITE_OK);
    BOOST_REQUIRE(sqlite3_exec(other, "BEGIN IMMEDIATE", nullptr, nullptr,
                               nullptr) == SQLITE_OK);
    busy = Wiki().Post("/_edit/Refusals", {{"text", typed}, {"base_rev", "1"}});
    sqlite3_exec(other, "ROLLBACK", nullptr, nullptr, nullptr);
    sqlite3_close(other);
  } else {
    auto other = PgConnection::Open(Wiki().database().url(), {});
    BOOST_REQUIRE(other.ok());
    BOOST_REQUIRE((*other)->Exec("BEGIN").ok());
    BOOST_REQUIRE((*other)->Exec("SELECT id FROM page WHERE name = 'Refusals' FOR UPDATE").ok());
    busy = Wiki().Post("/_edit/Refusals", {{"text", typed}, {"base_rev", "1"}});
    BOOST_REQUIRE((*other)->Exec("ROLLBACK").ok());
  }
  expect(busy, 503, "locked database");
  // Nothing of it was saved; the text saves once nothing is in the way.
  BOOST_TEST(Wiki().Get("/_raw/Refusals").body == "start");
  BOOST_TEST(Wiki()
                 .Post("/_edit/Refusals", {{"text", typed}, {"base_rev", "1"}})
                 .status == 303);
  BOOST_TEST(Wiki().Get("/_raw/Refusals").body == typed);
}

}  // namespace
}  // namespace wikid::testing
