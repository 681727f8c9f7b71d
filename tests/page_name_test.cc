// N1: what a page name may be. Two spellings of one name reach one page;
// anything that could hide characters or play path tricks is refused with
// a message naming the rule.
#define BOOST_TEST_MODULE page_name
#include <boost/test/unit_test.hpp>

#include "model/text/page_name.h"

namespace wikid {
namespace {

std::string Title(std::string_view text) {
  auto name = PageName::Parse(text);
  BOOST_REQUIRE_MESSAGE(name.ok(), std::string(text) + ": " + name.status().message());
  return name->title();
}

BOOST_AUTO_TEST_SUITE(page_name)

BOOST_AUTO_TEST_CASE(accepted_names_and_their_canonical_titles) {
  struct Case {
    std::string input, title;
  } cases[] = {
      {"Main Page", "Main Page"},
      {"Main_Page", "Main Page"},
      {"a__b", "a b"},
      {"a _ b", "a b"},
      {"Foo/Bar", "Foo/Bar"},
      {"C++", "C++"},
      {"100%", "100%"},
      {"Ünïcødé", "Ünïcødé"},
      {"x.y", "x.y"},
      {"a/.b", "a/.b"},
      {"\u212a", "K"},  // KELVIN SIGN becomes K under NFC
  };
  for (const Case& c : cases) {
    BOOST_TEST_CONTEXT(c.input) { BOOST_TEST(Title(c.input) == c.title); }
  }
}

BOOST_AUTO_TEST_CASE(nfc_and_nfd_spellings_are_one_page) {
  BOOST_TEST(Title("Caf\xc3\xa9") == Title("Cafe\xcc\x81"));
}

BOOST_AUTO_TEST_CASE(case_is_preserved) {
  BOOST_TEST(Title("foo") != Title("Foo"));
}

// Names that differ only in letter case, in any script, share a key (and
// so name one page); the whole title is folded, not its first letter.
BOOST_AUTO_TEST_CASE(letter_case_is_folded_in_the_key) {
  BOOST_TEST(PageKey("Getting Started") == "getting started");
  BOOST_TEST(PageKey("getting started") == PageKey("GETTING STARTED"));
  BOOST_TEST(PageKey("\xc3\x84rger") == "\xc3\xa4rger");          // Ärger, ärger
  BOOST_TEST(PageKey("\xc3\x84RGER") == PageKey("\xc3\xa4rger"));  // ÄRGER
  BOOST_TEST(PageKey("A\xcc\x88rger") == "\xc3\xa4rger");  // decomposed: NFC
  BOOST_TEST(PageKey("\xce\xa3\xce\xbf\xcf\x86\xce\xaf\xce\xb1") ==
             PageKey("\xcf\x83\xce\xbf\xcf\x86\xce\xaf\xce\xb1"));  // Σοφία, σοφία
  // Capital, small and final sigma are one letter: ΟΔΟΣ, οδος.
  BOOST_TEST(PageKey("\xce\x9f\xce\x94\xce\x9f\xce\xa3") == "\xce\xbf\xce\xb4\xce\xbf\xcf\x83");
  BOOST_TEST(PageKey("\xce\xbf\xce\xb4\xce\xbf\xcf\x82") == "\xce\xbf\xce\xb4\xce\xbf\xcf\x83");
  // Simple folding's one-letter mappings (CaseFolding.txt's S): capital
  // sharp s is ß, ᾈ is ᾀ.
  BOOST_TEST(PageKey("MA\xe1\xba\x9e" "E") == "ma\xc3\x9f" "e");
  BOOST_TEST(PageKey("\xe1\xbe\x88") == "\xe1\xbe\x80");
  // Different words stay different.
  BOOST_TEST(PageKey("Arger") != PageKey("\xc3\x84rger"));
  BOOST_TEST(PageKey("Foo Bar") != PageKey("FooBar"));
}

// Only letter case is folded, as simple case folding does (one letter to
// one): full folding's expansions would make other words one page.
BOOST_AUTO_TEST_CASE(the_key_folds_letter_case_and_nothing_else) {
  BOOST_TEST(PageKey("Ma\xc3\x9f" "e") == "ma\xc3\x9f" "e");  // Maße
  BOOST_TEST(PageKey("Ma\xc3\x9f" "e") != PageKey("Masse"));
  BOOST_TEST(PageKey("Stra\xc3\x9f" "e") != PageKey("STRASSE"));
  BOOST_TEST(PageKey("\xef\xac\x81le") != PageKey("file"));  // ﬁle: a ligature
  BOOST_TEST(PageKey("\xc4\xb0") != PageKey("i"));              // İ (only Turkish folds it)
  BOOST_TEST(PageKey("\xc4\xb1") != PageKey("i"));              // ı: another letter
}

BOOST_AUTO_TEST_CASE(rejected_names_say_which_rule) {
  struct Case {
    std::string input, says;
  } cases[] = {
      {"", "empty"},
      {"_x", "reserved"},
      {"_", "reserved"},
      {" a", "space"},
      {"a ", "space"},
      {"a_", "space"},
      {"/a", "'/'"},
      {"a/", "'/'"},
      {"a//b", "'//'"},
      {".", "'.'"},
      {"..", "'..'"},
      {"a/../b", "'..'"},
      {"a/./b", "'.'"},
      {"x/..", "'..'"},
      {"a#b", "'#'"},
      {"a|b", "'|'"},
      {"a[b", "'['"},
      {"a}b", "'}'"},
      {"a<b", "'<'"},
      {std::string("a\0b", 3), "U+0000"},
      {"a\tb", "U+0009"},
      {"a\x7f", "U+007F"},
      {"Page\u202eevil", "U+202E"},
      {"A\u200bB", "U+200B"},
      {"a\ufffdb", "U+FFFD"},
      {"a\ue000b", "U+E000"},
      {"a\xf4\x8f\xbf\xbf", "U+10FFFF"},  // a noncharacter: unassigned
      {"\xff", "UTF-8"},
      {"a\xc3", "UTF-8"},
      {"\xc0\xaf", "UTF-8"},          // overlong '/'
      {"\xe0\x80\xaf", "UTF-8"},      // overlong '/'
      {"\xed\xa0\x80", "UTF-8"},      // an encoded surrogate
  };
  for (const Case& c : cases) {
    BOOST_TEST_CONTEXT(c.input) {
      auto name = PageName::Parse(c.input);
      BOOST_TEST(!name.ok());
      BOOST_TEST(name.status().IsInvalid());
      BOOST_TEST(name.status().message().find(c.says) != std::string::npos,
                 name.status().message());
    }
  }
}

BOOST_AUTO_TEST_CASE(length_is_counted_in_bytes_after_normalisation) {
  BOOST_TEST(PageName::Parse(std::string(200, 'a')).ok());
  auto long_name = PageName::Parse(std::string(201, 'a'));
  BOOST_TEST(long_name.status().message().find("200 bytes") != std::string::npos);
  std::string e_acute_100;  // 100 x "é" = 200 bytes
  for (int i = 0; i < 100; ++i) e_acute_100 += "\xc3\xa9";
  BOOST_TEST(PageName::Parse(e_acute_100).ok());
  BOOST_TEST(!PageName::Parse(e_acute_100 + "a").ok());
  // 100 x NFD "é" is 300 bytes as given but 200 once normalised.
  std::string nfd;
  for (int i = 0; i < 100; ++i) nfd += "e\xcc\x81";
  BOOST_TEST(PageName::Parse(nfd).ok());
}

BOOST_AUTO_TEST_CASE(url_paths_are_percent_encoded_with_underscores) {
  BOOST_TEST(PageName::Parse("Main Page")->UrlPath() == "/Main_Page");
  BOOST_TEST(PageName::Parse("Café au lait")->UrlPath() == "/Caf%C3%A9_au_lait");
  BOOST_TEST(PageName::Parse("a/b?c")->UrlPath() == "/a/b%3Fc");
  BOOST_TEST(PageName::Parse("100%")->UrlPath() == "/100%25");
  BOOST_TEST(PageName::Parse("x&y=z+1")->UrlPath() == "/x%26y%3Dz%2B1");
  BOOST_TEST(PageName::Parse("Main Page")->UrlName() == "Main_Page");
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace wikid
