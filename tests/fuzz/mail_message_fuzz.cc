// Mail messages (model/mail/mail_message.h): whatever a user typed into a
// subject, a display name or a body, the message has exactly wikid's
// headers, no bare CR or LF, no line longer than RFC 5322's 998 octets in
// its headers, and it says what was typed: the subject and the name decode
// (RFC 2047) to the typed text without its line breaks, and the body keeps
// every character but the line ends.
#include <sodium.h>

#include <string>
#include <string_view>
#include <vector>

#include "model/mail/mail_message.h"
#include "model/text/mailbox.h"
#include "tests/fuzz/fuzz_input.h"

namespace {

using wikid::fuzz::Check;

std::string WithoutLineBreaks(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c != '\r' && c != '\n') out += c;
  }
  return out;
}

// A header value unfolded and its encoded-words decoded. An encoded-word
// only ever stands alone between folds (EncodeHeaderText's form).
std::string Decoded(std::string_view value) {
  std::string out;
  while (true) {
    size_t fold = value.find("\r\n ");
    std::string_view part = value.substr(0, fold);
    if (part.starts_with("=?UTF-8?B?") && part.ends_with("?=")) {
      std::string_view base64 = part.substr(10, part.size() - 12);
      std::vector<unsigned char> bytes(base64.size());
      size_t length = 0;
      Check(sodium_base642bin(bytes.data(), bytes.size(), base64.data(), base64.size(),
                              nullptr, &length, nullptr,
                              sodium_base64_VARIANT_ORIGINAL) == 0,
            "an encoded-word holds base64");
      out.append(reinterpret_cast<const char*>(bytes.data()), length);
    } else {
      Check(fold == std::string_view::npos && out.empty(),
            "only encoded-words are folded");
      out += part;
    }
    if (fold == std::string_view::npos) return out;
    value.remove_prefix(fold + 3);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (sodium_init() < 0) return 0;
  auto parts = wikid::fuzz::Split(data, size, 5);
  wikid::MailMessage message{.message_id = "<1.wikid@wiki.example>",
                             .from = parts[0],
                             .from_name = parts[1],
                             .to = parts[2],
                             .subject = parts[3],
                             .body = parts[4],
                             .date = 1700000000};
  // Addresses are checked where they come in (configuration, accounts).
  if (!wikid::CheckMailbox(message.from).ok()) message.from = "wiki@wiki.example";
  if (!wikid::CheckMailbox(message.to).ok()) message.to = "admin@wiki.example";
  const std::string out = wikid::FormatMessage(message);

  for (size_t i = 0; i < out.size(); ++i) {
    if (out[i] == '\r') Check(i + 1 < out.size() && out[i + 1] == '\n', "no bare CR");
    if (out[i] == '\n') Check(i > 0 && out[i - 1] == '\r', "no bare LF");
  }
  const size_t end = out.find("\r\n\r\n");
  Check(end != std::string::npos, "the headers end");
  // The headers, each with its folded lines.
  const std::vector<std::string> names = {"Date", "From", "To", "Subject", "Message-ID",
                                          "MIME-Version", "Content-Type",
                                          "Content-Transfer-Encoding"};
  std::vector<std::string> values;
  std::string_view head(out.data(), end + 2);
  while (!head.empty()) {
    size_t line_end = head.find("\r\n");
    std::string_view line = head.substr(0, line_end);
    Check(line.size() <= 998, "a header line is at most 998 octets");
    if (line.starts_with(" ")) {
      Check(!values.empty(), "a fold continues a header");
      values.back() += "\r\n" + std::string(line);
    } else {
      size_t colon = line.find(": ");
      Check(colon != std::string_view::npos && values.size() < names.size() &&
                line.substr(0, colon) == names[values.size()],
            "only wikid's headers, in order");
      values.emplace_back(line.substr(colon + 2));
    }
    head.remove_prefix(line_end + 2);
  }
  Check(values.size() == names.size(), "every header is there");
  Check(Decoded(values[3]) == WithoutLineBreaks(message.subject), "the subject says what was typed");
  if (!message.from_name.empty()) {
    std::string from = values[1];
    size_t angle = from.rfind(" <");
    Check(angle != std::string::npos, "From has a name and an address");
    std::string name = from.substr(0, angle);
    Check(Decoded(name) == WithoutLineBreaks(message.from_name), "the name says what was typed");
    Check(name.starts_with("=?UTF-8?B?") ||
              name.find_first_of("\"\\()<>[]:;@,.") == std::string::npos,
          "a plain name holds none of RFC 5322's specials");
  }
  std::string_view body(out.data() + end + 4, out.size() - end - 4);
  Check(body.ends_with("\r\n"), "the body ends with a line end");
  Check(WithoutLineBreaks(body) == WithoutLineBreaks(message.body),
        "the body keeps every character but the line ends");
  return 0;
}
