// Sections: where each section of a page's Markdown begins and ends
// (views/markup/sections.h), replacing one, the "Edit" link on each section's
// heading (views/markup/headings.h), and a section edit's three-way merge
// (model/text/text_diff.h).
#define BOOST_TEST_MODULE sections
#include "views/markup/sections.h"

#include <boost/test/unit_test.hpp>

#include "model/text/text_diff.h"
#include "tests/support/html_safety.h"
#include "views/markup/markdown.h"

namespace wikid {
namespace {

std::vector<Section> Split(std::string_view text) {
  Markdown md;
  return md.Sections(text).value();
}

// The text of each section, in order (0 first).
std::vector<std::string> Texts(std::string_view text) {
  std::vector<std::string> out;
  for (const Section& s : Split(text))
    out.emplace_back(text.substr(s.begin, s.end - s.begin));
  return out;
}

std::string Replaced(std::string_view text, size_t n,
                     std::string_view replacement) {
  return ReplaceSection(text, Split(text).at(n), replacement);
}

bool Has(const std::string& html, std::string_view needle) {
  return html.find(needle) != std::string::npos;
}

BOOST_AUTO_TEST_CASE(
    a_section_runs_to_the_next_heading_of_its_level_or_higher) {
  const std::string text =
      "Lead.\n\n# One\n\nbody one\n\n## One A\n\na\n\n### Deep\n\nd\n\n## One "
      "B\n\nb\n\n# Two\n\nt\n";
  std::vector<std::string> texts = Texts(text);
  BOOST_REQUIRE(texts.size() == 6u);
  BOOST_TEST(texts[0] == "Lead.\n\n");
  BOOST_TEST(texts[1] ==
             "# One\n\nbody one\n\n## One A\n\na\n\n### Deep\n\nd\n\n## One "
             "B\n\nb\n\n");
  BOOST_TEST(texts[2] == "## One A\n\na\n\n### Deep\n\nd\n\n");
  BOOST_TEST(texts[3] == "### Deep\n\nd\n\n");
  BOOST_TEST(texts[4] == "## One B\n\nb\n\n");
  BOOST_TEST(texts[5] == "# Two\n\nt\n");
  std::vector<Section> sections = Split(text);
  BOOST_TEST(sections[2].title == "One A");
  BOOST_TEST(sections[2].slug == "one-a");
  BOOST_TEST(sections[2].level == 2);
  BOOST_TEST(sections[0].slug == "");
}

BOOST_AUTO_TEST_CASE(setext_headings_start_sections_at_their_text) {
  std::vector<std::string> texts =
      Texts("Title\n=====\n\nintro\n\nPart\nof it\n----\n\nx\n");
  BOOST_REQUIRE(texts.size() == 3u);
  BOOST_TEST(texts[0] == "");
  BOOST_TEST(texts[1] == "Title\n=====\n\nintro\n\nPart\nof it\n----\n\nx\n");
  BOOST_TEST(texts[2] == "Part\nof it\n----\n\nx\n");
  BOOST_TEST(Split("Title\n=====\n\nPart\nof it\n----\n")[2].title ==
             "Part of it");
}

BOOST_AUTO_TEST_CASE(a_hash_in_code_or_a_quote_or_a_list_starts_no_section) {
  const std::string text =
      "# Real\n\n```\n# not a heading\n## nor this\n```\n\n    # indented "
      "code\n\n"
      "> # quoted\n\n- # in a list\n\n<div>\n# html block\n</div>\n\n## Next\n";
  std::vector<std::string> texts = Texts(text);
  BOOST_REQUIRE(texts.size() == 3u);
  BOOST_TEST(texts[2] == "## Next\n");
  BOOST_TEST(texts[1].starts_with("# Real\n\n```\n# not a heading"));
  // A ~~~ fence, and one left open to the end of the text.
  BOOST_TEST(Texts("# A\n~~~\n# no\n~~~\n").size() == 2u);
  BOOST_TEST(Texts("# A\n```\n# no\n\n# still code\n").size() == 2u);
}

BOOST_AUTO_TEST_CASE(sections_carry_the_rendered_anchors) {
  // Duplicates numbered as the renderer numbers them; a wiki link by its
  // label; a heading in a quote takes a slug too, so the next "Notes" is
  // notes-2 here as on the page.
  std::vector<Section> s = Split(
      "# Notes\n\n> # Notes\n\n# Notes\n\n# See [[Other|the other]]\n\n# "
      "???\n");
  BOOST_REQUIRE(s.size() == 5u);
  BOOST_TEST(s[1].slug == "notes");
  BOOST_TEST(s[2].slug == "notes-2");
  BOOST_TEST(s[3].slug == "see-the-other");
  BOOST_TEST(s[3].title == "See the other");
  BOOST_TEST(s[4].slug == "section");
}

// How a conflict finds the edited section in the latest revision: by its
// heading, only when that heading is unique in both and its anchor is the
// same; anything else is the whole page's to settle.
BOOST_AUTO_TEST_CASE(a_section_is_found_again_only_by_a_unique_unmoved_heading) {
  const std::vector<Section> base = Split("Lead\n\n# A\n\na\n\n# B\n\nb\n");
  // Moved down by a new section: found.
  BOOST_TEST(SameSection(base, 2, Split("# Z\n\nz\n\n# A\n\na\n\n# B\n\nb\n")).value_or(0) == 3u);
  BOOST_TEST(SameSection(base, 0, Split("# Z\n")).value_or(9) == 0u);
  // Renamed or removed: not found.
  BOOST_TEST(!SameSection(base, 2, Split("# A\n\na\n\n# Bee\n\nb\n")));
  BOOST_TEST(!SameSection(base, 2, Split("# A\n\na\n")));
  // A second "B" added above: the old one's anchor is b-1 now and the new
  // one took `b`, so neither is taken for it.
  BOOST_TEST(!SameSection(base, 2, Split("# A\n\na\n\n# B\n\nnew\n\n# B\n\nb\n")));
  // A quoted "B" above shifts the anchor without adding a section.
  BOOST_TEST(!SameSection(base, 2, Split("# A\n\n> # B\n\n# B\n\nb\n")));
  // Repeated in the base already: which one was meant is not sure.
  const std::vector<Section> twice = Split("# B\n\none\n\n# B\n\ntwo\n");
  BOOST_TEST(!SameSection(twice, 1, twice));
  BOOST_TEST(!SameSection(base, 9, base));
}

BOOST_AUTO_TEST_CASE(a_text_without_headings_is_section_0_alone) {
  BOOST_TEST(Split("").size() == 1u);
  BOOST_TEST(Texts("just text\n# \\# escaped\n").size() ==
             2u);  // "# \#" is a heading
  BOOST_TEST(Texts("just text\n\\# escaped\n").size() == 1u);
  BOOST_TEST(Texts("no final newline").at(0) == "no final newline");
}

BOOST_AUTO_TEST_CASE(replacing_a_section_keeps_the_rest) {
  const std::string text = "Lead\n\n## A\n\na\n\n## B\n\nb\n";
  // Unchanged: the same text, so a section saved as shown changes nothing.
  for (size_t n = 0; n < 3; ++n) {
    BOOST_TEST(Replaced(text, n, Texts(text)[n]) == text, n);
  }
  BOOST_TEST(Replaced(text, 1, "## A\n\nnew a\n\n") ==
             "Lead\n\n## A\n\nnew a\n\n## B\n\nb\n");
  // No blank line at the end: one is added, so the next heading stays a
  // heading; the last section needs none.
  BOOST_TEST(Replaced(text, 1, "## A\n\nnew a") ==
             "Lead\n\n## A\n\nnew a\n\n## B\n\nb\n");
  BOOST_TEST(Replaced(text, 1, "## A\n\nnew a\n") ==
             "Lead\n\n## A\n\nnew a\n\n## B\n\nb\n");
  BOOST_TEST(Replaced(text, 1, "## A\n\nnew a  \n \n") ==
             "Lead\n\n## A\n\nnew a  \n \n## B\n\nb\n");
  BOOST_TEST(Replaced(text, 2, "## B\n\nlast") ==
             "Lead\n\n## A\n\na\n\n## B\n\nlast");
  // The heading removed, or more headings added: the text replaces it.
  BOOST_TEST(Replaced(text, 1, "") == "Lead\n\n## B\n\nb\n");
  BOOST_TEST(Replaced(text, 2, "## B\n\nb\n\n## C\n\nc\n") ==
             "Lead\n\n## A\n\na\n\n## B\n\nb\n\n## C\n\nc\n");
  BOOST_TEST(Replaced(text, 0, "New lead\n\n") ==
             "New lead\n\n## A\n\na\n\n## B\n\nb\n");
  BOOST_TEST(Replaced("# Only\n", 0, "Lead\n\n") == "Lead\n\n# Only\n");
}

// A setext heading after the section: with one newline between them, the
// section's last paragraph would take in the heading's text ("first,
// changed Two" as one heading) and section 2 would be gone.
BOOST_AUTO_TEST_CASE(a_replaced_section_leaves_a_setext_heading_after_it_alone) {
  const std::string text = "# One\n\nfirst\n\nTwo\n===\n\nsecond\n";
  const std::string saved = Replaced(text, 1, "# One\n\nfirst, changed");
  BOOST_TEST(saved == "# One\n\nfirst, changed\n\nTwo\n===\n\nsecond\n");
  const std::vector<Section> sections = Split(saved);
  BOOST_REQUIRE(sections.size() == 3u);
  BOOST_TEST(sections[1].title == "One");
  BOOST_TEST(sections[2].title == "Two");
  // Saved as shown, a section without a blank line at its end stays so.
  const std::string tight = "# One\nfirst\n# Two\nsecond\n";
  BOOST_TEST(Replaced(tight, 1, Texts(tight)[1]) == tight);
}

// Two section edits of one revision are two whole-page edits of it: they
// merge when they touch different sections and conflict when they touch
// the same lines.
BOOST_AUTO_TEST_CASE(section_edits_of_one_revision_merge_unless_they_overlap) {
  const std::string base =
      "# One\n\nfirst\n\n# Two\n\nsecond\n\n# Three\n\nthird\n";
  const std::string theirs = Replaced(base, 1, "# One\n\nfirst, theirs\n\n");
  const std::string mine = Replaced(base, 2, "# Two\n\nsecond, mine\n\n");
  auto merged = MergeTexts(base, mine, theirs);
  BOOST_REQUIRE(merged.has_value());
  BOOST_TEST(
      *merged ==
      "# One\n\nfirst, theirs\n\n# Two\n\nsecond, mine\n\n# Three\n\nthird\n");
  const std::string also_two =
      Replaced(base, 2, "# Two\n\nsecond, also theirs\n\n");
  BOOST_TEST(!MergeTexts(base, mine, also_two).has_value());
}

BOOST_AUTO_TEST_CASE(top_level_headings_link_to_their_sections_edit_form) {
  Markdown md;
  const std::string html =
      md.ToHtml("Lead\n\n# One\n\n> ## Quoted\n\n## Two & \"three\"\n",
                Markdown::Existing::value_type{}, std::nullopt,
                "/_edit/P?rev=4&section=")
          .value();
  BOOST_TEST(Has(html,
                 "<h1 id=\"one\">\nOne <span class=\"section-edit\"><a "
                 "href=\"/_edit/P?rev=4&amp;section=1\">Edit<span "
                 "class=\"visually-hidden\"> "
                 "section: One</span></a></span>\n</h1>"),
             html);
  BOOST_TEST(Has(html,
                 "href=\"/_edit/P?rev=4&amp;section=2\">Edit<span "
                 "class=\"visually-hidden\"> "
                 "section: Two &amp; &quot;three&quot;</span>"),
             html);
  BOOST_TEST(!Has(html, "section=3"), html);
  BOOST_TEST(Has(html, "<h2 id=\"quoted\">\nQuoted\n</h2>"), html);  // no link
  // Without an address (previews, profiles), no links; and the contents
  // never list the link's text.
  BOOST_TEST(!Has(md.ToHtml("# One\n", Markdown::Existing::value_type{}).value(),
                  "section-edit"));
  const std::string toc =
      md.ToHtml("# A\n\n# B\n\n# C\n", Markdown::Existing::value_type{},
                std::nullopt, "/_edit/P?section=")
          .value();
  BOOST_TEST(Has(toc, "<li><a href=\"#a\">A</a></li>"), toc);
}

// What a heading's text may hold that is markup once unescaped: cmark
// drops raw HTML, but entities, code spans and backslash escapes reach its
// text as '<' and '"'.
const std::vector<std::string>& HeadingPayloads() {
  static const std::vector<std::string> kPayloads = [] {
    std::vector<std::string> all = testing::XssPayloads();
    all.push_back("&lt;script&gt;alert(1)&lt;/script&gt;");
    all.push_back("`<img src=x onerror=alert(1)>`");
    all.push_back(
        "\\<svg onload=alert(1)\\> &quot; onmouseover=&quot;alert(1)");
    return all;
  }();
  return kPayloads;
}

// X1 through headings: the payload in the heading's link name, the
// anchors and the contents stays text.
BOOST_AUTO_TEST_CASE(hostile_headings_stay_text_in_their_edit_links) {
  Markdown md;
  for (const std::string& payload : HeadingPayloads()) {
    BOOST_TEST_CONTEXT(payload) {
      const std::string text =
          "# " + payload + "\n\n## " + payload + "\n\n### " + payload + "\n";
      const std::string html =
          md.ToHtml(text, Markdown::Existing::value_type{{"Page", "Page"}},
                    std::nullopt, "/_edit/P?rev=1&section=")
              .value();
      BOOST_TEST(testing::Dangers(html) == "", html);
      BOOST_TEST(Has(html, "section=3"), html);
      BOOST_TEST(Split(text).size() == 4u);
    }
  }
}

}  // namespace
}  // namespace wikid
