#include "model/cache/local_views.h"

#include <utility>

namespace wikid {

const LocalViews::Entry* LocalViews::Find(const std::string& key,
                                          const Stamp& stamp) {
  auto it = kept_.find(key);
  if (it == kept_.end()) {
    ++counters_.misses;
    return nullptr;
  }
  if (!(it->second.entry.stamp == stamp)) {
    ++counters_.outdated;
    Forget(it);  // outdated for good: numbers never come back
    return nullptr;
  }
  ++counters_.hits;
  lru_.splice(lru_.begin(), lru_, it->second.lru);
  return &it->second.entry;
}

void LocalViews::Store(const std::string& key, std::string payload,
                          const Stamp& stamp, int64_t order) {
  size_t size = key.size() + payload.size();
  if (size > limit_ / 8) return;
  if (auto it = kept_.find(key); it != kept_.end()) Forget(it);
  while (bytes_ + size > limit_ && !lru_.empty())
    Forget(kept_.find(lru_.back()));
  lru_.push_front(key);
  kept_.emplace(key,
                Kept{Entry{std::move(payload), stamp, order}, lru_.begin()});
  bytes_ += size;
}

void LocalViews::Forget(std::unordered_map<std::string, Kept>::iterator it) {
  bytes_ -= it->first.size() + it->second.entry.payload.size();
  lru_.erase(it->second.lru);
  kept_.erase(it);
}

}  // namespace wikid
