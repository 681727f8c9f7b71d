// Stamp: the version counters a view was made under (CacheState values,
// read before the data behind the view). A view is served only while the
// counters still hold exactly these values; they only grow, so a view
// under an older stamp is never served again.
#pragma once

#include <cstdint>

namespace wikid {

// Unused counters are 0.
struct Stamp {
  uint64_t page = 0;
  uint64_t links = 0;
  uint64_t site = 0;
  bool operator==(const Stamp&) const = default;
};

}  // namespace wikid
