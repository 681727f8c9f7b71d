#include "model/base/sha256.h"

#include <sodium.h>

namespace wikid {

namespace {

std::string Hex(const unsigned char (&digest)[crypto_hash_sha256_BYTES]) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  hex.reserve(kSha256HexChars);
  for (unsigned char b : digest) {
    hex += kHex[b >> 4];
    hex += kHex[b & 15];
  }
  return hex;
}

}  // namespace

std::string Sha256Hex(std::string_view bytes) {
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(digest, reinterpret_cast<const unsigned char*>(bytes.data()),
                     bytes.size());
  return Hex(digest);
}

struct Sha256::State {
  crypto_hash_sha256_state sodium;
};

Sha256::Sha256() : state_(std::make_unique<State>()) {
  crypto_hash_sha256_init(&state_->sodium);
}

Sha256::~Sha256() = default;

void Sha256::Update(std::string_view bytes) {
  crypto_hash_sha256_update(&state_->sodium, reinterpret_cast<const unsigned char*>(bytes.data()),
                            bytes.size());
}

std::string Sha256::HexDigest() {
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256_final(&state_->sodium, digest);
  return Hex(digest);
}

bool IsSha256Hex(std::string_view text) {
  if (text.size() != kSha256HexChars) return false;
  for (char c : text) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

}  // namespace wikid
