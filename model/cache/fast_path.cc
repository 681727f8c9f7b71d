#include "model/cache/fast_path.h"

#include <dirent.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <algorithm>
#include <map>

#include "model/base/failpoint.h"
#include "model/base/log.h"
#include "model/base/shared_memory.h"

namespace wikid {
namespace {

// memcached refuses longer keys; nginx then gets an error and asks wikid.
constexpr size_t kMaxKeyBytes = 250;
// "fast:" + 16 hex digits + ":" before the entry.
constexpr size_t kKeyHeadBytes = 5 + 16 + 1;
// What the switch points at while suspended.
constexpr char kOff[] = "off";
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
  state->suspended = true;  // until a worker starts a generation of its own
  return state;
}

std::string Hex(uint64_t generation) {
  char text[17];
  snprintf(text, sizeof text, "%016llx",
           static_cast<unsigned long long>(generation));
  return text;
}

// The directory of the switch's targets: FLAG.d beside FLAG.
std::string TargetsOf(const std::string& flag_path) { return flag_path + ".d"; }

// Points the switch at FLAG.d/`target` (made if missing) in one rename, so
// nginx always finds it pointing somewhere that exists. False, with the
// reason in `error`, if it could not.
bool PointSwitch(const std::string& flag_path, const std::string& target,
                 std::string* error) {
  const std::string targets = TargetsOf(flag_path);
  const std::string dir = targets + "/" + target;
  size_t slash = flag_path.rfind('/');
  // Relative, so the data folder can move.
  std::string link = flag_path.substr(slash + 1) + ".d/" + target;
  std::string temporary = flag_path + ".new" + std::to_string(getpid());
  auto failed = [&](const std::string& what) {
    *error = what + ": " + strerror(errno);
    return false;
  };
  // nginx's user must search FLAG.d and the generation's folder to resolve
  // the switch, so both are 0755 whatever wikid's umask (wikid.service has
  // UMask=0077, which would make them wikid's alone and quietly turn the
  // fast path off). They hold nothing. chmod each time: a folder an
  // earlier wikid made under that umask is opened up too.
  for (const std::string& folder : {targets, dir}) {
    if (mkdir(folder.c_str(), 0755) != 0 && errno != EEXIST)
      return failed("cannot make " + folder);
    if (chmod(folder.c_str(), 0755) != 0)
      return failed("cannot make " + folder + " readable by nginx");
  }
  unlink(temporary.c_str());
  if (symlink(link.c_str(), temporary.c_str()) != 0)
    return failed("cannot make " + temporary);
  if (rename(temporary.c_str(), flag_path.c_str()) != 0) {
    bool done = failed("cannot replace " + flag_path);
    unlink(temporary.c_str());
    return done;
  }
  return true;
}

// Removes the generations' directories but the off one and `keep`:
// nothing points at them any more. (The previous one stays: a request
// whose realpath() read the switch an instant before the latest rename
// must still find its target, or nginx logs a critical error, though it
// then asks wikid.)
void RemoveOldTargets(const std::string& flag_path,
                      const std::vector<std::string>& keep) {
  const std::string targets = TargetsOf(flag_path);
  DIR* dir = opendir(targets.c_str());
  if (dir == nullptr) return;
  while (dirent* entry = readdir(dir)) {
    std::string name = entry->d_name;
    if (name.size() != 16 || name.find_first_not_of("0123456789abcdef") !=
                                 std::string::npos)
      continue;
    if (std::find(keep.begin(), keep.end(), name) != keep.end()) continue;
    rmdir((targets + "/" + name).c_str());
  }
  closedir(dir);
}

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

// Test builds only: WIKID_UNSAFE_FILL_MARKS=1 makes fills take their marks
// but writers never read them (as before fills on other hosts were
// thought of), so a test can show the race the marks close. Read on every
// call, so that a unit test can run its control beside the real case.
bool UnsafeMarks() {
#ifdef WIKID_TESTING
  return std::getenv("WIKID_UNSAFE_FILL_MARKS") != nullptr;
#else
  return false;
#endif
}

// Test builds only: WIKID_UNSAFE_FAST_GENERATION=1 restores the fast path
// in the generation it was suspended in, as a restoration that neither
// deletes nor moves on would, so a test can show that the entries a
// suspension left behind are then served.
bool SameGeneration() {
#ifdef WIKID_TESTING
  static const bool same = std::getenv("WIKID_UNSAFE_FAST_GENERATION") != nullptr;
  return same;
#else
  return false;
#endif
}

}  // namespace

FastPathShared* FastPathShared::CreateShared() { return Create(true); }
FastPathShared* FastPathShared::CreatePrivate() { return Create(false); }

void SuspendFastPath(FastPathShared& shared, const std::string& flag_path,
                     const std::string& why, Suspension kind) {
  Held held(shared.state_lock);
  bool was_serving = !shared.suspended.exchange(true);
  shared.suspensions.fetch_add(1);
  shared.healthy_since_ms = 0;
  if (kind == Suspension::kDoubt) {
    shared.doubted = true;
  } else if (was_serving) {
    shared.doubted = false;
  }
  std::string error;
  if (!PointSwitch(flag_path, kOff, &error)) {
    // No switch at all also sends nginx to wikid.
    if (unlink(flag_path.c_str()) != 0 && errno != ENOENT) {
      LogError("fast path: " + error + ", and cannot remove " + flag_path +
               ": " + strerror(errno) +
               "; nginx may serve stale pages until it is removed");
    }
  }
  if (was_serving) LogWarning("fast path suspended: " + why);
}

std::string FastPathSwitch(const std::string& flag_path) {
  char target[4096];
  ssize_t size = readlink(flag_path.c_str(), target, sizeof target - 1);
  if (size < 0) return "";
  std::string link(target, static_cast<size_t>(size));
  size_t slash = link.rfind('/');
  std::string name = link.substr(slash == std::string::npos ? 0 : slash + 1);
  struct stat info;
  if (stat(flag_path.c_str(), &info) != 0 || !S_ISDIR(info.st_mode)) return "";
  return name;
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

std::optional<std::string> FastPath::EntryFor(
    std::string_view decoded_path) const {
  std::string entry = EscapeMemcachedKey(decoded_path);
  // DEL passes nginx's escaping but makes Memcache hash the key.
  if (cache_.prefix().size() + kKeyHeadBytes + entry.size() > kMaxKeyBytes ||
      entry.find('\x7f') != std::string::npos) {
    return std::nullopt;
  }
  return entry;
}

std::string FastPath::KeyOf(uint64_t generation, std::string_view entry) {
  std::string key = "fast:" + Hex(generation) + ":";
  key.append(entry);
  return key;
}

std::string FastPath::CurrentKey(std::string_view entry) const {
  return KeyOf(shared_.generation.load(), entry);
}

std::string FastPath::MarkOf(std::string_view key) {
  std::string mark = "fill:";
  mark.append(key.substr(std::string_view("fast:").size()));
  return mark;
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

pthread_mutex_t& FastPath::StripeOf(std::string_view entry) {
  return shared_
      .stripes[std::hash<std::string_view>{}(entry) % FastPathShared::kStripes];
}

StoreResult FastPath::Store(const std::string& entry, int64_t rev,
                            std::string_view html,
                            const std::function<bool()>& still_current) {
  if (!enabled_) return StoreResult::kSkipped;
  if (Unsafe()) {
    std::string key = CurrentKey(entry);
    cache_.Set(key, Frame(key, rev).append(html));
    return StoreResult::kStored;
  }
  // A worker of an older configuration renders with old templates.
  if (shared_.suspended || !Current()) return StoreResult::kSkipped;
  Held held(StripeOf(entry), kLockWait);
  if (!held.held()) return StoreResult::kSkipped;
  if (held.owner_died()) {
    Suspend("a worker died while filling or deleting an entry");
    return StoreResult::kFailed;
  }
  // Read before the checks: if a restoration comes between them, the entry
  // lands in a generation nginx no longer reads.
  const std::string key = CurrentKey(entry);
  // A SIGHUP since the check above (the master bumps the configuration
  // before it suspends): this view has the old templates.
  if (!Current()) return StoreResult::kSkipped;
  // The mark, for writers on other hosts (see the top of fast_path.h):
  // made before the check, gone after the add. One fill of an entry at a
  // time, on every host; the others leave it to that one.
  const std::string mark = MarkOf(key);
  const int64_t marked_at = steady_ms_();
  switch (cache_.Add(mark, "1", kFillMarkSeconds)) {
    case CacheStatus::kOk:
      break;
    case CacheStatus::kNotStored:
      shared_.marked.fetch_add(1);
      return StoreResult::kSkipped;
    default:
      return StoreResult::kSkipped;  // nothing was added: nothing to doubt
  }
  struct Unmark {
    Memcache& cache;
    const std::string& mark;
    ~Unmark() { cache.Delete(mark); }
  } unmark{cache_, mark};
  // Under the lock and the mark: a writer that moved the version numbers
  // before we looked deletes after we have added, or we see its move and
  // do not add.
  if (!still_current()) {
    shared_.outdated.fetch_add(1);
    return StoreResult::kOutdated;
  }
  FailpointHold("fast_fill_checked");
  if (shared_.suspended) return StoreResult::kSkipped;
  if (!UnsafeMarks() && steady_ms_() - marked_at > kFillMarkTrustMs) {
    return StoreResult::kSkipped;  // the mark may have expired meanwhile
  }
  switch (cache_.Add(key, Frame(key, rev).append(html), kEntrySeconds)) {
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
  Suspend("memcached did not confirm a fill", Suspension::kDoubt);
  return StoreResult::kFailed;
}

FastPath::Marks FastPath::AwaitFills(const std::vector<std::string>& entries) {
  if (UnsafeMarks()) return Marks::kClear;
  std::vector<std::string> marks;
  for (const std::string& entry : entries) marks.push_back(MarkOf(CurrentKey(entry)));
  const int64_t deadline = steady_ms_() + kLockWait.count();
  bool waited = false;
  while (true) {
    std::map<std::string, CacheItem> found;
    if (cache_.GetMulti(marks, &found) == CacheStatus::kError) return Marks::kUnknown;
    if (found.empty()) return Marks::kClear;
    if (!waited) shared_.mark_waits.fetch_add(1);
    waited = true;
    if (steady_ms_() > deadline) return Marks::kStuck;
    // A poll under the deadline above: the fill it waits for takes one
    // round trip to memcached, on another host, and tells nobody.
    usleep(2000);
  }
}

void FastPath::Invalidate(const std::vector<std::string>& entries) {
  // Even while suspended: a fill that passed its checks before the
  // suspension may still add, under its lock, to the generation a
  // restoration has just started (or to the one nginx reads until the
  // switch is turned off); deleting under the same lock, in the generation
  // current then, comes after it.
  if (!enabled_) return;
  // Before the deletes: a fill on another host that checked before our
  // numbers moved still holds its mark here, or has added already.
  switch (AwaitFills(entries)) {
    case Marks::kClear:
      break;
    case Marks::kStuck:  // a new generation leaves that fill behind
      Suspend("a fill of a changed page's entry held its mark too long");
      return;
    case Marks::kUnknown:
      Suspend("memcached did not say whether a changed page's entry is being filled",
              Suspension::kDoubt);
      return;
  }
  for (const std::string& entry : entries) {
    Held held(StripeOf(entry), kLockWait);
    if (!held.held()) {
      Suspend("a changed page's entry was locked too long to delete");
      return;
    }
    CacheStatus status = cache_.Delete(CurrentKey(entry));
    if (status == CacheStatus::kOk) shared_.deletes.fetch_add(1);
    if (held.owner_died()) {
      Suspend("a worker died while filling or deleting an entry");
      return;
    }
    if (status == CacheStatus::kError) {
      Suspend("memcached did not confirm that a changed page's entry is gone",
              Suspension::kDoubt);
      return;
    }
  }
}

void FastPath::Suspend(const std::string& why, Suspension kind) {
  if (enabled_) SuspendFastPath(shared_, flag_path_, why, kind);
}

void FastPath::MaybeRestore() {
  if (!enabled_ || !shared_.suspended || !Current()) return;
  // A probe at most every tenth of the settle time from each worker.
  int64_t start = steady_ms_();
  if (start < next_attempt_ms_) return;
  next_attempt_ms_ = start + settle_.count() / 10;

  const uint64_t suspensions = shared_.suspensions.load();
  CacheItem probe;
  bool answered = cache_.Get("fast-path-probe", &probe) != CacheStatus::kError;
  int64_t now = steady_ms_();
  Held held(shared_.state_lock);
  if (!shared_.suspended) return;  // another worker was first
  if (!answered || shared_.suspensions.load() != suspensions) {
    shared_.healthy_since_ms = 0;
    return;
  }
  if (shared_.doubted) {
    // The settle clock starts at the first answer after the latest
    // suspension, never at one from before it.
    if (shared_.healthy_since_ms == 0 || shared_.healthy_after != suspensions) {
      shared_.healthy_since_ms = now;
      shared_.healthy_after = suspensions;
      return;
    }
    if (now - shared_.healthy_since_ms < settle_.count()) return;
  }
  uint64_t generation = SameGeneration() ? shared_.generation.load() : 0;
  while (generation == 0) randombytes_buf(&generation, sizeof generation);
  std::string error;
  if (!PointSwitch(flag_path_, Hex(generation), &error)) {
    LogError("fast path: " + error + "; trying again in a minute");
    next_attempt_ms_ = now + 60'000;
    return;
  }
  const uint64_t previous = shared_.generation.exchange(generation);
  shared_.doubted = false;
  shared_.suspended = false;
  shared_.restorations.fetch_add(1);
  RemoveOldTargets(flag_path_, {Hex(generation), Hex(previous)});
  LogInfo("fast path serving: generation " + Hex(generation));
}

FastPath::Presence FastPath::CountPresent(
    const std::vector<std::string>& entries) {
  Presence presence;
  if (!enabled_) return presence;
  const uint64_t generation = shared_.generation.load();
  for (size_t start = 0; start < entries.size(); start += kBatch) {
    std::vector<std::string> batch;
    for (size_t i = start; i < std::min(entries.size(), start + kBatch); ++i)
      batch.push_back(KeyOf(generation, entries[i]));
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
