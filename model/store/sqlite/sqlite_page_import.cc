#include "model/store/sqlite/sqlite_page_import.h"

#include "model/store/sqlite/sqlite_page_store.h"
#include "model/store/sqlite/sqlite_table_access.h"

namespace wikid {
namespace {

// The page a name leads to, as Resolve finds it (the exact name first,
// then the first by name of its key), never a deleted one.
constexpr char kFindPageSql[] = R"sql(
  SELECT p.id, p.name, p.latest_rev, r.size
    FROM page p JOIN revision r ON r.page_id = p.id AND r.rev = p.latest_rev
   WHERE p.name_key = ?2 AND p.deleted = 0
   ORDER BY p.name != ?1, p.name LIMIT 1)sql";

constexpr char kTimesSql[] = "SELECT DISTINCT created_at FROM revision WHERE page_id = ?1";

// The (page_id, rev) index gives the page's revisions; few share a time.
constexpr char kHasRevisionSql[] = R"sql(
  SELECT EXISTS (SELECT 1 FROM revision
                  WHERE page_id = ?1 AND created_at = ?2 AND text = ?3))sql";

constexpr char kAccountSql[] = "SELECT id FROM account WHERE name_key = ?1";

constexpr char kInsertPageSql[] =
    "INSERT INTO page (name, name_key, latest_rev) VALUES (?1, wikid_page_key(?1), 1) "
    "RETURNING id";

constexpr char kSetLatestSql[] = "UPDATE page SET latest_rev = ?2 WHERE id = ?1";

constexpr char kCountEditSql[] =
    "UPDATE account SET edit_count = edit_count + 1 WHERE id = ?1";

// The pages whose links Finish rebuilds, kept in the database rather
// than in memory: an import's memory does not grow with the wiki.
constexpr char kTouchSql[] = "INSERT OR IGNORE INTO temp.import_touched VALUES (?1)";

// Each touched page's current links from its latest revision's, one per
// key (the first by name, as OnePerKey keeps), then the wanted pages
// counted again from every page's links as schema 19 counts them (a
// file's embed is never wanted).
constexpr char kRebuildLinksSql[] = R"sql(
  DELETE FROM page_link WHERE source_id IN (SELECT page_id FROM temp.import_touched);
  INSERT INTO page_link (source_id, target, source_name, target_key)
    SELECT p.id, min(l.target), p.name, wikid_page_key(l.target)
      FROM temp.import_touched t
      JOIN page p ON p.id = t.page_id
      JOIN revision r ON r.page_id = p.id AND r.rev = p.latest_rev
      JOIN revision_link l ON l.revision_id = r.id
     GROUP BY p.id, wikid_page_key(l.target);
  DELETE FROM wanted;
  INSERT INTO wanted (target_key, target, links)
    SELECT k.target_key, min(k.target), count(*) FROM page_link k
     WHERE NOT EXISTS (SELECT 1 FROM page p WHERE p.name_key = k.target_key)
       AND substr(k.target, 1, 5) != 'File:'
     GROUP BY k.target_key;
  DELETE FROM temp.import_touched;
  )sql";

}  // namespace

Result<std::unique_ptr<SqlitePageImport>> SqlitePageImport::Create(Database& db) {
  if (Status s = db.Exec(
          "CREATE TEMP TABLE IF NOT EXISTS import_touched (page_id INTEGER PRIMARY KEY)");
      !s.ok()) {
    return s;
  }
  std::unique_ptr<SqlitePageImport> import(new SqlitePageImport(db));
  Status prepared = db.PrepareAll({{&import->find_page_, kFindPageSql},
                                   {&import->times_, kTimesSql},
                                   {&import->has_revision_, kHasRevisionSql},
                                   {&import->account_, kAccountSql},
                                   {&import->insert_page_, kInsertPageSql},
                                   {&import->insert_revision_, kSqliteInsertRevisionSql},
                                   {&import->insert_link_, kSqliteInsertLinkSql},
                                   {&import->set_latest_, kSetLatestSql},
                                   {&import->count_edit_, kCountEditSql},
                                   {&import->touch_, kTouchSql}});
  if (!prepared.ok()) return prepared;
  return import;
}

Status SqlitePageImport::Begin() {
  if (Status s = db_.Exec("BEGIN IMMEDIATE"); !s.ok()) return s;
  open_ = true;
  return db_.Exec("DELETE FROM temp.import_touched");
}

Status SqlitePageImport::Commit() {
  if (Status s = db_.Exec("COMMIT"); !s.ok()) return s;
  open_ = false;
  return Status::Ok();
}

void SqlitePageImport::Rollback() {
  if (!open_) return;
  open_ = false;
  (void)db_.Exec("ROLLBACK");
}

Status SqlitePageImport::Run(Statement& stmt) {
  auto done = stmt.Step();
  stmt.Reset();
  return done.ok() ? Status::Ok() : done.status();
}

Result<ImportPage> SqlitePageImport::FindPage(const PageName& name) {
  Query q(*find_page_);
  q->Bind(1, name.title());
  q->Bind(2, PageKey(name.title()));
  auto row = q->Step();
  if (!row.ok()) return row.status();
  if (!*row) return ImportPage{.title = name.title()};
  return ImportPage{.id = q->ColumnInt(0),
                    .title = q->ColumnText(1),
                    .latest_rev = q->ColumnInt(2),
                    .latest_size = q->ColumnInt(3)};
}

Result<std::set<int64_t>> SqlitePageImport::RevisionTimes(int64_t page_id) {
  std::set<int64_t> times;
  Query q(*times_);
  q->Bind(1, page_id);
  while (true) {
    auto row = q->Step();
    if (!row.ok()) return row.status();
    if (!*row) return times;
    times.insert(q->ColumnInt(0));
  }
}

Result<bool> SqlitePageImport::HasRevision(int64_t page_id, int64_t created_at,
                                           const std::string& text) {
  Query q(*has_revision_);
  q->Bind(1, page_id);
  q->Bind(2, created_at);
  q->Bind(3, text);
  auto row = q->Step();
  if (!row.ok()) return row.status();
  return q->ColumnInt(0) != 0;
}

Result<std::optional<int64_t>> SqlitePageImport::AccountId(const std::string& name_key) {
  Query q(*account_);
  q->Bind(1, name_key);
  auto row = q->Step();
  if (!row.ok()) return row.status();
  if (!*row) return std::optional<int64_t>();
  return std::optional<int64_t>(q->ColumnInt(0));
}

Status SqlitePageImport::Append(ImportPage& page, const ImportRevision& revision) {
  if (page.id == 0) {
    Query q(*insert_page_);
    q->Bind(1, page.title);
    auto row = q->Step();
    if (!row.ok()) return row.status();
    page.id = q->ColumnInt(0);
  }
  const int64_t size = static_cast<int64_t>(revision.text.size());
  int64_t revision_id = 0;
  {
    Query q(*insert_revision_);
    q->Bind(1, page.id);
    q->Bind(2, page.latest_rev + 1);
    q->Bind(3, revision.author);
    q->Bind(4, revision.created_at);
    q->Bind(5, revision.summary);
    q->Bind(6, revision.text);
    q->Bind(7, size);
    q->Bind(8, size - page.latest_size);
    if (revision.account_id != 0) {
      q->Bind(9, revision.account_id);
    } else {
      q->BindNull(9);
    }
    auto row = q->Step();
    if (!row.ok()) return row.status();
    revision_id = q->ColumnInt(0);
  }
  for (const std::string& target : revision.links) {
    insert_link_->Bind(1, revision_id);
    insert_link_->Bind(2, target);
    if (Status s = Run(*insert_link_); !s.ok()) return s;
  }
  page.latest_rev += 1;
  page.latest_size = size;
  set_latest_->Bind(1, page.id);
  set_latest_->Bind(2, page.latest_rev);
  if (Status s = Run(*set_latest_); !s.ok()) return s;
  touch_->Bind(1, page.id);
  if (Status s = Run(*touch_); !s.ok()) return s;
  if (revision.account_id != 0) {
    count_edit_->Bind(1, revision.account_id);
    if (Status s = Run(*count_edit_); !s.ok()) return s;
  }
  return Status::Ok();
}

Status SqlitePageImport::Finish() {
  if (Status s = db_.Exec(kRebuildLinksSql); !s.ok()) return s;
  // The search index as copy-database rebuilds it, in this transaction:
  // FTS5 reads every latest text once, faster than an entry per page.
  SqliteTableAccess tables(db_);
  auto pages = tables.RebuildDerived();
  return pages.ok() ? Status::Ok() : pages.status();
}

}  // namespace wikid
