// FileStore: the storage interface for uploaded files, their immutable
// revisions and their bytes, read by views/ through FileReader and written
// only through FileWrites (model/file_writes.h), as pages are.
//
// Where the bytes live, and why: in the database, beside the revisions,
// once per content (keyed by their SHA-256). A revision and the bytes it
// names are written in one transaction, so a crash leaves both or
// neither, never a row pointing at nothing; a backup (`wikid backup`,
// one snapshot of the database) holds every file with the history that
// names it, a restore brings them back together, and every host that
// reaches the database reaches the bytes, with no shared folder to keep
// in step. Each host keeps copies on its own disk for nginx to serve
// (model/cache/file_cache.h); those are a cache, made again from here.
// PostgreSQL keeps them the same way, as bytea (postgres_schema.cc says
// why not large objects).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "model/base/status.h"
#include "model/text/file_name.h"

namespace wikid {

// One immutable revision of a file.
struct FileRevision {
  int64_t id = 0;   // unique across all files and revisions
  int64_t rev = 0;  // 1, 2, 3... per file
  std::string name;  // the file's canonical name
  int64_t latest_rev = 0;  // the file's newest revision now
  std::string author;  // the account's name, or the client address
  bool author_is_account = false;
  int64_t created_at = 0;  // unix seconds, UTC
  std::string summary;
  std::string sha256;        // of the bytes, 64 lower-case hex digits
  int64_t size = 0;          // bytes
  std::string content_type;  // as sniffed from the bytes (model/media)
  int64_t width = 0;         // pixels, for images; 0 otherwise
  int64_t height = 0;
  // The file's state now (not the revision's): only admins may upload
  // to a protected file; a deleted one is shown to admins only, its
  // history kept (FileStore::Delete).
  bool is_protected = false;
  bool deleted = false;
  bool is_latest() const { return rev == latest_rev; }
};

// A new revision. `bytes` null: a revision of bytes already stored under
// `sha256` (a restore); otherwise `bytes` must hash to `sha256`.
struct FileEdit {
  FileName name;
  int64_t base_rev = 0;  // the revision the uploader saw; 0: a new file
  const std::string* bytes = nullptr;
  std::string sha256;
  std::string content_type;
  int64_t width = 0;
  int64_t height = 0;
  std::string summary;
  std::string author;      // the account's name, or the client address
  int64_t account_id = 0;  // 0: anonymous
  int64_t created_at = 0;
  bool may_edit_protected = false;  // an admin: protection does not apply
};

// A delete or an undelete of a file (admins only; views/ checks), logged
// among recent changes.
struct FileLogRequest {
  FileName name;
  std::string reason;
  std::string author;  // the admin's account name
  int64_t account_id = 0;
  int64_t at = 0;      // unix seconds, UTC
};

// Who deleted a file, when and why (its latest deletion).
struct FileDeletion {
  std::string deleted_by;
  int64_t deleted_at = 0;
  std::string reason;
};

struct FileSaveResult {
  bool created = false;  // false: the bytes equalled the latest revision's
  int64_t rev = 0;       // the new revision, or the unchanged latest
};

// A window of a file's history, newest first.
struct FileHistory {
  std::string name;
  int64_t latest_rev = 0;
  std::vector<FileRevision> revisions;
};

struct FileList {
  std::vector<FileRevision> files;  // each file's latest revision
  bool more = false;                // files exist after the last one listed
};

class FileReader {
 public:
  virtual ~FileReader() = default;

  // Revision `rev` of `name` (the latest when absent). NotFound if the
  // file or the revision does not exist. One query.
  virtual Result<FileRevision> Find(const FileName& name, std::optional<int64_t> rev) = 0;

  // The newest revision of `name` whose bytes are `sha256`: NotFound if
  // no revision of it ever had them (so an immutable address names a
  // file that really held those bytes). One query.
  virtual Result<FileRevision> FindBytes(const FileName& name, const std::string& sha256) = 0;

  // Up to `limit` revisions of `name`, newest first, from `from_rev` (the
  // latest when absent). NotFound if the file does not exist.
  virtual Result<FileHistory> ListHistory(const FileName& name, std::optional<int64_t> from_rev,
                                          int limit) = 0;

  // Find, FindBytes and ListHistory find deleted files too (FileRevision
  // says so: views/ shows them to admins only); the lists and searches
  // below leave them out.

  // Up to `limit` files in alphabetical order (case-insensitive for
  // ASCII), after the file named `after` (from the start when empty):
  // one index range, wherever the window is.
  virtual Result<FileList> ListFiles(const std::string& after, int limit) = 0;

  // Up to `limit` files whose names, in any letter case (PageKey), start
  // with `prefix` (a search by name), in the order of their keys: one
  // index range.
  virtual Result<FileList> FindByNamePrefix(const std::string& prefix, int limit) = 0;

  // Up to `limit` files with a word of their name equal, in any letter
  // case, to one of `words` (FileNameWords), newest files first: one
  // index (SQLite: FTS5 over the names; PostgreSQL: a GIN index of their
  // words). Empty when `words` is.
  virtual Result<FileList> FindByNameWords(const std::vector<std::string>& words, int limit) = 0;

  // The latest deletion of `name`: NotFound unless it is deleted now.
  virtual Result<FileDeletion> FindDeletion(const FileName& name) = 0;

  // The bytes stored under `sha256`. NotFound if none are.
  virtual Result<std::string> ReadBytes(const std::string& sha256) = 0;
};

// For the engines' ListHistory: the history whose window `revisions` is
// (newest first, as read), its name and latest revision taken from the
// first; for an empty window of a file that exists (from_rev 0, say),
// from `files` (no error); NotFound if there is no such file.
Result<FileHistory> HistoryOfWindow(FileReader& files, const FileName& name,
                                    std::vector<FileRevision> revisions);

// The words of a search query or a file name, as FindByNameWords takes
// them: the runs of ASCII letters and digits and of non-ASCII bytes
// (UTF-8 letters), at most kMaxFileNameWords, each at most 64 bytes.
inline constexpr size_t kMaxFileNameWords = 8;
std::vector<std::string> FileNameWords(const std::string& text);

// Above every key that starts with a given one (FindByNamePrefix's
// range): the greatest code point, U+10FFFF, in UTF-8.
inline constexpr char kAfterEveryKey[] = "\xF4\x8F\xBF\xBF";

class FileStore : public FileReader {
 public:
  // Saves `edit` as a new revision on top of edit.base_rev, with its
  // bytes (stored once per content), atomically. If the bytes equal the
  // latest revision's, nothing is written and created is false. Conflict,
  // with nothing written, if the latest revision is not base_rev; Invalid
  // for a new file whose name differs from an existing one's only in
  // letter case (as pages: model/text/page_name.h). NotFound if
  // `bytes` is null and no bytes are stored under `sha256`. Unavailable or
  // Busy when storage refuses the write.
  // Forbidden, with nothing written, if the file is deleted, or
  // protected and edit.may_edit_protected is false.
  virtual Result<FileSaveResult> Save(const FileEdit& edit) = 0;

  // Protects the file (only admins may upload to it) or lifts the
  // protection. NotFound if there is no such file.
  virtual Status SetProtected(const FileName& name, bool is_protected) = 0;

  // Deletes the file: it keeps its revisions and bytes (for admins, and
  // for undelete) but leaves /_files, the searches, the pages that embed
  // it and recent changes (its uploads), where the deletion is logged.
  // NotFound if there is no such file, or it is deleted already.
  virtual Status Delete(const FileLogRequest& request) = 0;

  // Brings a deleted file back, with its history; logged. NotFound if
  // there is no such file deleted.
  virtual Status Undelete(const FileLogRequest& request) = 0;
};

}  // namespace wikid
