// Moving a page (issue 20), through a real nginx with three workers,
// memcached and the fast path: the old name redirects, the history goes
// with the page, and every cache (nginx's copies, the workers' own,
// memcached's) shows the move to the very next read, as a save is shown
// (C1's promise); with the move's retirement of views turned off by a
// failpoint, the same reads see the views of before it (the control that
// shows the check can fail). A move onto a page is refused with 409 and
// the form kept; reasons from the XSS corpus (X1) are inert wherever they
// are shown.
#define BOOST_TEST_MODULE move_http
#include <boost/test/unit_test.hpp>

#include <chrono>
#include <string>

#include "tests/support/html_safety.h"
#include "tests/support/test_wiki.h"

namespace wikid::testing {
namespace {

using namespace std::chrono_literals;

TestWikiOptions Options() {
  return TestWikiOptions{.workers = 3, .memcached = true, .fast_path = true};
}

TestWiki& Wiki() {
  static TestWiki wiki{Options()};
  return wiki;
}

bool Contains(const HttpResponse& r, std::string_view needle) {
  return r.body.find(needle) != std::string::npos;
}

// Writes Source (two revisions) and a page linking to it and to Target,
// then fills every cache with their views of now: nginx's copies, and the
// workers' and memcached's (several reads, anonymous and logged in).
void WriteAndWarm(TestWiki& wiki, const std::string& source, const std::string& target,
                  const std::string& linker) {
  BOOST_REQUIRE(wiki.Save(source, 0, "First words.").status == 303);
  BOOST_REQUIRE(wiki.Save(source, 1, "Second words of the moved page.").status == 303);
  BOOST_REQUIRE(wiki.Save(linker, 0, "See [[" + source + "]] and [[" + target + "]].").status ==
                303);
  BOOST_REQUIRE(wiki.WaitForFastPath(60s));
  for (const std::string& path : {"/" + source, "/" + linker}) {
    BOOST_REQUIRE(FromNginx(wiki.ViewUntilFast(path)));
    for (int i = 0; i < 6; ++i) BOOST_REQUIRE(wiki.Editor().Get(path).status == 200);
  }
  BOOST_REQUIRE(Contains(wiki.Get("/" + linker), "/_edit/" + target));  // red before
}

// The reads that must all show the move at once: how many of them showed
// the views of before it (the old name as a page, the new one missing, a
// link to the new name red).
int StaleReadsAfterMove(TestWiki& wiki, const std::string& source, const std::string& target,
                        const std::string& linker) {
  int stale = 0;
  for (int i = 0; i < 9; ++i) {
    for (Browser* reader : {static_cast<Browser*>(nullptr), &wiki.Editor()}) {
      auto get = [&](const std::string& path) {
        return reader ? reader->Get(path) : wiki.Get(path);
      };
      HttpResponse old_name = get("/" + source);
      if (old_name.status != 302 ||
          !old_name.Header("location").ends_with("/" + target + "?redirectfrom=" + source)) {
        ++stale;
      }
      HttpResponse new_name = get("/" + target);
      if (new_name.status != 200 || !Contains(new_name, "Second words of the moved page.")) {
        ++stale;
      }
      HttpResponse linking = get("/" + linker);
      if (Contains(linking, "/_edit/" + target) || !Contains(linking, "href=\"/" + target + "\"")) {
        ++stale;
      }
    }
  }
  return stale;
}

BOOST_AUTO_TEST_CASE(a_move_redirects_keeps_the_history_and_shows_everywhere_at_once) {
  WriteAndWarm(Wiki(), "Move_Source", "Move_Target", "Move_Linker");
  BOOST_REQUIRE(Wiki().Save("Move_Old_Linker", 0, "Only [[Move Source]].").status == 303);
  BOOST_TEST(Contains(Wiki().Get("/_wanted"), "Move Target"));
  HttpResponse form = Wiki().Editor().Get("/_move/Move_Source");
  BOOST_REQUIRE(form.status == 200);
  BOOST_TEST(Contains(form, "name=\"redirect\" value=\"1\" checked"));
  HttpResponse moved = Wiki().Post("/_move/Move_Source", {{"to", "Move Target"},
                                                          {"reason", "a clearer name"},
                                                          {"redirect", "1"}});
  BOOST_REQUIRE(moved.status == 303);
  BOOST_TEST(moved.Header("location").ends_with("/Move_Target"));
  BOOST_TEST(StaleReadsAfterMove(Wiki(), "Move_Source", "Move_Target", "Move_Linker") == 0);

  // The notice on the page arrived at, with its way back to the redirect,
  // which shows itself and can be edited.
  HttpResponse arrived = Wiki().Get("/Move_Target?redirectfrom=Move_Source");
  BOOST_TEST(Contains(arrived, "Redirected from <a href=\"/Move_Source?redirect=no\">Move Source</a>"),
             arrived.body);
  HttpResponse redirect = Wiki().Get("/Move_Source?redirect=no");
  BOOST_TEST(redirect.status == 200);
  BOOST_TEST(Contains(redirect, "This page is a redirect"));
  BOOST_TEST(Contains(redirect, "href=\"/_edit/Move_Source\""));
  BOOST_TEST(Wiki().Get("/Move_Target?redirectfrom=Move_Source").status == 200);
  // The notice only where it is true: a page that is no redirect, one
  // that does not exist, or the page itself, leaves the view without it.
  for (const std::string from : {"Move_Linker", "No_Such_Page", "Move_Target"}) {
    HttpResponse claimed = Wiki().Get("/Move_Target?redirectfrom=" + from);
    BOOST_TEST(claimed.status == 200);
    BOOST_TEST(!Contains(claimed, "Redirected from"), from);
  }

  // The history came along, with the move as its newest revision; the
  // redirect has a history of its own; recent changes and the feed say so.
  HttpResponse history = Wiki().Get("/_history/Move_Target");
  BOOST_TEST(Contains(history, "Moved from Move Source to Move Target: a clearer name"));
  BOOST_TEST(Contains(Wiki().Get("/_raw/Move_Target?rev=1"), "First words."));
  BOOST_TEST(Contains(Wiki().Get("/_raw/Move_Source"), "#REDIRECT [[Move Target]]"));
  BOOST_TEST(Contains(Wiki().Get("/_recent"), "Moved from Move Source to Move Target"));
  BOOST_TEST(Contains(Wiki().Get("/_recent.atom"), "Moved from Move Source to Move Target"));
  // Links to either name lead somewhere; the new name is wanted no more;
  // search finds the text under the new name.
  BOOST_TEST(!Contains(Wiki().Get("/_wanted"), "Move Target"));
  BOOST_TEST(Contains(Wiki().Get("/_links/Move_Target"), "href=\"/Move_Linker\""));
  BOOST_TEST(Contains(Wiki().Get("/_links/Move_Source"), "href=\"/Move_Linker\""));
  // What links to the new name shows the pages that reach it through the
  // redirect, under the redirect.
  HttpResponse links = Wiki().Get("/_links/Move_Target");
  BOOST_TEST(Contains(links, "<a href=\"/Move_Source?redirect=no\">Move Source</a> "
                             "<span class=\"revs\">(redirect)</span>"),
             links.body);
  BOOST_TEST(Contains(links, "<li><a href=\"/Move_Old_Linker\">Move Old Linker</a></li>"));
  BOOST_TEST(Contains(Wiki().Get("/Move_Old_Linker"), "href=\"/Move_Source\""));
  HttpResponse found = Wiki().Get("/_search?q=moved+page");
  BOOST_TEST(Contains(found, "href=\"/Move_Target\""), found.body);
  BOOST_TEST(!Contains(found, "href=\"/Move_Source\""));
  BOOST_TEST(Contains(Wiki().Get("/_pages"), "href=\"/Move_Target\""));
}

BOOST_AUTO_TEST_CASE(a_move_onto_a_page_is_refused_and_onto_its_redirect_swaps) {
  BOOST_REQUIRE(Wiki().Save("Swap_One", 0, "One's text.").status == 303);
  BOOST_REQUIRE(Wiki().Save("Swap_Taken", 0, "Someone else's page.").status == 303);
  HttpResponse refused = Wiki().Post("/_move/Swap_One", {{"to", "swap taken"},
                                                         {"reason", "my <reason> & more"},
                                                         {"redirect", "1"}});
  BOOST_TEST(refused.status == 409);
  BOOST_TEST(Contains(refused, "There is a page named \xe2\x80\x9cSwap Taken\xe2\x80\x9d already"),
             refused.body);
  BOOST_TEST(Contains(refused, "value=\"my &lt;reason&gt; &amp; more\""));
  BOOST_TEST(Contains(Wiki().Get("/_raw/Swap_Taken"), "Someone else's page."));
  // A bad name is a 400 with the form kept; anonymous readers may not move.
  BOOST_TEST(Wiki().Post("/_move/Swap_One", {{"to", "_reserved"}}).status == 400);
  BOOST_TEST(Wiki().Get("/_move/Swap_One").status == 303);  // to the login form

  // Moved away and back: the second move lands on the redirect the first
  // left, which takes the old name.
  BOOST_REQUIRE(Wiki().Post("/_move/Swap_One", {{"to", "Swap Two"}, {"redirect", "1"}}).status ==
                303);
  BOOST_REQUIRE(Wiki().Post("/_move/Swap_Two", {{"to", "Swap One"}}).status == 303);
  BOOST_TEST(Contains(Wiki().Get("/Swap_One"), "One's text."));
  HttpResponse two = Wiki().Get("/Swap_Two");
  BOOST_TEST(two.status == 302);
  BOOST_TEST(two.Header("location").ends_with("/Swap_One?redirectfrom=Swap_Two"));
}

// Flash notices (issue 21), here for the caches and the fast path this
// file starts: after a save, a move, a profile save and a
// password change, the page the user lands on says so, once; the shared
// views (every worker's, nginx's fast path) never carry it, and the view
// with the notice is still the cached one.
BOOST_AUTO_TEST_CASE(a_change_is_confirmed_once_on_the_page_it_leads_to) {
  const std::string saved = "Your edit was saved.";
  auto owner = Wiki().SignedUpAs("Noticed", "a long password");
  Browser& user = *owner;
  BOOST_REQUIRE(user.Save("Noticed_Page", 0, "first").status == 303);
  for (int i = 0; i < 3; ++i) BOOST_REQUIRE(Wiki().Get("/Noticed_Page").status == 200);
  HttpResponse second = user.Save("Noticed_Page", 1, "second");
  BOOST_REQUIRE(second.status == 303);
  BOOST_TEST(user.Cookie("wikid_notice") == "saved:/Noticed_Page");
  // Other pages do not take it.
  BOOST_TEST(!Contains(user.Get("/_recent"), saved));
  HttpResponse landed = user.Get("/Noticed_Page");
  BOOST_TEST(landed.status == 200);
  BOOST_TEST(Contains(landed, saved));
  BOOST_TEST(Contains(landed, "second"));
  BOOST_TEST(landed.Header("x-cache") == "hit");  // the notice costs no cache hit
  BOOST_TEST(landed.Header("cache-control") == "private, no-store");
  BOOST_TEST(user.Cookie("wikid_notice").empty());
  BOOST_TEST(!Contains(user.Get("/Noticed_Page"), saved));  // once
  // Nobody else's view of it carries the notice: anonymous readers on
  // every worker and nginx's fast path, another account.
  for (int i = 0; i < 4; ++i) BOOST_TEST(!Contains(Wiki().Get("/Noticed_Page"), saved));
  BOOST_REQUIRE(Wiki().WaitForFastPath(60s));
  HttpResponse fast = Wiki().ViewUntilFast("/Noticed_Page");
  BOOST_TEST(FromNginx(fast));
  BOOST_TEST(!Contains(fast, saved));
  auto other = Wiki().SignedUpAs("Unnoticed", "other password");
  BOOST_TEST(!Contains(other->Get("/Noticed_Page"), saved));
  // A stolen or forged cookie shows nothing to an anonymous reader.
  Browser anonymous(Wiki());
  anonymous.SetCookie("wikid_notice", "saved:/Noticed_Page");
  BOOST_TEST(!Contains(anonymous.Get("/Noticed_Page"), saved));

  // The profile and the password.
  BOOST_REQUIRE(user.Post("/_user/Noticed/_edit", {{"display_name", "Noticed One"},
                                                    {"bio", ""}, {"email", ""}})
                    .status == 303);
  HttpResponse profile = user.Get("/_user/Noticed");
  BOOST_TEST(Contains(profile, "Your profile was saved."));
  BOOST_TEST(!Contains(user.Get("/_user/Noticed"), "Your profile was saved."));
  BOOST_REQUIRE(user.Post("/_user/Noticed/_password", {{"current", "a long password"},
                                                        {"password", "a new long password"},
                                                        {"password2", "a new long password"}})
                    .status == 303);
  BOOST_TEST(Contains(user.Get("/_user/Noticed"), "Your password was changed."));
  // A move: on the page's new name.
  BOOST_REQUIRE(user.Post("/_move/Noticed_Page", {{"to", "Noticed_Elsewhere"},
                                                   {"reason", "a test"},
                                                   {"redirect", "1"}})
                    .status == 303);
  BOOST_TEST(Contains(user.Get("/Noticed_Elsewhere"), "The page was moved here."));
}

// X1: a move's reason is part of the summary shown in the history, recent
// changes and the feed.
BOOST_AUTO_TEST_CASE(x1_move_reasons_are_inert_wherever_they_are_shown) {
  int n = 0;
  for (const std::string& payload : XssSample()) {
    const std::string from = "Xss_Move_" + std::to_string(n);
    const std::string to = "Xss_Moved_" + std::to_string(n++);
    BOOST_REQUIRE(Wiki().Save(from, 0, "text").status == 303);
    HttpResponse moved =
        Wiki().Post("/_move/" + from, {{"to", to}, {"reason", payload}, {"redirect", "1"}});
    BOOST_REQUIRE_MESSAGE(moved.status == 303, payload << ": " << moved.status);
    for (const std::string& path : {"/_history/" + to, "/_history/" + from, std::string("/_recent"),
                                    "/" + to + "?redirectfrom=" + from, "/" + from + "?redirect=no"}) {
      HttpResponse r = Wiki().Get(path);
      BOOST_TEST(r.status == 200, path);
      BOOST_TEST(HtmlIsInert(r.body), payload << " at " << path);
    }
  }
  // The form shown again after a refusal keeps it, escaped.
  for (const std::string& payload : XssSample()) {
    HttpResponse refused =
        Wiki().Post("/_move/Xss_Moved_0", {{"to", "Xss_Moved_1"}, {"reason", payload}});
    BOOST_TEST(refused.status == 409);
    BOOST_TEST(HtmlIsInert(refused.body), payload);
  }
}

// The control: the same move and reads with the move's retirement of
// views turned off (the failpoint move_retires_nothing) see the views of
// before it, so the check above can fail.
BOOST_AUTO_TEST_CASE(without_the_moves_retirement_the_same_reads_are_stale) {
  TestWikiOptions options = Options();
  options.workers = 2;
  options.env["WIKID_FAILPOINTS"] = "move_retires_nothing=1";
  TestWiki unsafe{options};
  WriteAndWarm(unsafe, "Control_Source", "Control_Target", "Control_Linker");
  BOOST_REQUIRE(unsafe.Post("/_move/Control_Source", {{"to", "Control Target"},
                                                      {"redirect", "1"}}).status == 303);
  const int stale = StaleReadsAfterMove(unsafe, "Control_Source", "Control_Target", "Control_Linker");
  BOOST_TEST_MESSAGE("stale reads without the retirement: " << stale << " of 54");
  BOOST_TEST(stale > 0);
}

}  // namespace
}  // namespace wikid::testing
