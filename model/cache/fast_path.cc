#include "model/cache/fast_path.h"

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <map>

#include "model/base/log.h"
#include "model/base/shared_memory.h"

namespace wikid {
namespace {

// memcached refuses longer keys; nginx then gets an error and asks wikid.
constexpr size_t kMaxKeyBytes = 250;
// Keys per get_multi when counting entries.
constexpr size_t kBatch = 200;

// Holds a robust process-shared mutex for a scope, waiting at most
// `wait` for it (forever when zero). A holder that died mid-way left
// memcached in an unknown state for that lock's keys.
class Held {
 public:
  explicit Held(pthread_mutex_t& mutex,
                std::chrono::milliseconds wait = std::chrono::milliseconds(0))
      : mutex_(mutex) {
    int rc;
    if (wait.count() == 0) {
      rc = pthread_mutex_lock(&mutex_);
    } else {
      // Robust mutexes time out on CLOCK_REALTIME only.
      timespec until;
      clock_gettime(CLOCK_REALTIME, &until);
      int64_t ns = until.tv_nsec + wait.count() * 1'000'000;
      until.tv_sec += static_cast<time_t>(ns / 1'000'000'000);
      until.tv_nsec = static_cast<long>(ns % 1'000'000'000);
      rc = pthread_mutex_timedlock(&mutex_, &until);
    }
    if (rc == EOWNERDEAD) {
      pthread_mutex_consistent(&mutex_);
      owner_died_ = true;
    }
    held_ = rc == 0 || rc == EOWNERDEAD;
  }
  ~Held() {
    if (held_) pthread_mutex_unlock(&mutex_);
  }
  Held(const Held&) = delete;
  Held& operator=(const Held&) = delete;
  bool held() const { return held_; }
  bool owner_died() const { return owner_died_; }

 private:
  pthread_mutex_t& mutex_;
  bool held_ = false;
  bool owner_died_ = false;
};

bool InitRobust(pthread_mutex_t* mutex, bool shared) {
  pthread_mutexattr_t attr;
  if (pthread_mutexattr_init(&attr) != 0) return false;
  bool ok = pthread_mutexattr_setrobust(&attr, PTHREAD_MUTEX_ROBUST) == 0 &&
            (!shared || pthread_mutexattr_setpshared(
                            &attr, PTHREAD_PROCESS_SHARED) == 0) &&
            pthread_mutex_init(mutex, &attr) == 0;
  pthread_mutexattr_destroy(&attr);
  return ok;
}

FastPathShared* Create(bool shared) {
  auto* state = MapAnonymous<FastPathShared>(shared);
  if (state == nullptr) return nullptr;
  for (auto& stripe : state->stripes) {
    if (!InitRobust(&stripe, shared)) return nullptr;
  }
  if (!InitRobust(&state->state_lock, shared)) return nullptr;
  state->suspended = true;  // until a worker has cleared out old entries
  return state;
}

bool Gone(pid_t pid) { return kill(pid, 0) != 0 && errno == ESRCH; }

// Test builds only: WIKID_UNSAFE_FAST_FILL=1 fills with a plain set and no
// check, the design this file replaces, so a test can show its checker
// catches the stale views nginx then serves.
bool Unsafe() {
#ifdef WIKID_TESTING
  static const bool unsafe = std::getenv("WIKID_UNSAFE_FAST_FILL") != nullptr;
  return unsafe;
#else
  return false;
#endif
}

}  // namespace

FastPathShared* FastPathShared::CreateShared() { return Create(true); }
FastPathShared* FastPathShared::CreatePrivate() { return Create(false); }

void SuspendFastPath(FastPathShared& shared, const std::string& flag_path,
                     const std::string& why) {
  Held held(shared.state_lock);
  bool was_serving = !shared.suspended.exchange(true);
  shared.suspensions.fetch_add(1);
  shared.healthy_since_ms = 0;
  if (unlink(flag_path.c_str()) != 0 && errno != ENOENT) {
    LogError("fast path: cannot remove " + flag_path + ": " + strerror(errno) +
            "; nginx may serve stale pages until it is removed");
  }
  if (was_serving) LogWarning("fast path suspended: " + why);
}

std::string EscapeMemcachedKey(std::string_view key) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(key.size());
  for (unsigned char c : key) {
    if (c <= ' ' || c == '%') {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

int64_t FastPath::MonotonicMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

FastPath::FastPath(Memcache& cache, FastPathShared& shared,
                   const CacheState& state, std::string flag_path, bool enabled,
                   std::chrono::milliseconds settle, std::function<int64_t()> steady_ms)
    : cache_(cache),
      shared_(shared),
      state_(state),
      generation_(state.generation.load()),
      flag_path_(std::move(flag_path)),
      enabled_(enabled && cache.enabled()),
      settle_(settle),
      steady_ms_(std::move(steady_ms)) {}

std::optional<std::string> FastPath::KeyFor(
    std::string_view decoded_path) const {
  std::string key = "fast:" + EscapeMemcachedKey(decoded_path);
  // DEL passes nginx's escaping but makes Memcache hash the key.
  if (cache_.prefix().size() + key.size() > kMaxKeyBytes ||
      key.find('\x7f') != std::string::npos) {
    return std::nullopt;
  }
  return key;
}

std::string FastPath::Frame(const std::string& key, int64_t rev) const {
  // "--" may not appear inside an HTML comment.
  std::string shown = cache_.prefix() + key;
  std::string safe;
  for (char c : shown) {
    if (c == '-') {
      safe += "%2D";
    } else {
      safe += c;
    }
  }
  return "<!-- wikid fast path: key " + safe + " revision " +
         std::to_string(rev) + " -->\n";
}

pthread_mutex_t& FastPath::StripeOf(const std::string& key) {
  return shared_
      .stripes[std::hash<std::string>{}(key) % FastPathShared::kStripes];
}

StoreResult FastPath::Store(const std::string& key, int64_t rev,
                          std::string_view html,
                          const std::function<bool()>& still_current) {
  if (!enabled_) return StoreResult::kSkipped;
  auto framed = [&] { return Frame(key, rev).append(html); };
  if (Unsafe()) {
    cache_.Set(key, framed());
    return StoreResult::kStored;
  }
  // A worker of an older configuration renders with old templates.
  if (shared_.suspended || !Current()) return StoreResult::kSkipped;
  Held held(StripeOf(key), kLockWait);
  if (!held.held()) return StoreResult::kSkipped;
  if (held.owner_died()) {
    Suspend("a worker died while filling or deleting an entry");
    return StoreResult::kFailed;
  }
  // Under the lock: a writer that bumped the counters before we looked
  // deletes after we have added, or we see its bump and do not add.
  if (!still_current()) {
    shared_.outdated.fetch_add(1);
    return StoreResult::kOutdated;
  }
  if (shared_.suspended) return StoreResult::kSkipped;
  switch (cache_.Add(key, framed(), kEntrySeconds)) {
    case CacheStatus::kOk:
      shared_.fills.fetch_add(1);
      return StoreResult::kStored;
    case CacheStatus::kNotStored:
      shared_.already.fetch_add(1);
      return StoreResult::kPresent;
    case CacheStatus::kTooBig:
      return StoreResult::kSkipped;
    case CacheStatus::kMiss:
    case CacheStatus::kError:
      break;
  }
  // The add may still reach memcached later (a hung server reads it when
  // it wakes), after a delete it should have preceded.
  Suspend("memcached did not confirm a fill");
  return StoreResult::kFailed;
}

void FastPath::Invalidate(const std::vector<std::string>& keys) {
  // While suspended nothing is filled, and restoring deletes every entry
  // (under the stripe locks, after any fill still in flight).
  if (!enabled_ || shared_.suspended) return;
  for (const std::string& key : keys) {
    Held held(StripeOf(key), kLockWait);
    if (!held.held()) {
      Suspend("a changed page's entry was locked too long to delete");
      return;
    }
    CacheStatus status = cache_.Delete(key);
    if (status == CacheStatus::kOk) shared_.deletes.fetch_add(1);
    if (held.owner_died() || status == CacheStatus::kError) {
      Suspend("memcached did not confirm that a changed page's entry is gone");
      return;
    }
  }
}

void FastPath::Suspend(const std::string& why) {
  if (enabled_) SuspendFastPath(shared_, flag_path_, why);
}

void FastPath::MaybeRestore(
    const std::function<Result<std::vector<std::string>>()>& all_keys) {
  if (!enabled_ || !shared_.suspended || !Current()) return;
  // A probe at most every tenth of the settle time from each worker.
  int64_t start = steady_ms_();
  if (start < next_attempt_ms_) return;
  next_attempt_ms_ = start + settle_.count() / 10;
  const pid_t self = getpid();
  int32_t holder = shared_.recovering_pid.load();
  if (holder != 0 && holder != self && !Gone(holder)) return;
  if (!shared_.recovering_pid.compare_exchange_strong(holder, self)) return;
  struct Release {
    std::atomic<int32_t>& pid;
    ~Release() { pid = 0; }
  } release{shared_.recovering_pid};

  const uint64_t suspensions = shared_.suspensions.load();
  CacheItem probe;
  bool answered = cache_.Get("fast-path-probe", &probe) != CacheStatus::kError;
  int64_t now = steady_ms_();
  {
    // The settle clock starts at the first answer after the latest
    // suspension, never at one from before it.
    Held held(shared_.state_lock);
    if (!answered || shared_.suspensions.load() != suspensions) {
      shared_.healthy_since_ms = 0;
      return;
    }
    if (shared_.healthy_since_ms == 0 || shared_.healthy_after != suspensions) {
      shared_.healthy_since_ms = now;
      shared_.healthy_after = suspensions;
      return;
    }
    if (now - shared_.healthy_since_ms < settle_.count()) return;
  }

  auto keys = all_keys();
  if (!keys.ok()) return;
  for (const std::string& key : *keys) {
    if (shared_.suspensions.load() != suspensions) return;
    Held held(StripeOf(key), kLockWait);
    if (!held.held()) return;  // a fill is stuck: try again later
    if (cache_.Delete(key) == CacheStatus::kError) return;
  }
  Held held(shared_.state_lock);
  if (shared_.suspensions.load() != suspensions) return;
  int fd = open(flag_path_.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) {
    LogError("fast path: cannot create " + flag_path_ + ": " + strerror(errno) +
            "; trying again in a minute");
    next_attempt_ms_ = now + 60'000;
    return;
  }
  close(fd);
  shared_.suspended = false;
  shared_.restorations.fetch_add(1);
  LogInfo("fast path serving: " + std::to_string(keys->size()) +
          " old entries cleared");
}

FastPath::Presence FastPath::CountPresent(
    const std::vector<std::string>& keys) {
  Presence presence;
  if (!enabled_) return presence;
  for (size_t start = 0; start < keys.size(); start += kBatch) {
    std::vector<std::string> batch(
        keys.begin() + static_cast<std::ptrdiff_t>(start),
        keys.begin() +
            static_cast<std::ptrdiff_t>(std::min(keys.size(), start + kBatch)));
    std::map<std::string, CacheItem> found;
    if (cache_.GetMulti(batch, &found) == CacheStatus::kError) {
      presence.reachable = false;
      return presence;
    }
    for (const auto& [key, item] : found) {
      ++presence.present;
      // Every frame starts the same way up to the revision number.
      std::string frame = Frame(key, 0);
      std::string_view head(frame.data(), frame.rfind(" revision ") + 10);
      if (!std::string_view(item.value).starts_with(head))
        ++presence.mismatched;
    }
  }
  return presence;
}

}  // namespace wikid
