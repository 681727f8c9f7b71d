// The words of the search index, so that a long prefix reads a bounded
// number of word lists.
//
// FTS5 keeps lists for prefixes of two, three and four characters
// (schemas 12 and 17). A longer prefix, "wodig*", makes FTS5 merge, in
// memory and before the first row, the list of every word that starts
// with it: the longer the wiki, the longer those lists, 0.46 s at 100,000
// pages. Instead, search_word holds every word of five characters or more
// that a saved text has held (written in the save's transaction), and
// such a prefix becomes the OR of the words that start with it, at most
// kMaxPrefixWords, which FTS5 walks lazily, newest page first, and stops.
// (Four characters were served so until schema 17: showing each hit then
// looked every one of a prefix's words up in every segment of the index,
// 45 ms for "wodi*" at 100,000 pages.)
//
// A save only adds words: one no page holds any longer expands to a list
// that is empty, and `wikid reindex` removes it (SyncWithIndex).
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "model/base/status.h"
#include "model/store/sqlite/database.h"

struct Fts5Tokenizer;
struct fts5_tokenizer;

namespace wikid {

// The most words one prefix may stand for.
inline constexpr int kMaxPrefixWords = 256;

class SearchWords {
 public:
  // Uses page_search's tokenizer (unicode61, remove_diacritics 2) on
  // `db`'s connection.
  static Result<std::unique_ptr<SearchWords>> Open(Database& db);
  ~SearchWords();
  SearchWords(const SearchWords&) = delete;
  SearchWords& operator=(const SearchWords&) = delete;

  // Adds the words of `text` to search_word (in the caller's
  // transaction).
  Status Record(std::string_view text);

  // `fts_query` (as Fts5Expression writes it) with each prefix of five
  // characters or more replaced by the words that start with it: "wodig"*
  // becomes ("wodig" OR "wodigar" OR ...), and "big wodig"* becomes ("big
  // wodig" OR "big wodigar" OR ...). Invalid, with a message for the reader,
  // when more than kMaxPrefixWords words start with one.
  Result<std::string> ExpandPrefixes(const std::string& fts_query);

  // Makes search_word the words of five characters or more that
  // page_search holds: adds those missing (an index rebuilt, or restored
  // from an older backup) and removes those no page holds any more. In
  // steps of a few thousand words, each its own transaction, so that
  // saves get through.
  Status SyncWithIndex();

 private:
  SearchWords(Database& db, std::unique_ptr<fts5_tokenizer> api, Fts5Tokenizer* tokenizer);

  // The tokenizer's methods (copied from FTS5) and the instance they made,
  // which the destructor deletes.
  std::unique_ptr<fts5_tokenizer> api_;
  Fts5Tokenizer* tokenizer_;
  std::unique_ptr<Statement> insert_;
  std::unique_ptr<Statement> starting_with_;
  Database& db_;
};

}  // namespace wikid
