// Headings: GitHub-style slugs made unique on a page, ids on every
// heading, the contents of pages with three headings or more, and
// [[Page#Section]] links to them (views/markup/headings.h, views/markup/markdown.h).
#define BOOST_TEST_MODULE headings
#include <boost/test/unit_test.hpp>

#include "model/text/heading_slug.h"
#include "tests/support/html_safety.h"
#include "views/markup/headings.h"
#include "views/markup/markdown.h"

namespace wikid {
namespace {

std::string Render(std::string_view text, const std::set<std::string>& existing = {}) {
  Markdown md;
  Markdown::Existing::value_type titles;  // each to a page of its own name
  for (const std::string& title : existing) titles.emplace(title, title);
  return md.ToHtml(text, titles).value();
}

bool Has(const std::string& html, std::string_view needle) {
  return html.find(needle) != std::string::npos;
}

BOOST_AUTO_TEST_CASE(slugs_are_githubs) {
  BOOST_TEST(HeadingSlug("Getting Started") == "getting-started");
  BOOST_TEST(HeadingSlug("What's new in 2.0?") == "whats-new-in-20");
  BOOST_TEST(HeadingSlug("snake_case and kebab-case") == "snake_case-and-kebab-case");
  BOOST_TEST(HeadingSlug("  two  spaces ") == "--two--spaces-");
  BOOST_TEST(HeadingSlug("Überblick — Café") == "überblick--café");
  BOOST_TEST(HeadingSlug("日本語の見出し") == "日本語の見出し");
  BOOST_TEST(HeadingSlug("<script>\"&'") == "script");
  BOOST_TEST(HeadingSlug("?!.") == "");
  // Composed or not, one slug: a link typed either way finds the heading.
  BOOST_TEST(HeadingSlug("Cafe\u0301") == "café");
}

BOOST_AUTO_TEST_CASE(a_slug_used_before_gets_a_number) {
  HeadingSlugs slugs;
  BOOST_TEST(slugs.Unique("Notes") == "notes");
  BOOST_TEST(slugs.Unique("Notes") == "notes-1");
  BOOST_TEST(slugs.Unique("notes") == "notes-2");
  BOOST_TEST(slugs.Unique("Notes 1") == "notes-1-1");  // "notes-1" is taken
  BOOST_TEST(slugs.Unique("???") == "section");
  BOOST_TEST(slugs.Unique("") == "section-1");
  // Numbers go on from the last one given: many equal headings are cheap
  // and still each unique.
  HeadingSlugs many;
  std::string last;
  for (int i = 0; i < 20000; ++i) last = many.Unique("Same");
  BOOST_TEST(last == "same-19999");
  BOOST_TEST(many.Unique("Same 19999") == "same-19999-1");
}

BOOST_AUTO_TEST_CASE(every_heading_has_an_id_and_keeps_its_markup) {
  std::string html = Render("# Intro\n\ntext\n\n## *Deep* `code` dive\n");
  BOOST_TEST(Has(html, "<h1 id=\"intro\">\nIntro\n</h1>"), html);
  BOOST_TEST(Has(html, "<h2 id=\"deep-code-dive\">\n<em>Deep</em> <code>code</code> dive\n</h2>"),
             html);
  // Two headings: no contents.
  BOOST_TEST(!Has(html, "class=\"toc\""));
  // Setext headings and headings inside quotes count too.
  html = Render("Title\n=====\n\n> ### Quoted\n");
  BOOST_TEST(Has(html, "<h1 id=\"title\">"));
  BOOST_TEST(Has(html, "<h3 id=\"quoted\">"));
}

BOOST_AUTO_TEST_CASE(three_headings_get_nested_contents_before_the_first) {
  std::string html = Render(
      "Lead paragraph.\n\n# One\n\n## One A\n\n## One B\n\n### Deep\n\n# Two\n\n## Two A\n");
  const size_t toc = html.find("<nav class=\"toc\" aria-label=\"Contents\">");
  BOOST_REQUIRE(toc != std::string::npos);
  BOOST_TEST(html.find("Lead paragraph.") < toc);
  BOOST_TEST(toc < html.find("<h1 id=\"one\">"));
  const std::string expected =
      "<ol>\n<li><a href=\"#one\">One</a>\n"
      "<ol>\n<li><a href=\"#one-a\">One A</a></li>\n"
      "<li><a href=\"#one-b\">One B</a>\n"
      "<ol>\n<li><a href=\"#deep\">Deep</a></li>\n</ol>\n</li>\n</ol>\n</li>\n"
      "<li><a href=\"#two\">Two</a>\n"
      "<ol>\n<li><a href=\"#two-a\">Two A</a></li>\n</ol>\n</li>\n</ol>\n";
  BOOST_TEST(Has(html, expected), html);
}

BOOST_AUTO_TEST_CASE(contents_of_a_page_that_starts_deep_or_skips_levels) {
  // ### then # then ###: a shallower heading later is a sibling of the
  // first, and a skipped level nests one step.
  std::string html = Render("### A\n\n# B\n\n### C\n");
  BOOST_TEST(Has(html,
                 "<ol>\n<li><a href=\"#a\">A</a></li>\n<li><a href=\"#b\">B</a>\n"
                 "<ol>\n<li><a href=\"#c\">C</a></li>\n</ol>\n</li>\n</ol>\n"),
             html);
  // Inside a quote, the contents stay outside it.
  html = Render("> # A\n> # B\n> # C\n");
  BOOST_TEST(html.find("class=\"toc\"") < html.find("<blockquote>"), html);
}

BOOST_AUTO_TEST_CASE(headings_anywhere_and_of_any_content) {
  // In a list item, made of a wiki link alone, and empty: each has an id;
  // the empty one is left out of the contents.
  std::string html = Render("- ## In a list\n\n# [[Guide]]\n\n#\n\n# Last\n", {"Guide"});
  BOOST_TEST(Has(html, "<h2 id=\"in-a-list\">"), html);
  BOOST_TEST(Has(html, "<h1 id=\"guide\">\n<a href=\"/Guide\" title=\"Guide\">Guide</a>\n</h1>"),
             html);
  BOOST_TEST(Has(html, "<h1 id=\"section\">"), html);
  BOOST_TEST(Has(html, "<a href=\"#guide\">Guide</a>"), html);
  BOOST_TEST(!Has(html, "href=\"#section\""), html);
  // The contents before the list, not inside it.
  BOOST_TEST(html.find("class=\"toc\"") < html.find("<ul>"), html);
}

// A heading of punctuation alone has no slug of its own: it takes a
// fallback after the others, so a real "Section" keeps "section"; and
// headings without text neither show in the contents nor count towards
// having them.
BOOST_AUTO_TEST_CASE(headings_without_a_slug_never_take_a_real_ones) {
  std::string html = Render("## ???\n\n## Section\n\n[[#Section]]\n");
  BOOST_TEST(Has(html, "<h2 id=\"section\">\nSection\n</h2>"), html);
  BOOST_TEST(Has(html, "<h2 id=\"section-1\">\n???\n</h2>"), html);
  BOOST_TEST(Has(html, "<a href=\"#section\">#Section</a>"), html);
  html = Render("# One\n\n#\n\n# Two\n");
  BOOST_TEST(!Has(html, "class=\"toc\""), html);
  html = Render("#\n\n#\n\n#\n");
  BOOST_TEST(!Has(html, "class=\"toc\""), html);
}

BOOST_AUTO_TEST_CASE(duplicate_headings_link_to_their_own_anchors) {
  std::string html = Render("## Notes\n\n## Notes\n\n## Notes\n");
  for (const char* id : {"notes", "notes-1", "notes-2"}) {
    BOOST_TEST(Has(html, std::string("<h2 id=\"") + id + "\">"), id);
    BOOST_TEST(Has(html, std::string("<a href=\"#") + id + "\">Notes</a>"), id);
  }
}

BOOST_AUTO_TEST_CASE(contents_show_link_labels_and_escape_text) {
  std::string html = Render("# See [[Other page|the other]]\n\n# a < b & \"c\"\n\n# x\n",
                            {"Other page"});
  BOOST_TEST(Has(html, "<a href=\"#see-the-other\">See the other</a>"), html);
  BOOST_TEST(Has(html, "<a href=\"#a--b--c\">a &lt; b &amp; &quot;c&quot;</a>"), html);
  BOOST_TEST(testing::Dangers(html) == "");
}

BOOST_AUTO_TEST_CASE(section_links_lead_to_the_heading) {
  std::string html = Render("[[Guide#Getting started]] and [[#Local notes|here]]", {"Guide"});
  BOOST_TEST(Has(html, "<a href=\"/Guide#getting-started\" title=\"Guide\">Guide#Getting started</a>"),
             html);
  BOOST_TEST(Has(html, "<a href=\"#local-notes\">here</a>"), html);
  // A missing page leads to its edit form, without the section.
  html = Render("[[Nowhere#Part]]");
  BOOST_TEST(Has(html, "href=\"/_edit/Nowhere\""), html);
  // Nothing after the '#' names no section, and '#' is no part of a name:
  // "[[#]]" and "[[C#]]" stay text.
  html = Render("[[#]] and [[C#]] and [[C#|label]]", {"C"});
  BOOST_TEST(Has(html, "[[#]] and [[C#]] and [[C#|label]]"), html);
  BOOST_TEST(!Has(html, "<a"), html);
}

BOOST_AUTO_TEST_CASE(only_the_page_is_a_link_target) {
  Markdown md;
  auto targets = md.LinkTargets("[[Guide#Intro]] [[#Local]] [[Other]]");
  BOOST_REQUIRE(targets.ok());
  BOOST_TEST((*targets == std::set<std::string>{"Guide", "Other"}));
}

}  // namespace
}  // namespace wikid
