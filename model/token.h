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

// Bytes as URL-safe base64 without padding.
std::string Base64Url(const unsigned char* data, size_t size);

}  // namespace wikid
