// Redirect pages (model/text/redirect.h, issue 20): the syntax, and where
// a reader is sent: a chain followed once more and no further, loops and
// self-redirects never followed round.
#define BOOST_TEST_MODULE redirect
#include <boost/test/unit_test.hpp>

#include <map>

#include "model/text/redirect.h"

namespace wikid {
namespace {

// What Follow returns, printable: "" for nowhere.
std::string Shown(const std::optional<std::string>& title) { return title.value_or(""); }

// A wiki of pages by title, each redirecting where its text says; a
// lookup finds a page in any letter case (as PageReader::Resolve does)
// and counts itself.
struct Pages {
  std::map<std::string, std::string> text_by_title;
  int lookups = 0;

  std::optional<std::string> Follow(const std::string& start) {
    auto target = RedirectTarget(text_by_title.at(start));
    if (!target) return std::nullopt;
    return FollowRedirect(start, *target, [this](const std::string& title) {
      ++lookups;
      for (const auto& [name, text] : text_by_title) {
        if (PageKey(name) == PageKey(title)) return std::optional(RedirectHop{name, RedirectTarget(text)});
      }
      return std::optional<RedirectHop>();
    });
  }
};

BOOST_AUTO_TEST_SUITE(redirect)

BOOST_AUTO_TEST_CASE(the_syntax_and_what_is_not_a_redirect) {
  struct Case {
    std::string text;
    std::optional<std::string> target;
    bool only;
  } cases[] = {
      {"#REDIRECT [[Main Page]]", "Main Page", true},
      {"#redirect [[main_page]]\n", "main page", true},
      {"  #Redirect: [[A/B]]  \n\n", "A/B", true},
      {"#REDIRECT [[Target#Section|shown]]", "Target", true},
      {"#REDIRECT [[Target]]\nMore text.", "Target", false},
      {"#REDIRECT[[Tight]]", "Tight", true},
      {"Text first\n#REDIRECT [[Target]]", std::nullopt, false},
      {"#REDIRECT Target", std::nullopt, false},
      {"#REDIRECT [[Target", std::nullopt, false},
      {"#REDIRECT [[Tar\nget]]", std::nullopt, false},
      {"#REDIRECT [[_reserved]]", std::nullopt, false},
      {"#REDIRECT [[]]", std::nullopt, false},
      {"# REDIRECT [[Target]]", std::nullopt, false},
      {"#REDIRECTION [[Target]]", std::nullopt, false},
      {"", std::nullopt, false},
  };
  for (const Case& c : cases) {
    BOOST_TEST((RedirectTarget(c.text) == c.target), c.text);
    BOOST_TEST(IsOnlyRedirect(c.text) == c.only, c.text);
  }
}

BOOST_AUTO_TEST_CASE(the_text_a_move_leaves_is_read_back_as_a_redirect_to_the_page) {
  for (std::string title : {"Plain", "Caf\xc3\xa9 au lait", "A/B (c)", "100% sure"}) {
    auto name = PageName::Parse(title);
    BOOST_REQUIRE(name.ok());
    BOOST_TEST(Shown(RedirectTarget(RedirectText(*name))) == title);
    BOOST_TEST(IsOnlyRedirect(RedirectText(*name)));
  }
}

BOOST_AUTO_TEST_CASE(a_redirect_leads_to_its_target_in_any_letter_case) {
  Pages pages{{{"Old", "#REDIRECT [[new page]]"}, {"New Page", "text"}}};
  BOOST_TEST(Shown(pages.Follow("Old")) == "New Page");
}

BOOST_AUTO_TEST_CASE(a_chain_is_followed_once_more_and_no_further) {
  Pages pages{{{"A", "#REDIRECT [[B]]"},
               {"B", "#REDIRECT [[C]]"},
               {"C", "#REDIRECT [[D]]"},
               {"D", "the end"}}};
  BOOST_TEST(Shown(pages.Follow("B")) == "D");  // B -> C -> D
  BOOST_TEST(Shown(pages.Follow("A")) == "C");  // A -> B -> C, which is shown as it is
  BOOST_TEST(pages.lookups == 4);        // two each, never more
}

BOOST_AUTO_TEST_CASE(self_redirects_and_loops_never_go_round) {
  Pages pages{{{"Self", "#REDIRECT [[self]]"},
               {"Ping", "#REDIRECT [[Pong]]"},
               {"Pong", "#REDIRECT [[Ping]]"},
               {"X", "#REDIRECT [[Y]]"},
               {"Y", "#REDIRECT [[Y]]"}}};
  BOOST_TEST(!pages.Follow("Self"));          // shown as it is
  BOOST_TEST(Shown(pages.Follow("Ping")) == "Pong");  // not back to Ping
  BOOST_TEST(Shown(pages.Follow("Pong")) == "Ping");
  BOOST_TEST(Shown(pages.Follow("X")) == "Y");        // Y's self-redirect not taken
}

BOOST_AUTO_TEST_CASE(a_redirect_to_a_missing_page_sends_nowhere) {
  Pages pages{{{"Broken", "#REDIRECT [[Nowhere]]"},
               {"Half", "#REDIRECT [[Broken]]"}}};
  BOOST_TEST(!pages.Follow("Broken"));
  BOOST_TEST(Shown(pages.Follow("Half")) == "Broken");  // then shown, as a redirect page
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace wikid
