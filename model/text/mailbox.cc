#include "model/text/mailbox.h"

namespace wikid {

Status CheckMailbox(std::string_view address) {
  const Status bad = Status::Invalid(
      "That email address does not look right: it should be like "
      "name@example.org, without spaces.");
  if (address.empty()) return bad;
  if (address.size() > kMaxEmailBytes) {
    return Status::Invalid(
        "An email address may be at most 254 characters long.");
  }
  size_t at = address.find('@');
  if (at == 0 || at == std::string_view::npos || at + 1 == address.size() ||
      address.find('@', at + 1) != std::string_view::npos) {
    return bad;
  }
  for (unsigned char c : address) {
    if (c <= 0x20 || c == 0x7f || c == '<' || c == '>' || c == '"' ||
        c == ',' || c == ';' || c == '(' || c == ')' || c == '[' || c == ']' ||
        c == '\\') {
      return bad;
    }
  }
  std::string_view domain = address.substr(at + 1);
  if (domain.front() == '.' || domain.back() == '.' ||
      domain.find("..") != std::string_view::npos) {
    return bad;
  }
  return Status::Ok();
}

Status CheckEmail(std::string_view email) {
  if (email.empty()) return Status::Ok();
  if (Status s = CheckMailbox(email); !s.ok()) return s;
  // A person's address has a domain with a dot (example.org, not
  // localhost): what someone typed at signup is most likely a typo else.
  if (email.substr(email.find('@') + 1).find('.') == std::string_view::npos) {
    return Status::Invalid(
        "That email address does not look right: it should be like "
        "name@example.org, without spaces.");
  }
  return Status::Ok();
}

}  // namespace wikid
