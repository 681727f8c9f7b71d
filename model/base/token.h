// Random tokens for cookies (sessions, the anti-forgery cookie): 256 bits
// from libsodium, written as 43 URL-safe base64 characters.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace wikid {

constexpr size_t kTokenChars = 43;

// A fresh random token.
std::string NewToken();

// True if `text` has the shape of a token (not whether it is valid
// anywhere): 43 characters of A-Z a-z 0-9 - _.
bool IsTokenShaped(std::string_view text);

// The stored form of a token: its BLAKE2b-256 hash, 32 bytes. A token has
// 256 bits of entropy, so a fast hash is enough (no password-style
// stretching), and a stolen database gives no token away.
std::string TokenHash(std::string_view token);

// A short name for `text`: its BLAKE2b hash of `bytes` bytes (16 at
// most), in lower-case hex. The same in every build and on every host.
std::string HexDigest(std::string_view text, size_t bytes);

// Bytes as URL-safe base64 without padding.
std::string Base64Url(const unsigned char* data, size_t size);

}  // namespace wikid
