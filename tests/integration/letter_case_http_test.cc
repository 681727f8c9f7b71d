// Names that differ only in letter case name one page (PageKey,
// model/text/page_name.h), through a real nginx with three workers,
// memcached and the fast path: a link in another case is blue and leads to
// the page, is listed under what links here and not under wanted pages,
// the search box goes to the page, an address in another case redirects,
// and a second page in another case is refused with the text kept.
#define BOOST_TEST_MODULE letter_case_http
#include <boost/test/unit_test.hpp>
#include <chrono>
#include <string>

#include "tests/support/test_wiki.h"

namespace wikid::testing {
namespace {

using namespace std::chrono_literals;

TestWiki& Wiki() {
  static TestWiki wiki{
      TestWikiOptions{.workers = 3, .memcached = true, .fast_path = true}};
  return wiki;
}

bool Contains(const HttpResponse& r, std::string_view needle) {
  return r.body.find(needle) != std::string::npos;
}

BOOST_AUTO_TEST_CASE(a_link_in_another_case_leads_to_the_page_everywhere) {
  BOOST_REQUIRE(
      Wiki().Save("Getting_Started", 0, "# Install\n\nHow.\n").status == 303);
  BOOST_REQUIRE(Wiki()
                    .Save("Case_Linker", 0,
                          "See [[getting started]] and [[GETTING "
                          "STARTED#Install|install]].")
                    .status == 303);
  // Six rounds: the workers take them as they come (nothing makes each of
  // the three answer one), and nginx's copy answers the page once it has
  // one; every answer must agree.
  for (int i = 0; i < 6; ++i) {
    HttpResponse page = Wiki().Get("/Case_Linker");
    BOOST_TEST(
        Contains(page,
                 "<a href=\"/Getting_Started\" title=\"Getting Started\">"
                 "getting started</a>"),
        page.body);
    BOOST_TEST(Contains(page, "<a href=\"/Getting_Started#install\""));
    BOOST_TEST(!Contains(page, "/_edit/getting"));
    BOOST_TEST(!Contains(Wiki().Get("/_wanted"), "etting"));
    BOOST_TEST(Contains(Wiki().Get("/_links/Getting_Started"),
                        "href=\"/Case_Linker\""));
    BOOST_TEST(Contains(Wiki().Get("/_search?q=getting+started"),
                        "There is a page named <a href=\"/Getting_Started\">"));
    BOOST_TEST(Contains(Wiki().Get("/_search?q=GETTING+STARTED"),
                        "There is a page named <a href=\"/Getting_Started\">"));
  }
  BOOST_TEST(!Contains(Wiki().Get("/_orphans"), "href=\"/Getting_Started\""));
}

// The linking page's view was kept by nginx while its link was red; the
// page written in another case turns it blue at once: the save deletes
// nginx's copy (a suspended fast path would also show it blue, from
// wikid, so the view is then checked from nginx's copy made again).
BOOST_AUTO_TEST_CASE(writing_the_page_in_another_case_turns_the_links_blue) {
  BOOST_REQUIRE(Wiki().WaitForFastPath(60s));
  BOOST_REQUIRE(
      Wiki()
          .Save("Red_Linker", 0, "Read [[\xc3\xa4rger im b\xc3\xbcro]].")
          .status == 303);
  HttpResponse red = Wiki().ViewUntilFast("/Red_Linker");
  BOOST_REQUIRE(FromNginx(red));
  BOOST_TEST(Contains(red, "href=\"/_edit/%C3%A4rger_im_b%C3%BCro\""));
  BOOST_TEST(Contains(Wiki().Get("/_wanted"), "\xc3\xa4rger im b\xc3\xbcro"));
  BOOST_REQUIRE(Wiki().Save("\xc3\x84rger_im_B\xc3\xbcro", 0, "Ja.").status ==
                303);
  for (int i = 0; i < 6; ++i) {
    HttpResponse page = Wiki().Get("/Red_Linker");
    BOOST_TEST(Contains(page, "href=\"/%C3%84rger_im_B%C3%BCro\""), page.body);
    BOOST_TEST(!Contains(page, "/_edit/%C3"), page.body);
    BOOST_TEST(!Contains(Wiki().Get("/_wanted"), "rger im b"));
  }
  HttpResponse blue = Wiki().ViewUntilFast("/Red_Linker");
  BOOST_REQUIRE(FromNginx(blue));
  BOOST_TEST(Contains(blue, "href=\"/%C3%84rger_im_B%C3%BCro\""), blue.body);
}

BOOST_AUTO_TEST_CASE(an_address_in_another_case_redirects_to_the_page) {
  BOOST_REQUIRE(Wiki().Save("Redirected_Page", 0, "one").status == 303);
  HttpResponse r = Wiki().Get("/redirected_page");
  BOOST_TEST(r.status == 302);
  BOOST_TEST(r.Header("location").ends_with("/Redirected_Page"),
             r.Header("location"));
  r = Wiki().Get("/REDIRECTED_PAGE?rev=1");
  BOOST_TEST(r.status == 302);
  BOOST_TEST(r.Header("location").ends_with("/Redirected_Page?rev=1"),
             r.Header("location"));
  // Every route of a page does the same, its query kept: a section's edit
  // link names its revision and section, history and diffs their windows.
  const std::pair<std::string, std::string> routes[] = {
      {"/_edit/redirected_Page", "/_edit/Redirected_Page"},
      {"/_edit/redirected_Page?section=0&rev=1", "/_edit/Redirected_Page?rev=1&section=0"},
      {"/_raw/redirected_page?rev=1", "/_raw/Redirected_Page?rev=1"},
      {"/_history/redirected_page?from=1", "/_history/Redirected_Page?from=1"},
      {"/_diff/redirected_page?from=0&to=1", "/_diff/Redirected_Page?from=0&to=1"},
  };
  for (const auto& [from, to] : routes) {
    r = Wiki().Editor().Get(from);
    BOOST_TEST(r.status == 302, from);
    BOOST_TEST(r.Header("location").ends_with(to), from << " -> " << r.Header("location"));
  }
  // The page itself, an old revision that is not there, and a name no page
  // has in any case are what they were.
  BOOST_TEST(Wiki().Get("/Redirected_Page").status == 200);
  BOOST_TEST(Wiki().Get("/Redirected_Page?rev=5").status == 404);
  BOOST_TEST(Wiki().Get("/redirected_pages").status == 404);
  BOOST_TEST(Wiki().Get("/_raw/redirected_pages").status == 404);
  BOOST_TEST(Wiki().Get("/_history/redirected_pages").status == 404);
}

BOOST_AUTO_TEST_CASE(
    a_second_page_in_another_case_is_refused_with_the_text_kept) {
  BOOST_REQUIRE(Wiki().Save("Only_Once", 0, "first").status == 303);
  HttpResponse twin = Wiki().Save("only_ONCE", 0, "my <text> & more");
  BOOST_TEST(twin.status == 400);
  BOOST_TEST(TextareaText(twin.body) == "my <text> & more");
  BOOST_TEST(
      Contains(
          twin,
          "There is a page named \xe2\x80\x9cOnly Once\xe2\x80\x9d already"),
      twin.body);
  BOOST_TEST(Wiki().Get("/_raw/Only_Once").body == "first");
  BOOST_TEST(Wiki().Get("/only_ONCE").status == 302);
}

}  // namespace
}  // namespace wikid::testing
