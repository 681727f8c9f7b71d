#include "model/cache/view_admission.h"

#include <algorithm>
#include <functional>

namespace wikid {
namespace {

// The page's bit in a record of CacheState::kViewedWords words.
struct Bit {
  size_t word;
  uint64_t mask;
};
Bit BitOf(uint64_t hash) {
  const uint64_t bit = hash % (CacheState::kViewedWords * 64);
  return {bit / 64, uint64_t{1} << (bit % 64)};
}

}  // namespace

uint64_t ViewAdmission::HashOf(std::string_view title) {
  // Every worker of a host runs the same binary, so std::hash agrees among
  // them (the records are one host's hints, never shared further).
  return std::hash<std::string_view>{}(title) * 0x9E3779B97F4A7C15ull;
}

CacheUse ViewAdmission::Admit(std::string_view title) {
  const uint64_t hash = HashOf(title);
  const bool seen = Record(hash, state_.viewed);
  // Counted only where shedding may ask: it is host-wide work per view.
  const uint32_t views = load_.threshold() ? Count(hash) : 0;
  bool admitted = seen;
  switch (policy_) {
    case CacheAdmission::kFirstView:
      admitted = true;
      break;
    case CacheAdmission::kSecondView:
      break;
    case CacheAdmission::kThirdView:
      admitted = seen && Record(hash, state_.viewed_again);
      break;
  }
  if (!admitted) return CacheUse::kNone;
  if (views >= kHotViews || !load_.Busy()) return CacheUse::kFill;
  const Bit bit = BitOf(hash);
  const bool cached = state_.cached[bit.word].load(std::memory_order_relaxed) & bit.mask;
  ++shed_views_;
  return cached ? CacheUse::kLook : CacheUse::kNone;
}

void ViewAdmission::Missed(std::string_view title) {
  const Bit bit = BitOf(HashOf(title));
  state_.cached[bit.word].fetch_and(~bit.mask, std::memory_order_relaxed);
}

bool ViewAdmission::Record(uint64_t hash, std::atomic<uint64_t>* bits) {
  const Bit bit = BitOf(hash);
  std::atomic<uint64_t>& word = bits[bit.word];
  if (word.load(std::memory_order_relaxed) & bit.mask) return true;
  if (word.fetch_or(bit.mask, std::memory_order_relaxed) & bit.mask) return true;  // a race
  // The first views count towards forgetting; a page viewed again has
  // its first bit set already.
  if (bits == state_.viewed &&
      state_.viewed_set.fetch_add(1, std::memory_order_relaxed) + 1 >=
          CacheState::kViewedWords * 64 / 8) {
    // Forget them all. Races with other workers' views only make a few
    // answers wrong the other way, which costs nothing but a fill.
    state_.viewed_set.store(0, std::memory_order_relaxed);
    for (auto& w : state_.viewed) w.store(0, std::memory_order_relaxed);
    for (auto& w : state_.viewed_again) w.store(0, std::memory_order_relaxed);
    for (auto& w : state_.cached) w.store(0, std::memory_order_relaxed);
  }
  return false;
}

uint32_t ViewAdmission::Count(uint64_t hash) {
  // Row i's counter at h1 + i*h2 (Kirsch and Mitzenmacher: two hashes
  // combined so serve as well as one per row).
  const uint64_t h1 = hash;
  const uint64_t h2 = (h1 >> 32) | 1;
  std::atomic<uint32_t>* counters[CacheState::kCountRows];
  uint32_t least = UINT32_MAX;
  for (size_t row = 0; row < CacheState::kCountRows; ++row) {
    counters[row] = &state_.view_counts[row][(h1 + row * h2) % CacheState::kCountWidth];
    least = std::min(least, counters[row]->load(std::memory_order_relaxed));
  }
  // Conservative update: only the counters at the least grow, which keeps
  // the other pages' views from inflating this one's count.
  for (auto* counter : counters) {
    if (counter->load(std::memory_order_relaxed) == least) {
      counter->fetch_add(1, std::memory_order_relaxed);
    }
  }
  if (state_.views_counted.fetch_add(1, std::memory_order_relaxed) + 1 >=
      CacheState::kViewWindow) {
    // Halve them all: a view long ago weighs half of one lately. Races
    // with other workers' counts make a few counts wrong by one.
    state_.views_counted.store(0, std::memory_order_relaxed);
    for (auto& row : state_.view_counts) {
      for (auto& counter : row) {
        counter.store(counter.load(std::memory_order_relaxed) / 2, std::memory_order_relaxed);
      }
    }
  }
  return least + 1;
}

}  // namespace wikid
