// A parsed search (model/text/search_query.h) as an FTS5 MATCH expression.
//
// Every term becomes an FTS5 string, between double quotes: inside them
// FTS5 treats everything literally and its tokenizer cuts the text as it
// cut the pages, so no text a reader types can be an FTS5 syntax error.
// The operators are FTS5's own, whose precedence (NOT, then AND, then OR)
// is the query's: a clause is its terms joined by AND, then NOT each
// excluded one; the clauses are joined by OR.
#pragma once

#include <string>
#include <string_view>

#include "model/text/search_query.h"

namespace wikid {

// `text` as an FTS5 string: between double quotes, a quote inside doubled.
// REQUIRES: no NUL in `text` (FTS5 would take it for the end).
std::string FtsString(std::string_view text);

// The FTS5 expression of `query`: "a" AND "b"* NOT "c" OR "d e".
std::string Fts5Expression(const SearchQuery& query);

}  // namespace wikid
