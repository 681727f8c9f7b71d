// Accounts: user names, passwords and the people behind them.
//
// UserName holds the rules for names; HashPassword and VerifyPassword wrap
// libsodium's argon2id (crypto_pwhash_str) and are the only code that sees
// a password. Passwords are never logged, stored or echoed in clear.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "model/status.h"

namespace wikid {

// `s` with A-Z turned into a-z: user names are unique regardless of case.
std::string AsciiLower(std::string_view s);

class UserName {
 public:
  static constexpr size_t kMinLength = 3;
  static constexpr size_t kMaxLength = 32;

  // 3 to 32 of the ASCII letters, digits, '-', '_' and '.'; starting with
  // a letter or digit; not a reserved word (admin, root, system, wikid,
  // anonymous, ...). Invalid names the rule broken.
  static Result<UserName> Parse(std::string_view text);

  // As typed: "Alice".
  const std::string& name() const { return name_; }
  // Lowercased: names are unique regardless of case ("alice").
  std::string key() const;

 private:
  explicit UserName(std::string name) : name_(std::move(name)) {}
  std::string name_;
};

enum class Role { kUser, kAdmin };
const char* RoleName(Role role);
Result<Role> ParseRole(std::string_view text);

struct User {
  int64_t id = 0;
  std::string name;
  std::string password_hash;  // argon2id PHC string
  std::string email;          // may be empty
  Role role = Role::kUser;
  bool disabled = false;
  int64_t created_at = 0;
  std::string display_name;  // may be empty: the name is shown then
  std::string bio;           // Markdown, may be empty
};

// What a profile shows as the person's name: the display name if set.
inline const std::string& ShownName(const User& user) {
  return user.display_name.empty() ? user.name : user.display_name;
}

// Profile field limits, in bytes.
constexpr size_t kMaxDisplayNameBytes = 64;
constexpr size_t kMaxBioBytes = 4096;
constexpr size_t kMaxEmailBytes = 254;  // RFC 5321's path limit

// An address that is safe to hand to SMTP: local@domain, one '@', no
// spaces, control characters, quotes, angle brackets, commas or
// semicolons (so it can never add a recipient or a header when mail is
// sent), no empty domain label. Invalid with the rule broken.
Status CheckMailbox(std::string_view address);

// An email address a person gives: empty (none), or a CheckMailbox address
// whose domain has a dot. Invalid with the rule broken.
Status CheckEmail(std::string_view email);

// One line of at most kMaxDisplayNameBytes, no control characters.
Status CheckDisplayName(std::string_view display_name);

// At most kMaxBioBytes.
Status CheckBio(std::string_view bio);

// Password length limits, in bytes. The maximum keeps a hash request from
// being a way to make the server hash megabytes.
constexpr size_t kMinPasswordBytes = 8;
constexpr size_t kMaxPasswordBytes = 1024;

// Checks the length rules without hashing anything. Invalid with the rule.
Status CheckPassword(std::string_view password);

// argon2id through crypto_pwhash_str with libsodium's INTERACTIVE limits
// (2 passes over 64 MiB; about 64 ms on this machine, see BENCHMARKS.md):
// well above OWASP's minimum (19 MiB, 2 passes) while a 2-core box still
// verifies about 15 logins a second. Checks the length first.
Result<std::string> HashPassword(std::string_view password);

// True if `password` matches `hash` (constant-time inside libsodium).
bool VerifyPassword(const std::string& hash, std::string_view password);

// Spends the time of one VerifyPassword against a fixed hash made with the
// current limits, and returns false. For logins with a user name that does
// not exist, so that they take as long as a wrong password does.
bool VerifyAgainstDummyHash(std::string_view password);

// True if `hash` was made with other limits than HashPassword uses now, so
// it should be replaced at the next successful login.
bool PasswordNeedsRehash(const std::string& hash);

}  // namespace wikid
