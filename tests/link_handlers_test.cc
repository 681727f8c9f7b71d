// The pages about links, in-process: what links here, wanted pages and
// orphans, kept right by every save, and page names that try to be HTML.
#define BOOST_TEST_MODULE link_handlers
#include <boost/test/unit_test.hpp>

#include <regex>

#include "tests/support/html_safety.h"
#include "views/http/http_decode.h"
#include "tests/support/wiki_fixture.h"

namespace wikid {
namespace {

using testing::WikiFixture;

BOOST_FIXTURE_TEST_SUITE(links, WikiFixture)

BOOST_AUTO_TEST_CASE(what_links_here_lists_the_linking_pages) {
  BOOST_REQUIRE(Save("Target", 0, "the target").status == 303);
  BOOST_REQUIRE(Save("First", 0, "see [[Target]]").status == 303);
  BOOST_REQUIRE(
      Save("Second", 0, "see [[Target|the target]] and [[First]]").status ==
      303);
  Response r = Get("/_links/Target");
  BOOST_TEST(r.status == 200);
  BOOST_TEST(Contains(r, "<a href=\"/First\">First</a>"));
  BOOST_TEST(Contains(r, "<a href=\"/Second\">Second</a>"));
  BOOST_TEST(
      Contains(Get("/Target"), "href=\"/_links/Target\">What links here"));
  // An edit that drops the link drops the page from the list at once.
  BOOST_REQUIRE(Save("First", 1, "no link now").status == 303);
  BOOST_TEST(!Contains(Get("/_links/Target"), "href=\"/First\""));
  BOOST_TEST(Contains(Get("/_links/First"), "href=\"/Second\""));
  BOOST_TEST(Contains(Get("/_links/Nobody"), "No page links here."));
  BOOST_TEST(Get("/_links/_bad").status == 400);
}

BOOST_AUTO_TEST_CASE(what_links_here_is_paginated) {
  site.pages_page_size = 2;
  for (const char* name : {"A", "B", "C"}) {
    BOOST_REQUIRE(Save(name, 0, "[[Hub]]").status == 303);
  }
  Response first = Get("/_links/Hub");
  BOOST_TEST(Contains(first, "href=\"/_links/Hub?after=B\""));
  BOOST_TEST(!Contains(first, "href=\"/C\""));
  Response next = Get("/_links/Hub", {{"after", "B"}});
  BOOST_TEST(Contains(next, "href=\"/C\""));
  BOOST_TEST(!Contains(next, "href=\"/A\""));
  BOOST_TEST(Contains(next, "href=\"/_links/Hub\">First page"));
}

BOOST_AUTO_TEST_CASE(
    wanted_pages_are_most_linked_first_and_leave_once_written) {
  BOOST_REQUIRE(Save("One", 0, "[[Soon]] [[Later]]").status == 303);
  BOOST_REQUIRE(Save("Two", 0, "[[Later]]").status == 303);
  Response r = Get("/_wanted");
  BOOST_TEST(r.status == 200);
  size_t later = r.body.find("href=\"/_edit/Later\"");
  size_t soon = r.body.find("href=\"/_edit/Soon\"");
  BOOST_TEST(later != std::string::npos);
  BOOST_TEST(soon != std::string::npos);
  BOOST_TEST(later < soon);
  BOOST_TEST(Contains(r, "href=\"/_links/Later\">2 pages</a>"));
  BOOST_TEST(Contains(r, "href=\"/_links/Soon\">1 page</a>"));
  BOOST_REQUIRE(Save("Later", 0, "written").status == 303);
  BOOST_TEST(!Contains(Get("/_wanted"), "Later"));
  BOOST_TEST(Get("/_wanted", {{"links", "x"}}).status == 400);
  BOOST_TEST(Get("/_wanted", {{"links", "0"}}).status == 400);
  BOOST_TEST(Get("/_wanted", {{"links", "5"}, {"after", "Zzz"}}).status == 200);
}

// Issue 16: the wanted list pages by a cursor (the last page's link count
// and name), so a late window reads one index range, not every page
// before it; names with the same count page alphabetically.
BOOST_AUTO_TEST_CASE(wanted_pages_page_by_a_cursor) {
  // Twelve wanted names (Hub's links) with two links each, more than the
  // page size, and one with three.
  std::string hub, spoke;
  for (int i = 0; i < 12; ++i) hub += "[[Want " + std::to_string(10 + i) + "&x]] ";
  BOOST_REQUIRE(Save("Hub", 0, hub).status == 303);
  BOOST_REQUIRE(Save("Spoke", 0, hub + "[[Top]]").status == 303);
  BOOST_REQUIRE(Save("Third", 0, "[[Top]]").status == 303);
  site.pages_page_size = 5;
  std::vector<std::string> seen;
  FormFields params;
  int windows = 0;
  for (; windows < 10; ++windows) {
    Response r = Get("/_wanted", params);
    BOOST_REQUIRE(r.status == 200);
    static const std::regex item("href=\"/_edit/([^\"]+)\"");
    for (std::sregex_iterator it(r.body.begin(), r.body.end(), item), end; it != end; ++it)
      seen.push_back((*it)[1]);
    static const std::regex next("href=\"/_wanted\\?links=(\\d+)&amp;after=([^\"]+)\">Next");
    std::smatch m;
    if (!std::regex_search(r.body, m, next)) break;
    auto after = PercentDecode(m[2].str(), PlusMeans::kSpace);
    BOOST_REQUIRE(after.ok());
    params = {{"links", m[1].str()}, {"after", *after}};
  }
  BOOST_TEST(windows == 2);  // three windows: 5, 5 and 3
  BOOST_REQUIRE_EQUAL(seen.size(), 13u);
  BOOST_TEST(seen[0] == "Top");
  BOOST_TEST(seen[1] == "Want_10%26x");
  BOOST_TEST(seen[12] == "Want_21%26x");
}

BOOST_AUTO_TEST_CASE(orphans_leave_out_linked_pages_and_the_front_page) {
  BOOST_REQUIRE(Save("Main Page", 0, "[[Linked]]").status == 303);
  BOOST_REQUIRE(Save("Linked", 0, "x").status == 303);
  BOOST_REQUIRE(Save("Lonely", 0, "[[Lonely]]").status == 303);
  Response r = Get("/_orphans");
  BOOST_TEST(r.status == 200);
  BOOST_TEST(Contains(r, "href=\"/Lonely\""));
  BOOST_TEST(!Contains(r, "href=\"/Linked\""));
  BOOST_TEST(!Contains(r, "href=\"/Main_Page\""));
  BOOST_REQUIRE(Save("Linked", 1, "now [[Lonely]]").status == 303);
  BOOST_TEST(!Contains(Get("/_orphans"), "href=\"/Lonely\""));
}

BOOST_AUTO_TEST_CASE(page_names_that_look_like_html_stay_inert) {
  for (const char* hostile :
       {"\"' onmouseover='alert(1)", "javascript:alert(1)",
        "x\" onload=\"alert(1)", "&lt;script&gt;"}) {
    BOOST_TEST_CONTEXT(hostile) {
      auto name = PageName::Parse(hostile);
      BOOST_REQUIRE(name.ok());
      BOOST_REQUIRE(
          Save(name->UrlPath().substr(1), 0,
               "[[" + std::string(hostile) + "]] [[Missing " + hostile + "]]")
              .status == 303);
      for (const std::string& path :
           {"/_links" + name->UrlPath(), std::string("/_wanted"),
            std::string("/_orphans")}) {
        Response r = Get(path);
        BOOST_TEST(r.status == 200);
        BOOST_TEST(testing::PageDangers(r.body) == "", path);
      }
    }
  }
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace wikid
