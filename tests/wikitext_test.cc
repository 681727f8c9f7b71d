// WikitextToMarkdown (model/exchange/wikitext.h) and MediaWiki's SHA-1
// (model/exchange/mediawiki_xml.h): what each common construct of
// wikitext becomes, and what is left as it is.
#define BOOST_TEST_MODULE wikitext
#include "model/exchange/wikitext.h"

#include <boost/test/unit_test.hpp>

#include "model/exchange/mediawiki_xml.h"

namespace wikid {
namespace {

struct Case {
  const char* what;
  const char* wikitext;
  const char* markdown;
};

const Case kConverted[] = {
    {"a heading", "== Welcome ==", "## Welcome"},
    {"each level", "= A =\n=== B ===\n====== F ======", "# A\n### B\n###### F"},
    {"a heading without spaces, with bold", "==='''Bold''' title===", "### **Bold** title"},
    {"uneven equals take the smaller side", "=== A ==", "## = A"},
    {"bold, italic and both", "'''b''' ''i'' '''''bi'''''", "**b** *i* ***bi***"},
    {"four apostrophes: one is text", "'''wikid''''s", "**wikid'**s"},
    {"a bullet list, nested", "* one\n** nested\n* two", "- one\n  - nested\n- two"},
    {"a numbered list, nested", "# one\n## nested\n# two", "1. one\n   1. nested\n1. two"},
    {"mixed nesting", "# one\n#* bullet", "1. one\n   - bullet"},
    {"a list item with markup", "* ''see'' [http://x.org X]", "- *see* [X](http://x.org)"},
    {"an external link with a label", "see [https://example.org/a?b=c the site].",
     "see [the site](https://example.org/a?b=c)."},
    {"an external link without one", "[https://example.org]", "<https://example.org>"},
    {"a protocol-relative link", "[//example.org x]", "[x](//example.org)"},
    {"a pre block, untouched", "<pre>\n'''not bold'''\n* not a list\n</pre>",
     "```\n'''not bold'''\n* not a list\n```"},
    {"syntaxhighlight", "<syntaxhighlight lang=\"cpp\">\nint a = b ** c;\n</syntaxhighlight>",
     "```\nint a = b ** c;\n```"},
};

const Case kKept[] = {
    {"wiki links, as wikid reads them", "[[Main Page]] and [[Help:Contents|the help]]",
     "[[Main Page]] and [[Help:Contents|the help]]"},
    {"a redirect", "#REDIRECT [[Getting started]]", "#REDIRECT [[Getting started]]"},
    {"a redirect in lower case", "#redirect [[A]]", "#redirect [[A]]"},
    {"a file embed", "[[File:Photo.jpg|alt|300px]]", "[[File:Photo.jpg|alt|300px]]"},
    {"templates", "{{Infobox|name=x}}", "{{Infobox|name=x}}"},
    {"a table", "{|\n| a || b\n|}", "{|\n| a || b\n|}"},
    {"tags", "a<ref>b</ref> <br/>", "a<ref>b</ref> <br/>"},
    {"definition lists and indents", "; term : def\n: indented", "; term : def\n: indented"},
    {"a bare URL", "see https://example.org", "see https://example.org"},
    {"a rule", "----", "----"},
    {"an apostrophe", "it's", "it's"},
    {"a bracket that is no link", "[not a link]", "[not a link]"},
    {"an unclosed external link", "[http://x.org never closed", "[http://x.org never closed"},
    {"paragraphs and blank lines", "a\nb\n\nc\n", "a\nb\n\nc\n"},
    {"empty", "", ""},
};

BOOST_AUTO_TEST_CASE(common_constructs_become_markdown) {
  for (const Case& c : kConverted) {
    BOOST_TEST_CONTEXT(c.what) { BOOST_TEST(WikitextToMarkdown(c.wikitext) == c.markdown); }
  }
}

BOOST_AUTO_TEST_CASE(what_wikid_reads_alike_or_cannot_convert_is_left_as_it_is) {
  for (const Case& c : kKept) {
    BOOST_TEST_CONTEXT(c.what) { BOOST_TEST(WikitextToMarkdown(c.wikitext) == c.markdown); }
  }
}

BOOST_AUTO_TEST_CASE(sha1_is_mediawikis_base_36) {
  // From a dump of MediaWiki 1.39 (tests/fixtures), and sha1("") in base 36.
  BOOST_TEST(MediaWikiSha1("#REDIRECT [[Getting started]]") ==
             "hyxdsc69mgmn5h6sz4f5m6zz07i29p1");
  BOOST_TEST(MediaWikiSha1("") == "phoiac9h4m842xq45sp7s6u21eteeq1");
  BOOST_TEST(MediaWikiSha1(std::string(1000, 'a')) != MediaWikiSha1(std::string(999, 'a')));
}

}  // namespace
}  // namespace wikid
