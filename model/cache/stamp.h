// Stamp: the numbers a view was made under (Versions, read before the data
// behind the view). A view is served only while they still hold exactly
// these values; a save moves them, so a view under an older stamp is
// never served again.
#pragma once

#include <cstdint>

namespace wikid {

// Unused numbers are 0.
struct Stamp {
  uint64_t epoch = 0;
  uint64_t page = 0;
  uint64_t links = 0;
  uint64_t site = 0;
  bool operator==(const Stamp&) const = default;
};

}  // namespace wikid
