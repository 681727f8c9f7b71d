#include "model/accounts/password.h"

#include <sodium.h>

#include "model/base/failpoint.h"

namespace wikid {
namespace {

// What a hash costs: libsodium's interactive limits (64 MiB, two passes).
// A test build can be told to hash at libsodium's least cost instead
// (failpoint password_hash_minimal=1): the integration suites make
// hundreds of accounts, and at the interactive cost that was a tenth of
// the whole suite's time. The tests of hashing itself run without it.
// Each cost carries the hash of a random password nobody kept, made with
// its limits: a login for a name nobody has is checked against it, which
// costs exactly what a real check does.
struct HashCost {
  unsigned long long ops;
  size_t memory;
  const char* dummy;
};

HashCost Cost() {
  if (FailpointValue("password_hash_minimal") > 0) {
    return {crypto_pwhash_OPSLIMIT_MIN, crypto_pwhash_MEMLIMIT_MIN,
            "$argon2id$v=19$m=8,t=1,p=1$Mrj+NpH/NpxkwY4Dly0xGw$"
            "QVd1EIAVAXWJf+Ca/dIAMK17liI8kGzFWgGLgnpHYhU"};
  }
  return {crypto_pwhash_OPSLIMIT_INTERACTIVE, crypto_pwhash_MEMLIMIT_INTERACTIVE,
          "$argon2id$v=19$m=65536,t=2,p=1$ge5j4oqVCNILK0iREfUuqw$"
          "5YdEKNDLK3Fd3rIGlprclzJAWxjICQAtKkeC7yh11Fo"};
}

}  // namespace

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
  const HashCost cost = Cost();
  if (crypto_pwhash_str(hash, password.data(), password.size(), cost.ops, cost.memory) != 0) {
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
  std::string_view bounded = password.substr(0, kMaxPasswordBytes);
  [[maybe_unused]] bool matched = VerifyPassword(Cost().dummy, bounded);
  return false;
}

bool PasswordNeedsRehash(const std::string& hash) {
  const HashCost cost = Cost();
  return crypto_pwhash_str_needs_rehash(hash.c_str(), cost.ops, cost.memory) != 0;
}

}  // namespace wikid
