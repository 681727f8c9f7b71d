// PostgresPageStore's search: PostgreSQL's full-text search over page
// names and latest texts (page_search, with GIN indexes on both tsvectors,
// postgres_schema.cc), kept in the transaction of every save, rebuilt by
// `wikid reindex`. The same steps as SqlitePageStore's
// (sqlite_page_search.cc): count the matches up to the candidates, rank
// the newest candidates whose names match, then the newest of all, and
// mark only the hits shown.
//
// The configuration is wikid_search, PostgreSQL's 'simple' with unaccent:
// it folds case and accents and stems nothing, as SQLite's unicode61
// tokenizer does, so that the two engines find the same pages for the
// same words (an English stemmer would find "running" for "run" on one
// engine only, and mangle every other language's words).
//
// The tsquery is built here from the parsed query (search_query.h) as the
// text of to_tsquery, every term between single quotes, and is sent as a
// bound parameter, never pasted into SQL. to_tsquery rather than
// websearch_to_tsquery: websearch's rules are not quite the search box's
// (it has no prefixes, and reads "or" and a lone "-" its own way), while
// to_tsquery over quoted terms takes nothing the reader typed as an
// operator: inside quotes everything is text, which to_tsquery cuts into
// words with the configuration's parser, joined by <-> (followed by) when
// there are several, as FTS5 reads a quoted string as a phrase. A term
// with no word PostgreSQL keeps ("—") drops out of the tsquery, as an
// empty phrase drops out of FTS5's.
#include <algorithm>
#include <unordered_map>
#include <unordered_set>

#include "model/store/postgres/postgres_page_store.h"

namespace wikid {
namespace {

// The query is $1 (to_tsquery's text), a row limit $2. The rank is of
// $3, the terms to find ORed (MarksQuery): ts_rank of an AND weighs how
// close the words stand, and of a NOT nothing at all, where SQLite's bm25
// adds up how often each word to find is there.
constexpr PgStatement kSearchCount{"pages_search_count", R"sql(
  SELECT count(*) FROM
    (SELECT 1 FROM page_search WHERE document @@ to_tsquery('wikid_search', $1) LIMIT $2) m)sql"};

// The newest $2 pages whose name alone matches, with the rank of the name.
constexpr PgStatement kSearchTitles{"pages_search_titles", R"sql(
  SELECT m.page_id, ts_rank(m.title, to_tsquery('wikid_search', $3)) FROM
    (SELECT page_id, title FROM page_search WHERE title @@ to_tsquery('wikid_search', $1)
      ORDER BY page_id DESC LIMIT $2) m)sql"};

// The newest $2 pages that match, with their rank: ts_rank's default
// weights count a word of the name (weight A, 1.0) ten times one of the
// text (D, 0.1), as SQLite's bm25(page_search, 10.0, 1.0) does.
constexpr PgStatement kSearchTexts{"pages_search_texts", R"sql(
  SELECT m.page_id, ts_rank(m.document, to_tsquery('wikid_search', $3)) FROM
    (SELECT page_id, document FROM page_search WHERE document @@ to_tsquery('wikid_search', $1)
      ORDER BY page_id DESC LIMIT $2) m)sql"};

// The newest $2 pages that match, unranked: with a prefix, as on SQLite,
// all score the same and the newest come first, after names.
constexpr PgStatement kSearchNewest{"pages_search_newest", R"sql(
  SELECT page_id, 0.0 FROM page_search WHERE document @@ to_tsquery('wikid_search', $1)
   ORDER BY page_id DESC LIMIT $2)sql"};

// The hits shown ($2, an array of page ids), with their names and texts,
// and copies marked where they hold a word of $1 (the query's terms to
// find, none of those it subtracts): HighlightAll returns the whole text,
// whose window ExcerptOfMarked cuts. Only the indexed part of a text
// (wikid_indexed_text, postgres_schema.cc) is read.
constexpr PgStatement kSearchShown{"pages_search_shown", R"sql(
  SELECT p.id, p.name, p.latest_rev,
         ts_headline('wikid_search', p.name, q, o),
         ts_headline('wikid_search', wikid_indexed_text(r.text), q, o),
         wikid_indexed_text(r.text)
    FROM page p JOIN revision r ON r.page_id = p.id AND r.rev = p.latest_rev,
         to_tsquery('wikid_search', $1) q,
         (SELECT 'HighlightAll=true, StartSel=' || chr(2) || ', StopSel=' || chr(3)) AS h(o)
   WHERE p.id = ANY($2::bigint[]))sql"};

// --- The tsquery --------------------------------------------------------

// Letters (any non-ASCII byte counts, so every UTF-8 letter does) or
// digits, as search_query.cc reads words.
bool IsWordByte(unsigned char c) {
  return c >= 0x80 || (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z');
}

bool HasWord(std::string_view text) {
  return std::any_of(text.begin(), text.end(),
                     [](char c) { return IsWordByte(static_cast<unsigned char>(c)); });
}

// The length of the UTF-8 character at the start of `text`, or 0 if it
// is not one PostgreSQL accepts (Unicode's table 3-7: no overlong forms,
// no surrogates, nothing past U+10FFFF).
size_t Utf8Length(std::string_view text) {
  const auto b = [&](size_t i) { return static_cast<unsigned char>(text[i]); };
  const unsigned char c = b(0);
  size_t n = c < 0x80 ? 1 : c >= 0xC2 && c <= 0xDF ? 2 : c >= 0xE0 && c <= 0xEF ? 3
             : c >= 0xF0 && c <= 0xF4 ? 4 : 0;
  if (n == 0 || n > text.size()) return 0;
  for (size_t i = 1; i < n; ++i) {
    if ((b(i) & 0xC0) != 0x80) return 0;
  }
  if (n == 3 && ((c == 0xE0 && b(1) < 0xA0) || (c == 0xED && b(1) > 0x9F))) return 0;
  if (n == 4 && ((c == 0xF0 && b(1) < 0x90) || (c == 0xF4 && b(1) > 0x8F))) return 0;
  return n;
}

// `text` as a quoted to_tsquery operand: a quote doubled, a backslash
// escaped (to_tsquery's two escapes inside quotes), and a byte that
// starts no UTF-8 character (which PostgreSQL would refuse as a
// parameter) a space, which separates words.
std::string Operand(std::string_view text) {
  std::string out = "'";
  for (size_t i = 0; i < text.size();) {
    const size_t n = Utf8Length(text.substr(i));
    if (n == 0) {
      out += ' ';
      ++i;
      continue;
    }
    if (text[i] == '\'') out += '\'';
    if (text[i] == '\\') out += '\\';
    out.append(text, i, n);
    i += n;
  }
  return out + "'";
}

// One term as a tsquery. Of a prefix, only the last word is one (as in
// FTS5's "big wodin"*): the words before it are a phrase followed by it.
// (to_tsquery would make every word of a quoted prefix one.)
std::string TsTerm(const SearchTerm& term) {
  if (!term.prefix) return Operand(term.text);
  size_t start = term.text.size();
  while (start > 0 && IsWordByte(static_cast<unsigned char>(term.text[start - 1]))) --start;
  const std::string_view head = std::string_view(term.text).substr(0, start);
  const std::string last = Operand(std::string_view(term.text).substr(start)) + ":*";
  return HasWord(head) ? "(" + Operand(head) + " <-> " + last + ")" : last;
}

// The to_tsquery text of `query`: each clause its terms joined by &, and
// !term for each it subtracts, the clauses joined by |.
std::string TsQuery(const SearchQuery& query) {
  std::string out;
  for (const SearchClause& clause : query.any_of) {
    if (!out.empty()) out += " | ";
    out += "(";
    for (size_t i = 0; i < clause.all_of.size(); ++i) {
      out += (i > 0 ? " & " : "") + TsTerm(clause.all_of[i]);
    }
    for (const SearchTerm& term : clause.none_of) out += " & !" + TsTerm(term);
    out += ")";
  }
  return out;
}

// The words to mark in the hits: every term to find, of any clause.
std::string MarksQuery(const SearchQuery& query) {
  std::string out;
  for (const SearchClause& clause : query.any_of) {
    for (const SearchTerm& term : clause.all_of) {
      out += (out.empty() ? "" : " | ") + TsTerm(term);
    }
  }
  return out;
}

// --- Excerpts -----------------------------------------------------------

// `text` with the marks ts_headline put in `marked`, its copy of `text`.
// ts_headline leaves out words too long to index (over 2,047 bytes: a
// long run of CJK text, a data URL), so its copy is not shown as it is:
// the two are walked together, a byte of the text the copy lacks is kept
// unmarked, and every byte of the text is shown, once, in order.
std::string Remark(std::string_view text, std::string_view marked) {
  std::string out;
  size_t j = 0;
  for (char c : marked) {
    if (c == kMatchStart || c == kMatchEnd) {
      out += c;
      continue;
    }
    while (j < text.size() && text[j] != c) out += text[j++];
    if (j < text.size()) out += text[j++];
  }
  out.append(text.substr(j));
  return out;
}

// Whether `query` looks for words next to each other: a phrase, or a
// term the tokenizer cuts in several ("big-wodin").
bool HasPhrase(const SearchQuery& query) {
  for (const SearchClause& clause : query.any_of) {
    for (const SearchTerm& term : clause.all_of) {
      std::string_view text = term.text;
      while (!text.empty() && !IsWordByte(static_cast<unsigned char>(text.front()))) {
        text.remove_prefix(1);
      }
      while (!text.empty() && !IsWordByte(static_cast<unsigned char>(text.back()))) {
        text.remove_suffix(1);
      }
      if (std::any_of(text.begin(), text.end(),
                      [](char c) { return !IsWordByte(static_cast<unsigned char>(c)); }))
        return true;
    }
  }
  return false;
}

// ts_headline marks each word on its own. For a query with a phrase,
// matches with only spaces between them are made one mark, as SQLite's
// excerpt marks a phrase (two separate matches side by side are then one
// too, which reads the same); otherwise the marks are left alone, so the
// window of a text full of matches is not stretched by one long mark.
std::string JoinMarks(std::string_view marked, bool join) {
  if (!join) return std::string(marked);
  std::string out;
  for (size_t i = 0; i < marked.size(); ++i) {
    if (marked[i] == kMatchEnd) {
      size_t next = i + 1;
      while (next < marked.size() && marked[next] == ' ') ++next;
      if (next < marked.size() && marked[next] == kMatchStart) {
        out.append(marked, i + 1, next - i - 1);
        i = next;
        continue;
      }
    }
    out += marked[i];
  }
  return out;
}

// Words shown before the first match, and the most bytes shown, as
// SQLite's wikid_excerpt (search_excerpt.cc).
constexpr int kWordsBefore = 6;
constexpr size_t kMaxExcerptBytes = 400;

// Appends `text` to `out` while it holds less than kMaxExcerptBytes;
// false (cut at a character's start) when it reached them.
bool AppendUpTo(std::string& out, std::string_view text) {
  if (out.size() + text.size() <= kMaxExcerptBytes) {
    out += text;
    return true;
  }
  size_t room = kMaxExcerptBytes > out.size() ? kMaxExcerptBytes - out.size() : 0;
  while (room > 0 && (static_cast<unsigned char>(text[room]) & 0xC0) == 0x80) --room;
  out.append(text.substr(0, room));
  return false;
}

// `words` words of a text ts_headline marked (JoinMarks'd), from a few
// before the first match, each mark kept, with "…" where the text was
// cut: what SQLite's wikid_excerpt shows.
std::string ExcerptOfMarked(std::string_view marked, int words) {
  struct Word {
    size_t begin, end;  // in `text`
    int mark;           // the mark it is in, or -1
  };
  std::string text;  // without the marks
  std::vector<Word> list;
  int mark = -1, marks = 0;
  for (size_t i = 0; i < marked.size();) {
    if (marked[i] == kMatchStart) {
      mark = marks++;
      ++i;
    } else if (marked[i] == kMatchEnd) {
      mark = -1;
      ++i;
    } else if (IsWordByte(static_cast<unsigned char>(marked[i]))) {
      Word word{.begin = text.size(), .end = 0, .mark = mark};
      while (i < marked.size() && IsWordByte(static_cast<unsigned char>(marked[i]))) {
        text += marked[i++];
      }
      word.end = text.size();
      list.push_back(word);
    } else {
      text += marked[i++];
    }
  }
  if (list.empty()) return "";
  auto first_match = std::find_if(list.begin(), list.end(), [](const Word& w) { return w.mark >= 0; });
  const int first = first_match == list.end()
                        ? 0
                        : std::max(0, static_cast<int>(first_match - list.begin()) - kWordsBefore);
  int last = std::min(static_cast<int>(list.size()) - 1, first + words - 1);
  // A mark the window cuts is shown whole.
  while (last + 1 < static_cast<int>(list.size()) && list[last].mark >= 0 &&
         list[last + 1].mark == list[last].mark) {
    ++last;
  }
  std::string out = first > 0 ? "…" : "";
  bool cut = false;
  for (int i = first; i <= last && !cut; ++i) {
    const Word& w = list[i];
    if (i > first) {
      cut = !AppendUpTo(out, std::string_view(text).substr(list[i - 1].end, w.begin - list[i - 1].end));
      if (cut) break;
    }
    if (w.mark >= 0 && (i == first || list[i - 1].mark != w.mark)) out += kMatchStart;
    cut = !AppendUpTo(out, std::string_view(text).substr(w.begin, w.end - w.begin));
    if (w.mark >= 0 && (cut || i == last || list[i + 1].mark != w.mark)) out += kMatchEnd;
  }
  if (cut || last + 1 < static_cast<int>(list.size())) return out + "…";
  // The whole rest of the text was shown: its trailing punctuation too.
  std::string_view rest = std::string_view(text).substr(list[last].end);
  while (!rest.empty() && (rest.back() == ' ' || rest.back() == '\n' || rest.back() == '\t' ||
                           rest.back() == '\r'))
    rest.remove_suffix(1);
  if (!AppendUpTo(out, rest)) out += "…";
  return out;
}

// --- Ranking ------------------------------------------------------------

struct Ranked {
  int64_t id;
  double score;  // ts_rank: higher is better
};

// The (page_id, rank) rows of `r` but those in `skip`, best first, the
// newer page first between equals.
std::vector<Ranked> ReadRanked(const PgResult& r, const std::unordered_set<int64_t>& skip = {}) {
  std::vector<Ranked> ranked;
  for (int i = 0; i < r.rows(); ++i) {
    if (!skip.contains(r.Int(i, 0))) ranked.push_back({r.Int(i, 0), r.Double(i, 1)});
  }
  std::sort(ranked.begin(), ranked.end(), [](const Ranked& a, const Ranked& b) {
    return a.score != b.score ? a.score > b.score : a.id > b.id;
  });
  return ranked;
}

}  // namespace

Status PostgresPageStore::PrepareSearch() {
  return db_.PrepareAll(
      {kSearchCount, kSearchTitles, kSearchTexts, kSearchNewest, kSearchShown});
}

Result<SearchResults> PostgresPageStore::Search(const SearchQuery& query, int64_t offset,
                                               int limit) {
  if (offset > kMaxSearchOffset) {
    return Status::Invalid("Search results can be paged through up to result " +
                           std::to_string(kMaxSearchOffset) +
                           "; add words to narrow the search.");
  }
  const std::string tsquery = TsQuery(query);
  const std::string marks = MarksQuery(query);
  SearchResults results;
  // RebuildSearchIndex replaces entries in place and never empties the
  // index, so it is never partial.
  {
    auto r = db_.Run(kSearchCount.name, PgParams().Add(tsquery).Add(search_candidates_ + 1));
    if (!r.ok()) return r.status();
    results.total = r->Int(0, 0);
  }
  results.more = results.total > search_candidates_;
  results.total = std::min(results.total, search_candidates_);
  if (results.total <= offset) return results;

  // Names first, unless the query subtracts (as on SQLite: a name that
  // matches counts only if its page does).
  std::vector<Ranked> ranked;
  if (!query.Subtracts()) {
    auto r = db_.Run(kSearchTitles.name, PgParams().Add(tsquery).Add(search_candidates_).Add(marks));
    if (!r.ok()) return r.status();
    ranked = ReadRanked(*r);
  }
  // Then the newest candidates of all, unless the names fill the page.
  if (offset + limit > static_cast<int64_t>(ranked.size())) {
    std::unordered_set<int64_t> named;
    for (const Ranked& n : ranked) named.insert(n.id);
    auto r = query.HasPrefix()
                 ? db_.Run(kSearchNewest.name, PgParams().Add(tsquery).Add(search_candidates_))
                 : db_.Run(kSearchTexts.name,
                           PgParams().Add(tsquery).Add(search_candidates_).Add(marks));
    if (!r.ok()) return r.status();
    std::vector<Ranked> texts = ReadRanked(*r, named);
    ranked.insert(ranked.end(), texts.begin(), texts.end());
  }
  if (offset >= static_cast<int64_t>(ranked.size())) return results;
  std::vector<int64_t> shown;
  std::string ids = "{";
  for (size_t i = static_cast<size_t>(offset);
       i < ranked.size() && shown.size() < static_cast<size_t>(limit); ++i) {
    shown.push_back(ranked[i].id);
    ids += (ids.size() > 1 ? "," : "") + std::to_string(ranked[i].id);
  }
  ids += "}";
  auto r = db_.Run(kSearchShown.name, PgParams().Add(marks).Add(ids));
  if (!r.ok()) return r.status();
  const bool join = HasPhrase(query);
  std::unordered_map<int64_t, SearchHit> marked;
  for (int i = 0; i < r->rows(); ++i) {
    marked.emplace(r->Int(i, 0),
                   SearchHit{.title = r->Text(i, 1),
                             .title_marked = JoinMarks(Remark(r->Text(i, 1), r->Text(i, 3)), join),
                             .snippet = ExcerptOfMarked(
                                 JoinMarks(Remark(r->Text(i, 5), r->Text(i, 4)), join), 24),
                             .latest_rev = r->Int(i, 2)});
  }
  for (int64_t id : shown) {
    auto hit = marked.find(id);
    if (hit != marked.end()) results.hits.push_back(std::move(hit->second));
  }
  return results;
}

}  // namespace wikid
