// model/text/characters.h: which characters saves refuse (controls but
// tabs and, in text, line feeds; noncharacters), where they are, and
// XmlSafe, which makes any bytes fit for XML 1.0.
#define BOOST_TEST_MODULE characters
#include "model/text/characters.h"

#include <unistr.h>

#include <boost/test/unit_test.hpp>
#include <random>

namespace wikid {
namespace {

BOOST_AUTO_TEST_CASE(controls_and_noncharacters_are_found_with_their_line) {
  BOOST_TEST(!FindUnwantedCharacter("plain\ttext\nand more\n", true).has_value());
  BOOST_TEST(!FindUnwantedCharacter("Caf\xC3\xA9 \xE6\x97\xA5 \xF0\x9F\x98\x80", false).has_value());
  auto control = FindUnwantedCharacter("one\ntwo\nthr\x01" "ee", true);
  BOOST_REQUIRE(control.has_value());
  BOOST_TEST(static_cast<uint32_t>(control->code_point) == 0x1u);
  BOOST_TEST(control->line == 3);
  // A line feed is unwanted where there is one line.
  auto feed = FindUnwantedCharacter("a\nb", false);
  BOOST_REQUIRE(feed.has_value());
  BOOST_TEST(static_cast<uint32_t>(feed->code_point) == 0xAu);
  using namespace std::string_view_literals;
  for (std::string_view unwanted :
       {"\x7F"sv, "\r"sv, "\x1B"sv, "\xC2\x85"sv, "\xEF\xBF\xBE"sv, "\xEF\xBF\xBF"sv,
        "\xEF\xB7\x90"sv, "\xF0\x9F\xBF\xBE"sv, "a\0b"sv}) {
    BOOST_TEST(FindUnwantedCharacter(unwanted, true).has_value());
  }
  BOOST_TEST(CodePointName(0x1) == "U+0001");
  BOOST_TEST(CodePointName(0x1F600) == "U+1F600");
}

// XML 1.0's Char: tab, LF, CR, U+0020-U+D7FF, U+E000-U+FFFD,
// U+10000-U+10FFFF.
bool XmlChar(ucs4_t c) {
  return c == 0x9 || c == 0xA || c == 0xD || (c >= 0x20 && c <= 0xD7FF) ||
         (c >= 0xE000 && c <= 0xFFFD) || (c >= 0x10000 && c <= 0x10FFFF);
}

BOOST_AUTO_TEST_CASE(xml_safe_text_holds_only_xml_characters_whatever_the_bytes) {
  BOOST_TEST(XmlSafe("kept <as> it & was\t\n") == "kept <as> it & was\t\n");
  BOOST_TEST(XmlSafe("a\x01" "b") == "a\xEF\xBF\xBD" "b");
  BOOST_TEST(XmlSafe("\xEF\xBF\xBF") == "\xEF\xBF\xBD");
  BOOST_TEST(XmlSafe("\xFF") == "\xEF\xBF\xBD");  // not UTF-8
  std::mt19937 random(23);
  for (int round = 0; round < 2000; ++round) {
    std::string bytes(random() % 24, '\0');
    for (char& b : bytes) b = static_cast<char>(random());
    std::string safe = XmlSafe(bytes);
    const auto* p = reinterpret_cast<const uint8_t*>(safe.data());
    BOOST_REQUIRE(u8_check(p, safe.size()) == nullptr);
    const auto* end = p + safe.size();
    while (p < end) {
      ucs4_t c = 0;
      p += u8_mbtouc(&c, p, end - p);
      BOOST_REQUIRE(XmlChar(c));
    }
  }
}

}  // namespace
}  // namespace wikid
