// The site's secret keys: 32 random bytes each, used to sign anti-forgery
// (CSRF) tokens. They live in the database (model/accounts/site_keys.h);
// wikids before that kept one in a file of the data directory, which the
// first key of such a wiki is taken from. Never logged.
#pragma once

#include <optional>
#include <string>

#include "model/base/status.h"

namespace wikid {

constexpr size_t kSecretKeyBytes = 32;

// A new random key (libsodium).
Result<std::string> NewSecretKey();

// The key in the file at `path`, or none if there is no such file.
// Unavailable if it cannot be read; Invalid if it has the wrong size.
Result<std::optional<std::string>> ReadSecretKeyFile(const std::string& path);

}  // namespace wikid
