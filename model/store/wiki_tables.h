// The wiki's tables as rows, for `wikid copy-database` (model/
// copy_database.h), which moves a whole wiki from one engine to another:
// which tables it copies, column by column, and which it deliberately
// leaves (rebuilt on the target, or state of one deployment); and
// TableAccess, each engine's plain reads and writes of those rows.
//
// Every table of either engine's schema must be named here, copied or
// skipped: the copier refuses a database that holds a table or a column
// it does not know (a table added by a later migration would otherwise be
// left behind without a word), and tests/copy_database_test checks both
// schemas against these lists, so a new table fails it until someone
// decides how it is copied.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "model/base/status.h"

namespace wikid {

enum class StoreEngine { kSqlite, kPostgres };

// A column's values as the copier carries them. kBool is SQLite's 0/1
// INTEGER and PostgreSQL's BOOLEAN, carried as 0 or 1.
enum class ColumnKind { kInt, kBool, kText, kBlob };

struct TableColumn {
  const char* name;
  ColumnKind kind;
  bool nullable = false;
};

// A table copied row for row, with the same columns on both engines.
struct CopiedTable {
  const char* name;
  std::vector<TableColumn> columns;
  // Rows are read in the order of the first `key_columns` columns (byte
  // order for text and blobs, on both engines), which identify a row (or,
  // for outbox_attempt, all of whose columns are its key, identical rows
  // are interchangeable), so both sides checksum them in one order.
  int key_columns = 1;
  // Its first column is an id PostgreSQL generates (an identity), set
  // past the copied ids on a PostgreSQL target.
  bool identity = false;
  // At most this many rows in memory at a time, whatever the batch size
  // asked (0: no limit): a file's bytes may be megabytes.
  int max_batch_rows = 0;
};

// Every table copied, in an order that writes what a row refers to before
// the row (foreign keys).
const std::vector<CopiedTable>& CopiedTables();

// A table, or a column of a copied table, that the copier knows and does
// not copy, and why.
struct SkippedTable {
  StoreEngine engine;
  const char* table;
  const char* column;  // nullptr: the whole table
  const char* why;
};
const std::vector<SkippedTable>& SkippedTables();

// What is in `engine`'s schema (`tables`, each with its `columns`) and
// the copier does not know: "table watchlist", "column page.redirect_to";
// empty when every table and column is copied or skipped. A copied table
// or column missing from the schema is reported too ("missing table ...").
struct SchemaTable {
  std::string name;
  std::vector<std::string> columns;
};
std::vector<std::string> UnknownToCopier(StoreEngine engine,
                                         const std::vector<SchemaTable>& schema);

// One value of a row: `number` for kInt and kBool, `bytes` for kText and
// kBlob, neither when `null`.
struct CellValue {
  bool null = false;
  int64_t number = 0;
  std::string bytes;
};
using TableRow = std::vector<CellValue>;

// The rows of one engine's database, for the copier alone: a source read
// in one snapshot, or a target written in one transaction. Opened on a
// connection of its own (Storage::OpenTables).
class TableAccess {
 public:
  virtual ~TableAccess() = default;
  virtual StoreEngine engine() const = 0;

  // The schema's tables and their columns, the engine's own internal
  // tables left out (SQLite's sqlite_*, FTS5's shadow tables).
  virtual Result<std::vector<SchemaTable>> Schema() = 0;

  // A read-only transaction that sees one snapshot of the database
  // however long it lasts, while others write (SQLite: a read
  // transaction on WAL; PostgreSQL: REPEATABLE READ, READ ONLY).
  virtual Status BeginSnapshot() = 0;
  // The write transaction the whole copy goes into.
  virtual Status BeginWrite() = 0;
  virtual Status Commit() = 0;
  // Ends either without keeping anything (the destructor does too).
  virtual void Rollback() = 0;

  virtual Result<int64_t> CountRows(const CopiedTable& table) = 0;
  // Calls `batch` with up to `batch_rows` rows at a time, in key order,
  // until every row was given or it fails.
  virtual Status ReadRows(const CopiedTable& table, int batch_rows,
                          const std::function<Status(const std::vector<TableRow>&)>& batch) = 0;
  // Writes `rows` as they are, ids included.
  virtual Status InsertRows(const CopiedTable& table, const std::vector<TableRow>& rows) = 0;
  virtual Status DeleteRows(const CopiedTable& table) = 0;

  // After the copied rows are in, in the write transaction: rebuilds
  // what the engine derives from them (its search index; on SQLite the
  // ids no row holds, which its site counts subtract; on PostgreSQL the
  // site counts and the identities' next values). Returns the pages
  // accounted for: those the search index holds, plus the deleted pages
  // (issue 20), which it must not hold; the copier expects every page.
  virtual Result<int64_t> RebuildDerived() = 0;
};

}  // namespace wikid
