// SHA-256, the name of an uploaded file's bytes: what the store keys them
// by, what the disk cache names its copies after and the strong ETag and
// immutable URL of each content. SHA-256 rather than the BLAKE2b the
// tokens use: it is what operators and other tools (sha256sum) compute.
#pragma once

#include <string>
#include <string_view>

namespace wikid {

inline constexpr size_t kSha256HexChars = 64;

// The SHA-256 of `bytes` as 64 lower-case hex digits.
std::string Sha256Hex(std::string_view bytes);

// True if `text` has the shape Sha256Hex gives: 64 of 0-9 a-f.
bool IsSha256Hex(std::string_view text);

}  // namespace wikid
