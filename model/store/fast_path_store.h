// FastPathStore: the state of nginx's fast path (model/cache/fast_path.h)
// that every wikid host of a wiki shares, in the database: which
// generation of entries nginx may read, and whether it may read them now.
// Each host follows it within a lease and keeps its own nginx's switch in
// step, so a suspension on any host reaches every nginx that serves the
// wiki.
#pragma once

#include <cstdint>
#include <string>

#include "model/base/status.h"

namespace wikid {

enum class FastPathPhase {
  kOff,        // nginx must not serve any entry
  kAnnounced,  // the generation is known to the hosts; nothing serves it yet
  kServing,    // nginx may serve the generation's entries
};

struct FastPathRow {
  uint64_t generation = 0;  // never 0
  FastPathPhase phase = FastPathPhase::kOff;
  // The latest suspension came from memcached not confirming a fill or a
  // delete: restoring waits until it has answered for the settle time.
  bool doubted = false;
};

class FastPathStore {
 public:
  virtual ~FastPathStore() = default;

  virtual Result<FastPathRow> Read() = 0;

  // Off at generation `next`, whatever the phase (so an announcement based
  // on an older read fails). `doubt`: marked doubted; otherwise the mark
  // is kept if it was already off, and cleared if it was serving.
  virtual Status Suspend(bool doubt, const std::string& why, uint64_t next) = 0;

  // Off at `generation` -> announced at `next`. False if the state moved
  // on since it was read.
  virtual Result<bool> Announce(uint64_t generation, uint64_t next) = 0;

  // Announced at `generation` -> serving. False if it moved on.
  virtual Result<bool> Serve(uint64_t generation) = 0;
};

}  // namespace wikid
