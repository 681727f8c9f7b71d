#include "model/store/postgres/postgres_table_access.h"

#include <algorithm>

#include "model/text/page_name.h"

namespace wikid {
namespace {

// Rows per INSERT statement: one round trip for many rows, far below
// PostgreSQL's 65,535 parameters a statement.
constexpr size_t kRowsPerInsert = 100;

// revision_link keeps PageKey(target) beside the target (the SQLite
// engine computes it when read): written here, from the copied target.
bool KeepsTargetKey(const CopiedTable& table) {
  return std::string_view(table.name) == "revision_link";
}

const char* CastOf(ColumnKind kind) {
  switch (kind) {
    case ColumnKind::kInt: return "::bigint";
    case ColumnKind::kBool: return "::boolean";
    case ColumnKind::kText: return "::text";
    case ColumnKind::kBlob: return "::bytea";
  }
  return "";
}

}  // namespace

Result<std::vector<SchemaTable>> PostgresTableAccess::Schema() {
  // Ordinary and partitioned tables of the schema wikid uses.
  auto r = db_.Exec(
      "SELECT c.relname, a.attname FROM pg_class c "
      "JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped "
      "WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind IN ('r', 'p') "
      "ORDER BY c.relname, a.attnum");
  if (!r.ok()) return r.status();
  std::vector<SchemaTable> schema;
  for (int i = 0; i < r->rows(); ++i) {
    std::string table = r->Text(i, 0);
    if (schema.empty() || schema.back().name != table) {
      schema.push_back(SchemaTable{.name = std::move(table), .columns = {}});
    }
    schema.back().columns.push_back(r->Text(i, 1));
  }
  return schema;
}

Status PostgresTableAccess::BeginSnapshot() {
  txn_.emplace(db_);
  if (Status s = txn_->Begin(); !s.ok()) return s;
  // The first statement of the transaction: every read after it sees the
  // snapshot of its first query, whatever commits meanwhile.
  return db_.Exec("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY").status();
}

Status PostgresTableAccess::BeginWrite() {
  txn_.emplace(db_);
  return txn_->Begin();
}

Status PostgresTableAccess::Commit() {
  Status s = txn_->Commit();
  txn_.reset();
  return s;
}

// The table and column names in these statements are the copier's own
// constants (wiki_tables.cc), never input.
Result<int64_t> PostgresTableAccess::CountRows(const CopiedTable& table) {
  auto r = db_.Exec(std::string("SELECT count(*) FROM ") + table.name);
  if (!r.ok()) return r.status();
  return r->Int(0, 0);
}

Status PostgresTableAccess::ReadRows(
    const CopiedTable& table, int batch_rows,
    const std::function<Status(const std::vector<TableRow>&)>& batch) {
  std::string columns, order;
  for (const TableColumn& column : table.columns) {
    columns += (columns.empty() ? "" : ", ") + std::string(column.name);
  }
  // Text in byte order, as SQLite's BINARY compares it, whatever the
  // database's collation.
  for (int i = 0; i < table.key_columns; ++i) {
    order += (i ? ", " : "") + std::string(table.columns[i].name);
    if (table.columns[i].kind == ColumnKind::kText) order += " COLLATE \"C\"";
  }
  // A cursor, so a table larger than memory is read in batches, all in
  // the transaction's snapshot.
  if (auto declared = db_.Exec("DECLARE copy_rows NO SCROLL CURSOR FOR SELECT " + columns +
                               " FROM " + table.name + " ORDER BY " + order);
      !declared.ok()) {
    return declared.status();
  }
  const std::string fetch = "FETCH FORWARD " + std::to_string(batch_rows) + " FROM copy_rows";
  std::vector<TableRow> rows;
  while (true) {
    auto r = db_.Exec(fetch);
    if (!r.ok()) return r.status();
    if (r->rows() == 0) break;
    rows.clear();
    for (int i = 0; i < r->rows(); ++i) {
      TableRow& row = rows.emplace_back(table.columns.size());
      for (size_t j = 0; j < table.columns.size(); ++j) {
        CellValue& cell = row[j];
        const int c = static_cast<int>(j);
        if (r->IsNull(i, c)) {
          cell.null = true;
          continue;
        }
        switch (table.columns[j].kind) {
          case ColumnKind::kInt: cell.number = r->Int(i, c); break;
          case ColumnKind::kBool: cell.number = r->Bool(i, c); break;
          case ColumnKind::kText: cell.bytes = r->Text(i, c); break;
          case ColumnKind::kBlob: cell.bytes = r->Bytes(i, c); break;
        }
      }
    }
    if (Status s = batch(rows); !s.ok()) return s;
  }
  return db_.Exec("CLOSE copy_rows").status();
}

Status PostgresTableAccess::InsertRows(const CopiedTable& table,
                                       const std::vector<TableRow>& rows) {
  const bool target_key = KeepsTargetKey(table);
  const size_t width = table.columns.size() + (target_key ? 1 : 0);
  for (size_t first = 0; first < rows.size(); first += kRowsPerInsert) {
    const size_t count = std::min(kRowsPerInsert, rows.size() - first);
    // One statement per table and number of rows, prepared once.
    const std::string name = std::string("copy_") + table.name + "_" + std::to_string(count);
    if (!prepared_.contains(name)) {
      std::string sql = std::string("INSERT INTO ") + table.name + " (";
      for (size_t j = 0; j < table.columns.size(); ++j) {
        sql += (j ? ", " : "") + std::string(table.columns[j].name);
      }
      if (target_key) sql += ", target_key";
      sql += ") VALUES ";
      int param = 1;
      for (size_t i = 0; i < count; ++i) {
        sql += i ? ", (" : "(";
        for (size_t j = 0; j < width; ++j) {
          const ColumnKind kind =
              j < table.columns.size() ? table.columns[j].kind : ColumnKind::kText;
          sql += (j ? ", $" : "$") + std::to_string(param++) + CastOf(kind);
        }
        sql += ")";
      }
      if (Status s = db_.Prepare(name, sql); !s.ok()) return s;
      prepared_.insert(name);
    }
    PgParams params;
    for (size_t i = first; i < first + count; ++i) {
      const TableRow& row = rows[i];
      for (size_t j = 0; j < table.columns.size(); ++j) {
        const CellValue& cell = row[j];
        if (cell.null) {
          params.AddNull();
          continue;
        }
        switch (table.columns[j].kind) {
          case ColumnKind::kInt: params.Add(cell.number); break;
          case ColumnKind::kBool: params.AddBool(cell.number != 0); break;
          case ColumnKind::kText: params.Add(std::string_view(cell.bytes)); break;
          case ColumnKind::kBlob: params.AddBorrowedBytes(cell.bytes); break;
        }
      }
      if (target_key) params.Add(std::string_view(PageKey(row[1].bytes)));
    }
    if (auto written = db_.Run(name, params); !written.ok()) return written.status();
  }
  return Status::Ok();
}

Status PostgresTableAccess::DeleteRows(const CopiedTable& table) {
  return db_.Exec(std::string("DELETE FROM ") + table.name).status();
}

Result<int64_t> PostgresTableAccess::RebuildDerived() {
  // The search entries as a save writes them (postgres_page_store.cc),
  // the site counts in one shard (their sum is what is read), and each
  // identity's next value past the copied ids.
  auto indexed = db_.Exec(R"sql(
      DELETE FROM page_search;
      INSERT INTO page_search (page_id, title, document)
      SELECT p.id, to_tsvector('wikid_search', p.name), wikid_search_document(p.name, r.text)
        FROM page p JOIN revision r ON r.page_id = p.id AND r.rev = p.latest_rev
       WHERE NOT p.deleted;
      UPDATE site_count
         SET pages = CASE WHEN shard = 0
                          THEN (SELECT count(*) FROM page WHERE NOT deleted) ELSE 0 END,
             revisions = CASE WHEN shard = 0
                              THEN (SELECT count(*) FROM revision r JOIN page p
                                      ON p.id = r.page_id WHERE NOT p.deleted)
                              ELSE 0 END;
      SELECT (SELECT count(*) FROM page_search) +
             (SELECT count(*) FROM page WHERE deleted))sql");
  if (!indexed.ok()) return indexed.status();
  for (const CopiedTable& table : CopiedTables()) {
    if (!table.identity) continue;
    const std::string name = table.name;
    auto set = db_.Exec("SELECT setval(pg_get_serial_sequence('" + name + "', 'id'), "
                        "coalesce((SELECT max(id) FROM " + name + "), 0) + 1, false)");
    if (!set.ok()) return set.status();
  }
  return indexed->Int(0, 0);
}

}  // namespace wikid
