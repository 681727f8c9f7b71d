#include "model/cache/versions.h"

#include <sodium.h>

#include <charconv>
#include <cstdlib>
#include <map>
#include <thread>
#include <vector>

#include "model/base/log.h"
#include "model/base/token.h"

namespace wikid {
namespace {

// Test builds only: WIKID_UNSAFE_HOST_VERSIONS=1 gives each host numbers
// of its own (its keys carry the host's generation), as the counters in
// each host's shared memory were before, so a test can show its checker
// catches the stale views one host then serves after another's save.
std::string HostTag(const CacheState& state) {
#ifdef WIKID_TESTING
  if (std::getenv("WIKID_UNSAFE_HOST_VERSIONS") != nullptr) {
    return "host" + std::to_string(state.generation.load()) + ":";
  }
#endif
  (void)state;
  return "";
}

// Under kInFlightUnit / 2, so a number's increments never reach the
// writers' counts above it in the life of a wiki (2^46 saves).
uint64_t RandomNumber() {
  uint64_t n;
  randombytes_buf(&n, sizeof n);
  return n >> 18;
}

// Test builds only: WIKID_UNSAFE_NO_IN_FLIGHT=1 makes Mark and Settle what
// Bump was before marks (nothing marked; the numbers move after the
// commit), so a test can show its checker catches the views that go back.
bool UnsafeNoMarks() {
#ifdef WIKID_TESTING
  static const bool unsafe = std::getenv("WIKID_UNSAFE_NO_IN_FLIGHT") != nullptr;
  return unsafe;
#else
  return false;
#endif
}

bool ParseNumber(std::string_view text, uint64_t* out) {
  // A decr that shortens a number leaves it space-padded to its old length
  // (memcached's protocol.txt allows it, and memcached does it).
  while (text.ends_with(' ')) text.remove_suffix(1);
  auto [end, ec] =
      std::from_chars(text.data(), text.data() + text.size(), *out);
  return ec == std::errc() && end == text.data() + text.size();
}

void SleepMs(int64_t ms) {
  std::this_thread::sleep_for(std::chrono::milliseconds(ms));
}

}  // namespace

Versions::Versions(Memcache& cache, CacheState& state, EpochRecord epoch,
                   std::function<int64_t()> steady_ms,
                   std::function<void(int64_t)> sleep_ms)
    : cache_(cache),
      state_(state),
      record_(std::move(epoch)),
      steady_ms_(std::move(steady_ms)),
      sleep_ms_(sleep_ms ? std::move(sleep_ms) : SleepMs),
      host_tag_(HostTag(state)),
      links_key_(host_tag_ + "v2:links"),
      site_key_(host_tag_ + "v2:site"),
      // What another worker did before this one started needs no repeat.
      bumps_done_(state.bumps_confirmed.load()) {}

std::string Versions::PageKey(std::string_view title) {
  // A hash every build and every host computes alike (std::hash may
  // differ between two builds of wikid sharing one memcached).
  return "v2:page:" + HexDigest(title, 8);
}

std::optional<uint64_t> Versions::Epoch(int64_t max_age_ms) {
  const int64_t now = steady_ms_();
  if (have_epoch_ && now - epoch_read_at_ < max_age_ms) return epoch_;
  ++counters_.epoch_reads;
  auto read = record_.read ? record_.read()
                           : Result<uint64_t>(Status::Unavailable("no epoch"));
  if (!read.ok()) {
    // Not trusted past its lease, whatever happens next.
    if (have_epoch_ && now - epoch_read_at_ >= kEpochLeaseMs)
      have_epoch_ = false;
    if (!have_epoch_) return std::nullopt;
    return epoch_;
  }
  epoch_ = *read;
  epoch_read_at_ = now;  // the lease runs from before the read
  have_epoch_ = true;
  return epoch_;
}

void Versions::Refresh() {
  if (cache_.enabled()) Epoch(kEpochRefreshMs);
}

bool Versions::Read(const std::vector<std::string>& keys, uint64_t* values) {
  std::map<std::string, CacheItem> found;
  if (cache_.GetMulti(keys, &found) != CacheStatus::kOk) return false;
  for (size_t i = 0; i < keys.size(); ++i) {
    auto it = found.find(keys[i]);
    if (it != found.end()) {
      if (!ParseNumber(it->second.value, &values[i])) return false;
      continue;
    }
    // Missing: make it, or read what a racing reader made. Waited for,
    // never a quiet add: the number must be in memcached before SQLite is
    // read, or a save committed meanwhile could find no number to move
    // (its increment a miss) and the add land after it, stamping a view
    // read before that save as current (versions_test's publication case
    // catches the quiet add).
    const uint64_t seed = RandomNumber();
    CacheStatus added = cache_.Add(keys[i], std::to_string(seed), kNumberSeconds);
    if (added == CacheStatus::kOk) {
      ++counters_.seeded;
      values[i] = seed;
      continue;
    }
    CacheItem item;
    if (added != CacheStatus::kNotStored ||
        cache_.Get(keys[i], &item) != CacheStatus::kOk ||
        !ParseNumber(item.value, &values[i])) {
      return false;
    }
  }
  return true;
}

bool Versions::ReadSettled(const std::vector<std::string>& keys, uint64_t* values) {
  if (!Read(keys, values)) {
    ++counters_.unreadable;
    return false;
  }
  for (size_t i = 0; i < keys.size(); ++i) {
    if (values[i] >= kInFlightUnit) {
      ++counters_.in_flight;
      return false;
    }
  }
  return true;
}

void Versions::CatchUp() {
  const uint64_t asked = state_.bumps_asked.load();
  if (asked == bumps_done_) return;
  // Another worker may have moved them since the master asked: then this
  // worker's reads come after that, which is all it needs.
  if (state_.bumps_confirmed.load() < asked) {
    if (!Increment({links_key_, site_key_})) {
      Doubt("a dead worker's saves could not be told to memcached");
    }
    uint64_t confirmed = state_.bumps_confirmed.load();
    while (confirmed < asked &&
           !state_.bumps_confirmed.compare_exchange_weak(confirmed, asked)) {
    }
  }
  bumps_done_ = asked;
}

std::optional<Stamp> Versions::ForPage(std::string_view title, bool with_site) {
  if (!cache_.enabled()) return std::nullopt;
  CatchUp();
  ++counters_.reads;
  // The epoch first: numbers read under an epoch that has moved on are
  // never compared with anything.
  auto epoch = Epoch(kEpochLeaseMs);
  uint64_t values[3] = {};
  std::vector<std::string> keys = {host_tag_ + PageKey(title), links_key_};
  if (with_site) keys.push_back(site_key_);
  if (!epoch) {
    ++counters_.unreadable;
    return std::nullopt;
  }
  if (!ReadSettled(keys, values)) return std::nullopt;
  return Stamp{.epoch = *epoch,
               .page = values[0],
               .links = values[1],
               .site = with_site ? values[2] : 0};
}

bool Versions::StillCurrent(std::string_view title, bool with_site,
                            const Stamp& stamp) {
  if (!cache_.enabled() || !have_epoch_ || epoch_ != stamp.epoch ||
      steady_ms_() - epoch_read_at_ >= kEpochLeaseMs) {
    return false;
  }
  std::map<std::string, CacheItem> found;
  std::vector<std::string> keys = {host_tag_ + PageKey(title), links_key_};
  if (with_site) keys.push_back(site_key_);
  if (cache_.GetMulti(keys, &found) != CacheStatus::kOk ||
      found.size() != keys.size()) {
    return false;
  }
  const uint64_t expected[] = {stamp.page, stamp.links, stamp.site};
  for (size_t i = 0; i < keys.size(); ++i) {
    uint64_t value;
    if (!ParseNumber(found[keys[i]].value, &value) || value != expected[i])
      return false;
  }
  return true;
}

std::optional<Stamp> Versions::ForSite() {
  if (!cache_.enabled()) return std::nullopt;
  CatchUp();
  ++counters_.reads;
  auto epoch = Epoch(kEpochLeaseMs);
  uint64_t site = 0;
  if (!epoch) {
    ++counters_.unreadable;
    return std::nullopt;
  }
  if (!ReadSettled({site_key_}, &site)) return std::nullopt;
  return Stamp{.epoch = *epoch, .site = site};
}

bool Versions::Increment(const std::vector<std::string>& keys) {
  bool confirmed = true;
  for (const std::string& key : keys) {
    uint64_t value;
    CacheStatus s = cache_.Incr(key, 1, &value);
    // kMiss: memcached holds no number, so the next reader makes a new
    // random one, which no view stamped before matches: as good as moved.
    if (s != CacheStatus::kOk && s != CacheStatus::kMiss) confirmed = false;
  }
  return confirmed;
}

bool Versions::Bump(std::string_view title, bool created) {
  if (!cache_.enabled()) return true;  // nothing is cached anywhere
  CatchUp();
  std::vector<std::string> keys = {host_tag_ + PageKey(title), site_key_};
  if (created) keys.push_back(links_key_);
  if (Increment(keys)) {
    ++counters_.bumps;
    return true;
  }
  return Doubt("memcached did not confirm a save's version numbers");
}

bool Versions::BumpPages(const std::vector<std::string>& titles) {
  if (!cache_.enabled()) return true;
  CatchUp();
  std::vector<std::string> keys = {site_key_};
  for (const std::string& title : titles) keys.push_back(host_tag_ + PageKey(title));
  if (Increment(keys)) {
    ++counters_.bumps;
    return true;
  }
  return Doubt("memcached did not confirm an upload's version numbers");
}

bool Versions::MarkKey(const std::string& key) {
  for (int attempt = 0; attempt < 3; ++attempt) {
    uint64_t value = 0;
    switch (cache_.Incr(key, kInFlightUnit, &value)) {
      case CacheStatus::kOk:
        // The first writer in gives the count its bound (see the top); a
        // touch lost leaves the bound of the number's own life.
        if (value / kInFlightUnit == 1 && !RecentlyTouched(key, value % kInFlightUnit)) {
          const int64_t sent_ms = steady_ms_();
          if (cache_.Touch(key, kMarkSeconds) == CacheStatus::kOk) {
            ++counters_.touches;
            touched_[key] = Touched{sent_ms, value % kInFlightUnit};
          }
        }
        return true;
      case CacheStatus::kMiss:
        // No number: make one, in flight.
        switch (cache_.Add(key, std::to_string(kInFlightUnit + RandomNumber()),
                           kMarkSeconds)) {
          case CacheStatus::kOk:
            return true;
          case CacheStatus::kNotStored:
            continue;  // a reader made it meanwhile: count on it
          default:
            return false;
        }
      default:
        return false;
    }
  }
  return false;
}

bool Versions::RecentlyTouched(const std::string& key, uint64_t number) {
  const int64_t now = steady_ms_();
  // Forget what no longer counts, so the map holds a few seconds' keys.
  std::erase_if(touched_, [&](const auto& entry) {
    return now - entry.second.sent_ms >= kTouchReuseMs;
  });
  auto it = touched_.find(key);
  // The number only grows while the key lives; one made again is random.
  return it != touched_.end() && number >= it->second.number &&
         number - it->second.number < (uint64_t{1} << 20);
}

Versions::InFlight Versions::Mark(const std::vector<std::string>& titles, bool may_create) {
  InFlight in_flight{.links = may_create};
  if (!cache_.enabled()) return in_flight;
  CatchUp();
  std::vector<std::string> keys = {site_key_};
  if (may_create) keys.push_back(links_key_);
  for (const std::string& title : titles) keys.push_back(host_tag_ + PageKey(title));
  if (UnsafeNoMarks()) {
    in_flight.unmarked = keys;
    return in_flight;
  }
  for (const std::string& key : keys) {
    if (MarkKey(key)) {
      in_flight.marked.push_back(key);
    } else {
      in_flight.unmarked.push_back(key);
      in_flight.unconfirmed = true;
    }
  }
  ++counters_.marks;
  // Views of before may still be served where a mark did not land: after
  // the wait, none is, on any host.
  if (in_flight.unconfirmed) Doubt("memcached did not confirm that a write is in flight");
  return in_flight;
}

bool Versions::Settle(const InFlight& in_flight, bool committed, bool created) {
  if (!cache_.enabled()) return true;
  CatchUp();
  auto moves = [&](const std::string& key) {
    return committed && (key != links_key_ || created);
  };
  bool confirmed = true;
  for (const std::string& key : in_flight.marked) {
    uint64_t value = 0;
    // kMiss: memcached lost the number, and the next reader makes a new
    // one: as good as moved.
    CacheStatus s = cache_.Decr(key, moves(key) ? kInFlightUnit - 1 : kInFlightUnit, &value);
    // 0: the mark was lost and a reader made a number again meanwhile,
    // which Decr took down to 0 (it stops there). A number is never to
    // come back to a value it held, and a second such loss would: it
    // goes, and the next reader makes a new one.
    if (s == CacheStatus::kOk && value == 0) s = cache_.Delete(key);
    if (s != CacheStatus::kOk && s != CacheStatus::kMiss) confirmed = false;
  }
  std::vector<std::string> bumps;
  for (const std::string& key : in_flight.unmarked) {
    // A mark memcached may have made without saying so ends within
    // kMarkSeconds (no count of another writer's is taken away).
    if (in_flight.unconfirmed) cache_.Touch(key, kMarkSeconds);
    if (moves(key)) bumps.push_back(key);
  }
  // A page made where none was expected: the links' number was not marked.
  if (created && !in_flight.links) bumps.push_back(links_key_);
  if (!committed) return true;
  if (confirmed && Increment(bumps)) {
    ++counters_.bumps;
    return true;
  }
  return Doubt("memcached did not confirm a write's version numbers");
}

bool Versions::Doubt(const char* why) {
  ++counters_.doubts;
  // The database may be busy past its timeout under a burst of writes, or
  // fail once: a few tries before giving up.
  Result<uint64_t> advanced = Status::Unavailable("no epoch");
  for (int attempt = 0; attempt < 3 && record_.advance; ++attempt) {
    advanced = record_.advance();
    if (advanced.ok()) break;
  }
  if (!advanced.ok()) {
    LogError(std::string("cache epoch: ") + why +
             ", and the epoch could not be advanced: " +
             advanced.status().message());
    return false;
  }
  const int64_t advanced_at = steady_ms_();
  LogWarning(std::string("cache epoch advanced: ") + why);
  epoch_ = *advanced;
  epoch_read_at_ = advanced_at;
  have_epoch_ = true;
  // Every copy read before the advance is past its lease by then (copies
  // are timed from before their read; a margin for the clock's grain).
  sleep_ms_(kEpochLeaseMs + 20);
  return true;
}

}  // namespace wikid
