#include "model/text/search_query.h"

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

std::string FtsString(std::string_view text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"') out += '"';  // FTS5 doubles a quote inside a string
    // FTS5's expression parser stops at a NUL, leaving the string open
    // (an error for the reader): a NUL separates words like a space.
    // (HTTP decoding refuses NULs; this keeps the function total.)
    out += c == '\0' ? ' ' : c;
  }
  return out + "\"";
}

Result<std::string> FtsQuery(std::string_view text) {
  if (text.size() > kMaxSearchBytes) {
    return Status::Invalid("The search is " + std::to_string(text.size()) +
                           " bytes long; it may have at most " +
                           std::to_string(kMaxSearchBytes) + ".");
  }
  std::vector<Term> terms = Split(text);
  // Operators stand between two terms that have words in them; anywhere
  // else they are words themselves.
  std::string query;
  std::string pending;  // " OR " or " NOT " waiting for its right side
  for (size_t i = 0; i < terms.size(); ++i) {
    const Term& t = terms[i];
    bool next_is_term = i + 1 < terms.size() && HasToken(terms[i + 1].text);
    if (!query.empty() && pending.empty() && next_is_term &&
        (IsOperator(t, "OR") || IsOperator(t, "NOT") || IsOperator(t, "AND"))) {
      pending = " " + t.text + " ";
      continue;
    }
    if (!HasToken(t.text)) continue;
    // FTS5 keeps lists for prefixes of two, three and four characters
    // (longer ones read the words of search_word); one character would
    // merge the list of every word that starts with it.
    if (t.prefix && LastWordChars(t.text) < 2) {
      return Status::Invalid("Put at least two letters before *: “" + t.text +
                             "*” would match too many words.");
    }
    std::string atom = FtsString(t.text) + (t.prefix ? "*" : "");
    if (query.empty()) {
      if (t.negated) continue;  // FTS5's NOT needs something to subtract from
      query = atom;
    } else if (t.negated) {
      query = "(" + query + ") NOT " + atom;
    } else {
      query += (pending.empty() ? " AND " : pending) + atom;
    }
    pending.clear();
  }
  if (query.empty()) {
    return Status::Invalid("Type a word or a number to search for.");
  }
  return query;
}

}  // namespace wikid
