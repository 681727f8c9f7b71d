// ViewAdmission: whether a page view uses and fills the shared caches, or
// is a page's first view in a while, which reads SQLite and renders as a
// wiki without a cache would, and asks memcached nothing about the page
// (the front page still reads its list of recent changes from the cache).
//
// A fill pays off only if the page is read again before memcached evicts
// it. In a wiki larger than its memcached, most first views are of pages
// no one reads again soon (a crawler, a reader following links); each
// fill (the view, its rendering and nginx's copy: ~21 KB and six round
// trips) then evicts something likelier to be read, and cold views ran at
// half the rate of a wiki with no cache at all (issue 16). So, like the
// "doorkeeper" of TinyLFU (Caffeine's admission policy) and a CDN's
// "cache on second hit", a page's view fills only when the page was viewed
// before, lately, on this host. A save counts as a view: it stores its
// page's new views itself (views/base/page_saves.h).
//
// `--cache-admission third-view` asks for two views lately: for a wiki far
// larger than its memcached, read at random (a crawler that comes back),
// where a second view's fills cost more than they return (issue 16's
// random cold views: 0.55-0.6 of no cache against 0.4-0.45).
//
// The record is one bit per hash of a title in CacheState (memory the
// master maps before it forks), a second for a page viewed again and a
// third for one found cached (below), set lock-free and all cleared
// whenever an eighth of the first bits are set: that bounds both the
// wrong "seen" answers (one in eight at worst) and how long "lately"
// lasts (~130,000 distinct pages viewed). Answers are hints: a wrong one
// costs a fill or a miss, never a stale view.
//
// While the host's CPU is busy (HostLoad, host_load.h: `--cache-shed-cpu`),
// a fill is taken from the views, so an admitted view fills only a page
// that is clearly read often: viewed kHotViews times within the last
// ~kViewWindow views of the host (a count-min sketch in CacheState), which
// a page of a Zipf-like hot set reaches within seconds and a page of
// uniform random traffic over a large wiki seldom does. A page this host
// last found in memcached or put there is still looked up (a hit is cheap,
// and nginx may serve the next view); one that is not, and not hot, is
// viewed as a first view is. Measured at saturation (issue 16,
// BENCHMARKS.md session 34): random views of 10,000 pages ran at 0.37-
// 0.52 of the no-cache rate without this, 0.74-1.17 (median 0.99) with
// it, and a Zipf-skewed mix at 1.2-1.3 times it. The price: under
// sustained saturation, pages read less often than that stay uncached
// even where memcached has room for them, until the host has CPU to
// spare.
#pragma once

#include <optional>
#include <string_view>

#include "model/cache/cache_state.h"
#include "model/cache/host_load.h"

namespace wikid {

enum class CacheAdmission {
  kFirstView,   // every view uses and fills the caches
  kSecondView,  // only views of pages viewed lately (the default)
  kThirdView,   // only views of pages viewed twice lately
};

// What a page view may do with the shared caches.
enum class CacheUse {
  kNone,  // neither look nor fill: read SQLite and render
  kLook,  // look, and on a miss render without filling
  kFill,  // look, and on a miss fill
};

class ViewAdmission {
 public:
  // A page viewed this often in the window (kViewWindow views) is hot.
  // Uniform random views of 10,000 pages reach it in ~0.3 % of views
  // (at 4: ~2.5 %, each a fill never read again); the pages that take
  // half of a Zipf-like wiki's views reach it within a window.
  static constexpr uint32_t kHotViews = 5;

  // `shed_cpu_percent`: the host's busy share from which only hot or
  // cached pages use the caches (HostLoad; nullopt: never).
  ViewAdmission(CacheState& state, CacheAdmission policy,
                std::optional<int> shed_cpu_percent = std::nullopt)
      : state_(state), policy_(policy), load_(state, shed_cpu_percent) {}

  // Records a view of the page titled `title`, and says what it may do
  // with the shared caches.
  CacheUse Admit(std::string_view title);

  // Records that the page titled `title` will be read (a save stored its
  // views): its next view uses the caches.
  void Note(std::string_view title) {
    const uint64_t hash = HashOf(title);
    Record(hash, state_.viewed);
    Record(hash, state_.viewed_again);
    Record(hash, state_.cached);
  }

  // A view of the page was found in memcached, or put there: its views
  // look there even while the host is busy.
  void Found(std::string_view title) { Record(HashOf(title), state_.cached); }
  // A look found no view of it: while the host is busy, its views look no
  // more until it is hot or filled.
  void Missed(std::string_view title);

  // When views shed, and how busy the host was (for /_admin/cache).
  const HostLoad& load() const { return load_; }
  // How many of this worker's views would have filled on a host with CPU
  // to spare.
  uint64_t shed_views() const { return shed_views_; }

 private:
  // The title's hash, from which every record's place is taken.
  static uint64_t HashOf(std::string_view title);
  // Sets the page's bit in `bits`; whether it was set already.
  bool Record(uint64_t hash, std::atomic<uint64_t>* bits);
  // Counts a view of the page; about how many it had in the window.
  uint32_t Count(uint64_t hash);

  CacheState& state_;
  CacheAdmission policy_;
  HostLoad load_;
  uint64_t shed_views_ = 0;
};

}  // namespace wikid
