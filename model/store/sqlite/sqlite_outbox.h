// SqliteOutbox: Outbox on one SQLite connection, in the outbox and
// outbox_attempt tables. One per process; `db` must outlive it.
#pragma once

#include <memory>

#include "model/store/outbox.h"
#include "model/store/sqlite/database.h"

namespace wikid {

class SqliteOutbox : public Outbox {
 public:
  // Prepares its statements once.
  static Result<std::unique_ptr<SqliteOutbox>> Create(Database& db,
                                                      MailRetryPolicy retry);

  Result<std::vector<std::string>> AdminAddresses() override;
  Status Queue(const std::string& message_id, const std::string& recipient,
               const std::string& subject, const std::string& body,
               int64_t now) override;
  bool TakeQueued() override;
  Result<std::optional<OutboxEntry>> Claim(int64_t now, int64_t claim_seconds,
                                           const std::string& mailer) override;
  Result<std::optional<int64_t>> NextAttemptAt() override;
  Result<OutboxDepth> Depth() override;
  Status MarkSent(int64_t id, int64_t now, const std::string& mailer) override;
  Status MarkFailed(int64_t id, int64_t now, const std::string& mailer,
                    const std::string& error) override;
  Result<OutboxWindow> List(std::optional<int64_t> before_id,
                            int limit) override;
  Status Retry(int64_t id, int64_t now) override;

 private:
  SqliteOutbox(Database& db, MailRetryPolicy retry) : db_(db), retry_(retry) {}
  Status RecordAttempt(int64_t id, int64_t now, const std::string& mailer,
                       const std::string& error);

  Database& db_;
  MailRetryPolicy retry_;
  bool queued_ = false;
  std::unique_ptr<Statement> admins_;
  std::unique_ptr<Statement> insert_;
  std::unique_ptr<Statement> claim_;
  std::unique_ptr<Statement> next_at_;
  std::unique_ptr<Statement> depth_;
  std::unique_ptr<Statement> mark_sent_;
  std::unique_ptr<Statement> mark_failed_;
  std::unique_ptr<Statement> attempt_;
  std::unique_ptr<Statement> list_;
  std::unique_ptr<Statement> retry_stmt_;
};

}  // namespace wikid
