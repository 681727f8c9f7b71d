// PostgresOutbox: Outbox on one PostgreSQL connection, in the outbox and
// outbox_attempt tables, with the same contracts as SqliteOutbox (the same
// tests run against both). One per process; `db` must outlive it.
//
// Queue runs on the connection the page and account stores use, so the
// messages an event causes are written in that event's transaction.
#pragma once

#include <memory>

#include "model/store/outbox.h"
#include "model/store/postgres/pg_connection.h"

namespace wikid {

class PostgresOutbox : public Outbox {
 public:
  // Prepares its statements once.
  static Result<std::unique_ptr<PostgresOutbox>> Create(PgConnection& db,
                                                        MailRetryPolicy retry);

  Result<std::vector<std::string>> AdminAddresses() override;
  Status Queue(const std::string& message_id, const std::string& recipient,
               const std::string& subject, const std::string& body, int64_t now) override;
  bool TakeQueued() override;
  Result<std::optional<OutboxEntry>> Claim(int64_t now, int64_t claim_seconds,
                                           const std::string& mailer) override;
  Result<std::optional<int64_t>> NextAttemptAt() override;
  Result<OutboxDepth> Depth() override;
  Status MarkSent(int64_t id, int64_t now, const std::string& mailer) override;
  Status MarkFailed(int64_t id, int64_t now, const std::string& mailer,
                    const std::string& error) override;
  Result<OutboxWindow> List(std::optional<int64_t> before_id, int limit) override;
  Status Retry(int64_t id, int64_t now) override;

 private:
  PostgresOutbox(PgConnection& db, MailRetryPolicy retry) : db_(db), retry_(retry) {}

  PgConnection& db_;
  MailRetryPolicy retry_;
  bool queued_ = false;
};

}  // namespace wikid
