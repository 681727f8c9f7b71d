// SearchQuery: what a reader types into the search box, made into an FTS5
// query that can never be a syntax error.
//
// FTS5's query language has operators, column filters, NEAR groups and
// prefix stars, and anything it cannot parse is an SQL error. Rather than
// pass the text through and catch errors, every word becomes a quoted
// string (inside quotes FTS5 treats everything literally, and the
// tokenizer splits it as it split the pages), with the few operators a
// reader means kept:
//   word word       both words (AND)
//   "a phrase"      the words next to each other, in order
//   word*           words starting with "word"
//   a OR b          either
//   a -b, a NOT b   a but not b
// Anything else (stray quotes, parentheses, colons, carets, NEAR) is
// literal text. Terms with no letter or digit are dropped, since the
// tokenizer would drop them too.
#pragma once

#include <string>
#include <string_view>

#include "model/base/status.h"

namespace wikid {

// Longest search text accepted, in bytes.
inline constexpr size_t kMaxSearchBytes = 500;

// `text` as an FTS5 string: between double quotes, a quote inside doubled
// and a NUL (which FTS5 would take for the end of the query) as a space.
std::string FtsString(std::string_view text);

// The FTS5 MATCH expression for `text`, or Invalid (with a message for the
// reader) when it has nothing to search for, is too long, or has a prefix
// (word*) of one character.
Result<std::string> FtsQuery(std::string_view text);

}  // namespace wikid
