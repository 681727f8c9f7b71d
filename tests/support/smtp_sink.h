// SmtpSink: a real SMTP server (Debian's python3-aiosmtpd, run with the
// system /usr/bin/python3) on 127.0.0.1 and a free port, storing every
// message it accepts in a Maildir, for one test. Started by the
// constructor (waits until it greets), killed by the destructor; Stop and
// Start take it away and bring it back on the same port.
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

class SmtpSink {
 public:
  SmtpSink();
  ~SmtpSink();
  SmtpSink(const SmtpSink&) = delete;
  SmtpSink& operator=(const SmtpSink&) = delete;

  int port() const { return port_; }
  std::string url() const {
    return "smtp://127.0.0.1:" + std::to_string(port_);
  }

  void Stop();
  void Start();

  // Every message received so far, in no particular order.
  std::vector<SunkMail> Messages() const;
  // Waits up to `seconds` until at least `n` messages arrived.
  std::vector<SunkMail> WaitFor(size_t n, int seconds) const;

 private:
  TempDir dir_;
  int port_ = 0;
  pid_t pid_ = -1;
};

// RFC 2047 encoded-words ("=?UTF-8?B?...?=") in a header value decoded,
// the folding between them removed.
std::string DecodeHeader(const std::string& value);

}  // namespace wikid::testing
