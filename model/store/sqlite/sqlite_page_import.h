// SqlitePageImport: PageImport (model/store/page_import.h) on SQLite: one
// BEGIN IMMEDIATE transaction for the whole import, prepared statements
// reused for every revision, and the derived tables rebuilt at the end.
#pragma once

#include <memory>

#include "model/store/page_import.h"
#include "model/store/sqlite/database.h"

namespace wikid {

class SqlitePageImport : public PageImport {
 public:
  // Borrows `db`, which must outlive it.
  static Result<std::unique_ptr<SqlitePageImport>> Create(Database& db);
  ~SqlitePageImport() override { Rollback(); }

  Status Begin() override;
  Status Commit() override;
  void Rollback() override;
  Result<ImportPage> FindPage(const PageName& name) override;
  Result<std::set<int64_t>> RevisionTimes(int64_t page_id) override;
  Result<bool> HasRevision(int64_t page_id, int64_t created_at,
                           const std::string& text) override;
  Result<std::optional<int64_t>> AccountId(const std::string& name_key) override;
  Status Append(ImportPage& page, const ImportRevision& revision) override;
  Status Finish() override;

 private:
  explicit SqlitePageImport(Database& db) : db_(db) {}
  Status Run(Statement& stmt);

  Database& db_;
  bool open_ = false;
  std::unique_ptr<Statement> find_page_, times_, has_revision_, account_, insert_page_,
      insert_revision_, insert_link_, set_latest_, count_edit_, touch_;
};

}  // namespace wikid
