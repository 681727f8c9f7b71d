#include "model/cache/render_cache.h"

#include <sodium.h>

#include <chrono>
#include <thread>

namespace wikid {
namespace {

// How long a claim on a missing rendering lives if its worker dies, and
// how long the others wait for the claimant before rendering themselves.
constexpr int kClaimSeconds = 5;
constexpr auto kWaitStep = std::chrono::milliseconds(5);
constexpr int kWaitSteps = 40;  // 200 ms in all

// Texts shorter than this are rendered without a claim. Measured on the
// 2-core benchmark machine (scripts/bench-scale, cold views): cmark-gfm
// renders wiki text at about 6 microseconds a kilobyte, while a claim's
// add costs a miss 30-40 microseconds of CPU between wikid and memcached,
// every time, to save a duplicate rendering only when two workers miss
// the same revision at once. At 16 KiB a duplicate rendering costs about
// 100 microseconds, and claims start to pay.
constexpr size_t kClaimFromBytes = 16 * 1024;

// Renderings are kept a week at most; memcached evicts earlier as needed.
constexpr int kTtlSeconds = 7 * 24 * 3600;

std::string Frame(const std::string& key) { return "<!-- wikid " + key + " -->\n"; }

// What a rendering's key holds while a worker renders it: its claim, which
// the rendering then replaces (one write, where a lock of its own key
// took two more round trips, its add and its delete, on every miss).
constexpr std::string_view kClaim = "<!-- wikid rendering -->";

}  // namespace

std::string RenderKey::ToString() const {
  unsigned char hash[8];
  crypto_generichash_state state;
  crypto_generichash_init(&state, nullptr, 0, sizeof hash);
  for (const auto& [link, title] : existing_links) {
    // Page names hold no tab or newline, so these separate them
    // unambiguously. The title is in the key: a link's colour and where
    // it leads both change the rendering.
    crypto_generichash_update(
        &state, reinterpret_cast<const unsigned char*>(link.data()),
        link.size());
    crypto_generichash_update(&state,
                              reinterpret_cast<const unsigned char*>("\t"), 1);
    crypto_generichash_update(
        &state, reinterpret_cast<const unsigned char*>(title.data()),
        title.size());
    crypto_generichash_update(&state,
                              reinterpret_cast<const unsigned char*>("\n"), 1);
  }
  if (!files.empty()) {
    // A line that no link's can be (page names hold no control
    // character), so links and files never hash alike; a revision that
    // embeds nothing keeps the key it had before files existed.
    crypto_generichash_update(
        &state, reinterpret_cast<const unsigned char*>("\x01\n"), 2);
    for (const auto& [name, shown] : files) {
      crypto_generichash_update(
          &state, reinterpret_cast<const unsigned char*>(name.data()),
          name.size());
      crypto_generichash_update(
          &state, reinterpret_cast<const unsigned char*>("\t"), 1);
      crypto_generichash_update(
          &state, reinterpret_cast<const unsigned char*>(shown.data()),
          shown.size());
      crypto_generichash_update(
          &state, reinterpret_cast<const unsigned char*>("\n"), 1);
    }
  }
  crypto_generichash_final(&state, hash, sizeof hash);
  char hex[sizeof hash * 2 + 1];
  sodium_bin2hex(hex, sizeof hex, hash, sizeof hash);
  return "r:" + std::to_string(revision_id) + ":" + hex;
}

std::optional<std::string> RenderCache::Lookup(const std::string& key, bool* claimed) {
  *claimed = false;
  CacheItem item;
  if (cache_.Get(key, &item) != CacheStatus::kOk) return std::nullopt;
  if (item.value == kClaim) {
    *claimed = true;
    return std::nullopt;
  }
  std::string frame = Frame(key);
  if (!item.value.starts_with(frame)) {
    ++counters_.bad_frames;
    return std::nullopt;
  }
  return item.value.substr(frame.size());
}

CacheStatus RenderCache::Put(const std::string& key, const std::string& html, Wait wait) {
  const std::string value = Frame(key) + html;
  return wait == Wait::kForAnswer ? cache_.Set(key, value, kTtlSeconds)
                                  : cache_.SetQuietly(key, value, kTtlSeconds);
}

std::string RenderCache::TimedRender(const std::function<std::string()>& render) {
  ++counters_.renders;
  const auto started = std::chrono::steady_clock::now();
  std::string html = render();
  counters_.render_micros += std::chrono::duration_cast<std::chrono::microseconds>(
                                 std::chrono::steady_clock::now() - started)
                                 .count();
  return html;
}

std::string RenderCache::Get(const RenderKey& render_key, size_t source_bytes,
                             const std::function<std::string()>& render,
                             bool* hit) {
  *hit = false;
  if (!cache_.enabled()) return TimedRender(render);
  const std::string key = key_prefix_ + render_key.ToString();
  bool claimed_by_other = false;
  if (auto html = Lookup(key, &claimed_by_other)) {
    ++counters_.hits;
    *hit = true;
    return *html;
  }
  ++counters_.misses;
  bool claimed = false;
  if (!claimed_by_other && source_bytes >= kClaimFromBytes) {
    CacheStatus claim = cache_.Add(key, std::string(kClaim), kClaimSeconds);
    claimed = claim == CacheStatus::kOk;
    claimed_by_other = claim == CacheStatus::kNotStored;  // or the rendering, just made
  }
  if (claimed_by_other) {
    // Someone else is rendering it: wait a little for their result.
    for (int i = 0; i < kWaitSteps; ++i) {
      std::this_thread::sleep_for(kWaitStep);
      if (auto html = Lookup(key, &claimed_by_other)) {
        ++counters_.waited_hits;
        *hit = true;
        return *html;
      }
      if (!claimed_by_other) break;  // their claim is gone, and no rendering
    }
  }
  std::string html = TimedRender(render);
  // Set, not Add: over our claim, or over one whose worker died or never
  // learnt it had claimed (an add memcached confirmed too late), which
  // would otherwise stall every viewer until it expires. A key names one
  // rendering, so whatever is there is these same bytes or a claim. A
  // rendering memcached refuses (too big) must not leave our claim for
  // others to wait on.
  // Unclaimed, nobody waits on it: not waited for either.
  if (!claimed) {
    Put(key, html, Wait::kNo);
  } else if (Put(key, html) != CacheStatus::kOk) {
    cache_.Delete(key);
  }
  return html;
}

void RenderCache::Store(const RenderKey& key, const std::string& html) {
  // Not waited for: the writer's answer does not depend on it.
  if (cache_.enabled()) Put(key_prefix_ + key.ToString(), html, Wait::kNo);
}

}  // namespace wikid
