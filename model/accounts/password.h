// Passwords: HashPassword and VerifyPassword wrap libsodium's argon2id
// (crypto_pwhash_str) and are the only code that sees a password.
// Passwords are never logged, stored or echoed in clear.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "model/base/status.h"

namespace wikid {

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
