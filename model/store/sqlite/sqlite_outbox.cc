#include "model/store/sqlite/sqlite_outbox.h"

#include <limits>

namespace wikid {
namespace {

constexpr char kAdminsSql[] =
    "SELECT email FROM account WHERE role = 'admin' AND disabled = 0 AND email "
    "!= '' "
    "ORDER BY id";

constexpr char kInsertSql[] = R"sql(
  INSERT INTO outbox (message_id, recipient, subject, body, created_at, next_attempt_at)
  VALUES (?1, ?2, ?3, ?4, ?5, ?5))sql";

constexpr char kColumns[] =
    "id, message_id, recipient, subject, body, created_at, state, attempts, "
    "next_attempt_at, last_error, coalesce(sent_at, 0)";

// One statement, so the choice and the claim are one atomic write: two
// mailers never claim the same message while a claim lasts.
const std::string kClaimSql =
    std::string("UPDATE outbox SET claimed_by = ?3, claimed_until = ?1 + ?2"
                " WHERE id = (SELECT id FROM outbox"
                "              WHERE state = 'queued' AND next_attempt_at <= ?1"
                "                AND claimed_until <= ?1"
                "              ORDER BY next_attempt_at, id LIMIT 1)"
                " RETURNING ") +
    kColumns;

constexpr char kNextAtSql[] =
    "SELECT min(max(next_attempt_at, claimed_until)) FROM outbox WHERE state = 'queued'";

// The partial index outbox_due holds exactly the queued messages.
constexpr char kDepthSql[] =
    "SELECT count(*), min(created_at) FROM outbox WHERE state = 'queued'";

constexpr char kMarkSentSql[] = R"sql(
  UPDATE outbox SET state = 'sent', sent_at = ?2, attempts = attempts + 1, last_error = '',
         claimed_by = '', claimed_until = 0
   WHERE id = ?1 AND state = 'queued')sql";

constexpr char kMarkFailedSql[] = R"sql(
  UPDATE outbox SET attempts = attempts + 1, last_error = ?3,
         state = CASE WHEN attempts + 1 >= ?4 THEN 'failed' ELSE 'queued' END,
         next_attempt_at = ?2 + min(86400, ?5 << min(attempts, 20)),
         claimed_by = '', claimed_until = 0
   WHERE id = ?1 AND state = 'queued' AND claimed_by = ?6)sql";

constexpr char kAttemptSql[] =
    "INSERT INTO outbox_attempt (outbox_id, at, error, mailer) VALUES (?1, ?2, ?3, ?4)";

const std::string kListSql =
    std::string("SELECT ") + kColumns +
    " FROM outbox WHERE id < ?1 ORDER BY id DESC LIMIT ?2";

constexpr char kRetrySql[] = R"sql(
  UPDATE outbox SET state = 'queued', next_attempt_at = ?2, attempts = 0
   WHERE id = ?1 AND state = 'failed')sql";

OutboxEntry EntryFromRow(const Statement& row) {
  return OutboxEntry{.id = row.ColumnInt(0),
                     .message_id = row.ColumnText(1),
                     .recipient = row.ColumnText(2),
                     .subject = row.ColumnText(3),
                     .body = row.ColumnText(4),
                     .created_at = row.ColumnInt(5),
                     .state = row.ColumnText(6),
                     .attempts = row.ColumnInt(7),
                     .next_attempt_at = row.ColumnInt(8),
                     .last_error = row.ColumnText(9),
                     .sent_at = row.ColumnInt(10)};
}

}  // namespace

Result<std::unique_ptr<SqliteOutbox>> SqliteOutbox::Create(Database& db,
                                                           MailRetryPolicy retry) {
  std::unique_ptr<SqliteOutbox> outbox(new SqliteOutbox(db, retry));
  Status prepared = db.PrepareAll({{&outbox->admins_, kAdminsSql},
                                   {&outbox->insert_, kInsertSql},
                                   {&outbox->claim_, kClaimSql.c_str()},
                                   {&outbox->next_at_, kNextAtSql},
                                   {&outbox->depth_, kDepthSql},
                                   {&outbox->mark_sent_, kMarkSentSql},
                                   {&outbox->mark_failed_, kMarkFailedSql},
                                   {&outbox->attempt_, kAttemptSql},
                                   {&outbox->list_, kListSql.c_str()},
                                   {&outbox->retry_stmt_, kRetrySql}});
  if (!prepared.ok()) return prepared;
  return outbox;
}

Status SqliteOutbox::Queue(const std::string& message_id, const std::string& recipient,
                          const std::string& subject, const std::string& body,
                          int64_t now) {
  Query q(*insert_);
  q->Bind(1, message_id);
  q->Bind(2, recipient);
  q->Bind(3, subject);
  q->Bind(4, body);
  q->Bind(5, now);
  if (auto done = q->Step(); !done.ok()) return done.status();
  queued_ = true;
  return Status::Ok();
}

Result<std::vector<std::string>> SqliteOutbox::AdminAddresses() {
  std::vector<std::string> addresses;
  Query q(*admins_);
  while (true) {
    auto row = q->Step();
    if (!row.ok()) return row.status();
    if (!*row) return addresses;
    addresses.push_back(q->ColumnText(0));
  }
}

bool SqliteOutbox::TakeQueued() { return std::exchange(queued_, false); }

Result<std::optional<OutboxEntry>> SqliteOutbox::Claim(int64_t now, int64_t claim_seconds,
                                                       const std::string& mailer) {
  std::optional<OutboxEntry> claimed;
  {
    Query q(*claim_);
    q->Bind(1, now);
    q->Bind(2, claim_seconds);
    q->Bind(3, mailer);
    auto row = q->Step();
    if (!row.ok()) return row.status();
    if (*row) claimed = EntryFromRow(*q);
    // Stepped to the end: the statement's changes are made on its first
    // step, but its autocommit transaction ends only with the statement.
    if (*row) {
      auto end = q->Step();
      if (!end.ok()) return end.status();
    }
  }
  return claimed;
}

Result<std::optional<int64_t>> SqliteOutbox::NextAttemptAt() {
  Query q(*next_at_);
  auto row = q->Step();
  if (!row.ok()) return row.status();
  if (!*row || q->ColumnIsNull(0)) return std::optional<int64_t>();
  return std::optional<int64_t>(q->ColumnInt(0));
}

Result<OutboxDepth> SqliteOutbox::Depth() {
  Query q(*depth_);
  auto row = q->Step();
  if (!row.ok()) return row.status();
  OutboxDepth depth;
  if (!*row) return depth;
  depth.queued = q->ColumnInt(0);
  if (!q->ColumnIsNull(1)) depth.oldest_created_at = q->ColumnInt(1);
  return depth;
}

Status SqliteOutbox::RecordAttempt(int64_t id, int64_t now, const std::string& mailer,
                                   const std::string& error) {
  Query q(*attempt_);
  q->Bind(1, id);
  q->Bind(2, now);
  q->Bind(3, error);
  q->Bind(4, mailer);
  auto done = q->Step();
  return done.ok() ? Status::Ok() : done.status();
}

Status SqliteOutbox::MarkSent(int64_t id, int64_t now, const std::string& mailer) {
  Transaction txn(db_);
  if (Status s = txn.Begin(); !s.ok()) return s;
  {
    Query q(*mark_sent_);
    q->Bind(1, id);
    q->Bind(2, now);
    if (auto done = q->Step(); !done.ok()) return done.status();
  }
  if (Status s = RecordAttempt(id, now, mailer, ""); !s.ok()) return s;
  return txn.Commit();
}

Status SqliteOutbox::MarkFailed(int64_t id, int64_t now, const std::string& mailer,
                                const std::string& error) {
  Transaction txn(db_);
  if (Status s = txn.Begin(); !s.ok()) return s;
  {
    Query q(*mark_failed_);
    q->Bind(1, id);
    q->Bind(2, now);
    q->Bind(3, error);
    q->Bind(4, static_cast<int64_t>(retry_.max_attempts));
    q->Bind(5, retry_.retry_seconds);
    // A mailer whose claim ran out (another one may be sending it now)
    // records its attempt but leaves the message to the claim's holder.
    q->Bind(6, mailer);
    if (auto done = q->Step(); !done.ok()) return done.status();
  }
  if (Status s = RecordAttempt(id, now, mailer, error.empty() ? "failed" : error);
      !s.ok())
    return s;
  return txn.Commit();
}

Result<OutboxWindow> SqliteOutbox::List(std::optional<int64_t> before_id, int limit) {
  OutboxWindow window;
  Query q(*list_);
  q->Bind(1, before_id.value_or(std::numeric_limits<int64_t>::max()));
  q->Bind(2, static_cast<int64_t>(limit) + 1);
  auto more = ReadWindow(*q, limit, window.entries, EntryFromRow);
  if (!more.ok()) return more.status();
  window.more = *more;
  return window;
}

Status SqliteOutbox::Retry(int64_t id, int64_t now) {
  retry_stmt_->Bind(1, id);
  retry_stmt_->Bind(2, now);
  auto changed = db_.WriteOne(*retry_stmt_);
  if (!changed.ok()) return changed.status();
  if (*changed == 0)
    return Status::NotFound("There is no failed message with that number.");
  queued_ = true;
  return Status::Ok();
}

}  // namespace wikid
