#include "model/store/sqlite/sqlite_copy.h"

#include <sqlite3.h>

#include <memory>

#include "model/base/failpoint.h"
#include "model/store/sqlite/database.h"
#include "model/store/sqlite/schema.h"

namespace wikid {
namespace {

// A copy waits this long for a lock (the source's read lock is normally
// granted at once in WAL mode; recovery after a crash can hold it).
constexpr int kCopyBusyMs = 10000;
// How long a restore waits for other connections to let go of the
// database before it says the database is in use: long enough for a tool
// that is finishing, far too short to wait out a wikid.
constexpr int kReleaseBusyMs = 2000;

// The first row of a one-column PRAGMA or query, as text.
Result<std::string> FirstText(Database& db, const char* sql) {
  auto stmt = db.Prepare(sql);
  if (!stmt.ok()) return stmt.status();
  Query q(**stmt);
  auto row = q->Step();
  if (!row.ok()) return row.status();
  if (!*row) return Status::Internal(std::string("no row from ") + sql);
  return q->ColumnText(0);
}

// Says what SQLite said last on `db`, for a copy that fails a check.
Status NotAWikiDatabase(Database& db) {
  return Status::Invalid("is not a whole SQLite database (" +
                         std::string(sqlite3_errmsg(db.handle())) + ")");
}

// The journal mode `db` is in after asking for `mode`; SQLite answers the
// mode it kept when it cannot change (another connection in WAL mode).
Status SetJournalMode(Database& db, const std::string& mode) {
  auto now = FirstText(db, ("PRAGMA journal_mode=" + mode).c_str());
  if (!now.ok()) return now.status();
  if (*now != mode) return Status::Busy("the journal mode stayed " + *now);
  return Status::Ok();
}

}  // namespace

Result<int> CopyLiveDatabase(const std::string& source,
                             const std::string& target) {
  // A restore must not replace the file while it is read (the copy would
  // hold the old wiki or fail half way), so the copy counts as in use.
  auto in_use = LockDatabaseFile(source, FileLock::Mode::kShared, kCopyBusyMs);
  if (!in_use.ok()) return in_use.status();
  // Read-only: a backup never writes the live database, and its closing
  // never checkpoints it either.
  auto from = Database::Open(
      source,
      {.busy_timeout_ms = kCopyBusyMs, .read_only = true, .as_is = true});
  if (!from.ok()) return from.status();
  auto to =
      Database::Open(target, {.busy_timeout_ms = kCopyBusyMs, .as_is = true});
  if (!to.ok()) return to.status();
  // The snapshot is fixed here, by the first read of a transaction (in
  // WAL mode a read transaction sees the database as of its first read
  // until it ends), and the backup step below reuses this open read
  // transaction rather than starting its own. Taken apart from the step
  // so that a test can hold it (backup_snapshot_taken) and see writers go
  // on saving meanwhile, none of it in the copy.
  if (Status s = (*from)->Exec("BEGIN"); !s.ok()) return s;
  if (auto read = FirstText(**from, "SELECT count(*) FROM sqlite_schema");
      !read.ok()) {
    return read.status();
  }
  FailpointHold("backup_snapshot_taken");
  // The online backup API, all pages in one step, of that snapshot: writers
  // go on saving (in WAL mode readers never block the writer) and the copy
  // holds every save acknowledged before the read above, none half. Not
  // in chunks: a
  // stepped backup starts again whenever another process commits between
  // its steps, and with writers saving every few milliseconds it never
  // finished (RELIABILITY-NOTES §2, probe 9). Not VACUUM INTO, which gives
  // the same snapshot but rebuilds every table and index (FTS5's too), so
  // it takes longer and holds the snapshot longer, during which the WAL
  // cannot be checkpointed and grows; copying pages as they are costs the
  // least.
  sqlite3_backup* backup =
      sqlite3_backup_init((*to)->handle(), "main", (*from)->handle(), "main");
  if (backup == nullptr) {
    return Status::Unavailable("cannot start the copy: " +
                               std::string(sqlite3_errmsg((*to)->handle())));
  }
  const int stepped = sqlite3_backup_step(backup, -1);
  const int finished =
      sqlite3_backup_finish(backup);  // frees it, whatever happened
  if (stepped != SQLITE_DONE) {
    Status s = StatusFromSqlite(stepped, "copying " + source);
    return s.ok() ? Status::Internal("the copy stopped early") : s;
  }
  if (finished != SQLITE_OK)
    return StatusFromSqlite(finished, "finishing the copy");
  from->reset();
  // The copy's header says WAL, as its source's does. A backup should be
  // one file that stands alone, so it leaves WAL mode here (on our own
  // file; its -wal, empty, goes too), and wikid puts it back in WAL mode
  // when it serves a restored copy.
  if (Status s = SetJournalMode(**to, "delete"); !s.ok()) return s;
  to->reset();
  return CheckCopy(target);
}

Result<int> CheckCopy(const std::string& path) {
  auto opened = Database::Open(
      path, {.read_only = true, .as_is = true, .immutable = true});
  if (!opened.ok())
    return Status::Invalid("cannot be opened: " + opened.status().message());
  Database& db = **opened;
  // The full check, not quick_check: it also compares every index with
  // its table, and a restore is rare enough to afford it.
  auto integrity = FirstText(db, "PRAGMA integrity_check");
  if (!integrity.ok()) return NotAWikiDatabase(db);
  if (*integrity != "ok") {
    return Status::Invalid("fails SQLite's integrity check: " + *integrity);
  }
  auto version = FirstText(db, "PRAGMA user_version");
  if (!version.ok()) return NotAWikiDatabase(db);
  const int schema = std::stoi(*version);
  auto tables = FirstText(db,
                          "SELECT count(*) FROM sqlite_schema WHERE type = "
                          "'table' AND name = 'page'");
  if (!tables.ok()) return NotAWikiDatabase(db);
  if (schema < 1 || *tables != "1") {
    return Status::Invalid(
        "is a SQLite database but no wiki's (schema version " +
        std::to_string(schema) + ", no page table)");
  }
  if (schema > LatestSchemaVersion()) {
    return Status::Invalid(
        "has schema version " + std::to_string(schema) +
        ", newer than this wikid understands (" +
        std::to_string(LatestSchemaVersion()) +
        "): restore it with the wikid that made it, or a newer one");
  }
  return schema;
}

Result<FileLock> KeepOutOfUse(const std::string& path) {
  // At once: a restore never waits for a wikid to stop (it would wait
  // forever), and a command that is finishing can be run again.
  auto lock = LockDatabaseFile(path, FileLock::Mode::kExclusive, 0);
  if (!lock.ok() && lock.status().code() == Status::Code::kBusy) {
    return Status::Busy(path + ".lock is held: " + path +
                        " is in use (a wikid serving it, a backup, or a "
                        "command such as wikid user)");
  }
  return lock;
}

Status ReleaseForReplacement(const std::string& path) {
  auto opened =
      Database::Open(path, {.busy_timeout_ms = kReleaseBusyMs, .as_is = true});
  if (!opened.ok()) return opened.status();
  Database& db = **opened;
  // In EXCLUSIVE locking mode a connection keeps every lock it takes until
  // it closes, and on a WAL database its first read takes an exclusive
  // lock on the database file. That fails while any other connection has
  // the database open, busy or idle: a connection to a WAL database holds
  // a shared lock on the file from its first read until it closes (so an
  // idle worker of a running wikid counts). On a rollback-journal file,
  // BEGIN EXCLUSIVE is what waits for every reader. Either way, from here
  // on nobody else can read or write it until we close.
  for (const char* sql :
       {"PRAGMA locking_mode=EXCLUSIVE", "BEGIN EXCLUSIVE", "COMMIT"}) {
    if (Status s = db.Exec(sql); !s.ok()) return s;
  }
  // Out of WAL mode: SQLite checkpoints every committed transaction into
  // the file, syncs it, then deletes the -wal file. A -wal file left beside
  // the name would be replayed onto whatever file takes the name next, so
  // this must finish before the rename. A stale -shm file is harmless: the
  // next first connection rebuilds it from the (absent) -wal.
  if (Status s = SetJournalMode(db, "delete"); !s.ok()) return s;
  opened->reset();  // closes: the lock goes, and the exclusive mode's -journal
  return Status::Ok();
}

}  // namespace wikid
