#include "model/store/postgres/postgres_page_store.h"

#include <unistd.h>

#include <algorithm>
#include <limits>
#include <map>
#include <vector>

#include "model/base/failpoint.h"
#include "model/store/page_links.h"
#include "model/store/save_checks.h"

namespace wikid {
namespace {

// --- Statements ---------------------------------------------------------
//
// The same queries as SqlitePageStore's (sqlite_page_store.cc says why
// each reads what it reads), in PostgreSQL's dialect: $N parameters,
// string_agg, lower() on "C" columns where SQLite says COLLATE NOCASE.
// A parameter compared with lower() of a column is made "C" too, or
// lower() would fold it by the database's locale.

struct Named {
  const char* name;
  const char* sql;
};

constexpr Named kFind{"pages_find", R"sql(
  SELECT p.name, p.latest_rev, r.rev, r.author, r.created_at, r.summary,
         r.text, r.size, r.size_change, r.id,
         (SELECT string_agg(l.target || chr(9) || coalesce(
                   (SELECT t.name FROM page t WHERE t.name = l.target),
                   (SELECT t.name FROM page t WHERE t.name_key = l.target_key
                     ORDER BY t.name LIMIT 1)), chr(10))
            FROM revision_link l WHERE l.revision_id = r.id),
         r.account_id IS NOT NULL, p.protected,
         (SELECT string_agg(substr(l.target, 6), chr(10))
            FROM revision_link l
           WHERE l.revision_id = r.id AND left(l.target, 5) = 'File:')
    FROM page p JOIN revision r
      ON r.page_id = p.id AND r.rev = coalesce($2::bigint, p.latest_rev)
   WHERE p.name = $1)sql"};

// The files a revision embeds ("File:NAME" links, page_store.h), each at
// its latest revision, by the keys of the names as the links name them
// (PageKey, which PostgreSQL cannot compute: SQLite's Find does this in
// its one statement with its wikid_page_key function). Asked only when
// the revision embeds something.
constexpr Named kEmbeddedFiles{"pages_embedded_files", R"sql(
  SELECT f.name_key, f.name, b.sha256, v.content_type, v.width, v.height
    FROM file f
    JOIN file_revision v ON v.file_id = f.id AND v.rev = f.latest_rev
    JOIN file_blob b ON b.id = v.blob_id
   WHERE f.name_key = ANY($1::text[]) AND NOT f.deleted)sql"};

// The row lock on the page: a second save of it waits here until the
// first commits, then reads the revision the first wrote (each statement
// of a READ COMMITTED transaction sees what committed before it began).
// The text is compared here rather than sent back.
constexpr Named kLatestForSave{"pages_latest_for_save", R"sql(
  SELECT p.id, p.latest_rev, r.text = $2, r.size, p.protected
    FROM page p JOIN revision r ON r.page_id = p.id AND r.rev = p.latest_rev
   WHERE p.name = $1
     FOR UPDATE OF p)sql"};

// The targets a page links to now, by its name, before any lock: which
// keys a save must lock (LockKeys).
constexpr Named kLinksByName{"pages_links_by_name", R"sql(
  SELECT k.target FROM page p JOIN page_link k ON k.source_id = p.id WHERE p.name = $1)sql"};

// Transaction-level locks on page keys, in the order given (ascending,
// so two saves never wait for each other in a circle), in the two-int
// space of advisory locks: class 18, then the key's hash.
constexpr Named kLockKeys{"pages_lock_keys", R"sql(
  SELECT pg_advisory_xact_lock(18, k) FROM unnest($1::int[]) WITH ORDINALITY AS u(k, i)
   ORDER BY i)sql"};

constexpr Named kInsertPage{
    "pages_insert_page",
    "INSERT INTO page (name, name_key, latest_rev) VALUES ($1, $2, 1) RETURNING id"};

constexpr Named kInsertRevision{"pages_insert_revision", kPostgresInsertRevisionSql};
constexpr Named kInsertLink{"pages_insert_link", kPostgresInsertLinkSql};

constexpr Named kClearPageLinks{"pages_clear_page_links",
                                "DELETE FROM page_link WHERE source_id = $1"};
constexpr Named kInsertPageLink{"pages_insert_page_link", R"sql(
  INSERT INTO page_link (source_id, target, source_name, target_key)
  VALUES ($1, $2, $3, $4))sql"};

constexpr Named kBacklinks{"pages_backlinks", R"sql(
  SELECT k.source_name, p.latest_rev
    FROM page_link k JOIN page p ON p.id = k.source_id
   WHERE k.target_key = $4 AND k.source_name <> $1
     AND (k.target = $1 OR NOT EXISTS (SELECT 1 FROM page t WHERE t.name = k.target))
     AND (lower(k.source_name), k.source_name) > (lower($2::text COLLATE "C"), $2)
   ORDER BY lower(k.source_name), k.source_name LIMIT $3)sql"};

constexpr Named kWanted{"pages_wanted", R"sql(
  SELECT target, links FROM wanted ORDER BY links DESC, target LIMIT $1)sql"};
constexpr Named kWantedAfter{"pages_wanted_after", R"sql(
  (SELECT target, links FROM wanted WHERE links = $1 AND target > $2 ORDER BY target LIMIT $3)
  UNION ALL
  (SELECT target, links FROM wanted WHERE links < $1 ORDER BY links DESC, target LIMIT $3)
  ORDER BY 2 DESC, 1 LIMIT $3)sql"};

constexpr Named kPageLinks{"pages_page_links",
                           "SELECT target FROM page_link WHERE source_id = $1"};
constexpr Named kUnwant{"pages_unwant", "DELETE FROM wanted WHERE target_key = $1"};
constexpr Named kWant{"pages_want", R"sql(
  INSERT INTO wanted (target_key, target, links) VALUES ($1, $2, 1)
  ON CONFLICT (target_key) DO UPDATE SET links = wanted.links + 1)sql"};
constexpr Named kWantLess{"pages_want_less",
                          "UPDATE wanted SET links = links - 1 WHERE target_key = $1 AND links > 1"};
constexpr Named kWantNoMore{"pages_want_no_more",
                            "DELETE FROM wanted WHERE target_key = $1 AND links = 1"};

constexpr Named kOrphans{"pages_orphans", R"sql(
  SELECT p.name, p.latest_rev FROM page p
   WHERE (lower(p.name), p.name) > (lower($1::text COLLATE "C"), $1)
     AND p.name <> $2 AND NOT p.deleted
     AND NOT EXISTS (SELECT 1 FROM page_link k
                      WHERE k.target_key = p.name_key AND k.source_id <> p.id)
   ORDER BY lower(p.name), p.name LIMIT $3)sql"};

constexpr Named kUpdateLatest{"pages_update_latest",
                              "UPDATE page SET latest_rev = $2 WHERE id = $1"};

constexpr Named kHistory{"pages_history", R"sql(
  SELECT p.name, p.latest_rev, r.rev, r.author, r.created_at, r.summary,
         r.size, r.size_change, r.account_id IS NOT NULL, r.id
    FROM page p JOIN revision r ON r.page_id = p.id
   WHERE p.name = $1 AND r.rev <= $2
   ORDER BY r.rev DESC LIMIT $3)sql"};

// The pages ExistingPages resolves `titles` ($1) and their keys ($2) to:
// each by the unique name index or the key index.
constexpr Named kPagesNamed{"pages_named", R"sql(
  SELECT name, name_key FROM page
   WHERE name = ANY($1::text[]) OR name_key = ANY($2::text[]))sql"};

constexpr Named kPageExists{"pages_page_exists", "SELECT latest_rev FROM page WHERE name = $1"};
constexpr Named kPageByKey{"pages_page_by_key",
                           "SELECT name FROM page WHERE name_key = $1 ORDER BY name LIMIT 1"};

constexpr Named kListPages{"pages_list", R"sql(
  SELECT name, latest_rev FROM page
   WHERE (lower(name), name) > (lower($1::text COLLATE "C"), $1) AND NOT deleted
   ORDER BY lower(name), name LIMIT $2)sql"};

// The counts are the sums of site_count's shards (schema: why not max(id)).
constexpr Named kRecent{"pages_recent", R"sql(
  SELECT p.name, r.rev, r.id, r.author, r.created_at, r.summary, r.size_change,
         r.account_id IS NOT NULL,
         (SELECT sum(pages) FROM site_count), (SELECT sum(revisions) FROM site_count)
    FROM revision r JOIN page p ON p.id = r.page_id
   WHERE r.id < $1 AND NOT p.deleted
   ORDER BY r.id DESC LIMIT $2)sql"};

constexpr Named kCountSave{"pages_count_save", R"sql(
  UPDATE site_count SET pages = pages + $2, revisions = revisions + 1 WHERE shard = $1)sql"};

constexpr Named kSetProtected{"pages_set_protected",
                              "UPDATE page SET protected = $2 WHERE name = $1"};

constexpr Named kContributions{"pages_contributions", R"sql(
  SELECT p.name, r.rev, r.id, r.author, r.created_at, r.summary, r.size_change, TRUE
    FROM revision r JOIN page p ON p.id = r.page_id
   WHERE r.account_id = $1 AND r.id < $2 AND NOT p.deleted
   ORDER BY r.id DESC LIMIT $3)sql"};

constexpr Named kEditCount{"pages_edit_count", "SELECT edit_count FROM account WHERE id = $1"};
constexpr Named kCountEdit{"pages_count_edit",
                           "UPDATE account SET edit_count = edit_count + 1 WHERE id = $1"};

// A page's search entry: its name alone, and its name (weighing most)
// with its text, as wikid_search_document makes it (postgres_schema.cc,
// migration 9: the one place that says how much of a text is indexed).
constexpr Named kIndexPage{"pages_index_page", R"sql(
  INSERT INTO page_search (page_id, title, document)
  VALUES ($1, to_tsvector('wikid_search', $2::text),
          wikid_search_document($2::text, $3::text))
  ON CONFLICT (page_id) DO UPDATE SET title = EXCLUDED.title, document = EXCLUDED.document)sql"};

constexpr Named kAll[] = {
    kFind,          kEmbeddedFiles, kLatestForSave, kLinksByName, kLockKeys,    kInsertPage,
    kInsertRevision, kInsertLink,   kClearPageLinks, kInsertPageLink, kBacklinks,
    kWanted,        kWantedAfter,   kPageLinks,   kUnwant,      kWant,
    kWantLess,      kWantNoMore,    kOrphans,     kUpdateLatest, kHistory,
    kPageExists,    kPagesNamed,    kPageByKey,   kListPages,   kRecent,      kCountSave,
    kSetProtected,  kContributions, kEditCount,   kCountEdit,   kIndexPage,
};

// --- Rows ---------------------------------------------------------------

}  // namespace

Change ChangeFromRow(const PgResult& r, int row) {
  return Change{.title = r.Text(row, 0),
                .rev = r.Int(row, 1),
                .revision_id = r.Int(row, 2),
                .author = r.Text(row, 3),
                .author_is_account = r.Bool(row, 7),
                .created_at = r.Int(row, 4),
                .summary = r.Text(row, 5),
                .size_change = r.Int(row, 6)};
}

namespace {

// A key's lock: FNV-1a of its bytes, as the int PostgreSQL takes. Two
// keys that share a hash share a lock, which costs only a wait.
int32_t KeyLock(const std::string& key) {
  uint32_t hash = 2166136261u;
  for (unsigned char c : key) hash = (hash ^ c) * 16777619u;
  return static_cast<int32_t>(hash);
}

// `locks` as a PostgreSQL array literal, ascending.
std::string LockArray(const std::set<int32_t>& locks) {
  std::string array = "{";
  for (int32_t lock : locks) {
    if (array.size() > 1) array += ",";
    array += std::to_string(lock);
  }
  return array + "}";
}

}  // namespace

// --- Opening, and reading one page --------------------------------------

Result<std::unique_ptr<PostgresPageStore>> PostgresPageStore::Create(PgConnection& db,
                                                                     EventSink* events) {
  std::unique_ptr<PostgresPageStore> store(new PostgresPageStore(db, events));
  for (const Named& statement : kAll) {
    if (Status s = db.Prepare(statement.name, statement.sql); !s.ok()) return s;
  }
  if (Status s = store->PrepareSearch(); !s.ok()) return s;
  if (Status s = store->PrepareMove(); !s.ok()) return s;
  if (Status s = store->PrepareDeletion(); !s.ok()) return s;
  return store;
}

Result<PageRevision> PostgresPageStore::Find(const PageName& name, std::optional<int64_t> rev) {
  auto r = db_.Run(kFind.name, PgParams().Add(name.title()).Add(rev));
  if (!r.ok()) return r.status();
  if (r->rows() == 0) {
    return Status::NotFound(rev ? "There is no revision " + std::to_string(*rev) +
                                      " of this page."
                                : "This page does not exist yet.");
  }
  PageRevision page;
  page.title = r->Text(0, 0);
  page.latest_rev = r->Int(0, 1);
  page.revision.rev = r->Int(0, 2);
  page.revision.author = r->Text(0, 3);
  page.revision.created_at = r->Int(0, 4);
  page.revision.summary = r->Text(0, 5);
  page.revision.text = r->Text(0, 6);
  page.revision.size = r->Int(0, 7);
  page.revision.size_change = r->Int(0, 8);
  page.revision.id = r->Int(0, 9);
  page.existing_links = SplitLinkPairs(r->Text(0, 10));
  page.revision.author_is_account = r->Bool(0, 11);
  page.is_protected = r->Bool(0, 12);
  if (!r->IsNull(0, 13)) {
    auto files = EmbeddedFilesOf(r->Text(0, 13));
    if (!files.ok()) return files.status();
    page.files = std::move(*files);
  }
  return page;
}

Result<EmbeddedFiles> PostgresPageStore::EmbeddedFilesOf(const std::string& joined_names) {
  std::map<std::string, std::vector<std::string>> names_by_key;
  for (size_t begin = 0; begin <= joined_names.size();) {
    size_t end = joined_names.find('\n', begin);
    if (end == std::string::npos) end = joined_names.size();
    std::string name = joined_names.substr(begin, end - begin);
    names_by_key[PageKey(name)].push_back(std::move(name));
    begin = end + 1;
  }
  std::vector<std::string> keys;
  for (const auto& [key, names] : names_by_key) keys.push_back(key);
  auto r = db_.Run(kEmbeddedFiles.name, PgParams().AddTextArray(keys));
  if (!r.ok()) return r.status();
  EmbeddedFiles files;
  for (int i = 0; i < r->rows(); ++i) {
    const EmbeddedFile file{.name = r->Text(i, 1),
                            .sha256 = r->Text(i, 2),
                            .content_type = r->Text(i, 3),
                            .width = r->Int(i, 4),
                            .height = r->Int(i, 5)};
    for (const std::string& name : names_by_key[r->Text(i, 0)]) files[name] = file;
  }
  return files;
}

// --- Saving -------------------------------------------------------------

Status PostgresPageStore::LockKeys(const Edit& edit) {
  std::set<int32_t> locks = {KeyLock(PageKey(edit.name.title()))};
  auto before = db_.Run(kLinksByName.name, PgParams().Add(edit.name.title()));
  if (!before.ok()) return before.status();
  for (int i = 0; i < before->rows(); ++i) locks.insert(KeyLock(PageKey(before->Text(i, 0))));
  for (const std::string& target : edit.links) locks.insert(KeyLock(PageKey(target)));
  auto locked = db_.Run(kLockKeys.name, PgParams().Add(LockArray(locks)));
  return locked.ok() ? Status::Ok() : locked.status();
}

Result<SaveBase> PostgresPageStore::ReadLatest(const Edit& edit) {
  auto r = db_.Run(kLatestForSave.name, PgParams().Add(edit.name.title()).Add(edit.text));
  if (!r.ok()) return r.status();
  if (r->rows() == 0) return SaveBase{};
  return SaveBase{.page_id = r->Int(0, 0),
                .rev = r->Int(0, 1),
                .size = r->Int(0, 3),
                .is_protected = r->Bool(0, 4),
                .same_text = r->Bool(0, 2)};
}

Result<int64_t> PostgresPageStore::InsertRevision(const Edit& edit, int64_t page_id,
                                                  int64_t rev, int64_t size_change) {
  auto r = db_.Run(kInsertRevision.name,
                   PgParams()
                       .Add(page_id)
                       .Add(rev)
                       .Add(edit.author)
                       .Add(edit.created_at)
                       .Add(edit.summary)
                       .Add(edit.text)
                       .Add(static_cast<int64_t>(edit.text.size()))
                       .Add(size_change)
                       .Add(edit.account_id != 0 ? std::optional<int64_t>(edit.account_id)
                                                 : std::nullopt));
  if (!r.ok()) return r.status();
  return r->Int(0, 0);
}

Result<std::optional<std::string>> PostgresPageStore::PageByKey(const std::string& key) {
  auto r = db_.Run(kPageByKey.name, PgParams().Add(key));
  if (!r.ok()) return r.status();
  if (r->rows() == 0) return std::optional<std::string>();
  return std::optional<std::string>(r->Text(0, 0));
}

Result<std::set<std::string>> PostgresPageStore::PageLinks(int64_t page_id) {
  auto r = db_.Run(kPageLinks.name, PgParams().Add(page_id));
  if (!r.ok()) return r.status();
  std::set<std::string> links;
  for (int i = 0; i < r->rows(); ++i) links.insert(r->Text(i, 0));
  return links;
}

Status PostgresPageStore::UpdateWanted(int64_t page_id, const Edit& edit,
                                       const std::set<std::string>& links, bool created) {
  auto run = [this](const Named& statement, const PgParams& params) -> Status {
    auto done = db_.Run(statement.name, params);
    return done.ok() ? Status::Ok() : done.status();
  };
  if (created) {
    if (Status s = run(kUnwant, PgParams().Add(PageKey(edit.name.title()))); !s.ok()) return s;
  }
  auto before = PageLinks(page_id);
  if (!before.ok()) return before.status();
  // LockKeys locked the keys of the links it read before the page's row
  // lock; a save of this page that committed in between would have made
  // this one a conflict already, so these are the links it read. Only
  // targets this save adds or drops change a count, and only those whose
  // key no page has. A file's embed ("File:NAME", page_store.h) is never
  // a wanted page.
  auto embeds = [](const std::string& target) {
    return target.starts_with(kFileLinkPrefix);
  };
  for (const std::string& target : *before) {
    if (links.contains(target) || embeds(target)) continue;
    const std::string key = PageKey(target);
    auto page = PageByKey(key);
    if (!page.ok()) return page.status();
    if (*page) continue;
    if (Status s = run(kWantNoMore, PgParams().Add(key)); !s.ok()) return s;
    if (Status s = run(kWantLess, PgParams().Add(key)); !s.ok()) return s;
  }
  for (const std::string& target : links) {
    if (before->contains(target) || embeds(target)) continue;
    const std::string key = PageKey(target);
    auto page = PageByKey(key);
    if (!page.ok()) return page.status();
    if (*page) continue;
    if (Status s = run(kWant, PgParams().Add(key).Add(target)); !s.ok()) return s;
  }
  return Status::Ok();
}

Status PostgresPageStore::WriteLinks(int64_t page_id, const std::string& title,
                                     int64_t revision_id, const std::set<std::string>& links,
                                     const std::set<std::string>& page_links) {
  for (const std::string& target : links) {
    auto done = db_.Run(kInsertLink.name,
                        PgParams().Add(revision_id).Add(target).Add(PageKey(target)));
    if (!done.ok()) return done.status();
  }
  if (auto done = db_.Run(kClearPageLinks.name, PgParams().Add(page_id)); !done.ok()) {
    return done.status();
  }
  for (const std::string& target : page_links) {
    auto done = db_.Run(kInsertPageLink.name,
                        PgParams().Add(page_id).Add(target).Add(title).Add(PageKey(target)));
    if (!done.ok()) return done.status();
  }
  return Status::Ok();
}

Status PostgresPageStore::IndexText(int64_t page_id, const Edit& edit) {
  auto done =
      db_.Run(kIndexPage.name, PgParams().Add(page_id).Add(edit.name.title()).Add(edit.text));
  return done.ok() ? Status::Ok() : done.status();
}

Status PostgresPageStore::CountSave(bool created) {
  const int64_t shard = getpid() % 16;
  auto done = db_.Run(kCountSave.name, PgParams().Add(shard).Add(int64_t{created ? 1 : 0}));
  return done.ok() ? Status::Ok() : done.status();
}

// One transaction, as on SQLite: check the base revision, write the
// revision, its links, the search entry and what the events queue
// (mail), so a save is all there or not at all.
//
// Two saves of one page never both win: a row lock (FOR UPDATE in
// ReadLatest) makes the second wait for the first to commit and then
// read its revision, and a page about to be made, which has no row yet,
// is guarded by an advisory lock on its key (LockKeys). Locks, not
// SERIALIZABLE with retries: a lost race is an ordinary Conflict the
// editor must see (with their text), not something to retry behind their
// back, and saves of different pages never abort each other. The same
// key locks make the wanted counts exact: a page created and a link to
// it added at once take one lock, so one of them sees the other.
Result<SaveResult> PostgresPageStore::Save(const Edit& edit) {
  PgTransaction txn(db_);
  if (Status s = txn.Begin(); !s.ok()) return s;
  if (Status s = LockKeys(edit); !s.ok()) return s;
  auto saved = SaveInTransaction(edit, /*even_if_same=*/false);
  if (!saved.ok() || !saved->created) return saved;
  // Tests kill the worker or the server here to prove a half-done save
  // leaves nothing.
  FailpointSleep("save_in_txn_sleep");
  // ...or end its connection, holding it here until they have
  // (postgres_reliability_test).
  FailpointHold("save_before_commit");
  if (Status s = txn.Commit(); !s.ok()) return s;
  return saved;
}

Result<SaveResult> PostgresPageStore::SaveInTransaction(const Edit& edit, bool even_if_same) {
  auto latest = ReadLatest(edit);
  if (!latest.ok()) return latest.status();
  if (even_if_same) latest->same_text = false;
  std::optional<std::string> other_case;
  if (latest->page_id == 0) {
    auto other = PageByKey(PageKey(edit.name.title()));
    if (!other.ok()) return other.status();
    other_case = std::move(*other);
  }
  if (auto answer = AnswerBeforeWriting(edit, *latest, other_case)) return std::move(*answer);
  const bool created = latest->page_id == 0;
  int64_t page_id = latest->page_id;
  if (created) {
    auto r = db_.Run(kInsertPage.name,
                     PgParams().Add(edit.name.title()).Add(PageKey(edit.name.title())));
    if (!r.ok()) return r.status();
    page_id = r->Int(0, 0);
  }
  const int64_t rev = latest->rev + 1;
  auto revision_id = InsertRevision(edit, page_id, rev,
                                    static_cast<int64_t>(edit.text.size()) - latest->size);
  if (!revision_id.ok()) return revision_id.status();
  const std::set<std::string> page_links = OnePerKey(edit.links);
  if (Status s = UpdateWanted(page_id, edit, page_links, created); !s.ok()) return s;
  if (Status s = WriteLinks(page_id, edit.name.title(), *revision_id, edit.links, page_links);
      !s.ok()) {
    return s;
  }
  if (Status s = IndexText(page_id, edit); !s.ok()) return s;
  if (rev > 1) {
    auto done = db_.Run(kUpdateLatest.name, PgParams().Add(page_id).Add(rev));
    if (!done.ok()) return done.status();
  }
  if (Status s = CountSave(created); !s.ok()) return s;
  if (edit.account_id != 0) {
    auto done = db_.Run(kCountEdit.name, PgParams().Add(edit.account_id));
    if (!done.ok()) return done.status();
  }
  if (events_ != nullptr) {
    if (Status s = events_->RevisionSaved(SavedRevisionOf(edit, rev, *revision_id)); !s.ok()) {
      return s;
    }
  }
  return SaveResult{.created = true, .rev = rev};
}

// --- Lists --------------------------------------------------------------

Result<History> PostgresPageStore::ListHistory(const PageName& name,
                                               std::optional<int64_t> from_rev, int limit) {
  History history;
  auto r = db_.Run(kHistory.name,
                   PgParams()
                       .Add(name.title())
                       .Add(from_rev.value_or(std::numeric_limits<int64_t>::max()))
                       .Add(static_cast<int64_t>(limit)));
  if (!r.ok()) return r.status();
  for (int i = 0; i < r->rows(); ++i) {
    history.title = r->Text(i, 0);
    history.latest_rev = r->Int(i, 1);
    Revision& rev = history.revisions.emplace_back();
    rev.rev = r->Int(i, 2);
    rev.author = r->Text(i, 3);
    rev.created_at = r->Int(i, 4);
    rev.summary = r->Text(i, 5);
    rev.size = r->Int(i, 6);
    rev.size_change = r->Int(i, 7);
    rev.author_is_account = r->Bool(i, 8);
    rev.id = r->Int(i, 9);
  }
  if (!history.revisions.empty()) return history;

  // No rows: either no such page or a window past its first revision.
  auto page = db_.Run(kPageExists.name, PgParams().Add(name.title()));
  if (!page.ok()) return page.status();
  if (page->rows() == 0) return Status::NotFound("This page does not exist yet.");
  history.title = name.title();
  history.latest_rev = page->Int(0, 0);
  return history;
}

Result<PageList> PostgresPageStore::ReadPageList(const std::string& statement,
                                                 const PgParams& params, int limit) {
  auto r = db_.Run(statement, params);
  if (!r.ok()) return r.status();
  PageList list;
  for (int i = 0; i < r->rows(); ++i) {
    if (static_cast<int>(list.pages.size()) == limit) {
      list.more = true;
      break;
    }
    list.pages.push_back({r->Text(i, 0), r->Int(i, 1)});
  }
  return list;
}

Result<PageList> PostgresPageStore::ListPages(const std::string& after, int limit) {
  // One row more than shown, to know whether a next page exists.
  return ReadPageList(kListPages.name,
                      PgParams().Add(after).Add(static_cast<int64_t>(limit) + 1), limit);
}

Result<PageList> PostgresPageStore::ListBacklinks(const PageName& name,
                                                  const std::string& after, int limit) {
  return ReadPageList(kBacklinks.name,
                      PgParams()
                          .Add(name.title())
                          .Add(after)
                          .Add(static_cast<int64_t>(limit) + 1)
                          .Add(PageKey(name.title())),
                      limit);
}

Result<PageList> PostgresPageStore::ListOrphans(const std::string& after,
                                                const std::string& except, int limit) {
  return ReadPageList(kOrphans.name,
                      PgParams().Add(after).Add(except).Add(static_cast<int64_t>(limit) + 1),
                      limit);
}

Result<WantedPages> PostgresPageStore::ListWanted(const WantedCursor& after, int limit) {
  const bool first = after.link_count <= 0;
  auto r = first ? db_.Run(kWanted.name, PgParams().Add(static_cast<int64_t>(limit) + 1))
                 : db_.Run(kWantedAfter.name, PgParams()
                                                  .Add(after.link_count)
                                                  .Add(after.title)
                                                  .Add(static_cast<int64_t>(limit) + 1));
  if (!r.ok()) return r.status();
  WantedPages wanted;
  for (int i = 0; i < r->rows(); ++i) {
    if (static_cast<int>(wanted.pages.size()) == limit) {
      wanted.more = true;
      break;
    }
    wanted.pages.push_back({r->Text(i, 0), r->Int(i, 1)});
  }
  return wanted;
}

Result<RecentChanges> PostgresPageStore::ListRecentChanges(std::optional<int64_t> before_id,
                                                           int limit) {
  auto r = db_.Run(kRecent.name,
                   PgParams()
                       .Add(before_id.value_or(std::numeric_limits<int64_t>::max()))
                       .Add(static_cast<int64_t>(limit) + 1));  // is there an older window?
  if (!r.ok()) return r.status();
  RecentChanges recent;
  recent.more = r->rows() > limit;
  for (int i = 0; i < std::min(r->rows(), limit); ++i) {
    recent.changes.push_back(ChangeFromRow(*r, i));
    recent.page_count = r->Int(i, 8);
    recent.revision_count = r->Int(i, 9);
  }
  if (Status s = AddLogged(&recent, before_id); !s.ok()) return s;
  return recent;
}

Status PostgresPageStore::SetProtected(const PageName& name, bool is_protected) {
  auto r = db_.Run(kSetProtected.name, PgParams().Add(name.title()).AddBool(is_protected));
  if (!r.ok()) return r.status();
  if (r->changed() == 0) return Status::NotFound("This page does not exist yet.");
  return Status::Ok();
}

Result<Contributions> PostgresPageStore::ListContributions(int64_t account_id,
                                                           std::optional<int64_t> before_id,
                                                           int limit) {
  Contributions contributions;
  auto r = db_.Run(kContributions.name,
                   PgParams()
                       .Add(account_id)
                       .Add(before_id.value_or(std::numeric_limits<int64_t>::max()))
                       .Add(static_cast<int64_t>(limit)));
  if (!r.ok()) return r.status();
  for (int i = 0; i < r->rows(); ++i) contributions.changes.push_back(ChangeFromRow(*r, i));
  auto count = db_.Run(kEditCount.name, PgParams().Add(account_id));
  if (!count.ok()) return count.status();
  contributions.edit_count = count->rows() > 0 ? count->Int(0, 0) : 0;
  return contributions;
}

Result<LinkTitles> PostgresPageStore::ExistingPages(const std::set<std::string>& titles) {
  LinkTitles existing;
  if (titles.empty()) return existing;
  // One round trip for them all (a preview may link hundreds of pages):
  // every page named by a title or sharing its key, then ResolveTitle's
  // rule here. A key is shared by a handful of pages at most.
  std::vector<std::string> names(titles.begin(), titles.end()), keys;
  for (const std::string& title : titles) keys.push_back(PageKey(title));
  auto r = db_.Run(kPagesNamed.name, PgParams().AddTextArray(names).AddTextArray(keys));
  if (!r.ok()) return r.status();
  std::set<std::string> pages;
  std::map<std::string, std::string> first_by_key;  // name_key -> least name
  for (int i = 0; i < r->rows(); ++i) {
    std::string name = r->Text(i, 0);
    auto [first, added] = first_by_key.try_emplace(r->Text(i, 1), name);
    if (!added && name < first->second) first->second = name;  // bytewise, as "C" orders
    pages.insert(std::move(name));
  }
  for (size_t i = 0; i < names.size(); ++i) {
    if (pages.contains(names[i])) {
      existing.emplace(names[i], names[i]);
    } else if (auto other = first_by_key.find(keys[i]); other != first_by_key.end()) {
      existing.emplace(names[i], other->second);
    }
  }
  return existing;
}

Result<std::optional<std::string>> PostgresPageStore::Resolve(const PageName& name) {
  return ResolveTitle(name.title());
}

Result<std::optional<std::string>> PostgresPageStore::ResolveTitle(const std::string& title) {
  auto r = db_.Run(kPageExists.name, PgParams().Add(title));
  if (!r.ok()) return r.status();
  if (r->rows() > 0) return std::optional<std::string>(title);
  return PageByKey(PageKey(title));
}

// --- Search -------------------------------------------------------------

Result<int64_t> PostgresPageStore::RebuildSearchIndex(
    int batch, const std::function<void(int64_t done, int64_t total)>& progress) {
  // Rare (an operator's command): prepared here, by name, once a process.
  static constexpr Named kBatch{"pages_reindex_batch", R"sql(
    INSERT INTO page_search (page_id, title, document)
    SELECT p.id, to_tsvector('wikid_search', p.name), wikid_search_document(p.name, r.text)
      FROM page p JOIN revision r ON r.page_id = p.id AND r.rev = p.latest_rev
     WHERE p.id > $1 AND NOT p.deleted ORDER BY p.id LIMIT $2
       FOR SHARE OF p
    ON CONFLICT (page_id) DO UPDATE SET title = EXCLUDED.title, document = EXCLUDED.document
    RETURNING page_id)sql"};
  static constexpr Named kTotal{"pages_reindex_total", "SELECT count(*) FROM page"};
  for (const Named& statement : {kBatch, kTotal}) {
    if (Status s = db_.Prepare(statement.name, statement.sql); !s.ok()) return s;
  }
  // Each batch its own transaction, so saves get through between them.
  // A save locks its page's row (FOR UPDATE) and writes its entry itself;
  // the batch shares those row locks (FOR SHARE), so it never writes a
  // page's entry from a text a save is replacing: it waits for that save
  // and then skips the page, whose entry the save wrote (PostgreSQL
  // re-reads a locked row that changed, and its old revision no longer
  // joins it).
  int64_t done = 0, last_id = 0;
  while (true) {
    auto r = db_.Run(kBatch.name, PgParams().Add(last_id).Add(static_cast<int64_t>(batch)));
    if (!r.ok()) return r.status();
    if (r->rows() == 0) break;
    for (int i = 0; i < r->rows(); ++i) last_id = std::max(last_id, r->Int(i, 0));
    done += r->rows();
    if (progress) {
      auto total = db_.Run(kTotal.name);
      if (!total.ok()) return total.status();
      progress(done, std::max(total->Int(0, 0), done));
    }
  }
  return done;
}

}  // namespace wikid
