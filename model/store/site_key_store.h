// SiteKeyStore: the site's secret keys (model/base/secret_key.h) in the
// database, so that every wikid host signs and checks forms with the same
// keys, and an operator can rotate them (`wikid key rotate`) in one place.
// model/accounts/site_keys.h keeps a process's copy of them current.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "model/base/status.h"

namespace wikid {

class SiteKeyStore {
 public:
  virtual ~SiteKeyStore() = default;

  // The newest `limit` keys, newest first.
  virtual Result<std::vector<std::string>> Newest(int limit) = 0;

  // Adds `key` as the newest, made at `now` (a rotation).
  virtual Status Add(const std::string& key, int64_t now) = 0;

  // Adds `key` only if there is no key at all, atomically, so that the
  // processes of several hosts opening a new wiki at once end up with one
  // first key.
  virtual Status AddFirst(const std::string& key, int64_t now) = 0;
};

}  // namespace wikid
