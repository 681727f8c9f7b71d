// SearchQuery: what a reader types into the search box, parsed into terms
// that every storage engine can search for, and that can never be a syntax
// error in any engine's query language.
//
// Readers get a few operators and nothing else:
//   word word       both words (AND)
//   "a phrase"      the words next to each other, in order
//   word*           words starting with "word"
//   a OR b          either
//   a -b, a NOT b   a but not b
// Anything else (stray quotes, parentheses, colons, carets, NEAR,
// backslashes, &, |, !) is literal text, which each engine's tokenizer
// cuts into words as it cut the pages. Terms with no letter or digit are
// dropped, since the tokenizers would drop them too.
//
// How the operators bind is how FTS5 and PostgreSQL's websearch_to_tsquery
// read them: AND binds tighter than OR ("a b OR c" is "(a b) OR c"), NOT
// takes a term out of the words since the last OR ("a OR b NOT c" is "a
// OR (b NOT c)"), and -word out of everything typed before it ("a OR b
// -c" is "(a OR b) NOT c"; "a -c OR b" is "(a NOT c) OR b"). A query is
// kept as a list of alternatives, each all of some terms and none of
// others, which every engine turns into its own expression (the SQLite
// engine into an FTS5 MATCH expression, the PostgreSQL one into a
// tsquery), never by pasting the reader's text into SQL.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "model/base/status.h"

namespace wikid {

// Longest search text accepted, in bytes.
inline constexpr size_t kMaxSearchBytes = 500;

// One word, or several to be found next to each other in order: a phrase
// typed in quotes, or a "word" the tokenizer cuts in several ("c++",
// "title:secret", "big-wodin").
struct SearchTerm {
  std::string text;     // as typed, unquoted; never holds a NUL, and has a letter or digit
  bool phrase = false;  // typed in double quotes
  bool prefix = false;  // ended in '*': its last word is a prefix (of two characters or more)

  bool operator==(const SearchTerm&) const = default;
};

// One alternative: pages holding every term of `all_of` (never empty)
// and none of `none_of`.
struct SearchClause {
  std::vector<SearchTerm> all_of;
  std::vector<SearchTerm> none_of;

  bool operator==(const SearchClause&) const = default;
};

// Pages matching any of the clauses (never empty).
struct SearchQuery {
  std::vector<SearchClause> any_of;

  // Whether any clause leaves words out (a name that matches then does
  // not make its page match).
  bool Subtracts() const;
  // Whether a term a page must hold is a prefix (whose words a page may
  // hold any of, so they are not weighed).
  bool HasPrefix() const;

  bool operator==(const SearchQuery&) const = default;
};

// What the reader typed in `text`, or Invalid (with a message for the
// reader) when it has nothing to search for, is too long, or has a prefix
// (word*) of one character.
Result<SearchQuery> ParseSearch(std::string_view text);

}  // namespace wikid
