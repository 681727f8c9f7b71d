#include "model/store/postgres/pg_connection.h"

#include <libpq-fe.h>
#include <poll.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>

namespace wikid {
namespace {

// What a caller can act on, from the SQLSTATE of a failed statement
// (PostgreSQL's appendix A): the server gone or going away, out of disk
// or memory, or read-only, all mean "storage cannot take writes now";
// a lock or serialization failure, or a statement cancelled by its
// timeout, "busy, try again"; a broken constraint, a conflict.
Status StatusFromSqlstate(std::string_view state, std::string_view what,
                          std::string_view detail) {
  const std::string where(what);
  const std::string_view cls = state.substr(0, 2);
  if (cls == "08" || cls == "57" || cls == "53" || cls == "58" || state == "25006" ||
      state.empty()) {
    // 57014 is a cancelled statement: its timeout, not an outage.
    if (state == "57014") {
      return Status::Busy("The wiki's database took too long (" + where +
                          "); please try again.");
    }
    return Status::Unavailable("The wiki's database server cannot take changes right now (" +
                               where + ": " + std::string(detail) + ").");
  }
  if (state == "40001" || state == "40P01" || state == "55P03") {
    return Status::Busy("The wiki is busy saving other changes (" + where +
                        "); please try again.");
  }
  if (cls == "23") return Status::Conflict(where + ": " + std::string(detail));
  return Status::Internal(where + ": " + std::string(detail));
}

// libpq's message for `conn`, without its trailing newline.
std::string ConnectionError(pg_conn* conn) {
  std::string message = conn ? PQerrorMessage(conn) : "out of memory";
  while (!message.empty() && (message.back() == '\n' || message.back() == ' '))
    message.pop_back();
  return message;
}

// The bounds a connection gets, all from the statement timeout T (0: an
// operator's command, unbounded):
//   - the wait for an answer: T and a grace. The server cancels a
//     statement at T and says so at once; one that has not answered by
//     then is not answering (stopped, swapped out, its host frozen), and
//     cannot cancel anything. The connection is dropped and the request
//     answers 503.
//   - tcp_user_timeout, the same: data the server's host has not
//     acknowledged by then means the network or the host is gone (a black
//     hole, which sends no reset). Keepalives, probing after T idle (at
//     least 1 s, then every second, 3 times), find such a loss while the
//     connection waits or idles, so that the next request sees the
//     connection ended (EndedByServer) and opens another before its first
//     statement instead of waiting for an answer.
//   - idle_in_transaction_session_timeout: 2 T. Nothing a request does
//     inside a transaction waits for anyone but the server, so a
//     connection idle that long inside one belongs to a worker that is
//     stuck or stopped, and must not keep its locks.
constexpr int kAnswerGraceMs = 2000;

struct ConnectionBounds {
  std::optional<std::chrono::milliseconds> answer_wait;  // none: unbounded
  std::string tcp_user_timeout_ms;                       // "0": the system's
  std::string keepalives_idle_s;
  std::string idle_in_transaction_ms;  // "0": none
};

ConnectionBounds BoundsFor(int statement_timeout_ms) {
  const int t = std::max(0, statement_timeout_ms);
  ConnectionBounds bounds;
  if (t > 0) bounds.answer_wait = std::chrono::milliseconds(t + kAnswerGraceMs);
  bounds.tcp_user_timeout_ms = std::to_string(t > 0 ? t + kAnswerGraceMs : 0);
  bounds.keepalives_idle_s = std::to_string(t > 0 ? std::max(1, (t + 999) / 1000) : 60);
  bounds.idle_in_transaction_ms = std::to_string(2 * static_cast<int64_t>(t));
  return bounds;
}

// Waits until `socket` is ready for `events`, or until `deadline` (none:
// for ever); the events poll found (POLLERR and POLLHUP included), 0 at
// the deadline.
short WaitForSocket(int socket, short events,
                    std::optional<std::chrono::steady_clock::time_point> deadline) {
  for (;;) {
    int timeout_ms = -1;
    if (deadline) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                            *deadline - std::chrono::steady_clock::now())
                            .count();
      timeout_ms = static_cast<int>(std::clamp<int64_t>(left, 0, 1 << 30));
    }
    pollfd ready{.fd = socket, .events = events, .revents = 0};
    const int n = poll(&ready, 1, timeout_ms);
    if (n > 0) return ready.revents;
    if (n == 0) return 0;
    if (errno != EINTR) return POLLERR;
  }
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return 0;
}

}  // namespace

// --- PgResult -------------------------------------------------------------

PgResult::~PgResult() { PQclear(result_); }

PgResult& PgResult::operator=(PgResult&& other) noexcept {
  if (this != &other) {
    PQclear(result_);
    result_ = other.result_;
    other.result_ = nullptr;
  }
  return *this;
}

int PgResult::rows() const { return PQntuples(result_); }

bool PgResult::IsNull(int row, int column) const {
  return PQgetisnull(result_, row, column) != 0;
}

std::string PgResult::Text(int row, int column) const {
  return std::string(PQgetvalue(result_, row, column),
                     static_cast<size_t>(PQgetlength(result_, row, column)));
}

int64_t PgResult::Int(int row, int column) const {
  if (IsNull(row, column)) return 0;
  return std::strtoll(PQgetvalue(result_, row, column), nullptr, 10);
}

double PgResult::Double(int row, int column) const {
  if (IsNull(row, column)) return 0;
  return std::strtod(PQgetvalue(result_, row, column), nullptr);
}

bool PgResult::Bool(int row, int column) const {
  return !IsNull(row, column) && PQgetvalue(result_, row, column)[0] == 't';
}

std::string PgResult::Bytes(int row, int column) const {
  if (PQfformat(result_, column) == 1) return Text(row, column);
  // bytea_output = hex (the default since 9.0): "\x" and two digits a byte.
  const std::string hex = Text(row, column);
  std::string bytes;
  for (size_t i = 2; i + 1 < hex.size(); i += 2) {
    bytes += static_cast<char>(HexValue(hex[i]) * 16 + HexValue(hex[i + 1]));
  }
  return bytes;
}

int64_t PgResult::changed() const {
  return std::strtoll(PQcmdTuples(result_), nullptr, 10);
}

// --- PgParams -------------------------------------------------------------

PgParams& PgParams::Add(int64_t value) {
  values_.emplace_back(std::to_string(value));
  formats_.push_back(0);
  return *this;
}

PgParams& PgParams::Add(std::string_view text) {
  // A NUL would end the text early in libpq's text format; page text and
  // names never hold one (HTTP decoding refuses it), and a space keeps
  // the rest rather than cutting it off silently.
  std::string copy(text);
  std::replace(copy.begin(), copy.end(), '\0', ' ');
  values_.emplace_back(std::move(copy));
  formats_.push_back(0);
  return *this;
}

PgParams& PgParams::AddBool(bool value) {
  values_.emplace_back(value ? "t" : "f");
  formats_.push_back(0);
  return *this;
}

PgParams& PgParams::AddBytes(std::string_view bytes) {
  values_.emplace_back(std::string(bytes));
  formats_.push_back(1);
  return *this;
}

PgParams& PgParams::AddBorrowedBytes(std::string_view bytes) {
  borrowed_[values_.size()] = bytes;
  values_.emplace_back(std::string());
  formats_.push_back(1);
  return *this;
}

PgParams& PgParams::AddNull() {
  values_.emplace_back(std::nullopt);
  formats_.push_back(0);
  return *this;
}

PgParams& PgParams::Add(std::optional<int64_t> value) {
  return value ? Add(*value) : AddNull();
}

PgParams& PgParams::AddTextArray(const std::vector<std::string>& texts) {
  // PostgreSQL's array literal: {"a","b"}, with \ before " and \ inside
  // quotes. Add then sends it as any text (a NUL becomes a space there).
  std::string array = "{";
  for (const std::string& text : texts) {
    if (array.size() > 1) array += ',';
    array += '"';
    for (char c : text) {
      if (c == '"' || c == '\\') array += '\\';
      array += c;
    }
    array += '"';
  }
  return Add(array + "}");
}

std::vector<const char*> PgParams::values() const {
  std::vector<const char*> out;
  for (const auto& v : values_) out.push_back(v ? v->data() : nullptr);
  // Never null: libpq takes a null value for SQL NULL, and empty bytes
  // are not that.
  for (const auto& [index, bytes] : borrowed_) out[index] = bytes.data() ? bytes.data() : "";
  return out;
}

std::vector<int> PgParams::lengths() const {
  std::vector<int> out;
  for (const auto& v : values_) out.push_back(v ? static_cast<int>(v->size()) : 0);
  for (const auto& [index, bytes] : borrowed_) out[index] = static_cast<int>(bytes.size());
  return out;
}

std::vector<int> PgParams::formats() const { return formats_; }

// --- PgConnection ---------------------------------------------------------

Result<std::unique_ptr<PgConnection>> PgConnection::Open(const std::string& url,
                                                         const PgOptions& options) {
  std::unique_ptr<PgConnection> db(new PgConnection(url, options));
  if (Status s = db->Connect(); !s.ok()) return s;
  return db;
}

PgConnection::~PgConnection() { PQfinish(conn_); }

Status PgConnection::Connect() {
  PQfinish(conn_);
  conn_ = nullptr;
  on_server_.clear();
  EndTransaction();
  const ConnectionBounds bounds = BoundsFor(options_.statement_timeout_ms);
  const std::string timeout = std::to_string(options_.connect_timeout_seconds);
  // A connect timeout unless PGCONNECT_TIMEOUT or the URL sets one, and
  // the bounds above unless the URL sets them: libpq takes the keywords in
  // order, the last value of each winning, so the URL (expanded from
  // "dbname") comes last. The application name is libpq's fallback, used
  // only when neither the URL nor PGAPPNAME has one.
  const char* keys[] = {"connect_timeout",     "fallback_application_name",
                        "keepalives",          "keepalives_idle",
                        "keepalives_interval", "keepalives_count",
                        "tcp_user_timeout",    "dbname",
                        nullptr};
  const char* values[] = {std::getenv("PGCONNECT_TIMEOUT") ? nullptr : timeout.c_str(),
                          options_.application_name.c_str(),
                          "1",  // keepalives on
                          bounds.keepalives_idle_s.c_str(),
                          "1",  // a probe a second
                          "3",  // three unanswered: gone
                          bounds.tcp_user_timeout_ms.c_str(),
                          url_.c_str(),
                          nullptr};
  conn_ = PQconnectdbParams(keys, values, /*expand_dbname=*/1);
  if (conn_ == nullptr || PQstatus(conn_) != CONNECTION_OK) {
    // libpq's message names the host and port and why (refused, no such
    // database, authentication failed), never the password.
    return Status::Unavailable("cannot connect to the PostgreSQL database: " +
                               ConnectionError(conn_));
  }
  // Nonblocking, so that no send waits on a server that stopped reading
  // (Await bounds every wait), nor does the goodbye PQfinish sends.
  if (PQsetnonblocking(conn_, 1) != 0) {
    return Status::Unavailable("cannot use the PostgreSQL connection: " +
                               ConnectionError(conn_));
  }
  // Per session, so every statement of every store is bounded. The numbers
  // are ours, not input. Notices are not sent: libpq would print each on
  // the worker's standard error, and the ones a wiki meets are about
  // input, not faults (a search of no word PostgreSQL keeps: "text-search
  // query contains only stop words"; a text's word too long to index).
  const std::string settings = "SET statement_timeout = " +
                               std::to_string(options_.statement_timeout_ms) +
                               "; SET idle_in_transaction_session_timeout = " +
                               bounds.idle_in_transaction_ms +
                               "; SET client_encoding = 'UTF8'"
                               "; SET client_min_messages = warning";
  // (Sent as it is, not through Exec, whose check of the connection
  // would open another.)
  ++queries_;
  if (auto set = Await(PQsendQuery(conn_, settings.c_str()), "the session's settings");
      !set.ok()) {
    return set.status();
  }
  return Status::Ok();
}

Status PgConnection::PrepareOnServer(const std::string& name, const std::string& sql) {
  auto prepared = Await(PQsendPrepare(conn_, name.c_str(), sql.c_str(), 0, nullptr), name);
  if (prepared.ok()) return Status::Ok();
  // A statement the server refuses is a bug in it, not an outage.
  if (prepared.status().code() == Status::Code::kInternal) {
    return Status::Internal("prepare failed: " + prepared.status().message() + " in: " + sql);
  }
  return prepared.status();
}

Status PgConnection::EnsureConnected() {
  if (PQstatus(conn_) == CONNECTION_OK && !EndedByServer()) return Status::Ok();
  Drop();
  // The server restarted, or ended the connection, or the network dropped
  // it: what a transaction had done is gone with it (the server rolled it
  // back), so only a call outside one may go on, on a new connection.
  if (in_transaction_) {
    return Status::Unavailable(
        "The connection to the wiki's database server was lost during a change; "
        "nothing of it was kept.");
  }
  return Connect();
}

// An idle connection has nothing to read: every statement's answer was
// read to its end. Anything there now is the server ending it (a restart's
// or shutdown's FATAL message, an idle-in-transaction timeout's, then the
// end of the stream), and a hang-up or error on the socket is the network
// having lost it (the keepalives' verdict). Asked before each statement is
// sent, without waiting (one poll), so that a worker's first request after
// a restart that is over opens a new connection instead of failing on the
// old one. (A message the server might send unasked that is not goodbye,
// a parameter's new value, costs a reconnect, never a failure.)
bool PgConnection::EndedByServer() const {
  return WaitForSocket(PQsocket(conn_), POLLIN, std::chrono::steady_clock::now()) != 0;
}

void PgConnection::Drop() {
  PQfinish(conn_);  // nonblocking: its goodbye does not wait
  conn_ = nullptr;
  on_server_.clear();
}

Status PgConnection::Prepare(const std::string& name, const std::string& sql) {
  // A second store of one kind on the connection (a page store with an
  // event sink, beside one without) prepares the same statements again.
  if (auto known = prepared_.find(name); known != prepared_.end()) {
    if (known->second == sql) return Status::Ok();
    return Status::Internal("two statements prepared as " + name);
  }
  prepared_[name] = sql;
  return Status::Ok();
}

Status PgConnection::PrepareAll(std::initializer_list<PgStatement> statements) {
  for (const PgStatement& statement : statements) {
    if (Status s = Prepare(statement.name, statement.sql); !s.ok()) return s;
  }
  return Status::Ok();
}

Result<PgResult> PgConnection::Run(const std::string& name, const PgParams& params,
                                   PgResultFormat format) {
  if (Status s = EnsureConnected(); !s.ok()) return s;
  if (!on_server_.contains(name)) {
    // First use on this connection. A failure here is before the line
    // below: nothing of the statement itself has run.
    auto sql = prepared_.find(name);
    if (sql == prepared_.end()) return Status::Internal("no statement prepared as " + name);
    if (Status s = PrepareOnServer(name, sql->second); !s.ok()) return s;
    on_server_.insert(name);
  }
  ++queries_;
  const std::vector<const char*> values = params.values();
  const std::vector<int> lengths = params.lengths();
  const std::vector<int> formats = params.formats();
  // The line: until here nothing of this statement has left the worker,
  // so a connection found lost (EnsureConnected) is replaced and nothing
  // is repeated. From the send on, the server may have run it: a failure
  // now is the caller's, never retried here.
  return Await(PQsendQueryPrepared(conn_, name.c_str(), params.size(), values.data(),
                                   lengths.data(), formats.data(), static_cast<int>(format)),
               name);
}

Result<PgResult> PgConnection::Exec(const std::string& sql) {
  if (Status s = EnsureConnected(); !s.ok()) return s;
  ++queries_;
  // The same line as in Run.
  return Await(PQsendQuery(conn_, sql.c_str()), "a statement");
}

Result<PgResult> PgConnection::Await(int sent, std::string_view what) {
  if (!sent) return Checked(nullptr, what);
  const ConnectionBounds bounds = BoundsFor(options_.statement_timeout_ms);
  std::optional<std::chrono::steady_clock::time_point> deadline;
  if (bounds.answer_wait && !unbounded_) {
    deadline = std::chrono::steady_clock::now() + *bounds.answer_wait;
  }
  auto no_answer = [&]() -> Result<PgResult> {
    // Frozen, or gone without a word: the connection cannot be used again
    // (an answer may still come), so it goes; the next call reconnects,
    // or, inside a transaction, fails (the server rolls it back when it
    // finds the connection closed).
    Drop();
    const int64_t ms = bounds.answer_wait->count();
    const std::string seconds =
        std::to_string(ms / 1000) + (ms % 1000 ? "." + std::to_string(ms % 1000 / 100) : "");
    return Status::Unavailable("The wiki's database server did not answer within " + seconds +
                               " s (" + std::string(what) + "); please try again.");
  };
  // Everything sent first (an upload's megabytes), reading meanwhile as
  // libpq asks, so that neither side waits for the other.
  for (;;) {
    const int flushed = PQflush(conn_);
    if (flushed == 0) break;
    if (flushed < 0) return Checked(nullptr, what);
    const short ready = WaitForSocket(PQsocket(conn_), POLLIN | POLLOUT, deadline);
    if (ready == 0) return no_answer();
    if ((ready & POLLIN) && !PQconsumeInput(conn_)) return Checked(nullptr, what);
  }
  // Then every result, as PQexec keeps them: the first failure, or else
  // the last result (a string of several statements answers each).
  pg_result* kept = nullptr;
  for (;;) {
    while (PQisBusy(conn_)) {
      if (WaitForSocket(PQsocket(conn_), POLLIN, deadline) == 0) {
        PQclear(kept);
        return no_answer();
      }
      if (!PQconsumeInput(conn_)) {
        PQclear(kept);
        return Checked(nullptr, what);
      }
    }
    pg_result* next = PQgetResult(conn_);
    if (next == nullptr) break;
    if (kept != nullptr && PQresultStatus(kept) == PGRES_FATAL_ERROR) {
      PQclear(next);
    } else {
      PQclear(kept);
      kept = next;
    }
  }
  return Checked(kept, what);
}

Status PgConnection::LiftTimeoutsForTransaction() {
  if (!in_transaction_) return Status::Internal("timeouts lifted outside a transaction");
  auto lifted =
      Exec("SET LOCAL statement_timeout = 0; SET LOCAL idle_in_transaction_session_timeout = 0");
  if (!lifted.ok()) return lifted.status();
  unbounded_ = true;
  return Status::Ok();
}

std::string PgConnection::ConnectionOption(const std::string& keyword) const {
  std::string value;
  PQconninfoOption* options = conn_ ? PQconninfo(conn_) : nullptr;
  for (PQconninfoOption* o = options; o != nullptr && o->keyword != nullptr; ++o) {
    if (keyword == o->keyword && o->val != nullptr) value = o->val;
  }
  PQconninfoFree(options);
  return value;
}

Result<PgResult> PgConnection::Checked(pg_result* raw, std::string_view what) {
  PgResult result(raw);
  const ExecStatusType status = raw ? PQresultStatus(raw) : PGRES_FATAL_ERROR;
  if (status == PGRES_TUPLES_OK || status == PGRES_COMMAND_OK) {
    rows_ += result.rows();
    return result;
  }
  const char* state = raw ? PQresultErrorField(raw, PG_DIAG_SQLSTATE) : nullptr;
  const char* primary = raw ? PQresultErrorField(raw, PG_DIAG_MESSAGE_PRIMARY) : nullptr;
  // No SQLSTATE: libpq's own failure, the connection lost on the way.
  const std::string detail = primary ? primary : ConnectionError(conn_);
  if (PQstatus(conn_) != CONNECTION_OK && state == nullptr) {
    return Status::Unavailable("The connection to the wiki's database server was lost (" +
                               std::string(what) + ": " + detail + "); please try again.");
  }
  return StatusFromSqlstate(state ? state : "", what, detail);
}

// --- PgTransaction --------------------------------------------------------

Status PgTransaction::Begin() {
  auto begun = db_.Exec("BEGIN");
  if (!begun.ok()) return begun.status();
  open_ = true;
  db_.in_transaction_ = true;
  return Status::Ok();
}

Status PgTransaction::Commit() {
  open_ = false;
  // Before COMMIT leaves the worker, a connection found lost means the
  // server rolled the transaction back: that much is sure.
  if (Status s = db_.EnsureConnected(); !s.ok()) {
    db_.EndTransaction();
    return Status::Unavailable(
        "The connection to the wiki's database server was lost during a change; "
        "nothing of it was stored.");
  }
  ++db_.queries_;
  auto committed = db_.Await(PQsendQuery(db_.conn_, "COMMIT"), "COMMIT");
  db_.EndTransaction();
  if (committed.ok()) return Status::Ok();
  if (committed.status().code() == Status::Code::kUnavailable) {
    // COMMIT was sent: the server may have committed before the connection
    // went, or may yet (a frozen one, when it wakes). The writer must be
    // told neither that it failed nor that it worked.
    return Status::Unconfirmed(
        "The wiki's database server did not confirm the change (the connection was lost, "
        "or it did not answer), so it may or may not have been stored: look before "
        "trying again.");
  }
  return committed.status();
}

PgTransaction::~PgTransaction() {
  if (!open_) return;
  // A lost connection has rolled back on the server already; a live one
  // is told to, within the usual bound.
  if (PQstatus(db_.conn_) == CONNECTION_OK) {
    (void)db_.Await(PQsendQuery(db_.conn_, "ROLLBACK"), "ROLLBACK");
  }
  db_.EndTransaction();
}

}  // namespace wikid
