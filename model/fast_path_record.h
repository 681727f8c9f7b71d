// StoredFastPathRecord: the fast path's shared state (model/cache/
// fast_path.h, FastPathRecord) kept in the database (FastPathStore), so
// that every host of a wiki follows one state. cache/ names what it needs
// and sees no store; this connects the two.
#pragma once

#include <string>

#include "model/cache/fast_path.h"
#include "model/store/fast_path_store.h"

namespace wikid {

class StoredFastPathRecord : public FastPathRecord {
 public:
  // `store` must outlive it.
  explicit StoredFastPathRecord(FastPathStore& store) : store_(store) {}

  Result<State> Read() override;
  Status Suspend(bool doubt, const std::string& why, uint64_t next) override;
  Result<bool> Announce(uint64_t generation, uint64_t next) override;
  Result<bool> Serve(uint64_t generation) override;

 private:
  FastPathStore& store_;
};

}  // namespace wikid
