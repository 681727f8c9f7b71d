// SHA-256, the name of an uploaded file's bytes: what the store keys them
// by, what the disk cache names its copies after and the strong ETag and
// immutable URL of each content. SHA-256 rather than the BLAKE2b the
// tokens use: it is what operators and other tools (sha256sum) compute.
#pragma once

#include <memory>
#include <string>
#include <string_view>

namespace wikid {

inline constexpr size_t kSha256HexChars = 64;

// The SHA-256 of `bytes` as 64 lower-case hex digits.
std::string Sha256Hex(std::string_view bytes);

// SHA-256 over bytes given in pieces (`wikid copy-database`'s checksums
// of a table's rows), the same digest as Sha256Hex of them all at once.
class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;
  void Update(std::string_view bytes);
  // The digest as 64 lower-case hex digits; call once, after the last Update.
  std::string HexDigest();

 private:
  struct State;
  std::unique_ptr<State> state_;
};

// True if `text` has the shape Sha256Hex gives: 64 of 0-9 a-f.
bool IsSha256Hex(std::string_view text);

}  // namespace wikid
