// AdminMail: what the wiki's admins hear about, by mail. As the stores'
// EventSink it is told, inside their transactions, of a new account, a new
// page, or an edit by a watched author (an account younger than
// MailSettings::watched_account_seconds, or nobody's account at all), and
// queues one message per admin address in the Outbox, in that same
// transaction.
//
// One per process (Wiki::Open); not thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "model/mail/mail_message.h"
#include "model/store/events.h"
#include "model/store/outbox.h"

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
  MailRetryPolicy retry;  // for messages that could not be sent
};

class AdminMail : public EventSink {
 public:
  // `outbox` must outlive it.
  AdminMail(Outbox& outbox, MailSettings settings)
      : outbox_(outbox), settings_(std::move(settings)) {}

  // EventSink. Queue the messages the settings ask for.
  Status AccountCreated(const User& user) override;
  Status RevisionSaved(const SavedRevision& revision) override;

 private:
  // One message per admin address (and extra recipient), inside the
  // caller's transaction.
  Status QueueToAdmins(const std::string& subject, const std::string& body,
                       int64_t now);

  Outbox& outbox_;
  MailSettings settings_;
};

// `entry` as the mailer sends it, from the wiki's sender.
MailMessage MessageOf(const OutboxEntry& entry, const MailSettings& settings);

}  // namespace wikid
