// SqlitePageStore's search: FTS5 over page names and latest texts
// (page_search) and over names alone (page_title_search), kept in the
// transaction of every save, rebuilt by `wikid reindex`.
//
// Every statement here reads a bounded number of rows, whatever the size
// of the wiki: the count stops past the candidates, the candidates are
// the newest matches (FTS5 walks a word's list from its end and stops),
// and highlight() and snippet(), which read and tokenize a page's text,
// run only for the hits shown.
#include <algorithm>
#include <unordered_map>
#include <unordered_set>

#include "model/store/sqlite/fts5_query.h"
#include "model/store/sqlite/search_excerpt.h"
#include "model/store/sqlite/search_words.h"
#include "model/store/sqlite/sqlite_page_store.h"

namespace wikid {
namespace {

// page_search reads texts from page_search_source (schema 16): deleting a
// row removes the words of what the view shows for it now.
constexpr char kUnindexPageSql[] = "DELETE FROM page_search WHERE rowid = ?1";
constexpr char kIndexPageSql[] =
    "INSERT INTO page_search (rowid, title, body) VALUES (?1, ?2, ?3)";
// Set while `wikid reindex` runs: pages up to it are in the index.
constexpr char kRebuildCursorSql[] = "SELECT indexed_through FROM search_rebuild";
constexpr char kIndexTitleSql[] =
    "INSERT INTO page_title_search (rowid, title) VALUES (?1, ?2)";

// Matches, counted up to ?2.
constexpr char kSearchCountSql[] = R"sql(
  SELECT count(*) FROM
    (SELECT 1 FROM page_search WHERE page_search MATCH ?1 LIMIT ?2))sql";

// The newest ?2 pages whose name alone matches, with the rank of the
// name.
constexpr char kSearchTitlesSql[] = R"sql(
  SELECT rowid, bm25(page_title_search) FROM page_title_search
   WHERE page_title_search MATCH ?1 ORDER BY rowid DESC LIMIT ?2)sql";

// The newest ?2 pages that match, with their rank.
constexpr char kSearchTextsSql[] = R"sql(
  SELECT rowid, bm25(page_search, 10.0, 1.0) FROM page_search
   WHERE page_search MATCH ?1 ORDER BY rowid DESC LIMIT ?2)sql";

// The newest ?2 pages that match, unranked: a prefix stands for words of
// very different weights, and weighing each of the candidates by all of
// the words it holds (hundreds, in a long page, for "wo*") costs more
// than the rest of the search; so, as Lucene does with its prefix
// queries, all score the same and the newest come first, after names.
constexpr char kSearchNewestSql[] = R"sql(
  SELECT rowid, 0.0 FROM page_search
   WHERE page_search MATCH ?1 ORDER BY rowid DESC LIMIT ?2)sql";

// The hits shown, marked (char(2) and char(3) are kMatchStart and
// kMatchEnd), the text's excerpt by wikid_excerpt (search_excerpt.h),
// linear where FTS5's snippet() is not: of the pages in the list ?4
// (",id,id,...,", between ?2 and ?3). The expression is evaluated once,
// walking the range (ShownGroups keeps it short): an IN list would make
// SQLite look each page up with the expression evaluated again, which for
// a prefix of five characters or more merges the lists of every word that
// starts with it each time.
constexpr char kSearchShownSql[] = R"sql(
  SELECT page_search.rowid, p.name, p.latest_rev,
         highlight(page_search, 0, char(2), char(3)),
         wikid_excerpt(page_search, 1, 24)
    FROM page_search JOIN page p ON p.id = page_search.rowid
   WHERE page_search MATCH ?1 AND page_search.rowid BETWEEN ?2 AND ?3
     AND instr(?4, ',' || page_search.rowid || ',') > 0)sql";

struct Ranked {
  int64_t id;
  double score;  // bm25: lower is better
};

// The (rowid, bm25) rows of `q` but those in `skip`, best first, the
// newer page first between equals.
Result<std::vector<Ranked>> ReadRanked(Query& q,
                                       const std::unordered_set<int64_t>& skip = {}) {
  std::vector<Ranked> ranked;
  while (true) {
    auto row = q->Step();
    if (!row.ok()) return row.status();
    if (!*row) break;
    if (!skip.contains(q->ColumnInt(0)))
      ranked.push_back({q->ColumnInt(0), q->ColumnDouble(1)});
  }
  std::sort(ranked.begin(), ranked.end(), [](const Ranked& a, const Ranked& b) {
    return a.score != b.score ? a.score < b.score : a.id > b.id;
  });
  return ranked;
}

// The hits to show, in groups of ids close together, so that the rows
// between a group's first and last id, which the statement walks, are
// few.
std::vector<std::vector<int64_t>> ShownGroups(std::vector<int64_t> ids) {
  constexpr int64_t kGap = 1000;
  std::sort(ids.begin(), ids.end());
  std::vector<std::vector<int64_t>> groups;
  for (int64_t id : ids) {
    if (groups.empty() || id - groups.back().back() > kGap) groups.emplace_back();
    groups.back().push_back(id);
  }
  return groups;
}

// Binds ?2, ?3 and ?4 as the range and the list ",id,id,...," of `ids`
// (not empty).
void BindIds(Query& q, const std::vector<int64_t>& ids) {
  std::string list = ",";
  for (int64_t id : ids) list += std::to_string(id) + ",";
  q->Bind(2, *std::min_element(ids.begin(), ids.end()));
  q->Bind(3, *std::max_element(ids.begin(), ids.end()));
  q->Bind(4, list);
}

// Fts5Expression's output always parses; an expression FTS5 refused (an
// SQLITE_ERROR, which is Internal) would be a bug of ours, but the
// reader is told only that the search could not be made.
Status Refused(const Status& status) {
  if (status.code() == Status::Code::kInternal) {
    return Status::Invalid("The search could not be understood.");
  }
  return status;
}

}  // namespace

Status SqlitePageStore::PrepareSearch() {
  if (Status s = RegisterSearchExcerpt(db_.handle()); !s.ok()) return s;
  auto words = SearchWords::Open(db_);
  if (!words.ok()) return words.status();
  search_words_ = std::move(*words);
  return db_.PrepareAll({
      {&unindex_page_, kUnindexPageSql},
      {&index_page_, kIndexPageSql},
      {&index_title_, kIndexTitleSql},
      {&rebuild_cursor_, kRebuildCursorSql},
      {&search_count_, kSearchCountSql},
      {&search_titles_, kSearchTitlesSql},
      {&search_texts_, kSearchTextsSql},
      {&search_newest_, kSearchNewestSql},
      {&search_shown_, kSearchShownSql},
  });
}

Result<std::optional<int64_t>> SqlitePageStore::RebuildCursor() {
  Query q(*rebuild_cursor_);
  auto row = q->Step();
  if (!row.ok()) return row.status();
  if (!*row) return std::optional<int64_t>();
  return std::optional<int64_t>(q->ColumnInt(0));
}

Status SqlitePageStore::IndexText(int64_t page_id, const Edit& edit, bool created) {
  // While a rebuild runs, a page past its cursor is not in the index: its
  // batch will read the latest text, and a delete here would remove words
  // the index does not hold (FTS5 external content trusts the caller).
  auto cursor = RebuildCursor();
  if (!cursor.ok()) return cursor.status();
  if (!*cursor || page_id <= **cursor) {
    if (Status s = ReplaceIndexedText(page_id, edit, created); !s.ok()) return s;
  }
  for (std::string_view text : {std::string_view(edit.name.title()),
                                std::string_view(edit.text)}) {
    if (Status s = search_words_->Record(text); !s.ok()) return s;
  }
  if (!created) return Status::Ok();
  Query q(*index_title_);
  q->Bind(1, page_id);
  q->Bind(2, edit.name.title());
  auto done = q->Step();
  return done.ok() ? Status::Ok() : done.status();
}

Status SqlitePageStore::ReplaceIndexedText(int64_t page_id, const Edit& edit,
                                           bool created) {
  // A new page has nothing indexed (page_search_source already shows its
  // text: deleting it would remove words never added). A page saved
  // again is still shown by the view at its old revision, since Save
  // moves the page's latest revision after this.
  if (!created) {
    Query q(*unindex_page_);
    q->Bind(1, page_id);
    if (auto done = q->Step(); !done.ok()) return done.status();
  }
  Query q(*index_page_);
  q->Bind(1, page_id);
  q->Bind(2, edit.name.title());
  q->Bind(3, edit.text);
  auto done = q->Step();
  return done.ok() ? Status::Ok() : done.status();
}

Result<SearchResults> SqlitePageStore::Search(const SearchQuery& query, int64_t offset,
                                             int limit) {
  if (offset > kMaxSearchOffset) {
    return Status::Invalid("Search results can be paged through up to result " +
                           std::to_string(kMaxSearchOffset) +
                           "; add words to narrow the search.");
  }
  const bool prefix = query.HasPrefix();
  auto expanded = search_words_->ExpandPrefixes(Fts5Expression(query));
  if (!expanded.ok()) return expanded.status();
  const std::string& fts_query = *expanded;
  SearchResults results;
  auto rebuilding = RebuildCursor();
  if (!rebuilding.ok()) return rebuilding.status();
  results.partial_index = rebuilding->has_value();
  {
    Query q(*search_count_);
    q->Bind(1, fts_query);
    q->Bind(2, search_candidates_ + 1);
    auto row = q->Step();
    if (!row.ok()) return Refused(row.status());
    results.total = *row ? q->ColumnInt(0) : 0;
  }
  results.more = results.total > search_candidates_;
  results.total = std::min(results.total, search_candidates_);
  if (results.total <= offset) return results;

  // Names first: the newest candidates whose name matches. A page whose
  // name matches matches as a whole, unless the expression subtracts ("a
  // -b", and b in the text): then names count only through their weight
  // in the rank.
  std::vector<Ranked> ranked;
  if (!query.Subtracts()) {
    Query q(*search_titles_);
    q->Bind(1, fts_query);
    q->Bind(2, search_candidates_);
    auto named = ReadRanked(q);
    if (!named.ok()) return Refused(named.status());
    ranked = std::move(*named);
    // page_title_search is rebuilt range by range, so it holds every
    // name; while page_search is refilled, pages past the rebuild's
    // cursor are not in it yet, and would be listed without their text.
    if (const std::optional<int64_t>& cursor = *rebuilding) {
      std::erase_if(ranked, [&](const Ranked& r) { return r.id > *cursor; });
    }
  }
  // Then the newest candidates of all, unless the names fill the page.
  if (offset + limit > static_cast<int64_t>(ranked.size())) {
    std::unordered_set<int64_t> named;
    for (const Ranked& r : ranked) named.insert(r.id);
    Query q(prefix ? *search_newest_ : *search_texts_);
    q->Bind(1, fts_query);
    q->Bind(2, search_candidates_);
    auto texts = ReadRanked(q, named);
    if (!texts.ok()) return Refused(texts.status());
    ranked.insert(ranked.end(), texts->begin(), texts->end());
  }
  if (offset >= static_cast<int64_t>(ranked.size())) return results;
  std::vector<int64_t> shown;
  for (size_t i = static_cast<size_t>(offset);
       i < ranked.size() && shown.size() < static_cast<size_t>(limit); ++i) {
    shown.push_back(ranked[i].id);
  }

  std::unordered_map<int64_t, SearchHit> marked;
  for (const std::vector<int64_t>& group : ShownGroups(shown)) {
    Query q(*search_shown_);
    q->Bind(1, fts_query);
    BindIds(q, group);
    while (true) {
      auto row = q->Step();
      if (!row.ok()) return Refused(row.status());
      if (!*row) break;
      marked.emplace(q->ColumnInt(0), SearchHit{.title = q->ColumnText(1),
                                                .title_marked = q->ColumnText(3),
                                                .snippet = q->ColumnText(4),
                                                .latest_rev = q->ColumnInt(2)});
    }
  }
  for (int64_t id : shown) {
    auto hit = marked.find(id);
    if (hit != marked.end()) results.hits.push_back(std::move(hit->second));
  }
  return results;
}

Result<int64_t> SqlitePageStore::RebuildSearchIndex(
    int batch, const std::function<void(int64_t done, int64_t total)>& progress) {
  // Rare (an operator's command): prepared here, not kept.
  auto total = db_.Prepare("SELECT count(*) FROM page");
  auto start = db_.Prepare("INSERT INTO search_rebuild (id, indexed_through) VALUES (1, 0)");
  auto clear = db_.Prepare("INSERT INTO page_search (page_search) VALUES ('delete-all')");
  auto reached = db_.Prepare("SELECT count(*) FROM page WHERE id <= ?1");
  // The last page id of the next batch after ?1.
  auto batch_end =
      db_.Prepare("SELECT max(id), count(*) FROM (SELECT id FROM page WHERE id > ?1 ORDER BY id LIMIT ?2)");
  auto index = db_.Prepare(
      "INSERT INTO page_search (rowid, title, body) "
      "SELECT page_id, title, body FROM page_search_source "
      "WHERE page_id > ?1 AND page_id <= ?2");
  auto unindex_titles =
      db_.Prepare("DELETE FROM page_title_search WHERE rowid > ?1 AND rowid <= ?2");
  auto index_titles = db_.Prepare(
      "INSERT INTO page_title_search (rowid, title) "
      "SELECT id, name FROM page WHERE id > ?1 AND id <= ?2 AND deleted = 0");
  auto advance = db_.Prepare("UPDATE search_rebuild SET indexed_through = ?1");
  auto finish = db_.Prepare("DELETE FROM search_rebuild");
  for (auto* prepared : {&total, &start, &clear, &reached, &batch_end, &index,
                         &unindex_titles, &index_titles, &advance, &finish}) {
    if (!prepared->ok()) return prepared->status();
  }
  auto count_of = [](Statement& stmt, std::optional<int64_t> bound) -> Result<int64_t> {
    Query q(stmt);
    if (bound) q->Bind(1, *bound);
    auto row = q->Step();
    if (!row.ok()) return row.status();
    return q->ColumnInt(0);
  };
  // The index is emptied once and refilled in batches; the cursor in
  // search_rebuild tells saves which pages it holds (IndexText). An
  // interrupted rebuild left its cursor: this one goes on from there.
  int64_t done = 0;
  {
    Transaction txn(db_);
    if (Status s = txn.Begin(); !s.ok()) return s;
    auto cursor = RebuildCursor();
    if (!cursor.ok()) return cursor.status();
    if (*cursor) {
      auto before = count_of(**reached, **cursor);
      if (!before.ok()) return before.status();
      done = *before;
    } else {
      for (Statement* stmt : {start->get(), clear->get()}) {
        Query q(*stmt);
        if (auto written = q->Step(); !written.ok()) return written.status();
      }
    }
    if (Status s = txn.Commit(); !s.ok()) return s;
  }
  while (true) {
    Transaction txn(db_);
    if (Status s = txn.Begin(); !s.ok()) return s;
    // Read in the batch's transaction: another `wikid reindex` may have
    // moved it (two of them share the work).
    auto cursor = RebuildCursor();
    if (!cursor.ok()) return cursor.status();
    if (!*cursor) break;  // another one finished it
    const int64_t last_id = **cursor;
    int64_t end_id = 0, count = 0;
    {
      Query q(**batch_end);
      q->Bind(1, last_id);
      q->Bind(2, static_cast<int64_t>(batch));
      auto row = q->Step();
      if (!row.ok()) return row.status();
      count = q->ColumnInt(1);
      end_id = q->ColumnInt(0);
    }
    if (count == 0) {
      // Every page is in: saves index every page again.
      Query q(**finish);
      if (auto written = q->Step(); !written.ok()) return written.status();
      if (Status s = txn.Commit(); !s.ok()) return s;
      break;
    }
    for (Statement* stmt : {index->get(), unindex_titles->get(), index_titles->get()}) {
      Query q(*stmt);
      q->Bind(1, last_id);
      q->Bind(2, end_id);
      if (auto written = q->Step(); !written.ok()) return written.status();
    }
    {
      Query q(**advance);
      q->Bind(1, end_id);
      if (auto written = q->Step(); !written.ok()) return written.status();
    }
    if (Status s = txn.Commit(); !s.ok()) return s;
    done += count;
    if (progress) {
      auto pages = count_of(**total, std::nullopt);
      if (!pages.ok()) return pages.status();
      progress(done, std::max(*pages, done));
    }
  }
  // Batches leave each index in many segments, which every search then
  // reads (common words ran at twice the time after a reindex at 100,000
  // pages). FTS5's 'optimize' would pack one in a single transaction,
  // holding the write lock for tens of seconds; a negative 'merge' packs
  // a few megabytes per step, across levels, and saves get through
  // between steps. A step that changed less than two rows found nothing
  // left to merge (FTS5's documented test).
  for (const char* merge :
       {"INSERT INTO page_search (page_search, rank) VALUES ('merge', -1000)",
        "INSERT INTO page_title_search (page_title_search, rank) VALUES ('merge', -1000)"}) {
    auto step = db_.Prepare(merge);
    if (!step.ok()) return step.status();
    while (true) {
      const int64_t before = db_.total_changes();
      if (auto written = db_.WriteOne(**step); !written.ok()) return written.status();
      if (db_.total_changes() - before < 2) break;
    }
  }
  if (Status s = search_words_->SyncWithIndex(); !s.ok()) return s;
  return done;
}

}  // namespace wikid
