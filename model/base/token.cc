#include "model/base/token.h"

#include <sodium.h>

#include <algorithm>
#include <cstdlib>

namespace wikid {

std::string Base64Url(const unsigned char* data, size_t size) {
  std::string out(
      sodium_base64_encoded_len(size, sodium_base64_VARIANT_URLSAFE_NO_PADDING),
      '\0');
  sodium_bin2base64(out.data(), out.size(), data, size,
                    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  out.resize(out.size() - 1);  // the terminating NUL
  return out;
}

std::string HexDigest(std::string_view text, size_t bytes) {
  unsigned char hash[16];
  // BLAKE2b of that output length (not a longer hash cut short: the
  // length is part of what BLAKE2b hashes). libsodium takes any length
  // from 1 byte; its BYTES_MIN of 16 is advice for uses that need
  // collision resistance, which a cache key's 64 bits do not.
  bytes = std::clamp<size_t>(bytes, 1, sizeof hash);
  crypto_generichash(hash, bytes, reinterpret_cast<const unsigned char*>(text.data()),
                     text.size(), nullptr, 0);
  char hex[sizeof hash * 2 + 1];
  sodium_bin2hex(hex, sizeof hex, hash, bytes);
  return hex;
}

std::string TokenHash(std::string_view token) {
  unsigned char hash[32];
  crypto_generichash(hash, sizeof hash,
                     reinterpret_cast<const unsigned char*>(token.data()),
                     token.size(), nullptr, 0);
  return std::string(reinterpret_cast<char*>(hash), sizeof hash);
}

std::string NewToken() {
  // sodium_init is idempotent and thread-safe; without it the random
  // source may not be seeded.
  if (sodium_init() < 0) std::abort();
  unsigned char raw[32];
  randombytes_buf(raw, sizeof raw);
  return Base64Url(raw, sizeof raw);
}

bool IsTokenShaped(std::string_view text) {
  return text.size() == kTokenChars &&
         std::all_of(text.begin(), text.end(), [](char c) {
           return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
                  (c >= '0' && c <= '9') || c == '-' || c == '_';
         });
}

}  // namespace wikid
