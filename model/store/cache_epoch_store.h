// CacheEpochStore: the cache epoch (model/cache/versions.h) in the
// database, the one place every host of a wiki reads and no cache can
// lose: a writer whose version numbers memcached did not confirm advances
// it, and every view stamped under the old one is dead on every host.
#pragma once

#include <cstdint>

#include "model/base/status.h"

namespace wikid {

class CacheEpochStore {
 public:
  virtual ~CacheEpochStore() = default;

  // The epoch now.
  virtual Result<uint64_t> Read() = 0;

  // Adds one to the epoch, in its own transaction, and returns the new
  // value (never one it held before).
  virtual Result<uint64_t> Advance() = 0;
};

}  // namespace wikid
