#include "model/store/postgres/pg_connection.h"

#include <libpq-fe.h>

#include <algorithm>
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
  in_transaction_ = false;
  const std::string timeout = std::to_string(options_.connect_timeout_seconds);
  // A connect timeout unless PGCONNECT_TIMEOUT or the URL sets one: libpq
  // takes the keywords in order, the last value of each winning, so the
  // URL (expanded from "dbname") comes last. The application name is
  // libpq's fallback, used only when neither the URL nor PGAPPNAME has one.
  const char* keys[] = {"connect_timeout", "fallback_application_name", "dbname", nullptr};
  const char* values[] = {std::getenv("PGCONNECT_TIMEOUT") ? nullptr : timeout.c_str(),
                          options_.application_name.c_str(), url_.c_str(), nullptr};
  conn_ = PQconnectdbParams(keys, values, /*expand_dbname=*/1);
  if (conn_ == nullptr || PQstatus(conn_) != CONNECTION_OK) {
    // libpq's message names the host and port and why (refused, no such
    // database, authentication failed), never the password.
    return Status::Unavailable("cannot connect to the PostgreSQL database: " +
                               ConnectionError(conn_));
  }
  // Per session, so every statement of every store is bounded. The number
  // is ours, not input. Notices are not sent: libpq would print each on
  // the worker's standard error, and the ones a wiki meets are about
  // input, not faults (a search of no word PostgreSQL keeps: "text-search
  // query contains only stop words"; a text's word too long to index).
  const std::string settings = "SET statement_timeout = " +
                               std::to_string(options_.statement_timeout_ms) +
                               "; SET client_encoding = 'UTF8'"
                               "; SET client_min_messages = warning";
  if (auto set = Exec(settings); !set.ok()) return set.status();
  for (const auto& [name, sql] : prepared_) {
    if (Status s = PrepareOnServer(name, sql); !s.ok()) return s;
  }
  return Status::Ok();
}

Status PgConnection::PrepareOnServer(const std::string& name, const std::string& sql) {
  auto prepared = Checked(PQprepare(conn_, name.c_str(), sql.c_str(), 0, nullptr), name);
  if (prepared.ok()) return Status::Ok();
  // A statement the server refuses is a bug in it, not an outage.
  if (prepared.status().code() == Status::Code::kInternal) {
    return Status::Internal("prepare failed: " + prepared.status().message() + " in: " + sql);
  }
  return prepared.status();
}

Status PgConnection::EnsureConnected() {
  if (PQstatus(conn_) == CONNECTION_OK) return Status::Ok();
  // The server restarted, or the network dropped the connection: what a
  // transaction had done is gone with it (the server rolled it back), so
  // only a call outside one may go on, on a new connection.
  if (in_transaction_) {
    return Status::Unavailable(
        "The connection to the wiki's database server was lost during a change; "
        "nothing of it was kept.");
  }
  return Connect();
}

Status PgConnection::Prepare(const std::string& name, const std::string& sql) {
  // A second store of one kind on the connection (a page store with an
  // event sink, beside one without) prepares the same statements again.
  if (auto known = prepared_.find(name); known != prepared_.end()) {
    if (known->second == sql) return Status::Ok();
    return Status::Internal("two statements prepared as " + name);
  }
  prepared_[name] = sql;
  if (Status s = EnsureConnected(); !s.ok()) return s;
  return PrepareOnServer(name, sql);
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
  ++queries_;
  const std::vector<const char*> values = params.values();
  const std::vector<int> lengths = params.lengths();
  const std::vector<int> formats = params.formats();
  return Checked(PQexecPrepared(conn_, name.c_str(), params.size(), values.data(),
                                lengths.data(), formats.data(), static_cast<int>(format)),
                 name);
}

Result<PgResult> PgConnection::Exec(const std::string& sql) {
  if (Status s = EnsureConnected(); !s.ok()) return s;
  ++queries_;
  return Checked(PQexec(conn_, sql.c_str()), "a statement");
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
  if (PQstatus(db_.conn_) != CONNECTION_OK) {
    open_ = false;
    db_.in_transaction_ = false;
    return Status::Unavailable(
        "The connection to the wiki's database server was lost during a change; "
        "nothing of it was stored.");
  }
  auto committed = db_.Exec("COMMIT");
  open_ = false;
  db_.in_transaction_ = false;
  if (committed.ok()) return Status::Ok();
  if (committed.status().code() == Status::Code::kUnavailable) {
    // The server may have committed before the connection went: the
    // writer must not be told it failed for sure, nor that it worked.
    return Status::Unavailable(
        "The wiki's database server did not confirm the change (" +
        committed.status().message() +
        "); it may or may not have been stored: look before trying again.");
  }
  return committed.status();
}

PgTransaction::~PgTransaction() {
  if (!open_) return;
  db_.in_transaction_ = false;
  // A lost connection has rolled back on the server already.
  if (PQstatus(db_.conn_) == CONNECTION_OK) PQclear(PQexec(db_.conn_, "ROLLBACK"));
}

}  // namespace wikid
