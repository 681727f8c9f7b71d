#include "model/cache/render_cache.h"

#include <sodium.h>

#include <chrono>
#include <thread>

namespace wikid {
namespace {

// How long the lock on a missing rendering lives if its holder dies, and
// how long the others wait for the holder before rendering themselves.
constexpr int kLockSeconds = 5;
constexpr auto kWaitStep = std::chrono::milliseconds(5);
constexpr int kWaitSteps = 40;  // 200 ms in all

// Renderings are kept a week at most; memcached evicts earlier as needed.
constexpr int kTtlSeconds = 7 * 24 * 3600;

std::string Frame(const std::string& key) { return "<!-- wikid " + key + " -->\n"; }

}  // namespace

std::string RenderKey::ToString() const {
  unsigned char hash[8];
  crypto_generichash_state state;
  crypto_generichash_init(&state, nullptr, 0, sizeof hash);
  for (const std::string& link : existing_links) {
    // Page names hold no newline, so "\n" separates them unambiguously.
    crypto_generichash_update(&state, reinterpret_cast<const unsigned char*>(link.data()),
                              link.size());
    crypto_generichash_update(&state, reinterpret_cast<const unsigned char*>("\n"), 1);
  }
  crypto_generichash_final(&state, hash, sizeof hash);
  char hex[sizeof hash * 2 + 1];
  sodium_bin2hex(hex, sizeof hex, hash, sizeof hash);
  return "r:" + std::to_string(revision_id) + ":" + hex;
}

std::optional<std::string> RenderCache::Lookup(const std::string& key) {
  CacheItem item;
  if (cache_.Get(key, &item) != CacheStatus::kOk) return std::nullopt;
  std::string frame = Frame(key);
  if (!item.value.starts_with(frame)) {
    ++counters_.bad_frames;
    return std::nullopt;
  }
  return item.value.substr(frame.size());
}

void RenderCache::Add(const std::string& key, const std::string& html) {
  // Add, not Set: an entry already there is the same rendering.
  cache_.Add(key, Frame(key) + html, kTtlSeconds);
}

std::string RenderCache::Get(const RenderKey& render_key,
                             const std::function<std::string()>& render,
                             bool* hit) {
  *hit = false;
  if (!cache_.enabled()) {
    ++counters_.renders;
    return render();
  }
  const std::string key = render_key.ToString();
  if (auto html = Lookup(key)) {
    ++counters_.hits;
    *hit = true;
    return *html;
  }
  ++counters_.misses;
  const std::string lock = "lock:" + key;
  CacheStatus locked = cache_.Add(lock, "1", kLockSeconds);
  if (locked == CacheStatus::kNotStored) {
    // Someone else is rendering it: wait a little for their result.
    for (int i = 0; i < kWaitSteps; ++i) {
      std::this_thread::sleep_for(kWaitStep);
      if (auto html = Lookup(key)) {
        ++counters_.waited_hits;
        *hit = true;
        return *html;
      }
    }
  }
  ++counters_.renders;
  std::string html = render();
  Add(key, html);
  if (locked == CacheStatus::kOk) cache_.Delete(lock);
  return html;
}

void RenderCache::Store(const RenderKey& key, const std::string& html) {
  if (cache_.enabled()) Add(key.ToString(), html);
}

}  // namespace wikid
