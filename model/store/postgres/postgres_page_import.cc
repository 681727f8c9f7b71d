#include "model/store/postgres/postgres_page_import.h"

#include "model/store/postgres/postgres_page_store.h"

namespace wikid {
namespace {

// The page a name leads to, as Resolve finds it (the exact name first,
// then the first by name of its key), never a deleted one.
constexpr PgStatement kFindPage{"import_find_page", R"sql(
  SELECT p.id, p.name, p.latest_rev, r.size
    FROM page p JOIN revision r ON r.page_id = p.id AND r.rev = p.latest_rev
   WHERE p.name_key = $2 AND NOT p.deleted
   ORDER BY p.name <> $1, p.name LIMIT 1)sql"};

constexpr PgStatement kTimes{"import_times",
                             "SELECT DISTINCT created_at FROM revision WHERE page_id = $1"};

// The (page_id, rev) index gives the page's revisions; few share a time.
constexpr PgStatement kHasRevision{"import_has_revision", R"sql(
  SELECT EXISTS (SELECT 1 FROM revision
                  WHERE page_id = $1 AND created_at = $2 AND text = $3))sql"};

constexpr PgStatement kAccount{"import_account", "SELECT id FROM account WHERE name_key = $1"};

constexpr PgStatement kInsertPage{
    "import_insert_page",
    "INSERT INTO page (name, name_key, latest_rev) VALUES ($1, $2, 1) RETURNING id"};

constexpr PgStatement kInsertRevision{"import_insert_revision", kPostgresInsertRevisionSql};
constexpr PgStatement kInsertLink{"import_insert_link", kPostgresInsertLinkSql};

constexpr PgStatement kSetLatest{"import_set_latest",
                                 "UPDATE page SET latest_rev = $2 WHERE id = $1"};

constexpr PgStatement kCountEdit{"import_count_edit",
                                 "UPDATE account SET edit_count = edit_count + 1 WHERE id = $1"};

// The pages whose links and search entries Finish rebuilds, kept in the
// database rather than in memory: an import's memory does not grow with
// the wiki.
constexpr PgStatement kTouch{"import_touch",
                             "INSERT INTO import_touched VALUES ($1) ON CONFLICT DO NOTHING"};

// The pages and revisions added, in one shard of the site's counts (the
// counts are their sums).
constexpr PgStatement kCount{"import_count", R"sql(
  UPDATE site_count SET pages = pages + $1, revisions = revisions + $2 WHERE shard = 0)sql"};

// Each touched page's current links from its latest revision's, one per
// key (the first by name, as OnePerKey keeps), then the wanted pages
// counted again from every page's links (a file's embed is never wanted),
// then the touched pages' search entries as a save writes them
// (postgres_page_store.cc).
constexpr char kRebuildSql[] = R"sql(
  DELETE FROM page_link WHERE source_id IN (SELECT page_id FROM import_touched);
  INSERT INTO page_link (source_id, target, source_name, target_key)
    SELECT p.id, min(l.target), p.name, l.target_key
      FROM import_touched t
      JOIN page p ON p.id = t.page_id
      JOIN revision r ON r.page_id = p.id AND r.rev = p.latest_rev
      JOIN revision_link l ON l.revision_id = r.id
     GROUP BY p.id, l.target_key;
  DELETE FROM wanted;
  INSERT INTO wanted (target_key, target, links)
    SELECT k.target_key, min(k.target), count(*) FROM page_link k
     WHERE NOT EXISTS (SELECT 1 FROM page p WHERE p.name_key = k.target_key)
       AND left(k.target, 5) <> 'File:'
     GROUP BY k.target_key;
  INSERT INTO page_search (page_id, title, document)
    SELECT p.id, to_tsvector('wikid_search', p.name), wikid_search_document(p.name, r.text)
      FROM import_touched t
      JOIN page p ON p.id = t.page_id
      JOIN revision r ON r.page_id = p.id AND r.rev = p.latest_rev
  ON CONFLICT (page_id) DO UPDATE SET title = EXCLUDED.title, document = EXCLUDED.document;
  )sql";

}  // namespace

Result<std::unique_ptr<PostgresPageImport>> PostgresPageImport::Create(PgConnection& db) {
  // Emptied at every commit, and gone with the connection.
  if (auto made = db.Exec("CREATE TEMP TABLE IF NOT EXISTS import_touched "
                          "(page_id BIGINT PRIMARY KEY) ON COMMIT DELETE ROWS");
      !made.ok()) {
    return made.status();
  }
  if (Status s = db.PrepareAll({kFindPage, kTimes, kHasRevision, kAccount, kInsertPage,
                                kInsertRevision, kInsertLink, kSetLatest, kCountEdit, kTouch,
                                kCount});
      !s.ok()) {
    return s;
  }
  return std::unique_ptr<PostgresPageImport>(new PostgresPageImport(db));
}

Status PostgresPageImport::Begin() {
  txn_ = std::make_unique<PgTransaction>(db_);
  if (Status s = txn_->Begin(); !s.ok()) return s;
  last_touched_ = pages_added_ = revisions_added_ = 0;
  // A large wiki's rebuild runs longer than a request may.
  if (auto set = db_.Exec("SET LOCAL statement_timeout = 0"); !set.ok()) return set.status();
  auto locked = db_.Exec("LOCK TABLE page IN EXCLUSIVE MODE");
  return locked.ok() ? Status::Ok() : locked.status();
}

Status PostgresPageImport::Commit() {
  if (!txn_) return Status::Internal("no import transaction to commit");
  Status committed = txn_->Commit();
  txn_.reset();
  return committed;
}

Result<ImportPage> PostgresPageImport::FindPage(const PageName& name) {
  auto r = db_.Run(kFindPage.name, PgParams().Add(name.title()).Add(PageKey(name.title())));
  if (!r.ok()) return r.status();
  if (r->rows() == 0) return ImportPage{.title = name.title()};
  return ImportPage{.id = r->Int(0, 0),
                    .title = r->Text(0, 1),
                    .latest_rev = r->Int(0, 2),
                    .latest_size = r->Int(0, 3)};
}

Result<std::set<int64_t>> PostgresPageImport::RevisionTimes(int64_t page_id) {
  auto r = db_.Run(kTimes.name, PgParams().Add(page_id));
  if (!r.ok()) return r.status();
  std::set<int64_t> times;
  for (int i = 0; i < r->rows(); ++i) times.insert(r->Int(i, 0));
  return times;
}

Result<bool> PostgresPageImport::HasRevision(int64_t page_id, int64_t created_at,
                                             const std::string& text) {
  auto r = db_.Run(kHasRevision.name, PgParams().Add(page_id).Add(created_at).Add(text));
  if (!r.ok()) return r.status();
  return r->Bool(0, 0);
}

Result<std::optional<int64_t>> PostgresPageImport::AccountId(const std::string& name_key) {
  auto r = db_.Run(kAccount.name, PgParams().Add(name_key));
  if (!r.ok()) return r.status();
  if (r->rows() == 0) return std::optional<int64_t>();
  return std::optional<int64_t>(r->Int(0, 0));
}

Status PostgresPageImport::Append(ImportPage& page, const ImportRevision& revision) {
  auto run = [this](const PgStatement& statement, const PgParams& params) -> Status {
    auto done = db_.Run(statement.name, params);
    return done.ok() ? Status::Ok() : done.status();
  };
  if (page.id == 0) {
    auto made = db_.Run(kInsertPage.name, PgParams().Add(page.title).Add(PageKey(page.title)));
    if (!made.ok()) return made.status();
    page.id = made->Int(0, 0);
    ++pages_added_;
  }
  const int64_t size = static_cast<int64_t>(revision.text.size());
  auto inserted = db_.Run(
      kInsertRevision.name,
      PgParams()
          .Add(page.id)
          .Add(page.latest_rev + 1)
          .Add(revision.author)
          .Add(revision.created_at)
          .Add(revision.summary)
          .Add(revision.text)
          .Add(size)
          .Add(size - page.latest_size)
          .Add(revision.account_id != 0 ? std::optional<int64_t>(revision.account_id)
                                        : std::nullopt));
  if (!inserted.ok()) return inserted.status();
  const int64_t revision_id = inserted->Int(0, 0);
  for (const std::string& target : revision.links) {
    if (Status s = run(kInsertLink, PgParams().Add(revision_id).Add(target).Add(PageKey(target)));
        !s.ok()) {
      return s;
    }
  }
  page.latest_rev += 1;
  page.latest_size = size;
  ++revisions_added_;
  if (Status s = run(kSetLatest, PgParams().Add(page.id).Add(page.latest_rev)); !s.ok()) return s;
  // A dump lists a page's revisions together: once per page, mostly.
  if (page.id != last_touched_) {
    if (Status s = run(kTouch, PgParams().Add(page.id)); !s.ok()) return s;
    last_touched_ = page.id;
  }
  if (revision.account_id != 0) {
    if (Status s = run(kCountEdit, PgParams().Add(revision.account_id)); !s.ok()) return s;
  }
  return Status::Ok();
}

Status PostgresPageImport::Finish() {
  if (auto rebuilt = db_.Exec(kRebuildSql); !rebuilt.ok()) return rebuilt.status();
  auto counted = db_.Run(kCount.name, PgParams().Add(pages_added_).Add(revisions_added_));
  return counted.ok() ? Status::Ok() : counted.status();
}

}  // namespace wikid
