#include "model/text/user_name.h"

#include <algorithm>
#include <array>

namespace wikid {
namespace {

// Names that would read as the wiki speaking, or clash with its routes.
constexpr std::array<std::string_view, 14> kReserved = {
    "admin",     "administrator", "root",      "system",  "wikid",
    "anonymous", "nobody",        "moderator", "support", "signup",
    "login",     "logout",        "user",      "users"};

bool NameChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
         (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.';
}

}  // namespace

std::string AsciiLower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) {
    return static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  });
  return out;
}

Result<UserName> UserName::Parse(std::string_view text) {
  if (text.size() < kMinLength || text.size() > kMaxLength) {
    return Status::Invalid("A user name must be 3 to 32 characters long.");
  }
  if (!std::all_of(text.begin(), text.end(), NameChar)) {
    return Status::Invalid(
        "A user name may use only the letters a-z and A-Z, digits, '-', '_' "
        "and '.'.");
  }
  char first = text.front();
  if (first == '-' || first == '_' || first == '.') {
    return Status::Invalid("A user name must start with a letter or a digit.");
  }
  if (std::find(kReserved.begin(), kReserved.end(), AsciiLower(text)) !=
      kReserved.end()) {
    return Status::Invalid(
        "That user name is reserved; please choose another.");
  }
  return UserName(std::string(text));
}

std::string UserName::key() const { return AsciiLower(name_); }

}  // namespace wikid
