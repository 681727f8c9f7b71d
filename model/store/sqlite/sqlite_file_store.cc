#include "model/store/sqlite/sqlite_file_store.h"

#include "model/base/failpoint.h"
#include "model/store/save_checks.h"

namespace wikid {
namespace {

// --- Statements ---------------------------------------------------------

// The columns FileFromRow reads, and the joins that give them.
#define WIKID_FILE_COLUMNS                                                          \
  "f.name, f.latest_rev, r.id, r.rev, r.author, r.account_id IS NOT NULL, "        \
  "r.created_at, r.summary, b.sha256, b.size, r.content_type, r.width, r.height, "  \
  "f.protected, f.deleted"

// A file page: one revision, by the (file_id, rev) index.
constexpr char kFindSql[] =
    "SELECT " WIKID_FILE_COLUMNS R"sql(
       FROM file f
       JOIN file_revision r ON r.file_id = f.id AND r.rev = coalesce(?2, f.latest_rev)
       JOIN file_blob b ON b.id = r.blob_id
      WHERE f.name = ?1)sql";

// An immutable address: the bytes by their hash, then a revision of this
// file that has them (file_revision_by_blob).
constexpr char kFindBytesSql[] =
    "SELECT " WIKID_FILE_COLUMNS R"sql(
       FROM file f
       JOIN file_blob b ON b.sha256 = ?2
       JOIN file_revision r ON r.blob_id = b.id AND r.file_id = f.id
      WHERE f.name = ?1
      ORDER BY r.rev DESC LIMIT 1)sql";

// Walks (file_id, rev) backwards from ?2 and stops after ?3 rows.
constexpr char kHistorySql[] =
    "SELECT " WIKID_FILE_COLUMNS R"sql(
       FROM file f
       JOIN file_revision r ON r.file_id = f.id
       JOIN file_blob b ON b.id = r.blob_id
      WHERE f.name = ?1 AND r.rev <= coalesce(?2, f.latest_rev)
      ORDER BY r.rev DESC LIMIT ?3)sql";

// A range of file_alphabetical from `after` (the `>=` makes it one: see
// kOrphansSql in sqlite_page_store.cc).
constexpr char kListSql[] =
    "SELECT " WIKID_FILE_COLUMNS R"sql(
       FROM file f
       JOIN file_revision r ON r.file_id = f.id AND r.rev = f.latest_rev
       JOIN file_blob b ON b.id = r.blob_id
      WHERE f.name COLLATE NOCASE >= ?1 AND (f.name COLLATE NOCASE, f.name) > (?1, ?1)
        AND f.deleted = 0
      ORDER BY f.name COLLATE NOCASE, f.name LIMIT ?2)sql";

// A range of file_by_key: the keys from ?1 to below ?2 (?1 and the
// greatest code point).
constexpr char kByPrefixSql[] =
    "SELECT " WIKID_FILE_COLUMNS R"sql(
       FROM file f
       JOIN file_revision r ON r.file_id = f.id AND r.rev = f.latest_rev
       JOIN file_blob b ON b.id = r.blob_id
      WHERE f.name_key >= ?1 AND f.name_key < ?2 AND f.deleted = 0
      ORDER BY f.name_key, f.name LIMIT ?3)sql";

// The files a word of whose names is one of ?1's (an FTS5 query: quoted
// words joined by OR), newest first: FTS5 walks its rowids downwards and
// stops at the limit.
constexpr char kByWordsSql[] =
    "SELECT " WIKID_FILE_COLUMNS R"sql(
       FROM file_name_search s
       JOIN file f ON f.id = s.rowid
       JOIN file_revision r ON r.file_id = f.id AND r.rev = f.latest_rev
       JOIN file_blob b ON b.id = r.blob_id
      WHERE file_name_search MATCH ?1 AND f.deleted = 0
      ORDER BY s.rowid DESC LIMIT ?2)sql";

#undef WIKID_FILE_COLUMNS

constexpr char kReadBytesSql[] = "SELECT bytes FROM file_blob WHERE sha256 = ?1";

constexpr char kLatestForSaveSql[] = R"sql(
  SELECT f.id, f.latest_rev, b.sha256, f.protected, f.deleted
    FROM file f
    JOIN file_revision r ON r.file_id = f.id AND r.rev = f.latest_rev
    JOIN file_blob b ON b.id = r.blob_id
   WHERE f.name = ?1)sql";

// The file a key names: the first by name.
constexpr char kFileByKeySql[] =
    "SELECT name FROM file WHERE name_key = ?1 ORDER BY name LIMIT 1";

constexpr char kBlobIdSql[] = "SELECT id FROM file_blob WHERE sha256 = ?1";
constexpr char kInsertBlobSql[] =
    "INSERT INTO file_blob (sha256, size, bytes) VALUES (?1, ?2, ?3) RETURNING id";
constexpr char kInsertFileSql[] =
    "INSERT INTO file (name, name_key, latest_rev) VALUES (?1, ?2, 1) RETURNING id";
constexpr char kInsertRevisionSql[] = R"sql(
  INSERT INTO file_revision
    (file_id, rev, author, account_id, created_at, summary, blob_id, content_type,
     width, height, after_revision)
  VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10,
          coalesce((SELECT max(id) FROM revision), 0)))sql";
constexpr char kUpdateLatestSql[] = "UPDATE file SET latest_rev = ?2 WHERE id = ?1";
constexpr char kIndexNameSql[] = "INSERT INTO file_name_search (rowid, name) VALUES (?1, ?2)";

// --- Protecting and deleting ----------------------------------------------

constexpr char kProtectSql[] = "UPDATE file SET protected = ?2 WHERE name = ?1 RETURNING id";
// ?2: 1 to delete, 0 to undelete; only a file in the other state.
constexpr char kSetDeletedSql[] =
    "UPDATE file SET deleted = ?2 WHERE name = ?1 AND deleted = 1 - ?2 RETURNING id";
constexpr char kInsertLogSql[] = R"sql(
  INSERT INTO file_log (file_id, action, author, account_id, created_at, reason, after_revision)
  VALUES (?1, ?2, ?3, ?4, ?5, ?6, coalesce((SELECT max(id) FROM revision), 0)))sql";
constexpr char kDeletionSql[] = R"sql(
  SELECT l.author, l.created_at, l.reason
    FROM file f JOIN file_log l ON l.file_id = f.id AND l.action = 'delete'
   WHERE f.name = ?1 AND f.deleted = 1
   ORDER BY l.id DESC LIMIT 1)sql";

// --- Rows ---------------------------------------------------------------

FileRevision FileFromRow(const Statement& row) {
  return FileRevision{.id = row.ColumnInt(2),
                      .rev = row.ColumnInt(3),
                      .name = row.ColumnText(0),
                      .latest_rev = row.ColumnInt(1),
                      .author = row.ColumnText(4),
                      .author_is_account = row.ColumnInt(5) != 0,
                      .created_at = row.ColumnInt(6),
                      .summary = row.ColumnText(7),
                      .sha256 = row.ColumnText(8),
                      .size = row.ColumnInt(9),
                      .content_type = row.ColumnText(10),
                      .width = row.ColumnInt(11),
                      .height = row.ColumnInt(12),
                      .is_protected = row.ColumnInt(13) != 0,
                      .deleted = row.ColumnInt(14) != 0};
}

// Up to `limit` files of a statement that asked for one more (whose
// presence says that more follow).
Result<FileList> ReadFileList(Statement& q, int limit) {
  FileList list;
  auto more = ReadWindow(q, limit, list.files, FileFromRow);
  if (!more.ok()) return more.status();
  list.more = *more;
  return list;
}

// One revision from `q`, bound already; NotFound saying `missing`.
Result<FileRevision> OneFile(Statement& q, const std::string& missing) {
  auto row = q.Step();
  if (!row.ok()) return row.status();
  if (!*row) return Status::NotFound(missing);
  return FileFromRow(q);
}

}  // namespace

Result<std::unique_ptr<SqliteFileStore>> SqliteFileStore::Create(Database& db) {
  std::unique_ptr<SqliteFileStore> store(new SqliteFileStore(db));
  Status prepared = db.PrepareAll({
      {&store->find_, kFindSql},
      {&store->find_bytes_, kFindBytesSql},
      {&store->history_, kHistorySql},
      {&store->list_, kListSql},
      {&store->by_prefix_, kByPrefixSql},
      {&store->by_words_, kByWordsSql},
      {&store->read_bytes_, kReadBytesSql},
      {&store->latest_for_save_, kLatestForSaveSql},
      {&store->file_by_key_, kFileByKeySql},
      {&store->blob_id_, kBlobIdSql},
      {&store->insert_blob_, kInsertBlobSql},
      {&store->insert_file_, kInsertFileSql},
      {&store->insert_revision_, kInsertRevisionSql},
      {&store->update_latest_, kUpdateLatestSql},
      {&store->index_name_, kIndexNameSql},
      {&store->protect_, kProtectSql},
      {&store->set_deleted_, kSetDeletedSql},
      {&store->insert_log_, kInsertLogSql},
      {&store->deletion_, kDeletionSql},
  });
  if (!prepared.ok()) return prepared;
  return store;
}

// --- Reading ------------------------------------------------------------

Result<FileRevision> SqliteFileStore::Find(const FileName& name, std::optional<int64_t> rev) {
  Query q(*find_);
  q->Bind(1, name.title());
  q->BindOrNull(2, rev);
  return OneFile(*q, rev ? "There is no revision " + std::to_string(*rev) + " of this file."
                         : "There is no file of this name yet.");
}

Result<FileRevision> SqliteFileStore::FindBytes(const FileName& name, const std::string& sha256) {
  Query q(*find_bytes_);
  q->Bind(1, name.title());
  q->Bind(2, sha256);
  return OneFile(*q, "No revision of this file has these bytes.");
}

Result<FileHistory> SqliteFileStore::ListHistory(const FileName& name,
                                                 std::optional<int64_t> from_rev, int limit) {
  Query q(*history_);
  q->Bind(1, name.title());
  q->BindOrNull(2, from_rev);
  q->Bind(3, static_cast<int64_t>(limit));
  std::vector<FileRevision> revisions;
  if (auto read = ReadWindow(*q, limit, revisions, FileFromRow); !read.ok()) {
    return read.status();
  }
  return HistoryOfWindow(*this, name, std::move(revisions));
}

Result<FileList> SqliteFileStore::FindByNamePrefix(const std::string& prefix, int limit) {
  const std::string key = PageKey(prefix);
  Query q(*by_prefix_);
  q->Bind(1, key);
  q->Bind(2, key + kAfterEveryKey);
  q->Bind(3, static_cast<int64_t>(limit) + 1);
  return ReadFileList(*q, limit);
}

Result<FileList> SqliteFileStore::FindByNameWords(const std::vector<std::string>& words,
                                                 int limit) {
  if (words.empty()) return FileList{};
  // Each word quoted (FileNameWords holds no '"'), any of them.
  std::string match;
  for (const std::string& word : words) {
    if (!match.empty()) match += " OR ";
    match += "\"" + word + "\"";
  }
  Query q(*by_words_);
  q->Bind(1, match);
  q->Bind(2, static_cast<int64_t>(limit) + 1);
  return ReadFileList(*q, limit);
}

Result<FileDeletion> SqliteFileStore::FindDeletion(const FileName& name) {
  Query q(*deletion_);
  q->Bind(1, name.title());
  auto row = q->Step();
  if (!row.ok()) return row.status();
  if (!*row) return Status::NotFound("This file is not deleted.");
  return FileDeletion{
      .deleted_by = q->ColumnText(0), .deleted_at = q->ColumnInt(1), .reason = q->ColumnText(2)};
}

Result<FileList> SqliteFileStore::ListFiles(const std::string& after, int limit) {
  Query q(*list_);
  q->Bind(1, after);
  // One more than shown: its presence alone says that more follow.
  q->Bind(2, static_cast<int64_t>(limit) + 1);
  return ReadFileList(*q, limit);
}

Result<std::string> SqliteFileStore::ReadBytes(const std::string& sha256) {
  Query q(*read_bytes_);
  q->Bind(1, sha256);
  auto row = q->Step();
  if (!row.ok()) return row.status();
  if (!*row) return Status::NotFound("No file has these bytes.");
  return q->ColumnBlob(0);
}

// --- Saving -------------------------------------------------------------

Result<int64_t> SqliteFileStore::StoreBytes(const FileEdit& edit) {
  {
    Query q(*blob_id_);
    q->Bind(1, edit.sha256);
    auto row = q->Step();
    if (!row.ok()) return row.status();
    // The same bytes are stored once, whoever uploads them under any name.
    if (*row) return q->ColumnInt(0);
  }
  if (edit.bytes == nullptr) return Status::NotFound("These bytes are not stored.");
  Query q(*insert_blob_);
  q->Bind(1, edit.sha256);
  q->Bind(2, static_cast<int64_t>(edit.bytes->size()));
  q->BindBlob(3, *edit.bytes);
  auto row = q->Step();
  if (!row.ok()) return row.status();
  return q->ColumnInt(0);
}

// One transaction: the base revision checked, the bytes (if new), the
// file (if new) and the revision written, so an upload is all there or
// not at all; a crash anywhere before the commit leaves nothing.
Result<FileSaveResult> SqliteFileStore::Save(const FileEdit& edit) {
  Transaction txn(db_);
  if (Status s = txn.Begin(); !s.ok()) return s;
  FileSaveBase base;
  {
    Query q(*latest_for_save_);
    q->Bind(1, edit.name.title());
    auto row = q->Step();
    if (!row.ok()) return row.status();
    if (*row) {
      base = FileSaveBase{.file_id = q->ColumnInt(0),
                          .rev = q->ColumnInt(1),
                          .sha256 = q->ColumnText(2),
                          .is_protected = q->ColumnInt(3) != 0,
                          .deleted = q->ColumnInt(4) != 0};
    }
  }
  std::optional<std::string> other_case;
  if (base.file_id == 0) {
    Query q(*file_by_key_);
    q->Bind(1, PageKey(edit.name.title()));
    auto row = q->Step();
    if (!row.ok()) return row.status();
    if (*row) other_case = q->ColumnText(0);
  }
  if (auto answer = AnswerBeforeWritingFile(edit, base, other_case)) return std::move(*answer);
  int64_t file_id = base.file_id;
  auto blob_id = StoreBytes(edit);
  if (!blob_id.ok()) return blob_id.status();
  if (file_id == 0) {
    Query q(*insert_file_);
    q->Bind(1, edit.name.title());
    q->Bind(2, PageKey(edit.name.title()));
    auto row = q->Step();
    if (!row.ok()) return row.status();
    file_id = q->ColumnInt(0);
  }
  if (base.file_id == 0) {
    Query q(*index_name_);
    q->Bind(1, file_id);
    q->Bind(2, edit.name.title());
    if (auto done = q->Step(); !done.ok()) return done.status();
  }
  const int64_t rev = base.rev + 1;
  {
    Query q(*insert_revision_);
    q->Bind(1, file_id);
    q->Bind(2, rev);
    q->Bind(3, edit.author);
    q->BindOrNull(4, edit.account_id != 0 ? std::optional<int64_t>(edit.account_id) : std::nullopt);
    q->Bind(5, edit.created_at);
    q->Bind(6, edit.summary);
    q->Bind(7, *blob_id);
    q->Bind(8, edit.content_type);
    q->Bind(9, edit.width);
    q->Bind(10, edit.height);
    if (auto done = q->Step(); !done.ok()) return done.status();
  }
  if (rev > 1) {
    Query q(*update_latest_);
    q->Bind(1, file_id);
    q->Bind(2, rev);
    if (auto done = q->Step(); !done.ok()) return done.status();
  }
  // Tests kill the worker here: the bytes and the revision written, not
  // committed. Nothing of them may remain.
  FailpointSleep("file_save_in_txn_sleep");
  if (Status s = txn.Commit(); !s.ok()) return s;
  return FileSaveResult{.created = true, .rev = rev};
}

// --- Protecting and deleting ----------------------------------------------

Status SqliteFileStore::SetProtected(const FileName& name, bool is_protected) {
  Query q(*protect_);
  q->Bind(1, name.title());
  q->Bind(2, static_cast<int64_t>(is_protected ? 1 : 0));
  auto row = q->Step();
  if (!row.ok()) return row.status();
  if (!*row) return Status::NotFound("There is no file of this name.");
  return Status::Ok();
}

Status SqliteFileStore::SetDeleted(const FileLogRequest& request, bool deleted) {
  Transaction txn(db_);
  if (Status s = txn.Begin(); !s.ok()) return s;
  int64_t file_id = 0;
  {
    Query q(*set_deleted_);
    q->Bind(1, request.name.title());
    q->Bind(2, static_cast<int64_t>(deleted ? 1 : 0));
    auto row = q->Step();
    if (!row.ok()) return row.status();
    if (!*row) {
      return Status::NotFound(deleted ? "There is no file of this name to delete."
                                      : "There is no deleted file of this name.");
    }
    file_id = q->ColumnInt(0);
  }
  {
    Query q(*insert_log_);
    q->Bind(1, file_id);
    q->Bind(2, std::string(deleted ? "delete" : "undelete"));
    q->Bind(3, request.author);
    q->BindOrNull(4, request.account_id != 0 ? std::optional<int64_t>(request.account_id)
                                             : std::nullopt);
    q->Bind(5, request.at);
    q->Bind(6, request.reason);
    if (auto done = q->Step(); !done.ok()) return done.status();
  }
  return txn.Commit();
}

Status SqliteFileStore::Delete(const FileLogRequest& request) { return SetDeleted(request, true); }

Status SqliteFileStore::Undelete(const FileLogRequest& request) {
  return SetDeleted(request, false);
}

}  // namespace wikid
