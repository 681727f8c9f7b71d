// Outbox: mail waiting to be sent, queued in the same transaction as the
// event that causes it (model/mail/admin_mail.h decides what is queued), and
// handed to the mailer processes (fcgi/mailer.cc), which record each
// attempt here. A transaction that rolls back takes its messages with it;
// one that commits always has them. Requests never wait for SMTP.
//
// Every wikid host runs a mailer, and any may send any message: a mailer
// claims a message before sending it, for a lease of `claim_seconds`, and
// no other mailer takes it while the claim lasts. A mailer that dies
// mid-send (or whose host does) leaves a claim that simply expires; the
// message is then sent by another (at most once more: the one duplicate
// a crash between SMTP's answer and MarkSent allows anyway). Leases are
// in unix seconds, so the hosts' clocks must agree to well within a lease
// (NTP).
//
// One per process (a worker queues, the mailer sends); not thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "model/base/status.h"

namespace wikid {

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

// What waits to be sent, for /_metrics.
struct OutboxDepth {
  int64_t queued = 0;                       // messages not yet sent nor failed
  std::optional<int64_t> oldest_created_at;  // the oldest of them, unix seconds
};

// How a message that could not be sent is retried.
struct MailRetryPolicy {
  int max_attempts = 8;        // then the message is marked failed
  int64_t retry_seconds = 60;  // the first retry's delay; doubled each time
};

class Outbox {
 public:
  virtual ~Outbox() = default;

  // The addresses of the enabled admins who gave one, oldest account first.
  virtual Result<std::vector<std::string>> AdminAddresses() = 0;

  // Queues one message to `recipient`, due at `now`.
  // REQUIRES: inside the transaction of the event that causes it.
  virtual Status Queue(const std::string& message_id,
                       const std::string& recipient, const std::string& subject,
                       const std::string& body, int64_t now) = 0;

  // True if a message was queued since the last call (the caller wakes
  // the mailer once its transaction has committed; after a rollback the
  // wake-up finds nothing, which is harmless).
  virtual bool TakeQueued() = 0;

  // For a mailer: claims the oldest queued message due at `now` that no
  // other mailer's claim holds, for `mailer` ("host:pid") until now +
  // `claim_seconds`, in one atomic write. None when nothing is due.
  virtual Result<std::optional<OutboxEntry>> Claim(int64_t now, int64_t claim_seconds,
                                                   const std::string& mailer) = 0;
  // When the next queued message can be claimed (due, and any claim on it
  // expired), if any is queued.
  virtual Result<std::optional<int64_t>> NextAttemptAt() = 0;
  // How many messages are queued (due or waiting for a retry), and when
  // the oldest was queued.
  virtual Result<OutboxDepth> Depth() = 0;
  // The server accepted `id`, sent by `mailer`; its claim ends.
  virtual Status MarkSent(int64_t id, int64_t now, const std::string& mailer) = 0;
  // An attempt at `id` by `mailer` failed with `error`: its claim ends and
  // it is queued again after retry_seconds * 2^(attempts - 1) (at most a
  // day), or marked failed once max_attempts have been made
  // (MailRetryPolicy). If another mailer holds the claim now (`mailer`'s
  // ran out), only the attempt is recorded.
  virtual Status MarkFailed(int64_t id, int64_t now, const std::string& mailer,
                            const std::string& error) = 0;

  // For /_admin/mail: up to `limit` messages older than `before_id`.
  virtual Result<OutboxWindow> List(std::optional<int64_t> before_id,
                                    int limit) = 0;
  // A failed message queued again, due now. NotFound unless it failed.
  virtual Status Retry(int64_t id, int64_t now) = 0;
};

}  // namespace wikid
