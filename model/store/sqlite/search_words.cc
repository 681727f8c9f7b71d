#include "model/store/sqlite/search_words.h"

#include <sqlite3.h>

#include <unordered_set>
#include <vector>

#include "model/store/sqlite/fts5.h"
#include "model/store/sqlite/fts5_query.h"

namespace wikid {
namespace {

constexpr char kInsertWordSql[] = "INSERT OR IGNORE INTO search_word (word) VALUES (?1)";
// The words from ?1 (included) to ?2 (excluded), at most ?3.
constexpr char kWordsStartingWithSql[] =
    "SELECT word FROM search_word WHERE word >= ?1 AND word < ?2 ORDER BY word LIMIT ?3";

// Prefixes shorter than this have FTS5 prefix indexes (schema 12, and
// four characters since schema 17); search_word holds the words this
// long or longer.
constexpr size_t kIndexedPrefixChars = 5;

size_t Utf8Chars(std::string_view text) {
  size_t chars = 0;
  for (unsigned char c : text) chars += (c & 0xC0) != 0x80;
  return chars;
}

// A string in Fts5Expression's output: "text", quotes inside doubled, and a '*'
// after it when it is a prefix.
struct Atom {
  size_t begin;      // the opening quote
  size_t end;        // past the closing quote, or past the '*'
  std::string text;  // unquoted
  bool prefix;
};

std::vector<Atom> Atoms(const std::string& query) {
  std::vector<Atom> atoms;
  size_t i = 0;
  while ((i = query.find('"', i)) != std::string::npos) {
    Atom atom{.begin = i, .end = 0, .text = {}, .prefix = false};
    size_t j = i + 1;
    while (j < query.size()) {
      if (query[j] == '"' && j + 1 < query.size() && query[j + 1] == '"') {
        atom.text += '"';
        j += 2;
      } else if (query[j] == '"') {
        break;
      } else {
        atom.text += query[j++];
      }
    }
    atom.end = j + 1;
    if (atom.end < query.size() && query[atom.end] == '*') {
      atom.prefix = true;
      ++atom.end;
    }
    i = atom.end;
    atoms.push_back(std::move(atom));
  }
  return atoms;
}

int CollectToken(void* context, int, const char* token, int size, int, int) {
  static_cast<std::vector<std::string>*>(context)->emplace_back(token, size);
  return SQLITE_OK;
}

}  // namespace

Result<std::unique_ptr<SearchWords>> SearchWords::Open(Database& db) {
  auto fts5 = Fts5Api(db.handle());
  if (!fts5.ok()) return fts5.status();
  auto api = std::make_unique<fts5_tokenizer>();
  void* user_data = nullptr;
  if ((*fts5)->xFindTokenizer(*fts5, "unicode61", &user_data, api.get()) != SQLITE_OK) {
    return Status::Internal("FTS5 has no unicode61 tokenizer");
  }
  // page_search's own options (schema.cc), so that words are cut and
  // folded as the index cuts and folds them.
  const char* options[] = {"remove_diacritics", "2"};
  Fts5Tokenizer* tokenizer = nullptr;
  if (api->xCreate(user_data, options, 2, &tokenizer) != SQLITE_OK) {
    return Status::Internal("cannot create FTS5's unicode61 tokenizer");
  }
  std::unique_ptr<SearchWords> words(new SearchWords(db, std::move(api), tokenizer));
  if (Status s = db.PrepareAll({{&words->insert_, kInsertWordSql},
                                {&words->starting_with_, kWordsStartingWithSql}});
      !s.ok()) {
    return s;
  }
  return words;
}

SearchWords::SearchWords(Database& db, std::unique_ptr<fts5_tokenizer> api,
                         Fts5Tokenizer* tokenizer)
    : api_(std::move(api)), tokenizer_(tokenizer), db_(db) {}

SearchWords::~SearchWords() { api_->xDelete(tokenizer_); }

Status SearchWords::Record(std::string_view text) {
  std::vector<std::string> tokens;
  if (int rc = api_->xTokenize(tokenizer_, &tokens, FTS5_TOKENIZE_DOCUMENT, text.data(),
                               static_cast<int>(text.size()), CollectToken);
      rc != SQLITE_OK) {
    return StatusFromSqlite(rc, "tokenizing a text");
  }
  std::unordered_set<std::string_view> seen;
  for (const std::string& token : tokens) {
    if (Utf8Chars(token) < kIndexedPrefixChars || !seen.insert(token).second) continue;
    Query q(*insert_);
    q->Bind(1, token);
    if (auto done = q->Step(); !done.ok()) return done.status();
  }
  return Status::Ok();
}

Status SearchWords::SyncWithIndex() {
  // Rare (`wikid reindex`): prepared here, not kept. FTS5's own list of
  // its words, in order, read a step at a time from the last word done.
  if (Status s = db_.Exec("CREATE VIRTUAL TABLE IF NOT EXISTS temp.page_search_words "
                          "USING fts5vocab(main, page_search, row)");
      !s.ok()) {
    return s;
  }
  auto step_end = db_.Prepare(
      "SELECT max(term), count(*) FROM (SELECT term FROM temp.page_search_words "
      "WHERE term > ?1 ORDER BY term LIMIT 5000)");
  // The words of the step (?1, ?2].
  auto remove = db_.Prepare(R"sql(
      DELETE FROM search_word
       WHERE word > ?1 AND word <= ?2
         AND word NOT IN (SELECT term FROM temp.page_search_words
                           WHERE term > ?1 AND term <= ?2))sql");
  auto add = db_.Prepare(R"sql(
      INSERT OR IGNORE INTO search_word (word)
        SELECT term FROM temp.page_search_words
         WHERE term > ?1 AND term <= ?2 AND length(term) >= ?3)sql");
  for (auto* prepared : {&step_end, &remove, &add}) {
    if (!prepared->ok()) return prepared->status();
  }
  std::string last;  // every word sorts after ""
  while (true) {
    Transaction txn(db_);
    if (Status s = txn.Begin(); !s.ok()) return s;
    std::string end;
    bool final_step = false;
    {
      Query q(**step_end);
      q->Bind(1, last);
      auto row = q->Step();
      if (!row.ok()) return row.status();
      final_step = q->ColumnInt(1) < 5000;
      // The last step runs to past any word (0xF5 starts no UTF-8).
      end = final_step ? std::string("\xF5") : q->ColumnText(0);
    }
    for (Statement* stmt : {remove->get(), add->get()}) {
      Query q(*stmt);
      q->Bind(1, last);
      q->Bind(2, end);
      if (stmt == add->get()) q->Bind(3, static_cast<int64_t>(kIndexedPrefixChars));
      if (auto done = q->Step(); !done.ok()) return done.status();
    }
    if (Status s = txn.Commit(); !s.ok()) return s;
    if (final_step) return Status::Ok();
    last = end;
  }
}

Result<std::string> SearchWords::ExpandPrefixes(const std::string& fts_query) {
  std::string out;
  size_t copied = 0;
  for (const Atom& atom : Atoms(fts_query)) {
    if (!atom.prefix) continue;
    std::vector<std::string> tokens;
    if (int rc = api_->xTokenize(tokenizer_, &tokens,
                                 FTS5_TOKENIZE_QUERY | FTS5_TOKENIZE_PREFIX,
                                 atom.text.data(), static_cast<int>(atom.text.size()),
                                 CollectToken);
        rc != SQLITE_OK) {
      return StatusFromSqlite(rc, "tokenizing a search");
    }
    if (tokens.empty() || Utf8Chars(tokens.back()) < kIndexedPrefixChars) continue;
    // Every word that starts with the prefix sorts between it and the
    // prefix with its last byte one higher (never 0xFF in UTF-8).
    std::string after = tokens.back();
    after.back() = static_cast<char>(static_cast<unsigned char>(after.back()) + 1);
    std::vector<std::string> words;
    {
      Query q(*starting_with_);
      q->Bind(1, tokens.back());
      q->Bind(2, after);
      q->Bind(3, static_cast<int64_t>(kMaxPrefixWords + 1));
      while (true) {
        auto row = q->Step();
        if (!row.ok()) return row.status();
        if (!*row) break;
        words.push_back(q->ColumnText(0));
      }
    }
    if (words.empty()) continue;  // FTS5 finds no word either, at once
    if (words.size() > static_cast<size_t>(kMaxPrefixWords)) {
      return Status::Invalid("More than " + std::to_string(kMaxPrefixWords) +
                             " words start with “" + tokens.back() +
                             "”: add a letter or two before the *.");
    }
    std::string before;  // the phrase's words before the prefix
    for (size_t i = 0; i + 1 < tokens.size(); ++i) before += tokens[i] + " ";
    out.append(fts_query, copied, atom.begin - copied);
    out += "(";
    for (size_t i = 0; i < words.size(); ++i) {
      if (i > 0) out += " OR ";
      out += FtsString(before + words[i]);
    }
    out += ")";
    copied = atom.end;
  }
  if (copied == 0) return fts_query;
  out.append(fts_query, copied, std::string::npos);
  return out;
}

}  // namespace wikid
