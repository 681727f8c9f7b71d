#include "tests/support/db_dump.h"

#include <sqlite3.h>

#include <algorithm>
#include <memory>
#include <stdexcept>
#include <string_view>

namespace wikid::testing {
namespace {

using Connection = std::unique_ptr<sqlite3, decltype(&sqlite3_close_v2)>;
using StatementPtr = std::unique_ptr<sqlite3_stmt, decltype(&sqlite3_finalize)>;

StatementPtr Prepare(sqlite3* db, const std::string& sql) {
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr) != SQLITE_OK) {
    throw std::runtime_error("cannot run " + sql + ": " + sqlite3_errmsg(db));
  }
  return StatementPtr(stmt, sqlite3_finalize);
}

}  // namespace

std::string DumpDatabase(const std::string& path,
                         const std::vector<std::string>& tables) {
  sqlite3* handle = nullptr;
  int rc =
      sqlite3_open_v2(path.c_str(), &handle, SQLITE_OPEN_READONLY, nullptr);
  Connection db(handle, sqlite3_close_v2);
  if (rc != SQLITE_OK) throw std::runtime_error("cannot open " + path);
  sqlite3_busy_timeout(handle, 10000);
  std::vector<std::string> names = tables;
  if (names.empty()) {
    auto list = Prepare(handle,
                        "SELECT name FROM sqlite_schema WHERE type = 'table' "
                        "AND name NOT LIKE 'sqlite_%' ORDER BY name");
    while (sqlite3_step(list.get()) == SQLITE_ROW) {
      names.emplace_back(
          reinterpret_cast<const char*>(sqlite3_column_text(list.get(), 0)));
    }
  }
  std::string dump;
  for (const std::string& table : names) {
    auto rows = Prepare(handle, "SELECT * FROM \"" + table + "\"");
    std::vector<std::string> lines;
    while ((rc = sqlite3_step(rows.get())) == SQLITE_ROW) {
      std::string line;
      for (int c = 0; c < sqlite3_column_count(rows.get()); ++c) {
        const unsigned char* text = sqlite3_column_text(rows.get(), c);
        line += (c ? "|" : "");
        line += text ? std::string(reinterpret_cast<const char*>(text),
                                   sqlite3_column_bytes(rows.get(), c))
                     : "NULL";
      }
      lines.push_back(line);
    }
    if (rc != SQLITE_DONE)
      throw std::runtime_error("cannot read " + table + " in " + path);
    std::sort(lines.begin(), lines.end());
    dump += "== " + table + "\n";
    for (const std::string& line : lines) dump += line + "\n";
  }
  return dump;
}

std::string DumpDatabase(const TestDatabase& db) {
  if (db.engine() == Engine::kSqlite) {
    return DumpDatabase(db.url().substr(std::string_view("sqlite:").size()));
  }
  std::string dump;
  for (const std::string& table : db.Column(
           "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY 1")) {
    dump += "-- " + table + "\n";
    for (const std::string& row : db.Column("SELECT t::text FROM \"" + table + "\" t ORDER BY 1")) {
      dump += row + "\n";
    }
  }
  return dump;
}

}  // namespace wikid::testing
