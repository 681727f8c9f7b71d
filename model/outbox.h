// Outbox: admins' mail, queued in SQLite in the same transaction as the
// event that causes it, and handed to the mailer process to send.
//
// As an EventSink, the stores call it inside their transactions: a new
// account, a new page, or an edit by a watched author (an account younger
// than MailSettings::watched_account_seconds, or nobody's account at all)
// queues one message per admin address. A transaction that rolls back
// takes its messages with it; one that commits always has them. Requests
// never wait for SMTP: the mailer process (fcgi/mailer.cc) takes due
// messages, and records each attempt here.
//
// One per process (a worker queues, the mailer sends); not thread-safe.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "model/database.h"
#include "model/events.h"
#include "model/mail_message.h"

namespace wikid {

// Which events send mail, to whom, how it reads, and how it is retried.
// Checked by fcgi/config.cc.
struct MailSettings {
  std::string site_name = "wikid";
  std::string public_url =
      "http://127.0.0.1:8080";           // links in mail; no '/' at the end
  std::string from = "wikid@localhost";  // From and envelope sender
  bool on_signup = true;
  bool on_page_created = true;
  bool on_watched_edit = true;
  int64_t watched_account_seconds = 7 * 86400;  // accounts younger are watched
  std::vector<std::string> extra_recipients;    // beside admins with an email
  int max_attempts = 8;        // then the message is marked failed
  int64_t retry_seconds = 60;  // the first retry's delay; doubled each time
};

struct OutboxEntry {
  int64_t id = 0;
  std::string message_id;
  std::string recipient;
  std::string subject;
  std::string body;
  int64_t created_at = 0;
  std::string state;  // "queued", "sent" or "failed"
  int64_t attempts = 0;
  int64_t next_attempt_at = 0;
  std::string last_error;
  int64_t sent_at = 0;  // 0 until sent
};

struct OutboxWindow {
  std::vector<OutboxEntry> entries;  // newest first
  bool more = false;                 // older entries exist
};

class Outbox : public EventSink {
 public:
  // Prepares its statements once. `db` must outlive it.
  static Result<std::unique_ptr<Outbox>> Create(Database& db,
                                                MailSettings settings);

  // EventSink. Queue the messages the settings ask for.
  Status AccountCreated(const User& user) override;
  Status RevisionSaved(const SavedRevision& revision) override;

  // True if a message was queued since the last call (the caller wakes
  // the mailer once its transaction has committed; after a rollback the
  // wake-up finds nothing, which is harmless).
  bool TakeQueued();

  // For the mailer: the oldest queued message due at `now`, if any.
  Result<std::optional<OutboxEntry>> NextDue(int64_t now);
  // When the next queued message falls due, if any is queued.
  Result<std::optional<int64_t>> NextAttemptAt();
  // The server accepted `id`.
  Status MarkSent(int64_t id, int64_t now);
  // An attempt at `id` failed with `error`: queued again after
  // retry_seconds * 2^(attempts - 1) (at most a day), or marked failed
  // once max_attempts have been made.
  Status MarkFailed(int64_t id, int64_t now, const std::string& error);
  // The message as it is sent.
  MailMessage ToMessage(const OutboxEntry& entry) const;

  // For /_admin/mail: up to `limit` messages older than `before_id`.
  Result<OutboxWindow> List(std::optional<int64_t> before_id, int limit);
  // A failed message queued again, due now. NotFound unless it failed.
  Status Retry(int64_t id, int64_t now);

  const MailSettings& settings() const { return settings_; }

 private:
  Outbox(Database& db, MailSettings settings)
      : db_(db), settings_(std::move(settings)) {}
  // One message per admin address (and extra recipient), inside the
  // caller's transaction.
  Status QueueToAdmins(const std::string& subject, const std::string& body,
                       int64_t now);
  Status RecordAttempt(int64_t id, int64_t now, const std::string& error);

  Database& db_;
  MailSettings settings_;
  bool queued_ = false;
  std::unique_ptr<Statement> admins_;
  std::unique_ptr<Statement> insert_;
  std::unique_ptr<Statement> next_due_;
  std::unique_ptr<Statement> next_at_;
  std::unique_ptr<Statement> mark_sent_;
  std::unique_ptr<Statement> mark_failed_;
  std::unique_ptr<Statement> attempt_;
  std::unique_ptr<Statement> list_;
  std::unique_ptr<Statement> retry_;
};

}  // namespace wikid
