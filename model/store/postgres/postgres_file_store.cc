#include "model/store/postgres/postgres_file_store.h"

#include "model/base/failpoint.h"
#include "model/store/save_checks.h"
#include "model/text/page_name.h"

namespace wikid {
namespace {

// --- Statements ---------------------------------------------------------
//
// The same queries as SqliteFileStore's (sqlite_file_store.cc says why
// each reads what it reads), in PostgreSQL's dialect: $N parameters,
// lower() on "C" columns where SQLite says COLLATE NOCASE.

// The columns FileFromRow reads, and the joins that give them.
#define WIKID_FILE_COLUMNS                                                   \
  "f.name, f.latest_rev, r.id, r.rev, r.author, r.account_id IS NOT NULL, " \
  "r.created_at, r.summary, b.sha256, b.size, r.content_type, r.width, r.height, " \
  "f.protected, f.deleted"

constexpr PgStatement kFind{"files_find", "SELECT " WIKID_FILE_COLUMNS R"sql(
   FROM file f
   JOIN file_revision r ON r.file_id = f.id AND r.rev = coalesce($2::bigint, f.latest_rev)
   JOIN file_blob b ON b.id = r.blob_id
  WHERE f.name = $1)sql"};

constexpr PgStatement kFindBytes{"files_find_bytes", "SELECT " WIKID_FILE_COLUMNS R"sql(
   FROM file f
   JOIN file_blob b ON b.sha256 = $2
   JOIN file_revision r ON r.blob_id = b.id AND r.file_id = f.id
  WHERE f.name = $1
  ORDER BY r.rev DESC LIMIT 1)sql"};

constexpr PgStatement kHistory{"files_history", "SELECT " WIKID_FILE_COLUMNS R"sql(
   FROM file f
   JOIN file_revision r ON r.file_id = f.id
   JOIN file_blob b ON b.id = r.blob_id
  WHERE f.name = $1 AND r.rev <= coalesce($2::bigint, f.latest_rev)
  ORDER BY r.rev DESC LIMIT $3)sql"};

// A range of file_alphabetical after `after`.
constexpr PgStatement kList{"files_list", "SELECT " WIKID_FILE_COLUMNS R"sql(
   FROM file f
   JOIN file_revision r ON r.file_id = f.id AND r.rev = f.latest_rev
   JOIN file_blob b ON b.id = r.blob_id
  WHERE (lower(f.name), f.name) > (lower($1::text COLLATE "C"), $1) AND NOT f.deleted
  ORDER BY lower(f.name), f.name LIMIT $2)sql"};

// A range of file_by_key: the keys from $1 to below $2 ($1 and the
// greatest code point).
constexpr PgStatement kByPrefix{"files_by_prefix", "SELECT " WIKID_FILE_COLUMNS R"sql(
   FROM file f
   JOIN file_revision r ON r.file_id = f.id AND r.rev = f.latest_rev
   JOIN file_blob b ON b.id = r.blob_id
  WHERE f.name_key >= $1 AND f.name_key < $2 AND NOT f.deleted
  ORDER BY f.name_key, f.name LIMIT $3)sql"};

// The files a word of whose names is one of $1's (a tsquery: quoted words
// joined by |), newest first, by the GIN index file_name_words.
constexpr PgStatement kByWords{"files_by_words", "SELECT " WIKID_FILE_COLUMNS R"sql(
   FROM file f
   JOIN file_revision r ON r.file_id = f.id AND r.rev = f.latest_rev
   JOIN file_blob b ON b.id = r.blob_id
  WHERE wikid_file_name_words(f.name) @@ to_tsquery('wikid_search', $1) AND NOT f.deleted
  ORDER BY f.id DESC LIMIT $2)sql"};

#undef WIKID_FILE_COLUMNS

// Run for a binary result (PgResultFormat): its one column is bytea.
constexpr PgStatement kReadBytes{"files_read_bytes",
                                 "SELECT bytes FROM file_blob WHERE sha256 = $1"};

// Every upload of a name holds this lock on the name's key until it
// commits or rolls back: a file not made yet has no row to lock, and two
// names that differ only in letter case must not both become files. A
// transaction-level advisory lock in the two-int space, class 19 (the
// page store's keys are class 18: a page and a file may share a name).
// hashtext() may differ between server versions, which is harmless: only
// transactions on one server meet here. Two keys that share a hash share
// a lock, which costs only a wait.
constexpr PgStatement kLockKey{"files_lock_key", "SELECT pg_advisory_xact_lock(19, hashtext($1))"};

// The row lock on the file (after the key's lock, which already orders
// uploads of one name: this one keeps any other writer of the row out
// too). A second upload waits for the first to commit, then reads the
// revision it wrote (each statement of a READ COMMITTED transaction sees
// what committed before it began).
constexpr PgStatement kLatestForSave{"files_latest_for_save", R"sql(
  SELECT f.id, f.latest_rev, b.sha256, f.protected, f.deleted
    FROM file f
    JOIN file_revision r ON r.file_id = f.id AND r.rev = f.latest_rev
    JOIN file_blob b ON b.id = r.blob_id
   WHERE f.name = $1
     FOR UPDATE OF f)sql"};

constexpr PgStatement kFileByKey{"files_by_key",
                                 "SELECT name FROM file WHERE name_key = $1 ORDER BY name LIMIT 1"};

constexpr PgStatement kBlobId{"files_blob_id", "SELECT id FROM file_blob WHERE sha256 = $1"};

// Bytes another upload stored meanwhile (the same bytes under another
// name, at the same moment): the insert waits for that transaction and,
// if it committed, inserts nothing and returns no row; the caller reads
// the id then. Neither upload fails, and the bytes are stored once.
constexpr PgStatement kInsertBlob{"files_insert_blob", R"sql(
  INSERT INTO file_blob (sha256, size, bytes) VALUES ($1, $2, $3)
  ON CONFLICT (sha256) DO NOTHING RETURNING id)sql"};

constexpr PgStatement kInsertFile{
    "files_insert_file",
    "INSERT INTO file (name, name_key, latest_rev) VALUES ($1, $2, 1) RETURNING id"};

constexpr PgStatement kInsertRevision{"files_insert_revision", R"sql(
  INSERT INTO file_revision
    (file_id, rev, author, account_id, created_at, summary, blob_id, content_type,
     width, height, after_revision)
  VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10,
          coalesce((SELECT max(id) FROM revision), 0)))sql"};

constexpr PgStatement kUpdateLatest{"files_update_latest",
                                    "UPDATE file SET latest_rev = $2 WHERE id = $1"};

// --- Protecting and deleting ----------------------------------------------

constexpr PgStatement kProtect{"files_protect",
                               "UPDATE file SET protected = $2 WHERE name = $1 RETURNING id"};
// $2: true to delete, false to undelete; only a file in the other state.
constexpr PgStatement kSetDeleted{
    "files_set_deleted",
    "UPDATE file SET deleted = $2 WHERE name = $1 AND deleted = NOT $2::boolean RETURNING id"};
constexpr PgStatement kInsertLog{"files_insert_log", R"sql(
  INSERT INTO file_log (file_id, action, author, account_id, created_at, reason, after_revision)
  VALUES ($1, $2, $3, $4, $5, $6, coalesce((SELECT max(id) FROM revision), 0)))sql"};
constexpr PgStatement kDeletion{"files_deletion", R"sql(
  SELECT l.author, l.created_at, l.reason
    FROM file f JOIN file_log l ON l.file_id = f.id AND l.action = 'delete'
   WHERE f.name = $1 AND f.deleted
   ORDER BY l.id DESC LIMIT 1)sql"};

// --- Rows ---------------------------------------------------------------

FileRevision FileFromRow(const PgResult& r, int row) {
  return FileRevision{.id = r.Int(row, 2),
                      .rev = r.Int(row, 3),
                      .name = r.Text(row, 0),
                      .latest_rev = r.Int(row, 1),
                      .author = r.Text(row, 4),
                      .author_is_account = r.Bool(row, 5),
                      .created_at = r.Int(row, 6),
                      .summary = r.Text(row, 7),
                      .sha256 = r.Text(row, 8),
                      .size = r.Int(row, 9),
                      .content_type = r.Text(row, 10),
                      .width = r.Int(row, 11),
                      .height = r.Int(row, 12),
                      .is_protected = r.Bool(row, 13),
                      .deleted = r.Bool(row, 14)};
}

// Up to `limit` files of a statement that asked for one more (whose
// presence says that more follow).
Result<FileList> ListOf(const Result<PgResult>& r, int limit) {
  if (!r.ok()) return r.status();
  FileList list;
  for (int i = 0; i < r->rows() && i < limit; ++i) list.files.push_back(FileFromRow(*r, i));
  list.more = r->rows() > limit;
  return list;
}

// The first row of `r`, or NotFound saying `missing`.
Result<FileRevision> OneFile(const Result<PgResult>& r, const std::string& missing) {
  if (!r.ok()) return r.status();
  if (r->rows() == 0) return Status::NotFound(missing);
  return FileFromRow(*r, 0);
}

}  // namespace

Result<std::unique_ptr<PostgresFileStore>> PostgresFileStore::Create(PgConnection& db) {
  std::unique_ptr<PostgresFileStore> store(new PostgresFileStore(db));
  Status prepared = db.PrepareAll({kFind, kFindBytes, kHistory, kList, kByPrefix, kByWords,
                                   kReadBytes, kLockKey, kLatestForSave, kFileByKey, kBlobId,
                                   kInsertBlob, kInsertFile, kInsertRevision, kUpdateLatest,
                                   kProtect, kSetDeleted, kInsertLog, kDeletion});
  if (!prepared.ok()) return prepared;
  return store;
}

// --- Reading ------------------------------------------------------------

Result<FileRevision> PostgresFileStore::Find(const FileName& name, std::optional<int64_t> rev) {
  return OneFile(db_.Run(kFind.name, PgParams().Add(name.title()).Add(rev)),
                 rev ? "There is no revision " + std::to_string(*rev) + " of this file."
                     : "There is no file of this name yet.");
}

Result<FileRevision> PostgresFileStore::FindBytes(const FileName& name,
                                                  const std::string& sha256) {
  return OneFile(db_.Run(kFindBytes.name, PgParams().Add(name.title()).Add(sha256)),
                 "No revision of this file has these bytes.");
}

Result<FileHistory> PostgresFileStore::ListHistory(const FileName& name,
                                                   std::optional<int64_t> from_rev, int limit) {
  auto r = db_.Run(kHistory.name, PgParams()
                                      .Add(name.title())
                                      .Add(from_rev)
                                      .Add(static_cast<int64_t>(limit)));
  if (!r.ok()) return r.status();
  std::vector<FileRevision> revisions;
  for (int i = 0; i < r->rows(); ++i) revisions.push_back(FileFromRow(*r, i));
  return HistoryOfWindow(*this, name, std::move(revisions));
}

Result<FileList> PostgresFileStore::FindByNamePrefix(const std::string& prefix, int limit) {
  const std::string key = PageKey(prefix);
  auto r = db_.Run(kByPrefix.name, PgParams()
                                       .Add(key)
                                       .Add(key + kAfterEveryKey)
                                       .Add(static_cast<int64_t>(limit) + 1));
  return ListOf(r, limit);
}

Result<FileList> PostgresFileStore::FindByNameWords(const std::vector<std::string>& words,
                                                   int limit) {
  if (words.empty()) return FileList{};
  // Each word quoted (FileNameWords holds no quote or backslash), any of
  // them.
  std::string query;
  for (const std::string& word : words) {
    if (!query.empty()) query += " | ";
    query += "'" + word + "'";
  }
  auto r = db_.Run(kByWords.name, PgParams().Add(query).Add(static_cast<int64_t>(limit) + 1));
  return ListOf(r, limit);
}

Result<FileDeletion> PostgresFileStore::FindDeletion(const FileName& name) {
  auto r = db_.Run(kDeletion.name, PgParams().Add(name.title()));
  if (!r.ok()) return r.status();
  if (r->rows() == 0) return Status::NotFound("This file is not deleted.");
  return FileDeletion{
      .deleted_by = r->Text(0, 0), .deleted_at = r->Int(0, 1), .reason = r->Text(0, 2)};
}

Result<FileList> PostgresFileStore::ListFiles(const std::string& after, int limit) {
  // One more than shown: its presence alone says that more follow.
  auto r = db_.Run(kList.name, PgParams().Add(after).Add(static_cast<int64_t>(limit) + 1));
  return ListOf(r, limit);
}

Result<std::string> PostgresFileStore::ReadBytes(const std::string& sha256) {
  auto r = db_.Run(kReadBytes.name, PgParams().Add(sha256), PgResultFormat::kBinary);
  if (!r.ok()) return r.status();
  if (r->rows() == 0) return Status::NotFound("No file has these bytes.");
  return r->Bytes(0, 0);
}

// --- Saving -------------------------------------------------------------

Result<int64_t> PostgresFileStore::StoreBytes(const FileEdit& edit) {
  // The same bytes are stored once, whoever uploads them under any name;
  // asked first, so that bytes stored already are not sent again.
  auto known = db_.Run(kBlobId.name, PgParams().Add(edit.sha256));
  if (!known.ok()) return known.status();
  if (known->rows() > 0) return known->Int(0, 0);
  if (edit.bytes == nullptr) return Status::NotFound("These bytes are not stored.");
  auto inserted = db_.Run(kInsertBlob.name, PgParams()
                                                .Add(edit.sha256)
                                                .Add(static_cast<int64_t>(edit.bytes->size()))
                                                .AddBorrowedBytes(*edit.bytes));
  if (!inserted.ok()) return inserted.status();
  if (inserted->rows() > 0) return inserted->Int(0, 0);
  // Another upload stored them after this one asked (kInsertBlob).
  auto stored = db_.Run(kBlobId.name, PgParams().Add(edit.sha256));
  if (!stored.ok()) return stored.status();
  if (stored->rows() == 0) return Status::Internal("bytes stored meanwhile cannot be found");
  return stored->Int(0, 0);
}

// One transaction, as on SQLite: the name's key locked, the base revision
// checked, the bytes (if new), the file (if new) and the revision written,
// so an upload is all there or not at all; a process killed anywhere
// before the commit, or a connection lost, leaves nothing (the server
// rolls back what its client did not commit). Two uploads of one name
// never both win: the second waits on the key's lock, then finds the
// first one's revision and answers Conflict. Locks, not SERIALIZABLE with
// retries, as for pages (postgres_page_store.cc says why).
Result<FileSaveResult> PostgresFileStore::Save(const FileEdit& edit) {
  const std::string& name = edit.name.title();
  const std::string key = PageKey(name);
  PgTransaction txn(db_);
  if (Status s = txn.Begin(); !s.ok()) return s;
  if (auto locked = db_.Run(kLockKey.name, PgParams().Add(key)); !locked.ok()) {
    return locked.status();
  }
  auto latest = db_.Run(kLatestForSave.name, PgParams().Add(name));
  if (!latest.ok()) return latest.status();
  FileSaveBase base;
  if (latest->rows() > 0) {
    base = FileSaveBase{.file_id = latest->Int(0, 0),
                        .rev = latest->Int(0, 1),
                        .sha256 = latest->Text(0, 2),
                        .is_protected = latest->Bool(0, 3),
                        .deleted = latest->Bool(0, 4)};
  }
  std::optional<std::string> other_case;
  if (base.file_id == 0) {
    auto other = db_.Run(kFileByKey.name, PgParams().Add(key));
    if (!other.ok()) return other.status();
    if (other->rows() > 0) other_case = other->Text(0, 0);
  }
  if (auto answer = AnswerBeforeWritingFile(edit, base, other_case)) return std::move(*answer);
  auto blob_id = StoreBytes(edit);
  if (!blob_id.ok()) return blob_id.status();
  int64_t file_id = base.file_id;
  if (file_id == 0) {
    auto r = db_.Run(kInsertFile.name, PgParams().Add(name).Add(key));
    if (!r.ok()) return r.status();
    file_id = r->Int(0, 0);
  }
  const int64_t rev = base.rev + 1;
  auto inserted = db_.Run(
      kInsertRevision.name,
      PgParams()
          .Add(file_id)
          .Add(rev)
          .Add(edit.author)
          .Add(edit.account_id != 0 ? std::optional<int64_t>(edit.account_id) : std::nullopt)
          .Add(edit.created_at)
          .Add(edit.summary)
          .Add(*blob_id)
          .Add(edit.content_type)
          .Add(edit.width)
          .Add(edit.height));
  if (!inserted.ok()) return inserted.status();
  if (rev > 1) {
    auto done = db_.Run(kUpdateLatest.name, PgParams().Add(file_id).Add(rev));
    if (!done.ok()) return done.status();
  }
  // Tests kill the worker here: the bytes and the revision written, not
  // committed. Nothing of them may remain.
  FailpointSleep("file_save_in_txn_sleep");
  if (Status s = txn.Commit(); !s.ok()) return s;
  return FileSaveResult{.created = true, .rev = rev};
}

// --- Protecting and deleting ----------------------------------------------

Status PostgresFileStore::SetProtected(const FileName& name, bool is_protected) {
  auto r = db_.Run(kProtect.name, PgParams().Add(name.title()).AddBool(is_protected));
  if (!r.ok()) return r.status();
  if (r->rows() == 0) return Status::NotFound("There is no file of this name.");
  return Status::Ok();
}

Status PostgresFileStore::SetDeleted(const FileLogRequest& request, bool deleted) {
  PgTransaction txn(db_);
  if (Status s = txn.Begin(); !s.ok()) return s;
  auto changed = db_.Run(kSetDeleted.name, PgParams().Add(request.name.title()).AddBool(deleted));
  if (!changed.ok()) return changed.status();
  if (changed->rows() == 0) {
    return Status::NotFound(deleted ? "There is no file of this name to delete."
                                    : "There is no deleted file of this name.");
  }
  auto logged = db_.Run(
      kInsertLog.name,
      PgParams()
          .Add(changed->Int(0, 0))
          .Add(std::string(deleted ? "delete" : "undelete"))
          .Add(request.author)
          .Add(request.account_id != 0 ? std::optional<int64_t>(request.account_id)
                                       : std::nullopt)
          .Add(request.at)
          .Add(request.reason));
  if (!logged.ok()) return logged.status();
  return txn.Commit();
}

Status PostgresFileStore::Delete(const FileLogRequest& request) {
  return SetDeleted(request, true);
}

Status PostgresFileStore::Undelete(const FileLogRequest& request) {
  return SetDeleted(request, false);
}

}  // namespace wikid
