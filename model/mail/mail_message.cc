#include "model/mail/mail_message.h"

#include <sodium.h>

#include <cstdlib>
#include <ctime>

namespace wikid {
namespace {

std::string WithoutLineBreaks(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    if (c != '\r' && c != '\n') out += c;
  }
  return out;
}

bool PrintableAscii(std::string_view text) {
  for (unsigned char c : text) {
    if (c < 0x20 || c > 0x7e) return false;
  }
  return true;
}

// The length of the longest prefix of `text` of at most `limit` bytes that
// does not cut a UTF-8 sequence.
size_t Utf8Prefix(std::string_view text, size_t limit) {
  if (text.size() <= limit) return text.size();
  size_t end = limit;
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80)
    --end;
  return end == 0 ? limit : end;
}

std::string Base64(std::string_view bytes) {
  std::string out(
      sodium_base64_encoded_len(bytes.size(), sodium_base64_VARIANT_ORIGINAL),
      '\0');
  sodium_bin2base64(out.data(), out.size(),
                    reinterpret_cast<const unsigned char*>(bytes.data()),
                    bytes.size(), sodium_base64_VARIANT_ORIGINAL);
  out.resize(out.size() - 1);  // the terminating NUL
  return out;
}

// LF and lone CR become CRLF.
std::string CrlfLines(std::string_view text) {
  std::string out;
  out.reserve(text.size() + text.size() / 32 + 2);
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\r') {
      out += "\r\n";
      if (i + 1 < text.size() && text[i + 1] == '\n') ++i;
    } else if (text[i] == '\n') {
      out += "\r\n";
    } else {
      out += text[i];
    }
  }
  if (!out.ends_with("\r\n")) out += "\r\n";
  return out;
}

// `line` as RFC 2047 encoded-words, folded.
std::string EncodedWords(std::string_view line) {
  // 45 bytes make 60 base64 characters: with "=?UTF-8?B?" and "?=", 72,
  // inside RFC 2047's 75.
  std::string out;
  std::string_view rest = line;
  while (!rest.empty()) {
    size_t n = Utf8Prefix(rest, 45);
    if (!out.empty()) out += "\r\n ";
    out += "=?UTF-8?B?" + Base64(rest.substr(0, n)) + "?=";
    rest.remove_prefix(n);
  }
  return out;
}

}  // namespace

std::string EncodeHeaderText(std::string_view text) {
  std::string line = WithoutLineBreaks(text);
  // Plain text stays as it is while its line stays well inside RFC 5322's
  // 998 octets (the header's name comes before it); encoded-words fold.
  if (PrintableAscii(line) && line.size() <= kPlainHeaderTextMax) return line;
  return EncodedWords(line);
}

std::string Rfc5322Date(int64_t unix_seconds) {
  static const char* kDays[] = {"Sun", "Mon", "Tue", "Wed",
                                "Thu", "Fri", "Sat"};
  static const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                  "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  time_t t = static_cast<time_t>(unix_seconds);
  tm utc{};
  gmtime_r(&t, &utc);
  char buf[64];
  snprintf(buf, sizeof buf, "%s, %02d %s %04d %02d:%02d:%02d +0000",
           kDays[utc.tm_wday], utc.tm_mday, kMonths[utc.tm_mon],
           utc.tm_year + 1900, utc.tm_hour, utc.tm_min, utc.tm_sec);
  return buf;
}

std::string NewMessageId(std::string_view domain) {
  if (sodium_init() < 0) std::abort();
  unsigned char raw[16];
  randombytes_buf(raw, sizeof raw);
  char hex[2 * sizeof raw + 1];
  sodium_bin2hex(hex, sizeof hex, raw, sizeof raw);
  return "<" + std::string(hex) + ".wikid@" + WithoutLineBreaks(domain) + ">";
}

std::string FormatMessage(const MailMessage& message) {
  std::string from = "<" + WithoutLineBreaks(message.from) + ">";
  if (!message.from_name.empty()) {
    std::string name = WithoutLineBreaks(message.from_name);
    // A name with any of RFC 5322's specials is encoded even when it is
    // plain ASCII: unquoted, "a@b.c, Bob" would read as two addresses.
    // And encoded when the line would pass RFC 5322's 998 octets with the
    // address after it ("From: " NAME " " <ADDRESS>).
    bool plain = PrintableAscii(name) && 6 + name.size() + 1 + from.size() <= 998 &&
                 name.find_first_of("\"\\()<>[]:;@,.") == std::string::npos;
    from = (plain ? name : EncodedWords(name)) + " " + from;
  }
  std::string out;
  out += "Date: " + Rfc5322Date(message.date) + "\r\n";
  out += "From: " + from + "\r\n";
  out += "To: <" + WithoutLineBreaks(message.to) + ">\r\n";
  out += "Subject: " + EncodeHeaderText(message.subject) + "\r\n";
  out += "Message-ID: " + WithoutLineBreaks(message.message_id) + "\r\n";
  out += "MIME-Version: 1.0\r\n";
  out += "Content-Type: text/plain; charset=utf-8\r\n";
  out += "Content-Transfer-Encoding: 8bit\r\n";
  out += "\r\n";
  out += CrlfLines(message.body);
  return out;
}

}  // namespace wikid
