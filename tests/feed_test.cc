// Atom feeds of recent changes and of a page's history, in-process, each
// checked against RFC 4287 by tests/support/atom_check.py (Python's expat
// parser and the RFC's required elements).
#define BOOST_TEST_MODULE feed
#include <boost/test/unit_test.hpp>
#include <cstdio>
#include <fstream>
#include <random>
#include <regex>

#include "tests/support/html_safety.h"
#include "tests/support/wiki_fixture.h"

namespace wikid {
namespace {

using testing::WikiFixture;

// What atom_check.py says of `xml`: "ok\n", or the problems.
std::string AtomCheck(const testing::TempDir& dir, const std::string& xml) {
  std::string file = dir.File("feed.xml");
  std::ofstream(file) << xml;
  std::string command = "/usr/bin/python3 " + std::string(WIKID_SOURCE_DIR) +
                        "/tests/support/atom_check.py < " + file + " 2>&1";
  FILE* pipe = popen(command.c_str(), "r");
  std::string out;
  char buf[512];
  while (size_t n = fread(buf, 1, sizeof buf, pipe)) out.append(buf, n);
  pclose(pipe);
  return out;
}

int Count(const std::string& text, const std::string& needle) {
  int n = 0;
  for (size_t at = text.find(needle); at != std::string::npos;
       at = text.find(needle, at + 1))
    ++n;
  return n;
}

struct FeedFixture : WikiFixture {
  FeedFixture() { site.public_url = "https://wiki.example.org:8443"; }
};

BOOST_FIXTURE_TEST_SUITE(feeds, FeedFixture)

BOOST_AUTO_TEST_CASE(the_checker_itself_catches_a_broken_feed) {
  // Guards the guard: without this, a checker that always said "ok" would
  // pass every test below.
  BOOST_TEST(
      AtomCheck(
          dir,
          "<?xml version=\"1.0\"?><feed xmlns=\"http://www.w3.org/2005/Atom\">"
          "<title>t</title></feed>") != "ok\n");
  BOOST_TEST(AtomCheck(dir, "<?xml version=\"1.0\"?><feed><unclosed></feed>") !=
             "ok\n");
}

BOOST_AUTO_TEST_CASE(recent_changes_feed_is_valid_and_lists_every_new_save) {
  BOOST_TEST(AtomCheck(dir, Get("/_recent.atom").body) ==
             "ok\n");  // empty wiki
  BOOST_REQUIRE(Save("First Page", 0, "one").status == 303);
  BOOST_REQUIRE(
      Post("/_edit/First_Page", {{"text", "two"},
                                 {"base_rev", "1"},
                                 {"summary", "second <thoughts> & more"}})
          .status == 303);
  BOOST_REQUIRE(Save("Other", 0, "x").status == 303);
  Response feed = Get("/_recent.atom");
  BOOST_TEST(feed.status == 200);
  BOOST_TEST(feed.content_type == "application/atom+xml; charset=utf-8");
  BOOST_TEST(AtomCheck(dir, feed.body) == "ok\n");
  BOOST_TEST(Count(feed.body, "<entry>") == 3);
  // Newest first, each linking to its diff, with stable ids.
  BOOST_TEST(feed.body.find("Other (revision 1)") <
             feed.body.find("First Page (revision 2)"));
  BOOST_TEST(Contains(feed,
                      "href=\"https://wiki.example.org:8443/_diff/"
                      "First_Page?from=1&amp;to=2\""));
  BOOST_TEST(
      Contains(feed, "<id>tag:wiki.example.org,2026:wikid/revision/2</id>"));
  BOOST_TEST(Contains(feed, "second &lt;thoughts&gt; &amp; more (0 bytes)"));
  BOOST_TEST(Contains(feed,
                      "<link rel=\"self\" type=\"application/atom+xml\" "
                      "href=\"https://wiki.example.org:8443/_recent.atom\"/>"));
  // The same revision keeps its id in a later feed.
  BOOST_REQUIRE(Save("Third", 0, "y").status == 303);
  BOOST_TEST(Contains(Get("/_recent.atom"),
                      "<id>tag:wiki.example.org,2026:wikid/revision/2</id>"));
  // Announced by the HTML page.
  BOOST_TEST(Contains(Get("/_recent"),
                      "<link rel=\"alternate\" type=\"application/atom+xml\" "
                      "href=\"/_recent.atom\""));
}

BOOST_AUTO_TEST_CASE(a_page_history_feed_is_valid_and_names_authors) {
  LogInAs("Writer", Role::kUser);
  BOOST_REQUIRE(Save("Story", 0, "once").status == 303);
  BOOST_REQUIRE(Save("Story", 1, "twice").status == 303);
  BOOST_REQUIRE(Save("Unrelated", 0, "z").status == 303);
  Response feed = Get("/_history/Story.atom");
  BOOST_TEST(feed.status == 200);
  BOOST_TEST(AtomCheck(dir, feed.body) == "ok\n");
  BOOST_TEST(Count(feed.body, "<entry>") == 2);
  BOOST_TEST(!Contains(feed, "Unrelated"));
  BOOST_TEST(Contains(feed,
                      "<name>Writer</name><uri>https://wiki.example.org:8443/"
                      "_user/Writer</uri>"));
  BOOST_TEST(Contains(
      feed,
      "href=\"https://wiki.example.org:8443/_diff/Story?from=0&amp;to=1\""));
  BOOST_TEST(Contains(Get("/_history/Story"), "href=\"/_history/Story.atom\""));
  BOOST_TEST(Get("/_history/Nothing.atom").status == 404);
}

BOOST_AUTO_TEST_CASE(html_in_names_summaries_and_authors_stays_escaped_xml) {
  int n = 0;
  for (const std::string& payload : testing::XssPayloads()) {
    BOOST_REQUIRE(Post("/_edit/Page_" + std::to_string(n++),
                       {{"text", payload},
                        {"base_rev", "0"},
                        {"summary", payload.substr(0, 200)}})
                      .status == 303);
  }
  BOOST_REQUIRE(Save(PageName::Parse("\"' onmouseover='alert(1) & co")
                         ->UrlPath()
                         .substr(1),
                     0, "x")
                    .status == 303);
  Response feed = Get("/_recent.atom");
  BOOST_TEST(AtomCheck(dir, feed.body) == "ok\n");
  BOOST_TEST(!Contains(feed, "<script"));
  BOOST_TEST(!Contains(feed, "<img"));
  BOOST_TEST(!Contains(feed, "<svg"));
  BOOST_TEST(!Contains(feed, "<iframe"));
}

// Issue 23: whatever a revision holds, the feeds stay XML. Saves refuse
// control characters and noncharacters now (router_test), but revisions
// saved before that, or written around the edit form, may hold them: the
// troublesome code points and 384 random ones, in the summaries of
// revisions written straight to the store, come out as well-formed XML.
BOOST_AUTO_TEST_CASE(any_code_point_in_a_summary_leaves_the_feeds_well_formed) {
  auto utf8 = [](char32_t c) {
    std::string out;
    if (c < 0x80) {
      out += static_cast<char>(c);
    } else if (c < 0x800) {
      out += static_cast<char>(0xC0 | (c >> 6));
      out += static_cast<char>(0x80 | (c & 0x3F));
    } else if (c < 0x10000) {
      out += static_cast<char>(0xE0 | (c >> 12));
      out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (c & 0x3F));
    } else {
      out += static_cast<char>(0xF0 | (c >> 18));
      out += static_cast<char>(0x80 | ((c >> 12) & 0x3F));
      out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (c & 0x3F));
    }
    return out;
  };
  std::vector<char32_t> points = {0x0, 0x1, 0x8, 0xB, 0xC, 0x1B, 0x7F, 0x85, 0x9F, 0xFFFE,
                                  0xFFFF, 0xFDD0, 0x1FFFE, 0x10FFFF, 0xFFFD, 0xE000};
  std::mt19937 random(23);
  while (points.size() < 400) {
    char32_t c = random() % 0x110000;
    if (c >= 0xD800 && c <= 0xDFFF) continue;  // not characters at all
    points.push_back(c);
  }
  int64_t rev = 0;
  for (size_t at = 0; at < points.size(); at += 40) {
    std::string summary = "odd:";
    for (size_t i = at; i < std::min(points.size(), at + 40); ++i) summary += utf8(points[i]);
    auto saved = pages->Save(Edit{.name = *PageName::Parse("Odd Summaries"),
                                  .base_rev = rev,
                                  .text = "text " + std::to_string(at),
                                  .summary = summary,
                                  .author = "192.0.2.1",
                                  .created_at = clock});
    BOOST_REQUIRE(saved.ok());
    rev = saved->rev;
  }
  BOOST_TEST(AtomCheck(dir, Get("/_recent.atom").body) == "ok\n");
  BOOST_TEST(AtomCheck(dir, Get("/_history/Odd_Summaries.atom").body) == "ok\n");
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace wikid
