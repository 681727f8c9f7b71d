#include "model/copy_database.h"

#include <algorithm>
#include <filesystem>
#include <memory>

#include "model/base/sha256.h"
#include "model/store/wiki_tables.h"

namespace wikid {
namespace {

// Each row into `sum`, as TableSum describes.
void AddRow(const CopiedTable& table, const TableRow& row, Sha256& sum) {
  auto be64 = [](uint64_t v) {
    std::string bytes(8, '\0');
    for (int i = 7; i >= 0; --i, v >>= 8) bytes[i] = static_cast<char>(v & 0xff);
    return bytes;
  };
  for (size_t i = 0; i < table.columns.size(); ++i) {
    const CellValue& cell = row[i];
    if (cell.null) {
      sum.Update("N");
      continue;
    }
    switch (table.columns[i].kind) {
      case ColumnKind::kInt:
      case ColumnKind::kBool:
        sum.Update("I");
        sum.Update(be64(static_cast<uint64_t>(cell.number)));
        break;
      case ColumnKind::kText:
      case ColumnKind::kBlob:
        sum.Update(table.columns[i].kind == ColumnKind::kText ? "T" : "B");
        sum.Update(be64(cell.bytes.size()));
        sum.Update(cell.bytes);
        break;
    }
  }
}

// An engine's connection and its tables, opened on the database `options`
// names; `role` ("the source", "the target") begins each message.
struct Side {
  std::unique_ptr<Storage> storage;
  std::unique_ptr<TableAccess> tables;
};

Result<Side> OpenSide(const StorageOptions& options, const std::string& role) {
  Side side;
  auto storage = OpenStorage(options);
  if (!storage.ok()) {
    const Status& s = storage.status();
    return s.IsInvalid() ? Status::Invalid(role + ": " + s.message())
                         : Status::Unavailable(role + ": " + s.message());
  }
  side.storage = std::move(*storage);
  auto tables = side.storage->OpenTables();
  if (!tables.ok()) return tables.status();
  side.tables = std::move(*tables);
  return side;
}

// Invalid when `side`'s schema holds what the copier does not know.
Status CheckSchema(TableAccess& side, const std::string& role) {
  auto schema = side.Schema();
  if (!schema.ok()) return schema.status();
  std::vector<std::string> unknown =
      UnknownToCopier(side.engine(), *schema);
  if (unknown.empty()) return Status::Ok();
  std::string list;
  for (const std::string& what : unknown) list += (list.empty() ? "" : ", ") + what;
  return Status::Invalid(role + " holds what this wikid's copy-database does not know how to "
                         "copy (" + list + "); a newer wikid may: nothing was copied");
}

// Reads every row of `table` from `side` into a TableSum, handing each
// batch to `also` (if given) first.
Result<TableSum> Sum(TableAccess& side, const CopiedTable& table, int batch_rows,
                     const std::function<Status(const std::vector<TableRow>&)>& also) {
  TableSum result{.table = table.name, .rows = 0, .sha256 = {}};
  Sha256 sum;
  if (table.max_batch_rows > 0) batch_rows = std::min(batch_rows, table.max_batch_rows);
  Status read = side.ReadRows(table, batch_rows, [&](const std::vector<TableRow>& rows) {
    for (const TableRow& row : rows) AddRow(table, row, sum);
    result.rows += static_cast<int64_t>(rows.size());
    return also ? also(rows) : Status::Ok();
  });
  if (!read.ok()) return read;
  result.sha256 = sum.HexDigest();
  return result;
}

// Invalid, naming what it holds, when the target holds a wiki; a wiki
// made and never used holds its site keys alone, which are dropped.
Status TakeEmptyTarget(TableAccess& target) {
  std::string held;
  const CopiedTable* site_key = nullptr;
  for (const CopiedTable& table : CopiedTables()) {
    if (std::string_view(table.name) == "site_key") {
      site_key = &table;
      continue;
    }
    auto rows = target.CountRows(table);
    if (!rows.ok()) return rows.status();
    if (*rows > 0) {
      held += (held.empty() ? "" : ", ") + std::to_string(*rows) + " " + table.name +
              (*rows == 1 ? " row" : " rows");
    }
  }
  if (!held.empty()) {
    return Status::Invalid("the target already holds a wiki (" + held +
                           "); copy-database writes only into an empty database, or one "
                           "that a wikid made and nobody used: nothing was copied");
  }
  return target.DeleteRows(*site_key);
}

// Where page is in CopiedTables().
size_t PageTable() {
  for (size_t i = 0; i < CopiedTables().size(); ++i) {
    if (std::string_view(CopiedTables()[i].name) == "page") return i;
  }
  return 0;
}

// Invalid, before anything is opened (and a SQLite file made), when
// `options` names no database an engine takes, or when a source file is
// not there.
Status CheckDatabase(const StorageOptions& options, const std::string& role, bool source) {
  if (Status s = CheckDatabaseName(options); !s.ok()) {
    return Status::Invalid(role + ": " + s.message());
  }
  auto file = DatabaseFile(options);  // not ok for PostgreSQL
  std::error_code error;
  if (source && file.ok() && !std::filesystem::exists(*file, error)) {
    return Status::Invalid(role + ": there is no database at " + *file);
  }
  return Status::Ok();
}

bool SameDatabase(const StorageOptions& a, const StorageOptions& b) {
  auto file_a = DatabaseFile(a), file_b = DatabaseFile(b);
  if (file_a.ok() && file_b.ok()) return *file_a == *file_b;
  return a.database == b.database;
}

}  // namespace

Result<CopyReport> CopyDatabase(const CopyOptions& options) {
  if (Status s = CheckDatabase(options.from, "the source", true); !s.ok()) return s;
  if (Status s = CheckDatabase(options.to, "the target", false); !s.ok()) return s;
  if (SameDatabase(options.from, options.to)) {
    return Status::Invalid("the source and the target are one database");
  }
  auto source = OpenSide(options.from, "the source");
  if (!source.ok()) return source.status();
  auto target = OpenSide(options.to, "the target");
  if (!target.ok()) return target.status();
  TableAccess& from = *source->tables;
  TableAccess& to = *target->tables;

  if (Status s = from.BeginSnapshot(); !s.ok()) return s;
  if (Status s = CheckSchema(from, "the source"); !s.ok()) return s;
  if (Status s = to.BeginWrite(); !s.ok()) return s;
  if (Status s = CheckSchema(to, "the target"); !s.ok()) return s;
  if (Status s = TakeEmptyTarget(to); !s.ok()) return s;

  CopyReport report;
  for (const CopiedTable& table : CopiedTables()) {
    auto total = from.CountRows(table);
    if (!total.ok()) return total.status();
    int64_t done = 0;
    if (options.progress) options.progress(table.name, 0, *total);
    auto copied = Sum(from, table, options.batch_rows, [&](const std::vector<TableRow>& rows) {
      if (Status s = to.InsertRows(table, rows); !s.ok()) return s;
      done += static_cast<int64_t>(rows.size());
      if (options.progress) options.progress(table.name, done, *total);
      return Status::Ok();
    });
    if (!copied.ok()) return copied.status();
    report.tables.push_back(*copied);
  }
  // The snapshot is no longer needed: end it, so that a source that
  // serves is not held back (SQLite's WAL cannot be checkpointed past it).
  from.Rollback();

  auto indexed = to.RebuildDerived();
  if (!indexed.ok()) return indexed.status();
  report.indexed_pages = *indexed;

  // Read back what the target holds, in its transaction, summed as the
  // source's rows were.
  for (size_t i = 0; i < CopiedTables().size(); ++i) {
    const CopiedTable& table = CopiedTables()[i];
    const TableSum& expected = report.tables[i];
    if (options.progress) options.progress("checking " + expected.table, 0, expected.rows);
    auto written = Sum(to, table, options.batch_rows, nullptr);
    if (!written.ok()) return written.status();
    if (written->rows != expected.rows || written->sha256 != expected.sha256) {
      return Status::Internal("the copy of table " + expected.table + " (" +
                              std::to_string(written->rows) + " rows, SHA-256 " +
                              written->sha256 + ") differs from the source's (" +
                              std::to_string(expected.rows) + " rows, SHA-256 " +
                              expected.sha256 + "): nothing was copied");
    }
  }
  const int64_t pages = report.tables[PageTable()].rows;
  if (pages != report.indexed_pages) {
    return Status::Internal("the target's search index holds " +
                            std::to_string(report.indexed_pages) + " of " +
                            std::to_string(pages) + " pages: nothing was copied");
  }
  if (Status s = to.Commit(); !s.ok()) return s;
  return report;
}

Result<std::vector<TableSum>> SumTables(const StorageOptions& options) {
  auto side = OpenSide(options, "the database");
  if (!side.ok()) return side.status();
  TableAccess& tables = *side->tables;
  if (Status s = tables.BeginSnapshot(); !s.ok()) return s;
  std::vector<TableSum> sums;
  for (const CopiedTable& table : CopiedTables()) {
    auto sum = Sum(tables, table, 1000, nullptr);
    if (!sum.ok()) return sum.status();
    sums.push_back(*sum);
  }
  tables.Rollback();
  return sums;
}

}  // namespace wikid
