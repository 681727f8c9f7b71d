// SqliteTableAccess: the wiki's tables as rows on SQLite, for `wikid
// copy-database` (model/store/wiki_tables.h).
#pragma once

#include <map>
#include <memory>
#include <string>

#include "model/store/sqlite/database.h"
#include "model/store/wiki_tables.h"

namespace wikid {

class SqliteTableAccess : public TableAccess {
 public:
  // Borrows `db`, which must outlive it.
  explicit SqliteTableAccess(Database& db) : db_(db) {}
  ~SqliteTableAccess() override { Rollback(); }

  StoreEngine engine() const override { return StoreEngine::kSqlite; }
  Result<std::vector<SchemaTable>> Schema() override;
  Status BeginSnapshot() override;
  Status BeginWrite() override;
  Status Commit() override;
  void Rollback() override;
  Result<int64_t> CountRows(const CopiedTable& table) override;
  Status ReadRows(const CopiedTable& table, int batch_rows,
                  const std::function<Status(const std::vector<TableRow>&)>& batch) override;
  Status InsertRows(const CopiedTable& table, const std::vector<TableRow>& rows) override;
  Status DeleteRows(const CopiedTable& table) override;
  Result<int64_t> RebuildDerived() override;

 private:
  Result<int64_t> Count(const std::string& sql);

  Database& db_;
  bool open_ = false;
  std::map<std::string, std::unique_ptr<Statement>> inserts_;  // by table
};

}  // namespace wikid
