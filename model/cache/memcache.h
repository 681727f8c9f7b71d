// Memcache: the classic memcache API (add, set, set_multi, get, get_multi,
// delete, delete_multi, replace, incr, decr, touch, cas, flush_all, get_stats)
// over libmemcached, made safe for a pre-forked wiki.
//
// - One per worker, and its memcached_st is created on first use, so it
//   never crosses a fork(): a handle shared by two processes silently
//   returned the other process's answers (RELIABILITY-NOTES §3 probe 5).
// - Binary protocol, ketama consistent hashing over several servers, CAS
//   support on, millisecond connect and poll timeouts.
// - Its own circuit breaker: libmemcached never stops waiting for a
//   server that accepts and never answers (each call costs the full poll
//   timeout), so after `breaker_failures` failures in a row every call
//   fails at once for `breaker_open`, then one call probes again.
// - Every key gets the namespace prefix. A key memcached cannot store
//   (space or control characters, or longer than 250 bytes with the
//   prefix) is replaced by prefix + "#" + a 128-bit BLAKE2b hash of it in
//   hex, so it still works; it could only collide with a caller's key
//   that is literally "#" and those 32 hex digits.
// - A value over the item size limit is not sent (kTooBig, counted).
//
// Not thread-safe. Failures are results, never exceptions, and never make
// a page view fail: the caller falls back to SQLite.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "model/base/status.h"

struct memcached_st;

namespace wikid {

enum class CacheStatus {
  kOk,         // stored, deleted, counted or flushed
  kMiss,       // the key is absent (get, delete, replace, incr, decr)
  kNotStored,  // add: the key exists; cas: it changed since it was read
  kTooBig,     // the value is over max_value_bytes and was not sent
  kError,      // a server failed or timed out, or the breaker is open
};

const char* CacheStatusName(CacheStatus status);

struct CacheOptions {
  // "host:port" of each server; empty means no cache (every call kError).
  std::vector<std::string> servers;
  // Put before every key, so several wikis can share one memcached.
  std::string prefix = "wikid:";
  int connect_timeout_ms = 50;
  int poll_timeout_ms = 50;
  // Largest value sent; memcached's default item limit is 1 MiB, and the
  // key and item header need room too.
  size_t max_value_bytes = 1000 * 1024;
  // Consecutive failures that open the breaker, and for how long.
  int breaker_failures = 3;
  std::chrono::milliseconds breaker_open = std::chrono::seconds(2);
};

// Parses "host:port,host:port" (the --memcached option); an entry that is
// an absolute path is a unix socket ("/run/wikid/memcached.sock"), which
// only the processes its permissions let in can reach. Invalid names the
// part that is wrong.
Result<std::vector<std::string>> ParseServerList(std::string_view list);

struct CacheItem {
  std::string value;
  uint32_t flags = 0;
  uint64_t cas = 0;  // the token a later Cas() must present
};

struct ServerStats {
  std::string server;  // "host:port"
  bool reachable = false;
  std::map<std::string, std::string> values;  // uptime, curr_items, ...
};

// What this worker's cache has seen, for /_admin/cache and tests.
struct CacheCounters {
  int64_t hits = 0;
  int64_t misses = 0;
  int64_t errors = 0;       // calls that reached a server and failed
  int64_t skipped = 0;      // calls refused while the breaker was open
  int64_t too_big = 0;      // values not sent for their size
  int64_t hashed_keys = 0;  // keys replaced by their hash
};

class Memcache {
 public:
  using Clock = std::function<std::chrono::steady_clock::time_point()>;

  explicit Memcache(CacheOptions options, Clock clock = {});
  ~Memcache();
  Memcache(const Memcache&) = delete;
  Memcache& operator=(const Memcache&) = delete;

  // False when no server is configured (the wiki runs without a cache).
  bool enabled() const { return !options_.servers.empty(); }
  // What every key is prefixed with.
  const std::string& prefix() const { return options_.prefix; }

  // Stores `value` under `key` for `ttl_seconds`: 0 means no expiry
  // (memcached may still evict it), and more than 30 days is cut to 30
  // days (memcached reads bigger numbers as a date). Add only if absent (kNotStored otherwise); Replace only if
  // present (kMiss otherwise).
  CacheStatus Set(std::string_view key, std::string_view value,
                  int ttl_seconds = 0, uint32_t flags = 0);
  CacheStatus Add(std::string_view key, std::string_view value,
                  int ttl_seconds = 0, uint32_t flags = 0);
  CacheStatus Replace(std::string_view key, std::string_view value,
                      int ttl_seconds = 0, uint32_t flags = 0);
  // Sends a set and does not wait for memcached's answer (a quiet SETQ,
  // which memcached answers only on failure, and libmemcached then drops
  // that answer): kOk means sent, not stored, and costs no round trip.
  // For a writer's copies of what it has just committed, whose loss costs
  // a miss and never a wrong answer. A write that fails (no connection)
  // is kError, as for Set; a value too big is not sent (kTooBig).
  CacheStatus SetQuietly(std::string_view key, std::string_view value,
                         int ttl_seconds = 0, uint32_t flags = 0);
  // The same for an add (ADDQ): memcached answers only when the key was
  // there already, and that answer is dropped too. For a reader's fill of
  // a key it has just found absent, which another reader may have filled
  // meanwhile (then theirs stays).
  CacheStatus AddQuietly(std::string_view key, std::string_view value,
                         int ttl_seconds = 0, uint32_t flags = 0);
  // (No quiet delete: libmemcached hands the "not found" memcached sends
  // for a DELETEQ of an absent key to the next call; tried, a set then
  // answered kMiss, and the calls after it went astray.)
  // Sets every pair; kOk if all were stored, else the first failure.
  CacheStatus SetMulti(
      const std::vector<std::pair<std::string, std::string>>& items,
      int ttl_seconds = 0);

  // kOk and the item, or kMiss, or kError.
  CacheStatus Get(std::string_view key, CacheItem* item);
  // One round trip for all keys; the map holds the hits only. kOk unless
  // the servers failed (kError; the map may then hold some hits).
  CacheStatus GetMulti(const std::vector<std::string>& keys,
                       std::map<std::string, CacheItem>* found);

  // kOk, or kMiss if there was nothing to delete.
  CacheStatus Delete(std::string_view key);
  // kOk if every key is gone now (absent ones included), else kError.
  CacheStatus DeleteMulti(const std::vector<std::string>& keys);

  // Adds `delta` to the decimal number stored at `key` and returns the
  // result. A missing key is kMiss and is not created (use Add first to
  // seed it); a value that is not a number is kError. Decr stops at 0.
  CacheStatus Incr(std::string_view key, uint64_t delta, uint64_t* value);
  CacheStatus Decr(std::string_view key, uint64_t delta, uint64_t* value);

  // Sets how long `key` lives from now (as Set's ttl), keeping its value:
  // kOk, kMiss if it is absent, or kError.
  CacheStatus Touch(std::string_view key, int ttl_seconds);

  // Stores `value` only if the key still has the token `cas` from Get():
  // kNotStored if someone changed it since, kMiss if it is gone. A zero
  // token (a value never read) is treated as Add, never passed to
  // libmemcached, which aborts or silently overwrites on it.
  CacheStatus Cas(std::string_view key, std::string_view value, uint64_t cas,
                  int ttl_seconds = 0, uint32_t flags = 0);

  // Empties every server.
  CacheStatus FlushAll();

  // memcached's own statistics, one entry per configured server.
  std::vector<ServerStats> GetStats();

  const CacheCounters& counters() const { return counters_; }
  // The key as sent to memcached (prefixed, hashed if it had to be).
  std::string WireKey(std::string_view key);

 private:
  enum class Store { kSet, kAdd, kReplace, kCas, kQuietSet, kQuietAdd };
  CacheStatus StoreValue(Store how, std::string_view key,
                         std::string_view value, int ttl, uint32_t flags,
                         uint64_t cas = 0);
  // Incr (up) or Decr.
  CacheStatus Count(bool up, std::string_view key, uint64_t delta,
                    uint64_t* value);
  // The handle, created on first use; null if none can be made or the
  // breaker is open (counted as skipped).
  memcached_st* Handle();
  // Records the outcome of a call for the breaker; returns `status`.
  CacheStatus Outcome(CacheStatus status);

  CacheOptions options_;
  Clock clock_;
  memcached_st* mc_ = nullptr;  // owned; created lazily, after fork()
  pid_t owner_pid_ = 0;         // the process mc_ was created in
  int consecutive_failures_ = 0;
  std::chrono::steady_clock::time_point open_until_{};
  CacheCounters counters_;
};

}  // namespace wikid
