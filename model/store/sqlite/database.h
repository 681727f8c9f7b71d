// Database: one SQLite connection, its prepared statements and its
// transactions, each with one RAII owner.
//
// One Database per worker process, opened after fork() (a connection must
// never cross a fork: sqlite.org/howtocorrupt.html §2.6). Not thread-safe.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/base/files.h"
#include "model/base/status.h"

// SQLite's handles, declared here so that including this header does not
// bring sqlite3.h to every file that uses a store engine (the library is
// linked PRIVATE to it).
struct sqlite3;
struct sqlite3_stmt;

namespace wikid {

// Maps an SQLite result code to the Status a caller can act on. Disk full,
// I/O errors and a read-only file all mean "storage cannot take writes
// now" (kUnavailable); a lock held past the busy timeout is kBusy.
Status StatusFromSqlite(int rc, std::string_view what);

// A database file is in use while any process holds its lock file,
// PATH.lock, shared: every connection Database::Open makes (but as_is
// ones), a backup's copy, and `wikid serve`'s master for its whole life,
// so that a wikid between two workers counts too. A restore takes it
// exclusively before it releases the old file and keeps it until the new
// one has the name (sqlite_copy.h), so no wikid process opens either file
// meanwhile. A file of its own (0600, never removed: a lock file unlinked
// while held would let the next process lock a new one), so SQLite's
// POSIX locks on the database are untouched. Waits up to `wait_ms` for a
// conflicting holder; Busy then.
Result<FileLock> LockDatabaseFile(const std::string& path, FileLock::Mode mode,
                                  int wait_ms);

// A prepared statement, owned. Bind, then Step until it returns false;
// Reset() (or the Query guard below) ends the read so the connection holds
// no snapshot between requests (an open read makes the WAL grow).
class Statement {
 public:
  Statement(sqlite3* db, sqlite3_stmt* stmt, int64_t* queries, int64_t* rows,
            int64_t* steps)
      : db_(db), stmt_(stmt), queries_(queries), rows_(rows), steps_(steps) {}
  ~Statement();
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  // Parameters are numbered from 1, as in SQLite.
  void Bind(int index, int64_t value);
  void Bind(int index, std::string_view text);
  void BindBlob(int index, std::string_view bytes);
  void BindNull(int index);
  // `value`, or NULL when there is none ("the latest" in coalesce(?, ...)).
  void BindOrNull(int index, std::optional<int64_t> value);

  // Runs one step: a Result of true when a row is ready, false when done.
  Result<bool> Step();

  int64_t ColumnInt(int column) const;
  double ColumnDouble(int column) const;
  std::string ColumnText(int column) const;
  // A BLOB column's bytes, as they are (NUL bytes included).
  std::string ColumnBlob(int column) const;
  bool ColumnIsNull(int column) const;

  // Ends the current execution and clears the bindings.
  void Reset();

 private:
  sqlite3* db_;  // borrowed from Database
  sqlite3_stmt* stmt_;
  int64_t* queries_;  // borrowed: Database::queries_
  int64_t* rows_;     // borrowed: Database::rows_
  int64_t* steps_;    // borrowed: Database::steps_
  bool started_ = false;
};

// Resets its statement when it goes out of scope, so every early return
// still releases the read snapshot.
class Query {
 public:
  explicit Query(Statement& stmt) : stmt_(stmt) {}
  ~Query() { stmt_.Reset(); }
  Query(const Query&) = delete;
  Query& operator=(const Query&) = delete;
  Statement* operator->() { return &stmt_; }
  Statement& operator*() { return stmt_; }

 private:
  Statement& stmt_;
};

// Reads a window of `q`'s rows, each made by `read` (Row read(const
// Statement&)), into `rows`, up to `limit` of them. Run with LIMIT limit
// + 1, the extra row, if any, only says that more follow: true then.
template <typename Row, typename Read>
Result<bool> ReadWindow(Statement& q, int limit, std::vector<Row>& rows, Read read) {
  while (true) {
    auto row = q.Step();
    if (!row.ok()) return row.status();
    if (!*row) return false;
    if (static_cast<int>(rows.size()) == limit) return true;
    rows.push_back(read(q));
  }
}

class Database {
 public:
  struct Options {
    // How long a writer waits for another process's write lock.
    int busy_timeout_ms = 5000;
    // Opened read-only (for tools that must not write).
    bool read_only = false;
    // Opened as the file is, for backup and restore (sqlite_copy.h): never
    // created, its journal mode and schema left alone (no WAL switch, no
    // migration), its mode bits too.
    bool as_is = false;
    // With read_only: the file cannot change while it is open (a copy of
    // our own), so SQLite takes no locks and reads no -wal file beside it,
    // and leaves nothing beside it (a read-only open of a WAL-mode file
    // would make -wal and -shm files there).
    bool immutable = false;
  };

  // Opens (creating if needed) the database at `path`, sets WAL mode,
  // synchronous=FULL, foreign keys and the busy timeout, and migrates the
  // schema to the newest version in one transaction (unless `as_is` or
  // `read_only`). Unless `as_is`, the connection holds the file's in-use
  // lock (LockDatabaseFile) while it is open, and waits up to the busy
  // timeout for a restore that holds it (Busy after).
  static Result<std::unique_ptr<Database>> Open(const std::string& path,
                                                const Options& options);
  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  // Prepares `sql` once; the statement lives as long as the caller keeps
  // it (normally for the life of the worker).
  Result<std::unique_ptr<Statement>> Prepare(std::string_view sql);

  // Prepares each `sql` into its `slot`; the first failure is returned.
  struct StatementSlot {
    std::unique_ptr<Statement>* slot;
    const char* sql;
  };
  Status PrepareAll(std::initializer_list<StatementSlot> statements);

  // Runs one bound statement that writes, in its own BEGIN IMMEDIATE
  // transaction, and returns how many rows it changed.
  Result<int> WriteOne(Statement& stmt);

  // Runs SQL without results (schema changes, BEGIN/COMMIT).
  Status Exec(const char* sql);

  // How many statement executions have started on this connection. The
  // page-view budget ("one SQL query") is checked against it.
  int64_t queries() const { return queries_; }
  // How many result rows have been read on this connection (a history
  // page must read no more rows than it shows).
  int64_t rows() const { return rows_; }
  // How many virtual-machine instructions SQLite ran for statements on
  // this connection: the work a query did, whatever it returned (a list
  // that scans from the first page instead of its cursor shows here).
  int64_t steps() const { return steps_; }
  // How many times a statement on this connection found another
  // connection's lock and waited for it (once per wait, however long).
  int64_t busy_waits() const { return busy_waits_; }

  // Rows changed on this connection since it opened, those a virtual
  // table wrote into its own tables included.
  int64_t total_changes();

  sqlite3* handle() { return db_; }

 private:
  explicit Database(sqlite3* db) : db_(db) {}
  // SQLite's busy handler: sqlite3_busy_timeout's waits, counted.
  static int OnBusy(void* database, int count);
  // Declared first, so it is dropped after the connection has closed.
  FileLock in_use_;
  sqlite3* db_;
  int64_t queries_ = 0;
  int64_t rows_ = 0;
  int64_t steps_ = 0;
  int busy_timeout_ms_ = 0;
  int64_t busy_waits_ = 0;
};

// A write transaction: BEGIN IMMEDIATE, so the write lock is taken (and
// waited for, up to the busy timeout) before anything is read. A deferred
// BEGIN that reads and then writes fails at once with SQLITE_BUSY when
// another process committed meanwhile; the busy handler is not called for
// that case. Rolls back in the destructor unless Commit() succeeded.
class Transaction {
 public:
  explicit Transaction(Database& db) : db_(db) {}
  ~Transaction();
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;

  Status Begin();
  Status Commit();

 private:
  Database& db_;
  bool open_ = false;
};

}  // namespace wikid
