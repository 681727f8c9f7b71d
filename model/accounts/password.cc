#include "model/accounts/password.h"

#include <sodium.h>

namespace wikid {

Status CheckPassword(std::string_view password) {
  if (password.size() < kMinPasswordBytes) {
    return Status::Invalid("A password must be at least 8 characters long.");
  }
  if (password.size() > kMaxPasswordBytes) {
    return Status::Invalid("A password may be at most 1024 bytes long.");
  }
  return Status::Ok();
}

Result<std::string> HashPassword(std::string_view password) {
  if (Status s = CheckPassword(password); !s.ok()) return s;
  if (sodium_init() < 0) return Status::Internal("libsodium failed to start");
  char hash[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str(hash, password.data(), password.size(),
                        crypto_pwhash_OPSLIMIT_INTERACTIVE,
                        crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0) {
    // Only when the memory cannot be had.
    return Status::Unavailable("The server is too busy to set a password now.");
  }
  return std::string(hash);
}

bool VerifyPassword(const std::string& hash, std::string_view password) {
  if (password.size() > kMaxPasswordBytes || sodium_init() < 0) return false;
  return crypto_pwhash_str_verify(hash.c_str(), password.data(),
                                  password.size()) == 0;
}

bool VerifyAgainstDummyHash(std::string_view password) {
  // The hash of a random password nobody kept, with the same limits as
  // HashPassword: verifying against it costs exactly what a real check does.
  static const std::string kDummy =
      "$argon2id$v=19$m=65536,t=2,p=1$ge5j4oqVCNILK0iREfUuqw$"
      "5YdEKNDLK3Fd3rIGlprclzJAWxjICQAtKkeC7yh11Fo";
  std::string_view bounded = password.substr(0, kMaxPasswordBytes);
  [[maybe_unused]] bool matched = VerifyPassword(kDummy, bounded);
  return false;
}

bool PasswordNeedsRehash(const std::string& hash) {
  return crypto_pwhash_str_needs_rehash(
             hash.c_str(), crypto_pwhash_OPSLIMIT_INTERACTIVE,
             crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0;
}

}  // namespace wikid
