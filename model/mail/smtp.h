// SMTP delivery with libcurl: the mail transport of the mailer process.
//
// libcurl is initialised on the first Send, in the mailer only: workers,
// which never send mail, never initialise it. Envelope addresses are
// checked again here (CheckMailbox) before they reach curl, since Debian's
// libcurl writes a CR or LF in a recipient into the SMTP dialogue as it is.
#pragma once

#include <memory>
#include <string>

#include "model/mail/mail_message.h"
#include "model/base/status.h"

namespace wikid {

struct SmtpSettings {
  // smtp://host:port or smtps://host:port (TLS from the start).
  std::string url = "smtp://127.0.0.1:25";
  bool starttls = false;  // require STARTTLS on smtp://
  std::string user;       // login, if the server wants one
  std::string password;   // never logged
  std::string ca_file;    // PEM certificates to trust; empty: the system's
  int timeout_ms = 10000;
};

// Sends messages. Injected, so tests of the mailer can use a fake.
class MailTransport {
 public:
  virtual ~MailTransport() = default;
  // Ok once the server accepted the message for every recipient;
  // Unavailable with the server's or curl's words otherwise.
  virtual Status Send(const MailMessage& message) = 0;
};

class CurlSmtp : public MailTransport {
 public:
  explicit CurlSmtp(SmtpSettings settings);
  ~CurlSmtp() override;
  CurlSmtp(const CurlSmtp&) = delete;
  CurlSmtp& operator=(const CurlSmtp&) = delete;

  Status Send(const MailMessage& message) override;

 private:
  SmtpSettings settings_;
  void* curl_ = nullptr;  // CURL*, made on the first Send and reused
};

}  // namespace wikid
