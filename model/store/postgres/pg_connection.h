// PgConnection: one libpq connection to a PostgreSQL server, its prepared
// statements and its transactions, each with one RAII owner.
//
// libpq rather than libpqxx: its C API is in Debian everywhere the server
// is (libpq-dev), it reports failures as values (PGresult, SQLSTATE) that
// map straight onto our Status instead of exceptions to catch at every
// call, and it prepares statements by name (PQprepare/PQexecPrepared),
// which is all the stores need.
//
// One PgConnection per process, opened after fork() (libpq's socket and
// TLS state must never be shared by two processes). Not thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <initializer_list>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "model/base/status.h"

// libpq's handles, declared here so that this header does not bring
// libpq-fe.h to every file that uses the engine (libpq is linked PRIVATE).
struct pg_conn;
struct pg_result;

namespace wikid {

// The result of one statement, owned (PQclear in the destructor). Values
// come as text (libpq's text format) unless the statement was run for
// binary results (PgResultFormat); rows and columns from 0.
class PgResult {
 public:
  explicit PgResult(pg_result* result) : result_(result) {}
  ~PgResult();
  PgResult(PgResult&& other) noexcept : result_(other.result_) { other.result_ = nullptr; }
  PgResult& operator=(PgResult&& other) noexcept;
  PgResult(const PgResult&) = delete;
  PgResult& operator=(const PgResult&) = delete;

  int rows() const;
  bool IsNull(int row, int column) const;
  std::string Text(int row, int column) const;
  int64_t Int(int row, int column) const;  // 0 for NULL
  double Double(int row, int column) const;
  bool Bool(int row, int column) const;  // PostgreSQL's 't'
  // bytea: in a binary result, its bytes as they are; in a text one,
  // PostgreSQL's hex text ("\x...") decoded.
  std::string Bytes(int row, int column) const;
  // Rows an INSERT, UPDATE or DELETE changed.
  int64_t changed() const;

 private:
  pg_result* result_;
};

// The parameters of one statement, $1 first. Text parameters are sent in
// libpq's text format; Bytes in binary, for bytea columns.
class PgParams {
 public:
  PgParams& Add(int64_t value);
  PgParams& Add(std::string_view text);
  PgParams& Add(const char* text) { return Add(std::string_view(text)); }
  PgParams& AddBool(bool value);
  PgParams& AddBytes(std::string_view bytes);
  // As AddBytes, without a copy: `bytes` must outlive these params and
  // the statement run with them (an upload's megabytes, sent once).
  PgParams& AddBorrowedBytes(std::string_view bytes);
  PgParams& AddNull();
  // An int64 or NULL.
  PgParams& Add(std::optional<int64_t> value);
  // A text[] (for "= ANY($N::text[])"), every element quoted, so commas,
  // braces, quotes and backslashes in it are data.
  PgParams& AddTextArray(const std::vector<std::string>& texts);

  int size() const { return static_cast<int>(values_.size()); }
  // The arrays libpq takes; valid while this object lives unchanged.
  std::vector<const char*> values() const;
  std::vector<int> lengths() const;
  std::vector<int> formats() const;

 private:
  std::vector<std::optional<std::string>> values_;
  std::vector<int> formats_;
  std::map<size_t, std::string_view> borrowed_;  // by index: used instead of values_
};

// How a statement's result columns come back. Text suits every column the
// stores read but bytea, which text doubles (two hex digits a byte, then
// decoded: three copies of a file in memory at once); binary sends bytea
// as it is, and the integers and booleans in PostgreSQL's binary formats,
// which PgResult does not read: run for binary only a statement whose
// columns are all bytea.
enum class PgResultFormat { kText = 0, kBinary = 1 };

// A statement a store prepares: its name on the connection (unique, the
// store's prefix first) and its SQL.
struct PgStatement {
  const char* name;
  const char* sql;
};

struct PgOptions {
  // The longest one statement may run before the server cancels it, so a
  // stuck query cannot hold a worker (and its locks) for ever; 0 for no
  // limit (an operator's command). The other bounds follow from it
  // (pg_connection.cc, ConnectionBounds): how long the worker waits for
  // an answer (a frozen server, which cannot cancel anything), TCP
  // keepalives and tcp_user_timeout (a server gone from the network), and
  // idle_in_transaction_session_timeout (a connection idle inside a
  // transaction keeps its locks no longer).
  int statement_timeout_ms = 5000;
  // How long a connection attempt may take.
  int connect_timeout_seconds = 5;
  // What pg_stat_activity shows as the connection's application_name (so
  // an operator can count a wiki's connections: one per worker and one
  // for the mailer), unless the URL or PGAPPNAME names one. Never a part
  // of the URL: it is shown to every user of the server.
  std::string application_name = "wikid";
};

class PgConnection {
 public:
  // Connects to `url` (postgresql://..., with libpq's environment and
  // password file as usual). Unavailable, with libpq's reason, when the
  // server cannot be reached; the URL itself is never in the message.
  static Result<std::unique_ptr<PgConnection>> Open(const std::string& url,
                                                    const PgOptions& options);
  ~PgConnection();
  PgConnection(const PgConnection&) = delete;
  PgConnection& operator=(const PgConnection&) = delete;

  // Names `sql` `name` (unique on the connection). The server prepares
  // it at its first Run on each connection, so that opening the stores
  // costs no round trip per statement (a store has dozens, which a worker
  // or the mailer mostly never runs: the mailer's start made ~180 round
  // trips); Run says Internal then if the server refuses it. Internal
  // now for a second SQL under one name.
  Status Prepare(const std::string& name, const std::string& sql);
  // Names each of a store's statements (Prepare), stopping at the first
  // failure.
  Status PrepareAll(std::initializer_list<PgStatement> statements);

  // Runs the statement prepared as `name`. A connection found lost
  // before the statement is sent (the server restarted, or ended it) is
  // opened again first when no transaction was open on it; one lost
  // inside a transaction, or while the statement runs, is Unavailable
  // (the next call reconnects), and so is a server that does not answer
  // within the statement timeout and a grace (the connection is dropped).
  Result<PgResult> Run(const std::string& name, const PgParams& params = {},
                       PgResultFormat format = PgResultFormat::kText);

  // Runs `sql`, with no parameters: schema changes, BEGIN and COMMIT, and
  // the constant queries of tests and rare operator commands. Never
  // built from input.
  Result<PgResult> Exec(const std::string& sql);

  // Inside a transaction: no statement timeout, no idle-in-transaction
  // timeout and no bound on the wait for answers until it ends, for the
  // schema's migrations (a rewrite of every row, a wait for another
  // process's migration), never for requests.
  Status LiftTimeoutsForTransaction();

  bool in_transaction() const { return in_transaction_; }

  // The value libpq uses for connection option `keyword` ("" if none), so
  // a test can see which bounds a connection got.
  std::string ConnectionOption(const std::string& keyword) const;

  // Statement executions started, and rows returned, on this connection.
  int64_t queries() const { return queries_; }
  int64_t rows() const { return rows_; }

 private:
  friend class PgTransaction;
  PgConnection(std::string url, const PgOptions& options)
      : url_(std::move(url)), options_(options) {}
  // Connects (again) and sets the session up; no statement is prepared
  // on the new connection yet.
  Status Connect();
  // Ok when the connection is there and nothing says it was lost; else
  // reconnects when no transaction was open on it (Unavailable if one
  // was: the server rolled it back).
  Status EnsureConnected();
  // Whether the server has ended an idle connection (see the .cc).
  bool EndedByServer() const;
  // Closes the connection without waiting for the server.
  void Drop();
  void EndTransaction() {
    in_transaction_ = false;
    unbounded_ = false;
  }
  Status PrepareOnServer(const std::string& name, const std::string& sql);
  // Waits for the answer to what was just sent (`sent`: libpq's return
  // of a PQsend* call), as PQexec would, but no longer than the bound:
  // the last result, or the first that failed.
  Result<PgResult> Await(int sent, std::string_view what);
  // A Status for `result` (null: libpq ran out of memory or lost the
  // connection), and whether a transaction ended with it.
  Result<PgResult> Checked(pg_result* result, std::string_view what);

  std::string url_;  // never logged or shown: it may name a user and host
  PgOptions options_;
  pg_conn* conn_ = nullptr;
  std::map<std::string, std::string> prepared_;  // name -> SQL
  std::set<std::string> on_server_;              // names the server has prepared
  bool in_transaction_ = false;
  bool unbounded_ = false;  // LiftTimeoutsForTransaction, until the transaction ends
  int64_t queries_ = 0;
  int64_t rows_ = 0;
};

// A transaction at READ COMMITTED. Rolls back in its destructor unless
// Commit() succeeded; a lost connection rolls back on the server.
class PgTransaction {
 public:
  explicit PgTransaction(PgConnection& db) : db_(db) {}
  ~PgTransaction();
  PgTransaction(const PgTransaction&) = delete;
  PgTransaction& operator=(const PgTransaction&) = delete;

  Status Begin();
  // Unavailable when the server did not confirm it (the connection was
  // lost): the caller must say the write may not have happened.
  Status Commit();

 private:
  PgConnection& db_;
  bool open_ = false;
};

}  // namespace wikid
