#include "model/store/postgres/postgres_outbox.h"

#include <limits>
#include <utility>

namespace wikid {
namespace {

// The columns an OutboxEntry is read from (EntryFromRow), in its order.
#define WIKID_OUTBOX_COLUMNS                                                           \
  "id, message_id, recipient, subject, body, created_at, state, attempts, "           \
  "next_attempt_at, last_error, coalesce(sent_at, 0)"

constexpr PgStatement kAdmins{"outbox_admins", R"sql(
  SELECT email FROM account WHERE role = 'admin' AND NOT disabled AND email <> ''
   ORDER BY id)sql"};

constexpr PgStatement kInsert{"outbox_insert", R"sql(
  INSERT INTO outbox (message_id, recipient, subject, body, created_at, next_attempt_at)
  VALUES ($1, $2, $3, $4, $5::bigint, $5::bigint))sql"};

// The claim: one statement, so the choice and the claim are one atomic
// write, as on SQLite; but PostgreSQL's writers do not take turns, so
// the choice locks the row it picks (FOR UPDATE) until the claim
// commits. A second mailer's claim running at the same instant skips the
// rows the first holds locked (SKIP LOCKED) and takes the next due one,
// rather than waiting for the first to commit; once it has, the row's
// lease excludes it. A row whose claim committed after this statement
// began is read again when locked (READ COMMITTED), fails the lease test
// and is passed over too: the lock is taken below the LIMIT, so the next
// row is tried. Without the lock both would pick the same row, and the
// second UPDATE, waiting on the first's, would then claim it again.
constexpr PgStatement kClaim{"outbox_claim", R"sql(
  UPDATE outbox SET claimed_by = $3, claimed_until = $1::bigint + $2::bigint
   WHERE id IN (SELECT id FROM outbox
                 WHERE state = 'queued' AND next_attempt_at <= $1::bigint
                   AND claimed_until <= $1::bigint
                 ORDER BY next_attempt_at, id LIMIT 1
                   FOR UPDATE SKIP LOCKED)
  RETURNING )sql" WIKID_OUTBOX_COLUMNS};

constexpr PgStatement kNextAt{"outbox_next_at", R"sql(
  SELECT min(greatest(next_attempt_at, claimed_until)) FROM outbox WHERE state = 'queued')sql"};

// What waits to be sent, for /_metrics (the outbox_due index's rows).
constexpr PgStatement kDepth{"outbox_depth",
                             "SELECT count(*), min(created_at) FROM outbox WHERE state = 'queued'"};

// The outcome of an attempt and its record, in one statement (so one
// round trip and one implicit transaction): a data-modifying WITH runs
// whether or not the INSERT reads it.
constexpr PgStatement kMarkSent{"outbox_mark_sent", R"sql(
  WITH sent AS (
    UPDATE outbox SET state = 'sent', sent_at = $2::bigint, attempts = attempts + 1,
           last_error = '', claimed_by = '', claimed_until = 0
     WHERE id = $1::bigint AND state = 'queued')
  INSERT INTO outbox_attempt (outbox_id, at, error, mailer)
  VALUES ($1::bigint, $2::bigint, '', $3))sql"};

// A mailer whose claim ran out (another one may be sending the message
// now) records its attempt but leaves the message to the claim's holder.
constexpr PgStatement kMarkFailed{"outbox_mark_failed", R"sql(
  WITH failed AS (
    UPDATE outbox SET attempts = attempts + 1, last_error = $3,
           state = CASE WHEN attempts + 1 >= $4::bigint THEN 'failed' ELSE 'queued' END,
           next_attempt_at = $2::bigint + least(86400, $5::bigint << least(attempts, 20)::int),
           claimed_by = '', claimed_until = 0
     WHERE id = $1::bigint AND state = 'queued' AND claimed_by = $6)
  INSERT INTO outbox_attempt (outbox_id, at, error, mailer)
  VALUES ($1::bigint, $2::bigint, $7, $6))sql"};

constexpr PgStatement kList{"outbox_list", "SELECT " WIKID_OUTBOX_COLUMNS
                                           " FROM outbox WHERE id < $1 ORDER BY id DESC LIMIT $2"};

constexpr PgStatement kRetry{"outbox_retry", R"sql(
  UPDATE outbox SET state = 'queued', next_attempt_at = $2, attempts = 0
   WHERE id = $1 AND state = 'failed')sql"};

#undef WIKID_OUTBOX_COLUMNS

OutboxEntry EntryFromRow(const PgResult& r, int row) {
  return OutboxEntry{.id = r.Int(row, 0),
                     .message_id = r.Text(row, 1),
                     .recipient = r.Text(row, 2),
                     .subject = r.Text(row, 3),
                     .body = r.Text(row, 4),
                     .created_at = r.Int(row, 5),
                     .state = r.Text(row, 6),
                     .attempts = r.Int(row, 7),
                     .next_attempt_at = r.Int(row, 8),
                     .last_error = r.Text(row, 9),
                     .sent_at = r.Int(row, 10)};
}

Status Done(const Result<PgResult>& r) { return r.ok() ? Status::Ok() : r.status(); }

}  // namespace

Result<std::unique_ptr<PostgresOutbox>> PostgresOutbox::Create(PgConnection& db,
                                                               MailRetryPolicy retry) {
  std::unique_ptr<PostgresOutbox> outbox(new PostgresOutbox(db, retry));
  Status prepared =
      db.PrepareAll(
          {kAdmins, kInsert, kClaim, kNextAt, kDepth, kMarkSent, kMarkFailed, kList, kRetry});
  if (!prepared.ok()) return prepared;
  return outbox;
}

Result<std::vector<std::string>> PostgresOutbox::AdminAddresses() {
  auto r = db_.Run(kAdmins.name);
  if (!r.ok()) return r.status();
  std::vector<std::string> addresses;
  for (int i = 0; i < r->rows(); ++i) addresses.push_back(r->Text(i, 0));
  return addresses;
}

Status PostgresOutbox::Queue(const std::string& message_id, const std::string& recipient,
                             const std::string& subject, const std::string& body,
                             int64_t now) {
  auto done = db_.Run(kInsert.name,
                      PgParams().Add(message_id).Add(recipient).Add(subject).Add(body).Add(now));
  if (!done.ok()) return done.status();
  queued_ = true;
  return Status::Ok();
}

bool PostgresOutbox::TakeQueued() { return std::exchange(queued_, false); }

Result<std::optional<OutboxEntry>> PostgresOutbox::Claim(int64_t now, int64_t claim_seconds,
                                                         const std::string& mailer) {
  auto r = db_.Run(kClaim.name, PgParams().Add(now).Add(claim_seconds).Add(mailer));
  if (!r.ok()) return r.status();
  if (r->rows() == 0) return std::optional<OutboxEntry>();
  return std::optional<OutboxEntry>(EntryFromRow(*r, 0));
}

Result<std::optional<int64_t>> PostgresOutbox::NextAttemptAt() {
  auto r = db_.Run(kNextAt.name);
  if (!r.ok()) return r.status();
  if (r->rows() == 0 || r->IsNull(0, 0)) return std::optional<int64_t>();
  return std::optional<int64_t>(r->Int(0, 0));
}

Result<OutboxDepth> PostgresOutbox::Depth() {
  auto r = db_.Run(kDepth.name);
  if (!r.ok()) return r.status();
  OutboxDepth depth;
  if (r->rows() == 0) return depth;
  depth.queued = r->Int(0, 0);
  if (!r->IsNull(0, 1)) depth.oldest_created_at = r->Int(0, 1);
  return depth;
}

Status PostgresOutbox::MarkSent(int64_t id, int64_t now, const std::string& mailer) {
  return Done(db_.Run(kMarkSent.name, PgParams().Add(id).Add(now).Add(mailer)));
}

Status PostgresOutbox::MarkFailed(int64_t id, int64_t now, const std::string& mailer,
                                  const std::string& error) {
  return Done(db_.Run(kMarkFailed.name, PgParams()
                                            .Add(id)
                                            .Add(now)
                                            .Add(error)
                                            .Add(static_cast<int64_t>(retry_.max_attempts))
                                            .Add(retry_.retry_seconds)
                                            .Add(mailer)
                                            .Add(error.empty() ? "failed" : error)));
}

Result<OutboxWindow> PostgresOutbox::List(std::optional<int64_t> before_id, int limit) {
  // One row more than shown, to know whether older ones exist.
  auto r = db_.Run(kList.name,
                   PgParams()
                       .Add(before_id.value_or(std::numeric_limits<int64_t>::max()))
                       .Add(static_cast<int64_t>(limit) + 1));
  if (!r.ok()) return r.status();
  OutboxWindow window;
  for (int i = 0; i < r->rows(); ++i) {
    if (static_cast<int>(window.entries.size()) == limit) {
      window.more = true;
      break;
    }
    window.entries.push_back(EntryFromRow(*r, i));
  }
  return window;
}

Status PostgresOutbox::Retry(int64_t id, int64_t now) {
  auto r = db_.Run(kRetry.name, PgParams().Add(id).Add(now));
  if (!r.ok()) return r.status();
  if (r->changed() == 0) return Status::NotFound("There is no failed message with that number.");
  queued_ = true;
  return Status::Ok();
}

}  // namespace wikid
