// SmtpSink: a real SMTP server (Debian's python3-aiosmtpd, run with the
// system /usr/bin/python3 through tests/support/smtp_sink.py) on 127.0.0.1
// and a free port, storing every message it accepts in a Maildir, for one
// test: plain, with STARTTLS required or with TLS from the start (a
// self-signed certificate for 127.0.0.1 made with openssl), optionally
// asking for a login. Started by the constructor (waits until it
// listens), killed by the destructor; Stop and Start take it away and
// bring it back on the same port.
#pragma once

#include <sys/types.h>

#include <map>
#include <string>
#include <vector>

#include "tests/support/temp_dir.h"

namespace wikid::testing {

// One stored message: its headers as they arrived (names lower-cased,
// folded lines joined), and its body.
struct SunkMail {
  std::string raw;
  std::multimap<std::string, std::string> headers;
  std::string body;
  std::string Header(const std::string& name) const;  // the first, or ""
};

struct SmtpSinkOptions {
  enum class Tls { kNone, kStartTls, kSmtps } tls = Tls::kNone;
  std::string user;  // empty: no login asked
  std::string password;
  // Where it listens: 127.0.0.1, or another address of this machine (a
  // private bridge's, tests/support/netns_hosts.h). Plain SMTP only.
  std::string ip = "127.0.0.1";
};

class SmtpSink {
 public:
  explicit SmtpSink(SmtpSinkOptions options = {});
  ~SmtpSink();
  SmtpSink(const SmtpSink&) = delete;
  SmtpSink& operator=(const SmtpSink&) = delete;

  int port() const { return port_; }
  // smtp://127.0.0.1:PORT, or smtps:// for TLS from the start.
  std::string url() const;
  // The certificate to trust (PEM), for TLS.
  std::string ca_file() const { return dir_.File("cert.pem"); }

  void Stop();
  void Start();

  // Every message received so far, in no particular order.
  std::vector<SunkMail> Messages() const;
  // Waits up to `seconds` until at least `n` messages arrived.
  std::vector<SunkMail> WaitFor(size_t n, int seconds) const;

 private:
  SmtpSinkOptions options_;
  TempDir dir_;
  int port_ = 0;
  pid_t pid_ = -1;
};

// RFC 2047 encoded-words ("=?UTF-8?B?...?=") in a header value decoded,
// the folding between them removed.
std::string DecodeHeader(const std::string& value);

}  // namespace wikid::testing
