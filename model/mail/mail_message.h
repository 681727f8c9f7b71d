// MailMessage: one plain-text email, and its RFC 5322 form.
//
// Nothing a user typed can add a header or end the message early: every
// header value has CR and LF removed, non-ASCII header text is written as
// RFC 2047 encoded-words, and the body is given CRLF line ends (libcurl
// does not normalise a bare LF; it does the SMTP dot-stuffing of lines
// that start with '.').
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace wikid {

struct MailMessage {
  std::string message_id;  // "<unique@domain>"
  std::string from;        // address, checked by CheckMailbox
  std::string from_name;   // shown name, e.g. the wiki's; may be empty
  std::string to;          // address, checked by CheckMailbox
  std::string subject;     // UTF-8, one line
  std::string body;        // UTF-8 plain text, LF line ends
  int64_t date = 0;        // unix seconds
};

// Headers (Date, From, To, Subject, Message-ID, MIME-Version,
// Content-Type text/plain; charset=utf-8, Content-Transfer-Encoding 8bit),
// a blank line and the body, all with CRLF line ends.
std::string FormatMessage(const MailMessage& message);

// The longest header text written as it is (a longer one is encoded, and
// so folded, to keep every header line within 998 octets).
inline constexpr size_t kPlainHeaderTextMax = 900;

// `text` without CR or LF, as RFC 2047 encoded-words ("=?UTF-8?B?...?=",
// each at most 75 characters, folded with CRLF SP) if it holds anything
// but printable ASCII or is longer than kPlainHeaderTextMax, else as it
// is.
std::string EncodeHeaderText(std::string_view text);

// "Tue, 01 Dec 2026 10:50:28 +0000".
std::string Rfc5322Date(int64_t unix_seconds);

// A new Message-ID at `domain`: "<32 random hex digits.wikid@domain>".
std::string NewMessageId(std::string_view domain);

}  // namespace wikid
