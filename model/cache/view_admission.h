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
// master maps before it forks), and a second for a page viewed again,
// set lock-free and both cleared whenever an eighth of the first bits are
// set: that bounds both the wrong "seen" answers (one in eight at worst)
// and how long "lately" lasts (~130,000 distinct pages viewed). Answers
// are hints: a wrong one costs a fill or a miss, never a stale view.
#pragma once

#include <string_view>

#include "model/cache/cache_state.h"

namespace wikid {

enum class CacheAdmission {
  kFirstView,   // every view uses and fills the caches
  kSecondView,  // only views of pages viewed lately (the default)
  kThirdView,   // only views of pages viewed twice lately
};

class ViewAdmission {
 public:
  ViewAdmission(CacheState& state, CacheAdmission policy) : state_(state), policy_(policy) {}

  // Records a view of the page titled `title`, and says whether it may use
  // and fill the shared caches.
  bool Admit(std::string_view title);

  // Records that the page titled `title` will be read (a save stored its
  // views): its next view uses the caches.
  void Note(std::string_view title) {
    Record(title, state_.viewed);
    Record(title, state_.viewed_again);
  }

 private:
  // Sets the page's bit in `bits`; whether it was set already.
  bool Record(std::string_view title, std::atomic<uint64_t>* bits);

  CacheState& state_;
  CacheAdmission policy_;
};

}  // namespace wikid
