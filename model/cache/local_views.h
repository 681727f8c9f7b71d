// LocalViews: one worker's own copies of views, in its memory, each served
// only while the Stamp it was made under is still current. Bounded in
// bytes; the least recently used copy goes first.
//
// The numbers behind a Stamp (Versions) never come back to a value they
// left (they grow, or are made again at random), so a copy found under
// another stamp can never be served again and is dropped on sight. The
// stamp a copy is checked against is read from memcached for each request
// (versions.h): a copy saves fetching and decoding the view, not asking
// whether it is still current, since a save on any host may have moved it.
#pragma once

#include <cstdint>
#include <list>
#include <string>
#include <unordered_map>

#include "model/cache/stamp.h"

namespace wikid {

struct LocalViewCounters {
  int64_t hits = 0;
  int64_t misses = 0;    // nothing kept under the key
  int64_t outdated = 0;  // kept under a stamp that is no longer current
};

class LocalViews {
 public:
  struct Entry {
    std::string payload;
    Stamp stamp;
    int64_t order = 0;  // the caller's: a revision, for instance
  };

  // `limit_bytes` bounds keys and payloads together (0: keeps nothing).
  explicit LocalViews(size_t limit_bytes) : limit_(limit_bytes) {}

  // The entry under `key` made under exactly `stamp`, or null. Valid until
  // the next call that changes this LocalViews.
  const Entry* Find(const std::string& key, const Stamp& stamp);

  // Keeps `payload` under `key`, replacing what was there. A payload over
  // an eighth of the limit is not kept: a few huge views must not push out
  // all the others.
  void Store(const std::string& key, std::string payload, const Stamp& stamp,
                int64_t order = 0);

  size_t bytes() const { return bytes_; }
  const LocalViewCounters& counters() const { return counters_; }

 private:
  struct Kept {
    Entry entry;
    std::list<std::string>::iterator lru;  // position in lru_
  };
  void Forget(std::unordered_map<std::string, Kept>::iterator it);

  std::unordered_map<std::string, Kept> kept_;
  std::list<std::string> lru_;  // most recently used first
  size_t bytes_ = 0;
  size_t limit_;
  LocalViewCounters counters_;
};

}  // namespace wikid
