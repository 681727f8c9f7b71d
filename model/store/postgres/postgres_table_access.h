// PostgresTableAccess: the wiki's tables as rows on PostgreSQL, for
// `wikid copy-database` (model/store/wiki_tables.h).
#pragma once

#include <optional>
#include <set>
#include <string>

#include "model/store/postgres/pg_connection.h"
#include "model/store/wiki_tables.h"

namespace wikid {

class PostgresTableAccess : public TableAccess {
 public:
  // Borrows `db`, which must outlive it.
  explicit PostgresTableAccess(PgConnection& db) : db_(db) {}

  StoreEngine engine() const override { return StoreEngine::kPostgres; }
  Result<std::vector<SchemaTable>> Schema() override;
  Status BeginSnapshot() override;
  Status BeginWrite() override;
  Status Commit() override;
  void Rollback() override { txn_.reset(); }
  Result<int64_t> CountRows(const CopiedTable& table) override;
  Status ReadRows(const CopiedTable& table, int batch_rows,
                  const std::function<Status(const std::vector<TableRow>&)>& batch) override;
  Status InsertRows(const CopiedTable& table, const std::vector<TableRow>& rows) override;
  Status DeleteRows(const CopiedTable& table) override;
  Result<int64_t> RebuildDerived() override;

 private:
  PgConnection& db_;
  std::optional<PgTransaction> txn_;
  std::set<std::string> prepared_;  // the INSERTs' names
};

}  // namespace wikid
