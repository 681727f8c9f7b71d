// The search page in-process: results, the offers to go to or create the
// page named, paging, and queries and texts that try to be HTML.
#define BOOST_TEST_MODULE search_handlers
#include <boost/test/unit_test.hpp>

#include "tests/support/html_safety.h"
#include "views/fill/search_fill.h"
#include "tests/support/wiki_fixture.h"

namespace wikid {
namespace {

using testing::WikiFixture;

BOOST_FIXTURE_TEST_SUITE(search, WikiFixture)

BOOST_AUTO_TEST_CASE(results_link_each_page_with_marked_words) {
  BOOST_REQUIRE(Save("Bees", 0, "Bees make honey in summer.").status == 303);
  BOOST_REQUIRE(Save("Honey", 0, "Sweet.").status == 303);
  Response r = Get("/_search", {{"q", "honey"}});
  BOOST_TEST(r.status == 200);
  BOOST_TEST(Contains(r, "2 pages found"));
  size_t title_hit = r.body.find("href=\"/Honey\"><mark>Honey</mark></a>");
  size_t text_hit = r.body.find("href=\"/Bees\">Bees</a>");
  BOOST_TEST(title_hit != std::string::npos);
  BOOST_TEST(text_hit != std::string::npos);
  BOOST_TEST(title_hit < text_hit);  // the name match first
  BOOST_TEST(Contains(r, "Bees make <mark>honey</mark> in summer."));
  BOOST_TEST(Contains(r, "value=\"honey\""));  // the box keeps the query
  // "Honey" is also a page's name.
  BOOST_TEST(Contains(r, "There is a page named <a href=\"/Honey\">Honey</a>"));
  BOOST_TEST(!Contains(r, "Create it"));
  BOOST_TEST(Contains(Get("/_search", {{"q", "nothing matches this"}}),
                      "No page matches."));
}

// A snippet reads as the page does, not as its Markdown: no heading
// marks, emphasis, code marks, link targets, list markers or table bars.
BOOST_AUTO_TEST_CASE(snippets_show_text_without_its_markup) {
  BOOST_REQUIRE(Save("Marked", 0,
                     "## Heading about otters\n\n"
                     "- [x] **Bold** otters and *slanted* ones, `code` otters\n"
                     "> See [[Other page|the otter page]] and [a site](https://example.org/x)\n\n"
                     "| otters | count |\n|---|---|\n| river | 3 |\n")
                    .status == 303);
  Response r = Get("/_search", {{"q", "otters"}});
  BOOST_REQUIRE(r.status == 200);
  const size_t start = r.body.find("<p class=\"snippet\">");
  BOOST_REQUIRE(start != std::string::npos);
  const std::string snippet = r.body.substr(start, r.body.find("</p>", start) - start);
  for (const char* markup : {"##", "**", "[x]", "`", "[[", "](", "https://", "&gt;", "|", "---"}) {
    BOOST_TEST(snippet.find(markup) == std::string::npos, markup << " in " << snippet);
  }
  BOOST_TEST(Contains(r, "Bold <mark>otters</mark> and slanted ones"), snippet);
  BOOST_TEST(Contains(r, "the otter page"), snippet);
}

// While `wikid reindex` refills the index, results say they may miss
// pages, in the page and in the JSON API, and list only what is indexed
// (a name it has not reached is not listed without its text).
BOOST_AUTO_TEST_CASE(results_say_so_while_the_index_is_rebuilt) {
  BOOST_REQUIRE(Save("Bees", 0, "Bees make honey.").status == 303);
  BOOST_REQUIRE(Save("Honey", 0, "Sweet.").status == 303);
  // One hit a page: a name listed first but not indexed yet would leave
  // the page empty.
  site.search_page_size = 1;
  const char* notice = "The search index is being rebuilt";
  BOOST_TEST(!Contains(Get("/_search", {{"q", "honey"}}), notice));
  BOOST_TEST(Contains(Get("/_api/search", {{"q", "honey"}}), "\"partial_index\":false"));
  int batches = 0;
  auto rebuilt = pages->RebuildSearchIndex(1, [&](int64_t done, int64_t) {
    if (done != 1) return;
    ++batches;
    Response r = Get("/_search", {{"q", "honey"}});
    BOOST_TEST(r.status == 200);
    BOOST_TEST(Contains(r, notice));
    BOOST_TEST(Contains(r, "1 page found"));
    BOOST_TEST(Contains(r, "href=\"/Bees\""));
    BOOST_TEST(!Contains(r, "href=\"/Honey\"><mark>"));  // not reached yet
    BOOST_TEST(Contains(Get("/_api/search", {{"q", "honey"}}), "\"partial_index\":true"));
  });
  BOOST_REQUIRE(rebuilt.ok());
  BOOST_TEST(batches == 1);
  Response after = Get("/_search", {{"q", "honey"}});
  BOOST_TEST(!Contains(after, notice));
  BOOST_TEST(Contains(after, "2 pages found"));
}

// Files are found by the start of their names and by any word of them,
// in any letter case, above the pages (issue 19), on the first page of
// results: the names that start with the query first.
BOOST_AUTO_TEST_CASE(files_are_found_by_the_start_and_the_words_of_their_names) {
  for (const char* name : {"Team photo.txt", "team plan.txt", "Other team.txt"}) {
    auto file = FileName::Parse(name);
    BOOST_REQUIRE(file.ok());
    auto uploaded = ctx->file_writes.Upload(*file, 0, std::string("text of ") + name, "s",
                                            FileAuthor{.name = "192.0.2.1", .at = 1});
    BOOST_REQUIRE_MESSAGE(uploaded.ok(), uploaded.status().message());
  }
  Response r = Get("/_search", {{"q", "TEAM"}});
  BOOST_TEST(r.status == 200);
  const size_t photo = r.body.find("<a href=\"/_file-page/Team_photo.txt\">Team photo.txt</a>");
  const size_t plan = r.body.find("<a href=\"/_file-page/team_plan.txt\">team plan.txt</a>");
  const size_t other = r.body.find("<a href=\"/_file-page/Other_team.txt\">Other team.txt</a>");
  BOOST_TEST(photo != std::string::npos);
  BOOST_TEST(plan != std::string::npos);
  BOOST_TEST(other != std::string::npos);  // by a word of its name
  BOOST_TEST((other > photo && other > plan));
  Response one = Get("/_search", {{"q", "team_photo"}});
  const size_t exact = one.body.find("Team photo.txt");
  BOOST_TEST(exact != std::string::npos);
  BOOST_TEST(exact < one.body.find("team plan.txt"));  // which shares a word
  BOOST_TEST(!Contains(Get("/_search", {{"q", "bees"}}), "Files named so"));
}

BOOST_AUTO_TEST_CASE(a_missing_page_name_is_offered_for_creation) {
  Response r = Get("/_search", {{"q", "Brand new idea"}});
  BOOST_TEST(r.status == 200);
  BOOST_TEST(Contains(r, "There is no page named “Brand new idea”."));
  BOOST_TEST(Contains(r, "href=\"/_edit/Brand_new_idea\">Create it"));
  // A phrase offers its words, not a name with quotes in it.
  Response phrase = Get("/_search", {{"q", "\"Two words\""}});
  BOOST_TEST(phrase.status == 200);
  BOOST_TEST(Contains(phrase, "There is no page named “Two words”."), phrase.body);
  BOOST_TEST(Contains(phrase, "href=\"/_edit/Two_words\">Create it"));
  // Not a possible name: no offer, but still a search.
  Response odd = Get("/_search", {{"q", "a [b] c"}});
  BOOST_TEST(odd.status == 200);
  BOOST_TEST(!Contains(odd, "Create it"));
}

BOOST_AUTO_TEST_CASE(results_are_paginated) {
  site.search_page_size = 2;
  for (const char* name : {"P1", "P2", "P3"}) {
    BOOST_REQUIRE(Save(name, 0, "common word").status == 303);
  }
  Response first = Get("/_search", {{"q", "common"}});
  BOOST_TEST(Contains(first, "3 pages found, showing 1–2."));
  BOOST_TEST(Contains(first, "href=\"/_search?q=common&amp;from=2\""));
  Response second = Get("/_search", {{"q", "common"}, {"from", "2"}});
  BOOST_TEST(Contains(second, "showing 3–3"));
  BOOST_TEST(Contains(second, "<ol class=\"search-results\" start=\"3\">"));
  BOOST_TEST(Contains(second, "href=\"/_search?q=common\">Previous"));
  BOOST_TEST(Get("/_search", {{"q", "common"}, {"from", "-2"}}).status == 400);
}

// Issue 16: every hit before an offset is ranked to be skipped, so the
// store pages no deeper than kMaxSearchOffset; a deeper request is refused
// before anything is read, and the last window offers a narrower search
// instead of more results.
BOOST_AUTO_TEST_CASE(results_are_paged_no_deeper_than_the_cap) {
  BOOST_REQUIRE(Save("Common", 0, "common words").status == 303);
  Response at_cap =
      Get("/_search", {{"q", "common"}, {"from", std::to_string(kMaxSearchOffset)}});
  BOOST_TEST(at_cap.status == 200);
  const int64_t queries = Queries();
  Response deep = Get("/_search", {{"q", "common"}, {"from", "99980"}});
  BOOST_TEST(deep.status == 400);
  BOOST_TEST(Contains(deep, "add words to narrow the search"));
  BOOST_TEST(Contains(deep, "value=\"common\""));  // the form keeps the query
  BOOST_TEST(Queries() == queries);

  SearchResults many;
  many.total = 5000;
  many.hits.assign(20, SearchHit{.title = "Common", .title_marked = "Common"});
  auto window = [&](int64_t offset) {
    SearchPageState state{.query = "common", .offset = offset, .page_size = 20};
    ctemplate::TemplateDictionary d("search");
    FillSearch(state, many, &d);
    return *ctx->templates.Expand("search.tpl", d);
  };
  std::string middle = window(500), last = window(kMaxSearchOffset - 10);
  BOOST_TEST(middle.find("rel=\"next\"") != std::string::npos);
  BOOST_TEST(middle.find("add words to narrow") == std::string::npos);
  BOOST_TEST(last.find("rel=\"next\"") == std::string::npos);
  BOOST_TEST(last.find("add words to narrow the search") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(a_query_with_nothing_to_search_for_is_400_with_a_message) {
  Response r = Get("/_search", {{"q", "***"}});
  BOOST_TEST(r.status == 400);
  BOOST_TEST(Contains(r, "Type a word or a number to search for."));
  BOOST_TEST(Contains(r, "value=\"***\""));
  BOOST_TEST(Get("/_search", {{"q", std::string(600, 'x')}}).status == 400);
  Response empty = Get("/_search");
  BOOST_TEST(empty.status == 200);
  BOOST_TEST(Contains(empty, "name=\"q\""));
  BOOST_TEST(Contains(empty, "maxlength=\"500\""));
  BOOST_TEST(!Contains(empty, "No page matches."));
  // FTS5 syntax in the query is text, never a 500.
  for (const char* text :
       {"c++ \"unbalanced", "NEAR(", "title:x", "a OR", "^x"}) {
    BOOST_TEST(Get("/_search", {{"q", text}}).status == 200, text);
  }
  BOOST_TEST(Get("/_search", {{"q", "((("}}).status == 400);
}

BOOST_AUTO_TEST_CASE(html_in_texts_names_and_queries_stays_inert) {
  int n = 0;
  for (const std::string& payload : testing::XssPayloads()) {
    std::string name = "Hostile " + std::to_string(n++);
    BOOST_REQUIRE(Save(name, 0, "needle " + payload + " needle").status == 303);
    Response by_text = Get("/_search", {{"q", "needle"}});
    BOOST_TEST(testing::PageDangers(by_text.body) == "", payload);
    Response by_query = Get("/_search", {{"q", payload}});
    BOOST_TEST(by_query.status < 500);
    BOOST_TEST(testing::PageDangers(by_query.body) == "", payload);
  }
  for (const char* hostile :
       {"\"' onmouseover='alert(1)", "javascript:alert(1)"}) {
    BOOST_REQUIRE(
        Save(PageName::Parse(hostile)->UrlPath().substr(1), 0, "x").status ==
        303);
    Response r = Get("/_search", {{"q", hostile}});
    BOOST_TEST(testing::PageDangers(r.body) == "", hostile);
  }
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace wikid
