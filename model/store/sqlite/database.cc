#include "model/store/sqlite/database.h"

#include <fcntl.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <climits>
#include <cerrno>
#include <cstring>

#include "model/base/log.h"
#include "model/store/sqlite/schema.h"
#include "model/text/page_name.h"

namespace wikid {

Statement::~Statement() { sqlite3_finalize(stmt_); }

Status StatusFromSqlite(int rc, std::string_view what) {
  std::string where(what);
  switch (rc & 0xff) {  // the primary code; extended codes add detail only
    case SQLITE_OK:
    case SQLITE_ROW:
    case SQLITE_DONE:
      return Status::Ok();
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return Status::Busy("The wiki is busy saving other changes (" + where +
                          "); please try again.");
    // Disk full, I/O error (an injected ENOSPC surfaces as IOERR), a
    // read-only file or directory, or a file that cannot be opened: all
    // mean storage cannot take writes now, and all get the same answer.
    case SQLITE_FULL:
    case SQLITE_IOERR:
    case SQLITE_READONLY:
    case SQLITE_CANTOPEN:
    case SQLITE_PERM:
      return Status::Unavailable(
          "The wiki's storage cannot accept changes right now (" + where +
          ": " + sqlite3_errstr(rc) + ").");
    // A damaged file, or a search index out of step with the texts it
    // reads (schema 16): nothing the request can change, so not its
    // fault; an administrator must look (`wikid reindex` rebuilds the
    // index).
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      return Status::Unavailable("The wiki's database is damaged (" + where + ": " +
                                 sqlite3_errstr(rc) +
                                 "); an administrator must look (wikid reindex rebuilds "
                                 "the search index).");
    case SQLITE_CONSTRAINT:
      return Status::Conflict(where + ": " + sqlite3_errstr(rc));
    default:
      return Status::Internal(where + ": " + sqlite3_errstr(rc));
  }
}

void Statement::Bind(int index, int64_t value) {
  sqlite3_bind_int64(stmt_, index, value);
}

void Statement::Bind(int index, std::string_view text) {
  // SQLITE_TRANSIENT: SQLite copies the text, so the caller's buffer may
  // go away before Step().
  sqlite3_bind_text(stmt_, index, text.data(), static_cast<int>(text.size()),
                    SQLITE_TRANSIENT);
}

void Statement::BindBlob(int index, std::string_view bytes) {
  sqlite3_bind_blob(stmt_, index, bytes.data(), static_cast<int>(bytes.size()),
                    SQLITE_TRANSIENT);
}

void Statement::BindNull(int index) { sqlite3_bind_null(stmt_, index); }

void Statement::BindOrNull(int index, std::optional<int64_t> value) {
  if (value) {
    Bind(index, *value);
  } else {
    BindNull(index);
  }
}

Result<bool> Statement::Step() {
  if (!started_) {
    started_ = true;
    ++*queries_;
  }
  int rc = sqlite3_step(stmt_);
  *steps_ += sqlite3_stmt_status(stmt_, SQLITE_STMTSTATUS_VM_STEP, /*reset=*/1);
  if (rc == SQLITE_ROW) {
    ++*rows_;
    return true;
  }
  if (rc == SQLITE_DONE) return false;
  // sqlite3_errmsg gives detail beyond the code (which constraint, say).
  Status status = StatusFromSqlite(rc, sqlite3_errmsg(db_));
  if (status.ok()) status = Status::Internal("unexpected step result");
  return status;
}

double Statement::ColumnDouble(int column) const {
  return sqlite3_column_double(stmt_, column);
}

int64_t Statement::ColumnInt(int column) const {
  return sqlite3_column_int64(stmt_, column);
}

std::string Statement::ColumnText(int column) const {
  const unsigned char* text = sqlite3_column_text(stmt_, column);
  int bytes = sqlite3_column_bytes(stmt_, column);
  if (text == nullptr) return {};
  return std::string(reinterpret_cast<const char*>(text), bytes);
}

std::string Statement::ColumnBlob(int column) const {
  const void* bytes = sqlite3_column_blob(stmt_, column);
  const int size = sqlite3_column_bytes(stmt_, column);
  if (bytes == nullptr) return {};
  return std::string(static_cast<const char*>(bytes), static_cast<size_t>(size));
}

bool Statement::ColumnIsNull(int column) const {
  return sqlite3_column_type(stmt_, column) == SQLITE_NULL;
}

void Statement::Reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
  started_ = false;
}

namespace {

// The database holds password hashes, email addresses and token hashes:
// only wikid's own user may read it. SQLite gives its -wal and -shm files
// the mode of the database file, so creating that file 0600 (or narrowing
// it, if an older wikid left it readable by others) covers all three.
void KeepPrivate(const std::string& path) {
  if (path.empty() || path.front() == ':') return;  // ":memory:"
  int fd = open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) return;  // SQLite says why when it tries
  struct stat info;
  if (fstat(fd, &info) == 0 && (info.st_mode & 077) != 0) {
    bool narrowed = fchmod(fd, 0600) == 0;
    for (const char* suffix : {"-wal", "-shm"}) {
      const std::string other = path + suffix;
      narrowed = (chmod(other.c_str(), 0600) == 0 || errno == ENOENT) && narrowed;
    }
    if (narrowed) {
      LogWarning("the database " + path + " was readable by other users; made it 0600");
    } else {
      LogError("the database " + path + " is readable by other users and cannot be made "
               "0600 (" + std::strerror(errno) + "): change its owner or mode");
    }
  }
  close(fd);
}

// A file: URI for `path` (sqlite.org/uri.html): the characters a URI gives
// a meaning to are escaped, so any file name opens that file. Always
// "file://" and an absolute path: "file:" + a path that starts with "//"
// would read its first folder as the URI's authority (a host name).
std::string FileUri(const std::string& path) {
  std::string absolute = path;
  if (!path.starts_with("/")) {
    char cwd[PATH_MAX];
    if (getcwd(cwd, sizeof cwd) != nullptr) absolute = std::string(cwd) + "/" + path;
  }
  std::string uri = "file://";
  for (unsigned char c : absolute) {
    if (c == '%' || c == '?' || c == '#' || c < 0x20 || c >= 0x7f) {
      static constexpr char kHex[] = "0123456789abcdef";
      uri += '%';
      uri += kHex[c >> 4];
      uri += kHex[c & 15];
    } else {
      uri += static_cast<char>(c);
    }
  }
  return uri;
}

// wikid_page_key(name): PageKey (model/text/page_name.h), for the
// migration that fills page.name_key and page_link.target_key, and for a
// page view's one query, which resolves each link by its key. Every
// connection has it, so any statement may use it; no index or view does,
// so a database stays readable by tools without it.
void PageKeyFunction(sqlite3_context* context, int, sqlite3_value** args) {
  if (sqlite3_value_type(args[0]) == SQLITE_NULL) {
    sqlite3_result_null(context);
    return;
  }
  const auto* text = reinterpret_cast<const char*>(sqlite3_value_text(args[0]));
  const std::string key = PageKey(std::string_view(text, sqlite3_value_bytes(args[0])));
  sqlite3_result_text(context, key.data(), static_cast<int>(key.size()), SQLITE_TRANSIENT);
}

}  // namespace

Result<FileLock> LockDatabaseFile(const std::string& path, FileLock::Mode mode,
                                  int wait_ms) {
  auto lock = FileLock::Take(path + ".lock", mode, wait_ms);
  // Only a restore holds it exclusively, so a shared wait ends here.
  if (mode == FileLock::Mode::kShared && !lock.ok() &&
      lock.status().code() == Status::Code::kBusy) {
    return Status::Busy("the database " + path +
                        " is being replaced by wikid restore; try again "
                        "when it is done");
  }
  return lock;
}

// The waits of sqlite3_busy_timeout (SQLite's own busy handler: short
// sleeps first, for a lock about to be released, then 100 ms at a time),
// so that a wait behaves as before, with the start of each counted for
// /_metrics. Returns 0 (give up: SQLITE_BUSY) once the timeout is spent.
int Database::OnBusy(void* database, int count) {
  static constexpr int kDelaysMs[] = {1, 2, 5, 10, 15, 20, 25, 25, 25, 50, 50, 100};
  static constexpr int kDelays = sizeof kDelaysMs / sizeof kDelaysMs[0];
  auto* db = static_cast<Database*>(database);
  if (count == 0) ++db->busy_waits_;
  int delay;
  int64_t waited;
  if (count < kDelays) {
    delay = kDelaysMs[count];
    waited = 0;
    for (int i = 0; i < count; ++i) waited += kDelaysMs[i];
  } else {
    delay = kDelaysMs[kDelays - 1];
    int64_t table = 0;
    for (int d : kDelaysMs) table += d;
    waited = table + int64_t{delay} * (count - kDelays);
  }
  if (waited + delay > db->busy_timeout_ms_) {
    delay = static_cast<int>(db->busy_timeout_ms_ - waited);
    if (delay <= 0) return 0;
  }
  sqlite3_sleep(delay);
  return 1;
}

Result<std::unique_ptr<Database>> Database::Open(const std::string& path,
                                                 const Options& options) {
  FileLock in_use;
  if (!options.as_is && !path.empty() && path.front() != ':') {
    auto locked = LockDatabaseFile(path, FileLock::Mode::kShared,
                                   options.busy_timeout_ms);
    if (!locked.ok()) return locked.status();
    in_use = std::move(*locked);
  }
  if (!options.read_only && !options.as_is) KeepPrivate(path);
  sqlite3* handle = nullptr;
  // NOMUTEX: one connection per single-threaded worker process.
  int flags = SQLITE_OPEN_NOMUTEX |
              (options.read_only ? SQLITE_OPEN_READONLY
               : options.as_is   ? SQLITE_OPEN_READWRITE
                                 : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
  std::string name = path;
  if (options.read_only && options.immutable) {
    name = FileUri(path) + "?immutable=1";
    flags |= SQLITE_OPEN_URI;
  }
  int rc = sqlite3_open_v2(name.c_str(), &handle, flags, nullptr);
  if (rc != SQLITE_OK) {
    std::string message = handle ? sqlite3_errmsg(handle) : sqlite3_errstr(rc);
    sqlite3_close(handle);
    return Status::Unavailable("cannot open database " + path + ": " +
                               message);
  }
  std::unique_ptr<Database> db(new Database(handle));
  db->in_use_ = std::move(in_use);
  sqlite3_extended_result_codes(handle, 1);
  rc = sqlite3_create_function_v2(handle, "wikid_page_key", 1,
                                  SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS,
                                  nullptr, PageKeyFunction, nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK) return Status::Internal("cannot define wikid_page_key");
  db->busy_timeout_ms_ = options.busy_timeout_ms;
  sqlite3_busy_handler(handle, &Database::OnBusy, db.get());
  // WAL: readers never block the writer. synchronous=FULL: a save the user
  // was told about survives a power cut, not only a crash of wikid (NORMAL
  // in WAL mode can lose the last commits on power loss). It costs about
  // 0.2 ms per commit here. foreign_keys is per connection. A read-only
  // connection writes nothing and needs neither; these pragmas read the
  // schema, so a file that is no database would fail here rather than in
  // the check that says so (sqlite_copy.h).
  const char* pragmas =
      "PRAGMA foreign_keys=ON;"
      "PRAGMA synchronous=FULL;";
  if (!options.read_only) {
    if (Status s = db->Exec(pragmas); !s.ok()) return s;
  }
  if (!options.read_only && !options.as_is) {
    if (Status s = db->Exec("PRAGMA journal_mode=WAL;"); !s.ok()) return s;
    if (Status s = MigrateSchema(*db); !s.ok()) return s;
  }
  return db;
}

Database::~Database() { sqlite3_close_v2(db_); }

Result<std::unique_ptr<Statement>> Database::Prepare(std::string_view sql) {
  sqlite3_stmt* stmt = nullptr;
  // PERSISTENT: these statements live for the whole worker.
  int rc = sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()),
                              SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
  if (rc != SQLITE_OK) {
    return Status::Internal("prepare failed: " +
                            std::string(sqlite3_errmsg(db_)) + " in: " +
                            std::string(sql));
  }
  return std::make_unique<Statement>(db_, stmt, &queries_, &rows_, &steps_);
}

Status Database::PrepareAll(std::initializer_list<StatementSlot> statements) {
  for (const StatementSlot& s : statements) {
    auto prepared = Prepare(s.sql);
    if (!prepared.ok()) return prepared.status();
    *s.slot = std::move(*prepared);
  }
  return Status::Ok();
}

Result<int> Database::WriteOne(Statement& stmt) {
  Transaction txn(*this);
  if (Status s = txn.Begin(); !s.ok()) return s;
  {
    Query q(stmt);
    auto done = q->Step();
    if (!done.ok()) return done.status();
  }
  int changed = sqlite3_changes(db_);
  if (Status s = txn.Commit(); !s.ok()) return s;
  return changed;
}

int64_t Database::total_changes() { return sqlite3_total_changes64(db_); }

Status Database::Exec(const char* sql) {
  char* error = nullptr;
  ++queries_;
  int rc = sqlite3_exec(db_, sql, nullptr, nullptr, &error);
  if (rc == SQLITE_OK) return Status::Ok();
  std::string message = error ? error : sqlite3_errstr(rc);
  sqlite3_free(error);
  Status status = StatusFromSqlite(rc, message);
  return status.ok() ? Status::Internal(message) : status;
}

Status Transaction::Begin() {
  Status s = db_.Exec("BEGIN IMMEDIATE");
  open_ = s.ok();
  return s;
}

Status Transaction::Commit() {
  Status s = db_.Exec("COMMIT");
  if (s.ok()) open_ = false;
  return s;
}

Transaction::~Transaction() {
  // After a disk-full or I/O error SQLite may already have rolled back;
  // only roll back what is still open.
  if (open_ && !sqlite3_get_autocommit(db_.handle())) {
    sqlite3_exec(db_.handle(), "ROLLBACK", nullptr, nullptr, nullptr);
  }
}

}  // namespace wikid
