#include "model/cache/view_admission.h"

#include <functional>

namespace wikid {

bool ViewAdmission::Admit(std::string_view title) {
  const bool seen = Record(title, state_.viewed);
  switch (policy_) {
    case CacheAdmission::kFirstView:
      return true;
    case CacheAdmission::kSecondView:
      return seen;
    case CacheAdmission::kThirdView:
      return seen && Record(title, state_.viewed_again);
  }
  return seen;
}

bool ViewAdmission::Record(std::string_view title, std::atomic<uint64_t>* bits) {
  // Every worker of a host runs the same binary, so std::hash agrees among
  // them (the bits are one host's hints, never shared further).
  constexpr uint64_t kBits = CacheState::kViewedWords * 64;
  const uint64_t bit =
      (std::hash<std::string_view>{}(title) * 0x9E3779B97F4A7C15ull) % kBits;
  std::atomic<uint64_t>& word = bits[bit / 64];
  const uint64_t mask = uint64_t{1} << (bit % 64);
  if (word.load(std::memory_order_relaxed) & mask) return true;
  if (word.fetch_or(mask, std::memory_order_relaxed) & mask) return true;  // a race
  // The first views count towards forgetting; a page viewed again has
  // its first bit set already.
  if (bits == state_.viewed &&
      state_.viewed_set.fetch_add(1, std::memory_order_relaxed) + 1 >= kBits / 8) {
    // Forget them all. Races with other workers' views only make a few
    // answers wrong the other way, which costs nothing but a fill.
    state_.viewed_set.store(0, std::memory_order_relaxed);
    for (auto& w : state_.viewed) w.store(0, std::memory_order_relaxed);
    for (auto& w : state_.viewed_again) w.store(0, std::memory_order_relaxed);
  }
  return false;
}

}  // namespace wikid
