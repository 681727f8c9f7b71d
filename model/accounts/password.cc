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
struct HashCost {
  unsigned long long ops;
  size_t memory;
};

HashCost Cost() {
  if (FailpointValue("password_hash_minimal") > 0) {
    return {crypto_pwhash_OPSLIMIT_MIN, crypto_pwhash_MEMLIMIT_MIN};
  }
  return {crypto_pwhash_OPSLIMIT_INTERACTIVE, crypto_pwhash_MEMLIMIT_INTERACTIVE};
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
  // The hash of a random password nobody kept, made at the first use with
  // the limits HashPassword uses: verifying against it costs exactly what
  // a real check does, whatever the cost (a test build's least one too).
  static const std::string kDummy = [] {
    unsigned char secret[32];
    char text[2 * sizeof secret + 1];
    if (sodium_init() >= 0) randombytes_buf(secret, sizeof secret);
    sodium_bin2hex(text, sizeof text, secret, sizeof secret);
    auto hash = HashPassword(text);
    // Only when the memory cannot be had: a hash of the same cost.
    return hash.ok() ? *hash
                     : std::string("$argon2id$v=19$m=65536,t=2,p=1$ge5j4oqVCNILK0iREfUuqw$"
                                   "5YdEKNDLK3Fd3rIGlprclzJAWxjICQAtKkeC7yh11Fo");
  }();
  std::string_view bounded = password.substr(0, kMaxPasswordBytes);
  [[maybe_unused]] bool matched = VerifyPassword(kDummy, bounded);
  return false;
}

bool PasswordNeedsRehash(const std::string& hash) {
  const HashCost cost = Cost();
  return crypto_pwhash_str_needs_rehash(hash.c_str(), cost.ops, cost.memory) != 0;
}

}  // namespace wikid
