#include "model/store/sqlite/fts5.h"

#include <string>

namespace wikid {

Result<fts5_api*> Fts5Api(sqlite3* db) {
  // The documented way to reach it: SELECT fts5(?1) with a pointer bound.
  fts5_api* api = nullptr;
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v2(db, "SELECT fts5(?1)", -1, &stmt, nullptr) != SQLITE_OK) {
    return Status::Internal(std::string("FTS5 is missing: ") + sqlite3_errmsg(db));
  }
  sqlite3_bind_pointer(stmt, 1, static_cast<void*>(&api), "fts5_api_ptr", nullptr);
  sqlite3_step(stmt);
  sqlite3_finalize(stmt);
  if (api == nullptr || api->iVersion < 2) {
    return Status::Internal("FTS5's API is missing or too old");
  }
  return api;
}

}  // namespace wikid
