// Characters that text kept by the wiki must not hold: control characters
// (no page, summary or feed can show them, and XML 1.0 forbids most) and
// the 66 noncharacters (U+FFFE and U+FFFF are forbidden in XML too). Saves refuse
// them with a message naming the character; what was saved before this
// rule (or written around it) is made safe where it is written as XML.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace wikid {

// A character `text` must not hold, and where: its code point and the line
// it is on (1 for the first).
struct UnwantedCharacter {
  char32_t code_point = 0;
  int line = 1;
};

// The first control character (Unicode category Cc: U+0000-U+001F,
// U+007F-U+009F) in `text` other than a tab and, when `multiline`, a line
// feed; or the first noncharacter (U+FDD0-U+FDEF, and the last two code
// points of every plane). `text` is valid UTF-8.
std::optional<UnwantedCharacter> FindUnwantedCharacter(std::string_view text, bool multiline);

// "U+0001".
std::string CodePointName(char32_t code_point);

// `text` with every character XML 1.0 does not allow (controls but tab,
// line feed and carriage return; U+FFFE and U+FFFF; bytes that are not
// UTF-8) replaced by U+FFFD, so that any text may go into a feed.
std::string XmlSafe(std::string_view text);

}  // namespace wikid
