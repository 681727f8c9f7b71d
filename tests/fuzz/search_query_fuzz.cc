// Search queries (model/text/search_query.h): whatever a reader types
// either is refused with a message, or is parsed into a query whose FTS5
// expression (model/store/sqlite/fts5_query.h) SQLite accepts on a table
// made like wikid's. Garbage never reaches a reader as an SQL error.
// (PostgreSQL's tsquery of the same queries is tested on a real server
// by search_test_postgres.)
#include <sqlite3.h>

#include "model/store/sqlite/fts5_query.h"
#include "model/text/search_query.h"
#include "tests/fuzz/fuzz_input.h"

namespace {

sqlite3_stmt* Statement() {
  static sqlite3_stmt* statement = [] {
    sqlite3* db = nullptr;
    sqlite3_open(":memory:", &db);
    sqlite3_exec(db,
                 "CREATE VIRTUAL TABLE page_search USING fts5(title, body, "
                 "tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3');"
                 "INSERT INTO page_search VALUES ('Main Page', 'some text, café and more');",
                 nullptr, nullptr, nullptr);
    sqlite3_stmt* s = nullptr;
    sqlite3_prepare_v2(db, "SELECT count(*) FROM page_search WHERE page_search MATCH ?", -1,
                       &s, nullptr);
    return s;
  }();
  return statement;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto parsed = wikid::ParseSearch(std::string_view(reinterpret_cast<const char*>(data), size));
  if (!parsed.ok()) return 0;
  const std::string query = wikid::Fts5Expression(*parsed);
  sqlite3_stmt* s = Statement();
  sqlite3_reset(s);
  sqlite3_bind_text(s, 1, query.data(), static_cast<int>(query.size()), SQLITE_TRANSIENT);
  int rc = sqlite3_step(s);
  if (rc != SQLITE_ROW) {
    std::fprintf(stderr, "MATCH %s: %s\n", query.c_str(),
                 sqlite3_errmsg(sqlite3_db_handle(s)));
  }
  wikid::fuzz::Check(rc == SQLITE_ROW, "FTS5 accepts every expression Fts5Expression makes");
  return 0;
}
