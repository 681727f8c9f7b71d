#include "model/cache/stamped_cache.h"

#include <charconv>
#include <cstdlib>
#include <string_view>
#include <tuple>

namespace wikid {
namespace {

// Views are kept a day at most in memcached; it may evict them sooner.
constexpr int kTtlSeconds = 24 * 3600;
constexpr int kCasAttempts = 5;

struct Framed {
  Stamp stamp;
  int64_t order = 0;
  std::string_view payload;
};

// "<!-- wikid KEY -->\nstamp2 EPOCH PAGE LINKS SITE ORDER\n" then the
// payload ("stamp", without the epoch, was an older wikid's: never read).
std::string Encode(const std::string& key, const Stamp& s, int64_t order,
                   const std::string& payload) {
  std::string out = "<!-- wikid " + key + " -->\nstamp2 " + std::to_string(s.epoch) + " " +
                    std::to_string(s.page) + " " + std::to_string(s.links) +
                    " " + std::to_string(s.site) + " " +
                    std::to_string(order) + "\n";
  out += payload;
  return out;
}

std::optional<Framed> Decode(const std::string& key, std::string_view value) {
  std::string frame = "<!-- wikid " + key + " -->\nstamp2 ";
  if (!value.starts_with(frame)) return std::nullopt;
  value.remove_prefix(frame.size());
  size_t end = value.find('\n');
  if (end == std::string_view::npos) return std::nullopt;
  std::string_view line = value.substr(0, end);
  Framed f;
  uint64_t* counters[] = {&f.stamp.epoch, &f.stamp.page, &f.stamp.links, &f.stamp.site};
  for (uint64_t* counter : counters) {
    auto [next, ec] = std::from_chars(line.data(), line.data() + line.size(), *counter);
    if (ec != std::errc() || next == line.data() + line.size() || *next != ' ') {
      return std::nullopt;
    }
    line.remove_prefix(next - line.data() + 1);
  }
  auto [next, ec] = std::from_chars(line.data(), line.data() + line.size(), f.order);
  if (ec != std::errc() || next != line.data() + line.size()) return std::nullopt;
  f.payload = value.substr(end + 1);
  return f;
}

// Which of two views to keep: the epoch and the numbers only grow, except
// a number memcached lost, which is made again at random (lower than
// before about half the time: the dead entry then wins until it expires,
// costing misses, never a wrong view). What is kept is only served while
// its stamp is current.
bool Newer(const Stamp& a, int64_t order_a, const Stamp& b, int64_t order_b) {
  return std::tie(a.epoch, a.page, a.links, a.site, order_a) >
         std::tie(b.epoch, b.page, b.links, b.site, order_b);
}

// Test builds only: WIKID_UNSAFE_CACHE_FILL=1 trusts any view found and
// fills with a plain set, the design the stamps replace, so a test can
// show its checker catches the stale views that follow.
bool Unsafe() {
#ifdef WIKID_TESTING
  static const bool unsafe = std::getenv("WIKID_UNSAFE_CACHE_FILL") != nullptr;
  return unsafe;
#else
  return false;
#endif
}

}  // namespace

std::optional<std::string> StampedCache::Find(const std::string& key,
                                              const Stamp& stamp, bool* absent) {
  if (absent != nullptr) *absent = false;
  if (!cache_.enabled()) return std::nullopt;
  if (!Unsafe()) {
    if (const LocalViews::Entry* kept = local_.Find(key, stamp)) {
      ++counters_.local_hits;
      return kept->payload;
    }
  }
  CacheItem item;
  if (CacheStatus got = cache_.Get(key, &item); got != CacheStatus::kOk) {
    ++counters_.misses;
    if (absent != nullptr) *absent = got == CacheStatus::kMiss;
    return std::nullopt;
  }
  auto framed = Decode(key, item.value);
  if (!framed) {
    ++counters_.bad_entries;
    return std::nullopt;
  }
  if (!(framed->stamp == stamp) && !Unsafe()) {
    ++counters_.stale;
    return std::nullopt;
  }
  ++counters_.hits;
  std::string payload(framed->payload);
  local_.Store(key, payload, framed->stamp);
  return payload;
}

void StampedCache::Store(const std::string& key, const std::string& payload,
                         const Stamp& stamp, int64_t order, StoreMode mode) {
  if (!cache_.enabled()) return;
  local_.Store(key, payload, stamp);
  std::string value = Encode(key, stamp, order, payload);
  if (mode == StoreMode::kPublish) {
    // Not waited for: the writer's answer does not depend on it.
    cache_.SetQuietly(key, value, kTtlSeconds);
    return;
  }
  if (Unsafe()) {
    cache_.Set(key, value, kTtlSeconds);
    return;
  }
  if (mode == StoreMode::kFillAbsent) {
    cache_.AddQuietly(key, value, kTtlSeconds);
    return;
  }
  // Most stores follow a miss: add first (one round trip), and read what
  // is there only when something is.
  if (cache_.Add(key, value, kTtlSeconds) != CacheStatus::kNotStored) return;
  for (int attempt = 0; attempt < kCasAttempts; ++attempt) {
    CacheItem item;
    CacheStatus got = cache_.Get(key, &item);
    CacheStatus put;
    if (got == CacheStatus::kMiss) {
      put = cache_.Add(key, value, kTtlSeconds);
    } else if (got == CacheStatus::kOk) {
      auto theirs = Decode(key, item.value);
      if (theirs && !Newer(stamp, order, theirs->stamp, theirs->order)) return;
      put = cache_.Cas(key, value, item.cas, kTtlSeconds);
    } else {
      return;
    }
    // kNotStored or kMiss: someone changed it meanwhile; look again.
    if (put != CacheStatus::kNotStored && put != CacheStatus::kMiss) return;
  }
}

}  // namespace wikid
