// PostgresPageImport: PageImport (model/store/page_import.h) on
// PostgreSQL, as SqlitePageImport is on SQLite: one transaction for the
// whole import, prepared statements reused for every revision, and the
// derived tables of the pages it touched rebuilt at the end.
//
// The transaction first locks the page table in EXCLUSIVE mode: plain
// reads go on, but every save, move and delete locks its page's row
// first (FOR UPDATE) and waits there, before it has written anything, so
// an import and a save never interleave (nor deadlock): a serving wiki's
// saves wait for the import and answer 503 past their statement timeout,
// as SQLite's wait for its write lock. Saves under way when the import
// starts finish first. The import's own statements have no timeout.
#pragma once

#include <memory>

#include "model/store/page_import.h"
#include "model/store/postgres/pg_connection.h"

namespace wikid {

class PostgresPageImport : public PageImport {
 public:
  // Borrows `db`, which must outlive it.
  static Result<std::unique_ptr<PostgresPageImport>> Create(PgConnection& db);
  ~PostgresPageImport() override { Rollback(); }

  Status Begin() override;
  Status Commit() override;
  void Rollback() override { txn_.reset(); }
  Result<ImportPage> FindPage(const PageName& name) override;
  Result<std::set<int64_t>> RevisionTimes(int64_t page_id) override;
  Result<bool> HasRevision(int64_t page_id, int64_t created_at,
                           const std::string& text) override;
  Result<std::optional<int64_t>> AccountId(const std::string& name_key) override;
  Status Append(ImportPage& page, const ImportRevision& revision) override;
  Status Finish() override;

 private:
  explicit PostgresPageImport(PgConnection& db) : db_(db) {}

  PgConnection& db_;
  std::unique_ptr<PgTransaction> txn_;
  int64_t last_touched_ = 0;  // the page Append last recorded as touched
  int64_t pages_added_ = 0;   // for the site's counts, at Finish
  int64_t revisions_added_ = 0;
};

}  // namespace wikid
