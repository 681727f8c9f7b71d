#include "model/text/search_query.h"

#include <algorithm>
#include <vector>

namespace wikid {
namespace {

struct Term {
  std::string text;      // the words, unquoted
  bool phrase = false;   // typed in double quotes
  bool prefix = false;   // ended in '*'
  bool negated = false;  // typed with a leading '-'
};

// Letters (any non-ASCII byte counts, so every UTF-8 letter does) or
// digits: what unicode61 keeps as tokens.
bool HasToken(std::string_view text) {
  for (unsigned char c : text) {
    if (c >= 0x80 || (c >= '0' && c <= '9') ||
        ((c | 0x20) >= 'a' && (c | 0x20) <= 'z'))
      return true;
  }
  return false;
}

// How many characters the last word of `text` has (the word a '*' after
// it makes a prefix).
size_t LastWordChars(std::string_view text) {
  size_t chars = 0;
  for (size_t i = text.size(); i > 0; --i) {
    unsigned char c = static_cast<unsigned char>(text[i - 1]);
    if (c < 0x80 && !HasToken(text.substr(i - 1, 1))) break;
    if (c < 0x80 || c >= 0xC0) ++chars;  // not a UTF-8 continuation byte
  }
  return chars;
}

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

// Splits `text` into quoted phrases and bare words; an unclosed quote runs
// to the end.
std::vector<Term> Split(std::string_view text) {
  std::vector<Term> terms;
  size_t i = 0;
  while (i < text.size()) {
    if (IsSpace(text[i])) {
      ++i;
      continue;
    }
    Term term;
    if (text[i] == '-' && i + 1 < text.size() && !IsSpace(text[i + 1])) {
      term.negated = true;
      ++i;
    }
    if (text[i] == '"') {
      size_t close = text.find('"', i + 1);
      if (close == std::string_view::npos) close = text.size();
      term.text = std::string(text.substr(i + 1, close - i - 1));
      term.phrase = true;
      i = close + 1;
    } else {
      size_t end = i;
      while (end < text.size() && !IsSpace(text[end]) && text[end] != '"')
        ++end;
      term.text = std::string(text.substr(i, end - i));
      i = end;
      if (term.text.size() > 1 && term.text.back() == '*') {
        term.prefix = true;
        term.text.pop_back();
      }
    }
    terms.push_back(std::move(term));
  }
  return terms;
}

bool IsOperator(const Term& t, const char* name) {
  return !t.phrase && !t.prefix && !t.negated && t.text == name;
}

}  // namespace

bool SearchQuery::Subtracts() const {
  return std::any_of(any_of.begin(), any_of.end(),
                     [](const SearchClause& c) { return !c.none_of.empty(); });
}

bool SearchQuery::HasPrefix() const {
  for (const SearchClause& clause : any_of) {
    for (const SearchTerm& term : clause.all_of) {
      if (term.prefix) return true;
    }
  }
  return false;
}

Result<SearchQuery> ParseSearch(std::string_view text) {
  if (text.size() > kMaxSearchBytes) {
    return Status::Invalid("The search is " + std::to_string(text.size()) +
                           " bytes long; it may have at most " +
                           std::to_string(kMaxSearchBytes) + ".");
  }
  std::vector<Term> terms = Split(text);
  // Operators stand between two terms that have words in them; anywhere
  // else they are words themselves.
  SearchQuery query;
  std::vector<SearchClause>& clauses = query.any_of;
  // The clauses a term joined by AND or NOT goes into: the last one typed
  // after an OR, or all of them once a -word has taken a word out of
  // everything before it (AND binds tighter than OR, and -word wraps
  // what came before it).
  size_t unit = 0;
  std::string pending;  // "OR", "NOT" or "AND" waiting for its right side
  for (size_t i = 0; i < terms.size(); ++i) {
    Term& t = terms[i];
    bool next_is_term = i + 1 < terms.size() && HasToken(terms[i + 1].text);
    if (!clauses.empty() && pending.empty() && next_is_term &&
        (IsOperator(t, "OR") || IsOperator(t, "NOT") || IsOperator(t, "AND"))) {
      pending = t.text;
      continue;
    }
    if (!HasToken(t.text)) continue;
    // FTS5 keeps lists for prefixes of two, three and four characters
    // (longer ones read the words of search_word), and PostgreSQL's GIN
    // index finds a prefix by walking its words: one character would
    // merge the lists of every word that starts with it.
    if (t.prefix && LastWordChars(t.text) < 2) {
      return Status::Invalid("Put at least two letters before *: “" + t.text +
                             "*” would match too many words.");
    }
    // A NUL would end the text of an engine's query (HTTP decoding
    // refuses NULs; this keeps the parser total): it separates words as
    // a space does.
    std::replace(t.text.begin(), t.text.end(), '\0', ' ');
    SearchTerm term{.text = std::move(t.text), .phrase = t.phrase, .prefix = t.prefix};
    if (clauses.empty()) {
      if (t.negated) continue;  // nothing to subtract from yet
      clauses.push_back(SearchClause{.all_of = {std::move(term)}});
    } else if (t.negated) {
      unit = 0;
      for (SearchClause& c : clauses) c.none_of.push_back(term);
    } else if (pending == "OR") {
      clauses.push_back(SearchClause{.all_of = {std::move(term)}});
      unit = clauses.size() - 1;
    } else {
      for (size_t c = unit; c < clauses.size(); ++c) {
        (pending == "NOT" ? clauses[c].none_of : clauses[c].all_of).push_back(term);
      }
    }
    pending.clear();
  }
  if (clauses.empty()) {
    return Status::Invalid("Type a word or a number to search for.");
  }
  return query;
}

}  // namespace wikid
