// Comparing revisions and saving on top of a moved page, in-process: the
// diff page, the history's compare form, the editor's Show changes, the
// three-way merge of a stale save and every way a save can be refused.
#define BOOST_TEST_MODULE diff_handlers
#include <sqlite3.h>

#include <boost/test/unit_test.hpp>

#include "tests/support/html_safety.h"
#include "tests/support/wiki_fixture.h"

namespace wikid {
namespace {

using testing::WikiFixture;

const PageName& Name(const char* title) {
  static std::map<std::string, PageName> names;
  auto it = names.find(title);
  if (it == names.end())
    it = names.emplace(title, *PageName::Parse(title)).first;
  return it->second;
}

// The text between <textarea id="text" ...>\n and </textarea>.
std::string EditorText(const Response& r) {
  size_t open = r.body.find("<textarea id=\"field.text\"");
  if (open == std::string::npos) return "(no editor)";
  size_t start = r.body.find(">\n", open) + 2;
  return r.body.substr(start, r.body.find("</textarea>", start) - start);
}

BOOST_FIXTURE_TEST_SUITE(diffs, WikiFixture)

BOOST_AUTO_TEST_CASE(any_two_revisions_compare_with_both_named) {
  BOOST_REQUIRE(Save("Doc", 0, "alpha\nbeta\ngamma\n").status == 303);
  BOOST_REQUIRE(Post("/_edit/Doc", {{"text", "alpha\nbeta two\ngamma\n"},
                                    {"base_rev", "1"},
                                    {"summary", "second thoughts"}})
                    .status == 303);
  BOOST_REQUIRE(Save("Doc", 2, "alpha\nbeta two\ngamma\ndelta\n").status ==
                303);

  Response r = Get("/_diff/Doc", {{"from", "1"}, {"to", "3"}});
  BOOST_TEST(r.status == 200);
  BOOST_TEST(Contains(r, "href=\"/Doc?rev=1\">Revision 1</a>"));
  BOOST_TEST(Contains(r, "href=\"/Doc?rev=3\">Revision 3</a>"));
  BOOST_TEST(Contains(r, "beta<ins> two</ins>"));
  BOOST_TEST(Contains(r, "delta"));
  BOOST_TEST(Contains(r, "1 line removed, 2 lines added"));
  // Stepping: the change before revision 1 is the page's creation; there
  // is none after the latest.
  BOOST_TEST(Contains(r, "href=\"/_diff/Doc?from=0&amp;to=1\""));
  BOOST_TEST(!Contains(r, "Next change"));

  // By default: the latest change, with its summary.
  Response latest = Get("/_diff/Doc");
  BOOST_TEST(latest.status == 200);
  BOOST_TEST(Contains(latest, "Revision 2</a>"));
  BOOST_TEST(Contains(latest, "second thoughts"));
  BOOST_TEST(Contains(latest, "href=\"/_diff/Doc?from=1&amp;to=2\""));
  Response middle = Get("/_diff/Doc", {{"to", "2"}});
  BOOST_TEST(Contains(middle, "href=\"/_diff/Doc?from=2&amp;to=3\""));

  Response creation = Get("/_diff/Doc", {{"from", "0"}, {"to", "1"}});
  BOOST_TEST(creation.status == 200);
  BOOST_TEST(Contains(creation, "Before the page existed"));
  BOOST_TEST(Contains(creation, "0 lines removed, 3 lines added"));

  BOOST_TEST(Contains(Get("/_diff/Doc", {{"from", "3"}, {"to", "3"}}),
                      "The two texts are the same."));
  BOOST_TEST(Get("/_diff/Doc", {{"from", "9"}}).status == 404);
  BOOST_TEST(Get("/_diff/Doc", {{"to", "x"}}).status == 400);
  BOOST_TEST(Get("/_diff/Doc", {{"from", "-1"}}).status == 400);
  BOOST_TEST(Get("/_diff/Nowhere").status == 404);
}

BOOST_AUTO_TEST_CASE(history_offers_diffs_and_a_compare_form) {
  BOOST_REQUIRE(Save("Doc", 0, "one").status == 303);
  BOOST_REQUIRE(Save("Doc", 1, "two").status == 303);
  Response h = Get("/_history/Doc");
  BOOST_TEST(Contains(h, "action=\"/_diff/Doc\""));
  BOOST_TEST(
      Contains(h, "href=\"/_diff/Doc?from=1&amp;to=2\">diff with previous"));
  BOOST_TEST(Contains(h, "name=\"from\" value=\"1\""));
  BOOST_TEST(Contains(h, "name=\"to\" value=\"2\""));
  // An old revision links to its comparison with the current one.
  BOOST_TEST(Contains(Get("/Doc", {{"rev", "1"}}),
                      "href=\"/_diff/Doc?from=1&amp;to=2\""));
}

BOOST_AUTO_TEST_CASE(html_in_texts_and_summaries_stays_inert_in_diffs) {
  BOOST_REQUIRE(Save("X", 0, "safe\n").status == 303);
  int64_t base = 1;
  for (const std::string& payload : testing::XssPayloads()) {
    Response saved = Post("/_edit/X", {{"text", "safe\n" + payload + "\n"},
                                       {"base_rev", std::to_string(base)},
                                       {"summary", payload.substr(0, 200)}});
    BOOST_TEST_CONTEXT(payload) BOOST_REQUIRE(saved.status == 303);
    Response diff = Get("/_diff/X");
    BOOST_TEST(diff.status == 200);
    BOOST_TEST(testing::PageDangers(diff.body) == "", payload);
    Response changes = Post("/_edit/X", {{"text", payload + "\n" + payload},
                                         {"base_rev", std::to_string(base + 1)},
                                         {"action", "changes"}});
    BOOST_TEST(changes.status == 200);
    BOOST_TEST(testing::PageDangers(changes.body) == "", payload);
    ++base;
  }
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_FIXTURE_TEST_SUITE(editing, WikiFixture)

BOOST_AUTO_TEST_CASE(show_changes_diffs_against_the_base_and_keeps_the_text) {
  BOOST_REQUIRE(Save("Doc", 0, "first line\nsecond line\n").status == 303);
  Response r = Post("/_edit/Doc",
                    {{"text", "first line\r\nsecond line, longer\r\n\ttabbed"},
                     {"base_rev", "1"},
                     {"summary", "my summary"},
                     {"action", "changes"}});
  BOOST_TEST(r.status == 200);
  BOOST_TEST(Contains(r, "Your changes to revision 1 (not saved yet)"));
  BOOST_TEST(Contains(r, "second line<ins>, longer</ins>"));
  BOOST_TEST(Contains(r, "\ttabbed"));  // tabs survive in the diff
  BOOST_TEST(EditorText(r) == "first line\nsecond line, longer\n\ttabbed");
  BOOST_TEST(Contains(r, "value=\"my summary\""));
  BOOST_TEST(Contains(r, "name=\"base_rev\" value=\"1\""));
  BOOST_TEST(pages->Find(Name("Doc"), std::nullopt)->latest_rev == 1);
  // For a page not yet made, the changes are the whole text.
  Response fresh =
      Post("/_edit/Fresh",
           {{"text", "all new"}, {"base_rev", "0"}, {"action", "changes"}});
  BOOST_TEST(fresh.status == 200);
  BOOST_TEST(Contains(fresh, "Your new page (not saved yet)"));
  BOOST_TEST(Contains(fresh, "0 lines removed, 1 line added"));
}

BOOST_AUTO_TEST_CASE(a_stale_save_that_does_not_overlap_is_merged) {
  const std::string base = "Intro\n\nMiddle one\nMiddle two\n\nEnd\n";
  BOOST_REQUIRE(Save("Doc", 0, base).status == 303);
  // Someone changes the intro; I, still on revision 1, change the end.
  BOOST_REQUIRE(
      Save("Doc", 1, "Intro, theirs\n\nMiddle one\nMiddle two\n\nEnd\n")
          .status == 303);
  Response mine = Post(
      "/_edit/Doc", {{"text", "Intro\n\nMiddle one\nMiddle two\n\nEnd, mine\n"},
                     {"base_rev", "1"},
                     {"summary", "my ending"}});
  BOOST_TEST(mine.status == 303);
  BOOST_TEST(Header(mine, "Location") == "/Doc?merged=3");
  auto page = pages->Find(Name("Doc"), std::nullopt);
  BOOST_TEST(page->revision.rev == 3);
  BOOST_TEST(page->revision.text ==
             "Intro, theirs\n\nMiddle one\nMiddle two\n\nEnd, mine\n");
  BOOST_TEST(page->revision.summary == "my ending");
  Response shown = Get("/Doc", {{"merged", "3"}});
  BOOST_TEST(Contains(
      shown, "Someone else saved this page while you were editing it"));
  BOOST_TEST(Contains(shown, "href=\"/_diff/Doc?from=2&amp;to=3\""));
  BOOST_TEST(!Contains(Get("/Doc"), "Someone else saved"));
  BOOST_TEST(
      !Contains(Get("/Doc", {{"merged", "junk"}}), "Someone else saved"));
}

BOOST_AUTO_TEST_CASE(
    an_overlapping_stale_save_is_409_with_both_texts_and_their_diff) {
  BOOST_REQUIRE(Save("Doc", 0, "one\ntwo\nthree\n").status == 303);
  BOOST_REQUIRE(Save("Doc", 1, "one\nTWO (theirs)\nthree\n").status == 303);
  Response r = Save("Doc", 1, "one\ntwo <mine> & more\nthree\n");
  BOOST_TEST(r.status == 409);
  BOOST_TEST(EditorText(r) == "one\ntwo &lt;mine&gt; &amp; more\nthree\n");
  BOOST_TEST(Contains(r, ">\none\nTWO (theirs)\nthree\n</textarea>"));
  BOOST_TEST(Contains(r, "Your text compared with revision 2"));
  BOOST_TEST(
      Contains(r, "<span class=\"text\">two &lt;mine&gt; &amp; more</span>"));
  BOOST_TEST(Contains(r, "<span class=\"text\">TWO (theirs)</span>"));
  BOOST_TEST(Contains(r, "name=\"base_rev\" value=\"2\""));
  BOOST_TEST(pages->Find(Name("Doc"), std::nullopt)->latest_rev == 2);
  // Saving it again, now on revision 2, is deliberate and succeeds.
  BOOST_TEST(Save("Doc", 2, "one\ntwo <mine> & more\nthree\n").status == 303);
}

BOOST_AUTO_TEST_CASE(a_merge_that_would_exceed_the_size_limit_is_a_conflict) {
  BOOST_REQUIRE(Save("Doc", 0, "a\nb\nc\nd\n").status == 303);
  site.max_page_bytes = 20;
  BOOST_REQUIRE(Save("Doc", 1, "a 123456\nb\nc\nd\n").status == 303);
  Response r = Save("Doc", 1, "a\nb\nc\nd 123456\n");  // each fits; both do not
  BOOST_TEST(r.status == 409);
  BOOST_TEST(EditorText(r) == "a\nb\nc\nd 123456\n");
}

BOOST_AUTO_TEST_CASE(
    a_save_while_the_database_is_locked_is_503_and_keeps_the_text) {
  // Another process holds the write lock; this fixture waits 0.2 s at most.
  WikiFixture impatient(EditPolicy::kAnyone, 200);
  sqlite3* other = nullptr;
  BOOST_REQUIRE(sqlite3_open(impatient.dir.File("wikid.db").c_str(), &other) ==
                SQLITE_OK);
  BOOST_REQUIRE(sqlite3_exec(other, "BEGIN IMMEDIATE", nullptr, nullptr,
                             nullptr) == SQLITE_OK);
  Response r = impatient.Save("Doc", 0, "typed while busy\n\tand kept");
  sqlite3_exec(other, "ROLLBACK", nullptr, nullptr, nullptr);
  sqlite3_close(other);
  BOOST_TEST(r.status == 503);
  BOOST_TEST(Contains(r, "busy"));
  BOOST_TEST(EditorText(r) == "typed while busy\n\tand kept");
  BOOST_TEST(impatient.Save("Doc", 0, "later").status == 303);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace wikid
