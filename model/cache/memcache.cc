#include "model/cache/memcache.h"

#include <libmemcached-1.0/memcached.h>
#include <sodium.h>

#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <cstdlib>

#include "model/base/process_id.h"
#include "model/base/token.h"

namespace wikid {
namespace {

constexpr size_t kMaxKeyBytes = 250;  // memcached's own limit
// memcached reads an expiry past 30 days as a unix time.
constexpr int kMaxRelativeTtl = 30 * 24 * 3600;

time_t Expiry(int ttl_seconds) {
  return std::clamp(ttl_seconds, 0, kMaxRelativeTtl);
}

// Results that are answers, not failures: they say nothing about the
// server's health.
bool IsAnswer(memcached_return_t rc) {
  switch (rc) {
    case MEMCACHED_SUCCESS:
    case MEMCACHED_STORED:
    case MEMCACHED_DELETED:
    case MEMCACHED_END:
    case MEMCACHED_NOTFOUND:
    case MEMCACHED_NOTSTORED:
    case MEMCACHED_DATA_EXISTS:
    case MEMCACHED_BUFFERED:
      return true;
    default:
      return false;
  }
}

bool NeedsHashing(std::string_view key) {
  if (key.size() > kMaxKeyBytes) return true;
  for (unsigned char c : key) {
    if (c <= ' ' || c == 0x7f) return true;
  }
  return false;
}


}  // namespace

const char* CacheStatusName(CacheStatus status) {
  switch (status) {
    case CacheStatus::kOk: return "ok";
    case CacheStatus::kMiss: return "miss";
    case CacheStatus::kNotStored: return "not stored";
    case CacheStatus::kTooBig: return "too big";
    case CacheStatus::kError: return "error";
  }
  return "?";
}

Result<std::vector<std::string>> ParseServerList(std::string_view list) {
  std::vector<std::string> servers;
  while (!list.empty()) {
    size_t comma = list.find(',');
    std::string_view item = list.substr(0, comma);
    list = comma == std::string_view::npos ? "" : list.substr(comma + 1);
    if (item.starts_with('/')) {
      if (item.find_first_of(" \t\r\n") != std::string_view::npos || item.size() > 107) {
        return Status::Invalid("--memcached: '" + std::string(item) +
                               "' is not a unix socket's path");
      }
      servers.emplace_back(item);
      continue;
    }
    size_t colon = item.rfind(':');
    int port = 0;
    auto [end, ec] = colon == std::string_view::npos
                         ? std::from_chars_result{nullptr, std::errc::invalid_argument}
                         : std::from_chars(item.data() + colon + 1,
                                           item.data() + item.size(), port);
    if (colon == 0 || ec != std::errc() || end != item.data() + item.size() ||
        port < 1 || port > 65535) {
      return Status::Invalid("--memcached: '" + std::string(item) +
                             "' is not host:port");
    }
    servers.emplace_back(item);
  }
  return servers;
}

Memcache::Memcache(CacheOptions options, Clock clock)
    : options_(std::move(options)), clock_(std::move(clock)) {
  if (!clock_) clock_ = [] { return std::chrono::steady_clock::now(); };
}

Memcache::~Memcache() {
  if (mc_ != nullptr && owner_pid_ == ThisProcess()) memcached_free(mc_);
}

memcached_st* Memcache::Handle() {
  if (options_.servers.empty()) return nullptr;
  if (consecutive_failures_ >= options_.breaker_failures) {
    if (clock_() < open_until_) {
      ++counters_.skipped;
      return nullptr;
    }
    // Half open: this call probes; one more failure opens it again.
    consecutive_failures_ = options_.breaker_failures - 1;
  }
  if (mc_ != nullptr && owner_pid_ != ThisProcess()) {
    // Used before a fork(): the sockets are shared with the other process,
    // and answers would cross. Abandon it without memcached_free(), which
    // would talk on (and close) those shared connections; one small leak
    // per fork, which the design avoids by creating caches after fork.
    mc_ = nullptr;
  }
  if (mc_ != nullptr) return mc_;
  if (sodium_init() < 0) return nullptr;
  mc_ = memcached_create(nullptr);
  if (mc_ == nullptr) return nullptr;
  owner_pid_ = ThisProcess();
  // Behaviours are set one by one: libmemcached's configuration-string
  // parser rejects some documented options and then returns NULL without
  // saying which.
  const std::pair<memcached_behavior_t, uint64_t> behaviours[] = {
      {MEMCACHED_BEHAVIOR_BINARY_PROTOCOL, 1},
      {MEMCACHED_BEHAVIOR_DISTRIBUTION, MEMCACHED_DISTRIBUTION_CONSISTENT_KETAMA},
      {MEMCACHED_BEHAVIOR_SUPPORT_CAS, 1},
      {MEMCACHED_BEHAVIOR_TCP_NODELAY, 1},
      {MEMCACHED_BEHAVIOR_CONNECT_TIMEOUT, static_cast<uint64_t>(options_.connect_timeout_ms)},
      {MEMCACHED_BEHAVIOR_POLL_TIMEOUT, static_cast<uint64_t>(options_.poll_timeout_ms)},
      // Send and receive timeouts are in microseconds.
      {MEMCACHED_BEHAVIOR_SND_TIMEOUT, static_cast<uint64_t>(options_.poll_timeout_ms) * 1000},
      {MEMCACHED_BEHAVIOR_RCV_TIMEOUT, static_cast<uint64_t>(options_.poll_timeout_ms) * 1000},
      // A server that failed is left alone for a second before a retry.
      {MEMCACHED_BEHAVIOR_RETRY_TIMEOUT, 1},
  };
  for (const auto& [behaviour, value] : behaviours) {
    memcached_behavior_set(mc_, behaviour, value);
  }
  for (const std::string& server : options_.servers) {
    if (server.starts_with('/')) {
      memcached_server_add_unix_socket(mc_, server.c_str());
      continue;
    }
    size_t colon = server.rfind(':');
    memcached_server_add(mc_, server.substr(0, colon).c_str(),
                         static_cast<in_port_t>(std::atoi(server.c_str() + colon + 1)));
  }
  return mc_;
}

CacheStatus Memcache::Outcome(CacheStatus status) {
  if (status == CacheStatus::kError) {
    ++counters_.errors;
    if (++consecutive_failures_ >= options_.breaker_failures) {
      open_until_ = clock_() + options_.breaker_open;
    }
  } else {
    consecutive_failures_ = 0;
  }
  return status;
}

std::string Memcache::WireKey(std::string_view key) {
  std::string wire = options_.prefix;
  wire += key;
  if (NeedsHashing(wire)) {
    ++counters_.hashed_keys;
    wire = options_.prefix + "#" + HexDigest(key, 16);  // 128 bits
  }
  return wire;
}

CacheStatus Memcache::StoreValue(Store how, std::string_view key,
                                 std::string_view value, int ttl,
                                 uint32_t flags, uint64_t cas) {
  if (value.size() > options_.max_value_bytes) {
    ++counters_.too_big;
    return CacheStatus::kTooBig;
  }
  memcached_st* mc = Handle();
  if (mc == nullptr) return CacheStatus::kError;
  std::string k = WireKey(key);
  memcached_return_t rc;
  if (how == Store::kCas) {
    rc = memcached_cas(mc, k.data(), k.size(), value.data(), value.size(),
                       Expiry(ttl), flags, cas);
  } else if (how == Store::kQuietSet || how == Store::kQuietAdd) {
    // No reply asked for this one call: the binary protocol's SETQ or
    // ADDQ, sent at once (requests are not buffered). Replies are asked
    // for again before anything else is sent.
    memcached_behavior_set(mc, MEMCACHED_BEHAVIOR_NOREPLY, 1);
    auto fn = how == Store::kQuietSet ? memcached_set : memcached_add;
    rc = fn(mc, k.data(), k.size(), value.data(), value.size(), Expiry(ttl), flags);
    memcached_behavior_set(mc, MEMCACHED_BEHAVIOR_NOREPLY, 0);
    // Sent proves the connection, not the server: a send that works does
    // not reset the breaker's count (a failure adds to it, below).
    if (memcached_success(rc)) return CacheStatus::kOk;
  } else {
    auto fn = how == Store::kSet   ? memcached_set
              : how == Store::kAdd ? memcached_add
                                   : memcached_replace;
    rc = fn(mc, k.data(), k.size(), value.data(), value.size(), Expiry(ttl),
            flags);
  }
  if (memcached_success(rc)) return Outcome(CacheStatus::kOk);
  if (rc == MEMCACHED_NOTFOUND) return Outcome(CacheStatus::kMiss);
  // The binary protocol says DATA_EXISTS for an add on an existing key
  // and for a stale cas; ASCII says NOTSTORED for add and replace alike.
  if (rc == MEMCACHED_NOTSTORED || rc == MEMCACHED_DATA_EXISTS) {
    return Outcome(how == Store::kReplace ? CacheStatus::kMiss
                                          : CacheStatus::kNotStored);
  }
  if (rc == MEMCACHED_E2BIG) {
    ++counters_.too_big;
    return Outcome(CacheStatus::kTooBig);
  }
  return Outcome(CacheStatus::kError);
}

CacheStatus Memcache::Set(std::string_view key, std::string_view value,
                          int ttl_seconds, uint32_t flags) {
  return StoreValue(Store::kSet, key, value, ttl_seconds, flags);
}

CacheStatus Memcache::SetQuietly(std::string_view key, std::string_view value,
                                 int ttl_seconds, uint32_t flags) {
  return StoreValue(Store::kQuietSet, key, value, ttl_seconds, flags);
}

CacheStatus Memcache::AddQuietly(std::string_view key, std::string_view value,
                                 int ttl_seconds, uint32_t flags) {
  return StoreValue(Store::kQuietAdd, key, value, ttl_seconds, flags);
}

CacheStatus Memcache::Add(std::string_view key, std::string_view value,
                          int ttl_seconds, uint32_t flags) {
  return StoreValue(Store::kAdd, key, value, ttl_seconds, flags);
}

CacheStatus Memcache::Replace(std::string_view key, std::string_view value,
                              int ttl_seconds, uint32_t flags) {
  return StoreValue(Store::kReplace, key, value, ttl_seconds, flags);
}

CacheStatus Memcache::SetMulti(
    const std::vector<std::pair<std::string, std::string>>& items,
    int ttl_seconds) {
  CacheStatus first_failure = CacheStatus::kOk;
  for (const auto& [key, value] : items) {
    CacheStatus s = Set(key, value, ttl_seconds);
    if (s != CacheStatus::kOk && first_failure == CacheStatus::kOk) {
      first_failure = s;
    }
  }
  return first_failure;
}

CacheStatus Memcache::Get(std::string_view key, CacheItem* item) {
  std::map<std::string, CacheItem> found;
  std::string k(key);
  CacheStatus s = GetMulti({k}, &found);
  if (s != CacheStatus::kOk) return s;
  auto it = found.find(k);
  if (it == found.end()) return CacheStatus::kMiss;
  *item = std::move(it->second);
  return CacheStatus::kOk;
}

CacheStatus Memcache::GetMulti(const std::vector<std::string>& keys,
                               std::map<std::string, CacheItem>* found) {
  found->clear();
  if (keys.empty()) return CacheStatus::kOk;
  memcached_st* mc = Handle();
  if (mc == nullptr) return CacheStatus::kError;
  std::map<std::string, std::string> wanted;  // wire key -> caller's key
  std::vector<const char*> key_ptrs;
  std::vector<size_t> key_lengths;
  for (const std::string& key : keys) {
    auto [it, inserted] = wanted.emplace(WireKey(key), key);
    if (!inserted) continue;
    key_ptrs.push_back(it->first.data());
    key_lengths.push_back(it->first.size());
  }
  memcached_return_t rc =
      memcached_mget(mc, key_ptrs.data(), key_lengths.data(), key_ptrs.size());
  if (!memcached_success(rc)) return Outcome(CacheStatus::kError);
  memcached_result_st* result;
  while ((result = memcached_fetch_result(mc, nullptr, &rc)) != nullptr) {
    std::string wire(memcached_result_key_value(result),
                     memcached_result_key_length(result));
    auto it = wanted.find(wire);
    // A reply for a key we did not ask for would be a desynchronised
    // connection: never hand it out.
    if (it != wanted.end()) {
      CacheItem& item = (*found)[it->second];
      item.value.assign(memcached_result_value(result),
                        memcached_result_length(result));
      item.flags = memcached_result_flags(result);
      item.cas = memcached_result_cas(result);
    }
    memcached_result_free(result);
  }
  // The fetch loop ends with END or NOTFOUND; anything else is a failure.
  bool failed = !(rc == MEMCACHED_END || rc == MEMCACHED_NOTFOUND ||
                  memcached_success(rc));
  counters_.hits += static_cast<int64_t>(found->size());
  counters_.misses += static_cast<int64_t>(wanted.size() - found->size());
  return Outcome(failed ? CacheStatus::kError : CacheStatus::kOk);
}

CacheStatus Memcache::Delete(std::string_view key) {
  memcached_st* mc = Handle();
  if (mc == nullptr) return CacheStatus::kError;
  std::string k = WireKey(key);
  memcached_return_t rc = memcached_delete(mc, k.data(), k.size(), 0);
  if (memcached_success(rc)) return Outcome(CacheStatus::kOk);
  if (rc == MEMCACHED_NOTFOUND) return Outcome(CacheStatus::kMiss);
  return Outcome(CacheStatus::kError);
}

CacheStatus Memcache::DeleteMulti(const std::vector<std::string>& keys) {
  CacheStatus result = CacheStatus::kOk;
  for (const std::string& key : keys) {
    if (Delete(key) == CacheStatus::kError) result = CacheStatus::kError;
  }
  return result;
}

CacheStatus Memcache::Count(bool up, std::string_view key, uint64_t delta,
                            uint64_t* value) {
  memcached_st* mc = Handle();
  if (mc == nullptr) return CacheStatus::kError;
  std::string k = WireKey(key);
  // The _by_key calls (grouped by the key itself, so on the server the
  // key hashes to) take a 64-bit delta; the plain ones cut it to 32 bits.
  auto fn = up ? memcached_increment_by_key : memcached_decrement_by_key;
  memcached_return_t rc = fn(mc, k.data(), k.size(), k.data(), k.size(), delta, value);
  if (memcached_success(rc)) return Outcome(CacheStatus::kOk);
  if (rc == MEMCACHED_NOTFOUND) return Outcome(CacheStatus::kMiss);
  // A non-numeric value is the caller's mistake, not the server's health:
  // it must not count towards opening the breaker.
  if (IsAnswer(rc) || rc == MEMCACHED_CLIENT_ERROR) return CacheStatus::kError;
  return Outcome(CacheStatus::kError);
}

CacheStatus Memcache::Incr(std::string_view key, uint64_t delta,
                           uint64_t* value) {
  return Count(true, key, delta, value);
}

CacheStatus Memcache::Decr(std::string_view key, uint64_t delta,
                           uint64_t* value) {
  return Count(false, key, delta, value);
}

CacheStatus Memcache::Touch(std::string_view key, int ttl_seconds) {
  memcached_st* mc = Handle();
  if (mc == nullptr) return CacheStatus::kError;
  std::string k = WireKey(key);
  memcached_return_t rc = memcached_touch(mc, k.data(), k.size(), Expiry(ttl_seconds));
  if (memcached_success(rc)) return Outcome(CacheStatus::kOk);
  if (rc == MEMCACHED_NOTFOUND) return Outcome(CacheStatus::kMiss);
  return Outcome(CacheStatus::kError);
}

CacheStatus Memcache::Cas(std::string_view key, std::string_view value,
                          uint64_t cas, int ttl_seconds, uint32_t flags) {
  if (cas == 0) return Add(key, value, ttl_seconds, flags);
  return StoreValue(Store::kCas, key, value, ttl_seconds, flags, cas);
}

CacheStatus Memcache::FlushAll() {
  memcached_st* mc = Handle();
  if (mc == nullptr) return CacheStatus::kError;
  memcached_return_t rc = memcached_flush(mc, 0);
  return Outcome(memcached_success(rc) ? CacheStatus::kOk : CacheStatus::kError);
}

std::vector<ServerStats> Memcache::GetStats() {
  std::vector<ServerStats> stats;
  memcached_st* mc = Handle();
  if (mc == nullptr) {
    for (const std::string& server : options_.servers) stats.push_back({server, false, {}});
    return stats;
  }
  memcached_return_t rc;
  memcached_stat_st* all = memcached_stat(mc, nullptr, &rc);
  uint32_t count = memcached_server_count(mc);
  for (uint32_t i = 0; i < count; ++i) {
    const memcached_instance_st* instance = memcached_server_instance_by_position(mc, i);
    ServerStats s;
    s.server = memcached_server_name(instance);
    if (memcached_server_port(instance) != 0) {  // 0: a unix socket
      s.server += ":" + std::to_string(memcached_server_port(instance));
    }
    if (all != nullptr) {
      for (const char* name : {"pid", "uptime", "version", "curr_items", "bytes",
                               "limit_maxbytes", "get_hits", "get_misses",
                               "evictions", "curr_connections",
                               "total_connections", "cmd_get", "cmd_set"}) {
        memcached_return_t value_rc;
        char* value = memcached_stat_get_value(mc, &all[i], name, &value_rc);
        if (value != nullptr) {
          if (memcached_success(value_rc)) s.values[name] = value;
          std::free(value);
        }
      }
      // A server that did not answer has zeros, and a pid of 0 or -1
      // (which of them depends on how libmemcached gave up on it).
      auto pid = s.values.find("pid");
      s.reachable = pid != s.values.end() && !pid->second.empty() &&
                    pid->second != "0" && pid->second[0] != '-';
    }
    stats.push_back(std::move(s));
  }
  if (all != nullptr) memcached_stat_free(mc, all);
  Outcome(memcached_success(rc) ? CacheStatus::kOk : CacheStatus::kError);
  return stats;
}

}  // namespace wikid
