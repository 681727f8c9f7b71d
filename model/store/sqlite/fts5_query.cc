#include "model/store/sqlite/fts5_query.h"

namespace wikid {

std::string FtsString(std::string_view text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"') out += '"';  // FTS5 doubles a quote inside a string
    out += c;
  }
  return out + "\"";
}

std::string Fts5Expression(const SearchQuery& query) {
  auto atom = [](const SearchTerm& term) {
    return FtsString(term.text) + (term.prefix ? "*" : "");
  };
  std::string out;
  for (const SearchClause& clause : query.any_of) {
    if (!out.empty()) out += " OR ";
    for (size_t i = 0; i < clause.all_of.size(); ++i) {
      out += (i > 0 ? " AND " : "") + atom(clause.all_of[i]);
    }
    for (const SearchTerm& term : clause.none_of) out += " NOT " + atom(term);
  }
  return out;
}

}  // namespace wikid
