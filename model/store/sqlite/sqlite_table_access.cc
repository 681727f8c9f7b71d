#include "model/store/sqlite/sqlite_table_access.h"

namespace wikid {
namespace {

std::string ColumnList(const CopiedTable& table) {
  std::string list;
  for (const TableColumn& column : table.columns) {
    if (!list.empty()) list += ", ";
    list += column.name;
  }
  return list;
}

}  // namespace

Result<std::vector<SchemaTable>> SqliteTableAccess::Schema() {
  // Ordinary, virtual (FTS5) and STRICT tables; not views, not FTS5's
  // shadow tables (type 'shadow', they go with their virtual table), not
  // SQLite's own.
  auto tables = db_.Prepare(
      "SELECT name FROM pragma_table_list "
      "WHERE schema = 'main' AND type IN ('table', 'virtual') "
      "AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name");
  if (!tables.ok()) return tables.status();
  auto columns = db_.Prepare("SELECT name FROM pragma_table_info(?1) ORDER BY cid");
  if (!columns.ok()) return columns.status();
  std::vector<SchemaTable> schema;
  {
    Query q(**tables);
    while (true) {
      auto row = q->Step();
      if (!row.ok()) return row.status();
      if (!*row) break;
      schema.push_back(SchemaTable{.name = q->ColumnText(0), .columns = {}});
    }
  }
  for (SchemaTable& table : schema) {
    Query q(**columns);
    q->Bind(1, table.name);
    while (true) {
      auto row = q->Step();
      if (!row.ok()) return row.status();
      if (!*row) break;
      table.columns.push_back(q->ColumnText(0));
    }
  }
  return schema;
}

Status SqliteTableAccess::BeginSnapshot() {
  if (Status s = db_.Exec("BEGIN"); !s.ok()) return s;
  open_ = true;
  // A deferred transaction takes its snapshot at its first read: now.
  return Count("SELECT count(*) FROM sqlite_schema").status();
}

Status SqliteTableAccess::BeginWrite() {
  if (Status s = db_.Exec("BEGIN IMMEDIATE"); !s.ok()) return s;
  open_ = true;
  return Status::Ok();
}

Status SqliteTableAccess::Commit() {
  if (Status s = db_.Exec("COMMIT"); !s.ok()) return s;
  open_ = false;
  return Status::Ok();
}

void SqliteTableAccess::Rollback() {
  if (!open_) return;
  open_ = false;
  (void)db_.Exec("ROLLBACK");
}

Result<int64_t> SqliteTableAccess::Count(const std::string& sql) {
  auto stmt = db_.Prepare(sql);
  if (!stmt.ok()) return stmt.status();
  Query q(**stmt);
  auto row = q->Step();
  if (!row.ok()) return row.status();
  return q->ColumnInt(0);
}

// The table names in these statements are the copier's own constants
// (wiki_tables.cc), never input.
Result<int64_t> SqliteTableAccess::CountRows(const CopiedTable& table) {
  return Count(std::string("SELECT count(*) FROM ") + table.name);
}

Status SqliteTableAccess::ReadRows(
    const CopiedTable& table, int batch_rows,
    const std::function<Status(const std::vector<TableRow>&)>& batch) {
  std::string order;
  for (int i = 0; i < table.key_columns; ++i) {
    order += (i ? ", " : "") + std::string(table.columns[i].name);
  }
  auto stmt = db_.Prepare("SELECT " + ColumnList(table) + " FROM " + table.name +
                          " ORDER BY " + order);
  if (!stmt.ok()) return stmt.status();
  Query q(**stmt);
  std::vector<TableRow> rows;
  while (true) {
    auto more = q->Step();
    if (!more.ok()) return more.status();
    if (*more) {
      TableRow& row = rows.emplace_back(table.columns.size());
      for (size_t i = 0; i < table.columns.size(); ++i) {
        CellValue& cell = row[i];
        const int c = static_cast<int>(i);
        if (q->ColumnIsNull(c)) {
          cell.null = true;
          continue;
        }
        switch (table.columns[i].kind) {
          case ColumnKind::kInt: cell.number = q->ColumnInt(c); break;
          case ColumnKind::kBool: cell.number = q->ColumnInt(c) != 0; break;
          case ColumnKind::kText: cell.bytes = q->ColumnText(c); break;
          case ColumnKind::kBlob: cell.bytes = q->ColumnBlob(c); break;
        }
      }
    }
    if (rows.empty()) break;
    if (!*more || static_cast<int>(rows.size()) == batch_rows) {
      if (Status s = batch(rows); !s.ok()) return s;
      rows.clear();
    }
    if (!*more) break;
  }
  return Status::Ok();
}

Status SqliteTableAccess::InsertRows(const CopiedTable& table,
                                     const std::vector<TableRow>& rows) {
  std::unique_ptr<Statement>& insert = inserts_[table.name];
  if (!insert) {
    std::string values;
    for (size_t i = 1; i <= table.columns.size(); ++i) {
      values += (i > 1 ? ", ?" : "?") + std::to_string(i);
    }
    auto prepared = db_.Prepare(std::string("INSERT INTO ") + table.name + " (" +
                                ColumnList(table) + ") VALUES (" + values + ")");
    if (!prepared.ok()) return prepared.status();
    insert = std::move(*prepared);
  }
  for (const TableRow& row : rows) {
    Query q(*insert);
    for (size_t i = 0; i < table.columns.size(); ++i) {
      const int p = static_cast<int>(i) + 1;
      const CellValue& cell = row[i];
      if (cell.null) {
        q->BindNull(p);
      } else if (table.columns[i].kind == ColumnKind::kBlob) {
        q->BindBlob(p, cell.bytes);
      } else if (table.columns[i].kind == ColumnKind::kText) {
        q->Bind(p, std::string_view(cell.bytes));
      } else {
        q->Bind(p, cell.number);
      }
    }
    if (auto written = q->Step(); !written.ok()) return written.status();
  }
  return Status::Ok();
}

Status SqliteTableAccess::DeleteRows(const CopiedTable& table) {
  return db_.Exec((std::string("DELETE FROM ") + table.name).c_str());
}

Result<int64_t> SqliteTableAccess::RebuildDerived() {
  // The search index as schema 17 builds it: both FTS5 indexes from the
  // pages' names and latest texts, and search_word, the index's words of
  // five characters or more (search_words.h), from FTS5's own list.
  // page_search reads its text from page_search_source ('rebuild').
  if (Status s = db_.Exec(R"sql(
      INSERT INTO page_search (page_search) VALUES ('rebuild');
      DELETE FROM page_title_search;
      INSERT INTO page_title_search (rowid, title) SELECT id, name FROM page WHERE deleted = 0;
      INSERT INTO file_name_search (file_name_search) VALUES ('rebuild');
      DELETE FROM search_rebuild;
      DELETE FROM search_word;
      CREATE VIRTUAL TABLE temp.copy_search_words USING fts5vocab(main, page_search, row);
      INSERT INTO search_word (word)
        SELECT term FROM temp.copy_search_words WHERE length(term) >= 5;
      DROP TABLE temp.copy_search_words;
      UPDATE id_gap SET pages = (SELECT coalesce(max(id), 0) - count(*) FROM page),
                        revisions = (SELECT coalesce(max(id), 0) - count(*) FROM revision);
      )sql");
      !s.ok()) {
    return s;
  }
  return Count(
      "SELECT (SELECT count(*) FROM page_title_search) + "
      "(SELECT count(*) FROM page WHERE deleted = 1)");
}

}  // namespace wikid
