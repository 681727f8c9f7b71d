// The site's secret key: 32 random bytes kept in the data directory, used
// to sign anti-forgery (CSRF) tokens. Created once; never logged.
#pragma once

#include <string>

#include "model/base/status.h"

namespace wikid {

constexpr size_t kSecretKeyBytes = 32;

// Reads the key at `path`, creating it (mode 0600, random bytes from
// libsodium) if the file does not exist. Unavailable if the file cannot be
// read or written; Invalid if it exists with the wrong size.
Result<std::string> LoadOrCreateSecretKey(const std::string& path);

}  // namespace wikid
