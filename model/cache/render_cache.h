// RenderCache: the rendered HTML of page revisions, shared by all workers
// through memcached.
//
// Keys are immutable: a rendering is addressed by the revision's id and a
// hash of which of its wiki links led to existing pages when it was made.
// A new revision, or a linked page coming into existence, gives a new key,
// so an entry can never be stale and a save never has to invalidate
// anything; old entries simply age out of memcached's LRU. (This is the
// "immutable keys" answer to the stale-set race in RELIABILITY-NOTES §4.)
//
// Each value starts with a one-line HTML comment naming its own key; a
// value whose comment does not match is treated as a miss (and counted),
// which catches cross-talk and format drift for free.
//
// Stampedes: when a rendering of a long text is missing, the first worker
// to Add a short-lived claim under the rendering's own key renders it (and
// replaces the claim with it); the others wait briefly for its result,
// and render themselves only if it does not come. A popular long page
// that was just edited is therefore rendered about once, not once per
// waiting worker. A short text is rendered without a claim: the claim's
// round trip, paid on every miss, costs more than the few duplicate
// renderings it could save (see kClaimFromBytes).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>

#include "model/cache/memcache.h"

namespace wikid {

struct RenderKey {
  int64_t revision_id = 0;
  // The revision's links that lead to a page, each with the title of the
  // page it leads to (PageRevision::existing_links).
  std::map<std::string, std::string> existing_links;
  // The files it embeds, each named as the revision names it, with what
  // the rendering shows of it (its bytes' hash and its size): a new
  // revision of an embedded file is a new key, as a new linked page is,
  // so a rendering that shows an image's old size or address is never
  // read again (the page-level views are retired by the upload itself:
  // model/file_writes.h).
  std::map<std::string, std::string> files;
  // "r:<revision id>:<16 hex digits of a hash of the links and files>".
  std::string ToString() const;
};

struct RenderCounters {
  int64_t hits = 0;
  int64_t misses = 0;
  int64_t renders = 0;      // renderings this worker made
  int64_t waited_hits = 0;  // misses that another worker's render answered
  int64_t bad_frames = 0;   // values whose frame did not match their key
  int64_t render_micros = 0;  // time those renderings took (Server-Timing)
};

class RenderCache {
 public:
  // `cache` must outlive this; it may be disabled (no servers), and then
  // every call simply renders. `renderer_version` names what the renderer
  // makes: it goes in every key, so renderings of another version (a
  // wikid before an upgrade, sharing the memcached) are never read.
  RenderCache(Memcache& cache, std::string renderer_version)
      : cache_(cache),
        key_prefix_(renderer_version.empty() ? "" : "v" + renderer_version + ":") {}

  // The HTML for `key`: from memcached if there, else from `render`
  // (called at most once), which is then stored for everyone. `hit` says
  // which it was. `source_bytes`, the length of the text `render` reads,
  // decides whether a miss claims the rendering first.
  std::string Get(const RenderKey& key, size_t source_bytes,
                  const std::function<std::string()>& render, bool* hit);

  // Stores a rendering made elsewhere (the writer, right after a save),
  // over a reader's claim if one came first; sent without waiting for
  // memcached's answer (Memcache::SetQuietly).
  void Store(const RenderKey& key, const std::string& html);

  const RenderCounters& counters() const { return counters_; }

 private:
  // Calls `render`, counting the rendering and its time.
  std::string TimedRender(const std::function<std::string()>& render);
  // The rendering under `key`; `claimed` says whether a worker's claim
  // (it is rendering it) was there instead.
  std::optional<std::string> Lookup(const std::string& key, bool* claimed);
  // Writes the rendering under `key`, over whatever is there.
  // Whether a Put waits for memcached's answer (a quiet set's is kOk
  // once sent: Memcache::SetQuietly).
  enum class Wait { kForAnswer, kNo };
  CacheStatus Put(const std::string& key, const std::string& html,
                  Wait wait = Wait::kForAnswer);

  Memcache& cache_;
  std::string key_prefix_;  // "v<version>:", or "" without a version
  RenderCounters counters_;
};

}  // namespace wikid
