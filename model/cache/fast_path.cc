#include "model/cache/fast_path.h"

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
#include <thread>

#include "model/base/failpoint.h"
#include "model/base/log.h"
#include "model/base/shared_memory.h"
#include "model/cache/switch_folder.h"

namespace wikid {
namespace {

// memcached refuses longer keys; nginx then gets an error and asks wikid.
constexpr size_t kMaxKeyBytes = 250;
// "fast:" + 16 hex digits + ":" before the entry.
constexpr size_t kKeyHeadBytes = 5 + 16 + 1;
// What the switch points at while suspended.
constexpr char kOff[] = "off";
// Removals of old generations' markers per tick of the master (about a
// millisecond's work).
constexpr int kSweepBudget = 256;
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
  state->switched_to = FastPathShared::kUnknown;  // off, until a worker reads the state
  return state;
}

using Phase = FastPathRecord::Phase;

// The shared state's copy in one word (FastPathShared::copy).
uint64_t Pack(uint64_t generation, Phase phase) {
  return generation << 2 | static_cast<uint64_t>(phase);
}
uint64_t GenerationOf(uint64_t copy) { return copy >> 2; }
Phase PhaseOf(uint64_t copy) { return static_cast<Phase>(copy & 3); }

// Generations fit in 62 bits (the copy's word) and are never 0.
uint64_t NewGeneration() {
  uint64_t generation = 0;
  while (generation == 0) {
    randombytes_buf(&generation, sizeof generation);
    generation &= (uint64_t{1} << 62) - 1;
  }
  return generation;
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

void RequestSuspension(FastPathShared& shared, const std::string& flag_path,
                       const std::string& why, int64_t now_ms) {
  // A restart of sorts; a doubt already pending stays one.
  int none = 0;
  shared.pending.compare_exchange_strong(none, 1 + static_cast<int>(Suspension::kRestart));
  shared.suspensions.fetch_add(1);
  shared.healthy_since_ms = 0;
  LogWarning("fast path suspended: " + why);
  KeepSwitch(shared, flag_path, now_ms);
}

void KeepSwitch(FastPathShared& shared, const std::string& flag_path, int64_t now_ms) {
  // The generations nothing points at any more go with their markers a
  // few hundred removals a tick, so that no tick is long: a suspension
  // must reach the switch within two of them.
  if (shared.sweep_due.load() &&
      RemoveOldTargets(flag_path,
                       {GenerationName(shared.served_before.load()),
                        GenerationName(shared.served_earlier.load())},
                       kSweepBudget)) {
    shared.sweep_due = false;
  }
  // The time first, then the copy: SyncNow stores them the other way
  // round, so a copy is never paired with a read newer than it.
  const int64_t synced = shared.synced_at_ms.load();
  const uint64_t copy = shared.copy.load();
  // Shorter than the workers' lease by two of this function's periods: a
  // master that runs late still switches off before a suspender's wait
  // (FastPath::Suspend) is over.
  const bool fresh = synced != 0 && now_ms - synced < kLeaseMs - 2 * kKeepMs;
  const bool serve = shared.pending.load() == 0 && PhaseOf(copy) == Phase::kServing && fresh;
  const uint64_t target = serve ? GenerationOf(copy) : 0;
  const uint64_t shown = shared.switched_to.load();
  // Read back, not only remembered: a worker whose master died may have
  // pointed it off after this master started (SwitchOffForGood).
  const std::string target_name = target != 0 ? GenerationName(target) : kOff;
  if (target == shown && FastPathSwitch(flag_path) == target_name) return;
  std::string error;
  if (!PointSwitch(flag_path, target_name, &error)) {
    // No switch at all also sends nginx to wikid.
    if (target == 0 && unlink(flag_path.c_str()) != 0 && errno != ENOENT) {
      LogError("fast path: " + error + ", and cannot remove " + flag_path + ": " +
               strerror(errno) + "; nginx may serve stale pages until it is removed");
    } else {
      LogError("fast path: " + error);
    }
    return;
  }
  shared.switched_to = target;
  if (target != 0) {
    shared.served_earlier = shared.served_before.exchange(target);
    shared.sweep_due = true;
    LogInfo("fast path serving: generation " + GenerationName(target));
  } else if (shown != FastPathShared::kUnknown && shown != 0 && PhaseOf(copy) == Phase::kServing &&
             shared.pending.load() == 0 && !fresh) {
    LogWarning("fast path suspended: the shared state was not read for " +
               std::to_string(kLeaseMs) + " ms");
  }
}

void SwitchOffForGood(const std::string& flag_path, const std::string& why) {
  std::string error;
  if (!PointSwitch(flag_path, kOff, &error) && unlink(flag_path.c_str()) != 0 &&
      errno != ENOENT) {
    LogError("fast path: " + error + ", and cannot remove " + flag_path + ": " +
             strerror(errno) + "; nginx may serve stale pages until it is removed");
    return;
  }
  LogWarning("fast path off until a master points it again: " + why);
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

FastPath::FastPath(Memcache& cache, FastPathShared& shared, const CacheState& state,
                   FastPathRecord* record, std::string flag_path, bool enabled,
                   std::chrono::milliseconds settle, std::function<int64_t()> steady_ms)
    : cache_(cache),
      shared_(shared),
      state_(state),
      record_(record),
      generation_(state.generation.load()),
      flag_path_(std::move(flag_path)),
      enabled_(enabled && cache.enabled() && record != nullptr),
      settle_(settle),
      steady_ms_(std::move(steady_ms)) {}

bool FastPath::Fresh() const {
  const int64_t synced = shared_.synced_at_ms.load();
  return synced != 0 && steady_ms_() - synced < kLeaseMs;
}

bool FastPath::serving() const {
  // Freshness before the copy (see KeepSwitch).
  return enabled_ && Fresh() && shared_.pending.load() == 0 &&
         PhaseOf(shared_.copy.load()) == Phase::kServing;
}

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
  std::string key = "fast:" + GenerationName(generation) + ":";
  key.append(entry);
  return key;
}

std::string FastPath::CurrentKey(std::string_view entry) const {
  return KeyOf(GenerationOf(shared_.copy.load()), entry);
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
    const uint64_t generation = GenerationOf(shared_.copy.load());
    std::string key = KeyOf(generation, entry);
    cache_.Set(key, Frame(key, rev).append(html));
    LeaveMarker(flag_path_, generation, entry);
    return StoreResult::kStored;
  }
  // A worker of an older configuration renders with old templates.
  if (!serving() || !Current()) return StoreResult::kSkipped;
  StoreResult result = StoreResult::kFailed;
  uint64_t generation = 0;
  std::string trouble;
  Suspension kind = Suspension::kRestart;
  {
    Held held(StripeOf(entry), kLockWait);
    if (!held.held()) return StoreResult::kSkipped;
    if (held.owner_died()) {
      trouble = "a worker died while filling or deleting an entry";
    } else {
      result = AddUnderLock(entry, rev, html, still_current, &generation);
      if (result == StoreResult::kFailed) {
        trouble = "memcached did not confirm a fill";
        kind = Suspension::kDoubt;
      }
    }
  }
  // (Outside the stripe: suspending waits for the other hosts. The add may
  // still reach memcached later, a hung server reading it when it wakes,
  // after a delete it should have preceded.)
  if (!trouble.empty()) {
    Suspend(trouble, kind);
    return StoreResult::kFailed;
  }
  // Found there or added: this host's nginx may look it up from now on.
  if (result == StoreResult::kStored || result == StoreResult::kPresent) {
    LeaveMarker(flag_path_, generation, entry);
  }
  return result;
}

StoreResult FastPath::AddUnderLock(const std::string& entry, int64_t rev, std::string_view html,
                                   const std::function<bool()>& still_current,
                                   uint64_t* generation) {
  // Read before the checks: if the state moves on between them, the entry
  // lands in a generation nginx will not read.
  const uint64_t copy = shared_.copy.load();
  if (PhaseOf(copy) != Phase::kServing) return StoreResult::kSkipped;
  *generation = GenerationOf(copy);
  const std::string key = KeyOf(GenerationOf(copy), entry);
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
  if (!serving() || shared_.copy.load() != copy) return StoreResult::kSkipped;
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
  return StoreResult::kFailed;
}

FastPath::Marks FastPath::AwaitFills(uint64_t generation,
                                     const std::vector<std::string>& entries) {
  if (UnsafeMarks()) return Marks::kClear;
  std::vector<std::string> marks;
  for (const std::string& entry : entries) marks.push_back(MarkOf(KeyOf(generation, entry)));
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
  if (!enabled_) return;
  // Deletes in the generation of a copy younger than the lease; if they
  // outlive it, the state is read again, and a newer generation gets them
  // too (an announced one serves only kAnnouncedMs after that).
  for (int round = 0; round < 3; ++round) {
    if (!Fresh()) SyncNow(/*restore=*/false);
    if (!Fresh()) {
      // Not memcached's fault: no settle time after it.
      Suspend("the fast path's shared state could not be read");
      return;
    }
    const int64_t synced = shared_.synced_at_ms.load();  // before the copy (KeepSwitch)
    const uint64_t copy = shared_.copy.load();
    // An off generation is never served again: nothing to delete.
    std::string trouble;
    Suspension kind = Suspension::kRestart;
    if (PhaseOf(copy) != Phase::kOff) {
      // Before the deletes: a fill on another host that checked before our
      // numbers moved still holds its mark here, or has added already.
      switch (AwaitFills(GenerationOf(copy), entries)) {
        case Marks::kClear:
          break;
        case Marks::kStuck:  // a new generation leaves that fill behind
          trouble = "a fill of a changed page's entry held its mark too long";
          break;
        case Marks::kUnknown:
          trouble = "memcached did not say whether a changed page's entry is being filled";
          kind = Suspension::kDoubt;
          break;
      }
    }
    if (PhaseOf(copy) != Phase::kOff && trouble.empty()) {
      for (const std::string& entry : entries) {
        Held held(StripeOf(entry), kLockWait);
        if (!held.held()) {
          trouble = "a changed page's entry was locked too long to delete";
          break;
        }
        CacheStatus status = cache_.Delete(KeyOf(GenerationOf(copy), entry));
        if (status == CacheStatus::kOk) shared_.deletes.fetch_add(1);
        if (held.owner_died()) {
          trouble = "a worker died while filling or deleting an entry";
          break;
        }
        if (status == CacheStatus::kError) {
          trouble = "memcached did not confirm that a changed page's entry is gone";
          kind = Suspension::kDoubt;
          break;
        }
      }
    }
    // (Outside the stripe: suspending waits for the other hosts.)
    if (!trouble.empty()) {
      Suspend(trouble, kind);
      return;
    }
    if (steady_ms_() - synced < kLeaseMs) return;
    SyncNow(/*restore=*/false);
    if (Fresh() && shared_.copy.load() == copy) return;
  }
  Suspend("the deletes of a save kept outliving the fast path's lease", Suspension::kDoubt);
}

void FastPath::Suspend(const std::string& why, Suspension kind) {
  if (!enabled_) return;
  const int wanted = 1 + static_cast<int>(kind);
  int pending = shared_.pending.load();
  while (pending < wanted && !shared_.pending.compare_exchange_weak(pending, wanted)) {
  }
  shared_.suspensions.fetch_add(1);
  shared_.healthy_since_ms = 0;
  LogWarning("fast path suspended: " + why);
  // Off for every host now (any later sync would do it too), then wait
  // until every host's copy from before has aged past its lease and every
  // master has switched its nginx off.
  for (int attempt = 0; attempt < 3 && shared_.pending.load() != 0; ++attempt) {
    SyncNow(/*restore=*/false);
  }
  if (shared_.pending.load() != 0) {
    LogError("fast path: the shared state could not be set off; other hosts may serve "
             "their entries until it can");
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(kSuspendWaitMs));
}

void FastPath::Sync() {
  if (!enabled_) return;
  if (shared_.pending.load() == 0 && Fresh() &&
      steady_ms_() - shared_.synced_at_ms.load() < kSyncMs) {
    return;
  }
  SyncNow(/*restore=*/true);
}

void FastPath::SyncNow(bool restore) {
  int64_t started = 0;
  {
    // Between requests, a worker that finds another at it goes on (that one
    // reads for the host); a writer that needs a fresh copy waits for it.
    Held held(shared_.state_lock, restore ? std::chrono::milliseconds(1) : kLockWait);
    if (!held.held()) return;
    started = steady_ms_();
    int pending = shared_.pending.load();
    if (pending != 0) {
      const bool doubt = pending - 1 == static_cast<int>(Suspension::kDoubt);
      // (Test builds only: the control that restores the generation it
      // suspended keeps it here, so an announcement after an older read
      // is not refused by it either.)
      const uint64_t next = SameGeneration() && GenerationOf(shared_.copy.load()) != 0
                                ? GenerationOf(shared_.copy.load())
                                : NewGeneration();
      Status off = record_->Suspend(doubt,
                                    doubt ? "memcached did not confirm a fill or a delete"
                                          : "a host started, reloaded or lost a worker",
                                    next);
      if (!off.ok()) return;
      // What the row holds now, whatever the read below finds: the copy of
      // before must not be trusted again if that read fails.
      shared_.copy = Pack(next, Phase::kOff);
      shared_.pending.compare_exchange_strong(pending, 0);  // a newer request stays
    }
    auto row = record_->Read();
    if (!row.ok()) return;  // the copy ages; past the lease nothing trusts it
    const int64_t read = steady_ms_();  // the row is at least this new
    if (row->generation == 0 || row->generation >= (uint64_t{1} << 62)) {
      // Not one this wikid wrote: start over in a generation of its own.
      int none = 0;
      shared_.pending.compare_exchange_strong(none, 1 + static_cast<int>(Suspension::kRestart));
      return;
    }
    const uint64_t before = shared_.copy.load();
    const uint64_t now_copy = Pack(row->generation, row->phase);
    if (row->phase == Phase::kOff && PhaseOf(before) != Phase::kOff) {
      shared_.suspensions.fetch_add(1);  // another host (or the master) set it off
      shared_.healthy_since_ms = 0;
    }
    // When this host first saw it announced: after the read returned, so
    // never before the announcement was written.
    if (row->phase == Phase::kAnnounced && now_copy != before) {
      shared_.announced_seen_ms = read;
    }
    shared_.doubted = row->doubted;
    shared_.copy = now_copy;
    shared_.synced_at_ms = started;
  }
  // Outside the lock: probing a hung memcached must not hold up the other
  // workers' syncs (the database settles races between restorers).
  if (restore && Current()) TryRestore(started);
}

void FastPath::TryRestore(int64_t now) {
  const uint64_t copy = shared_.copy.load();
  const uint64_t generation = GenerationOf(copy);
  if (PhaseOf(copy) == Phase::kAnnounced) {
    // Every host has seen it, or stopped trusting its copy, by now.
    const int64_t seen = shared_.announced_seen_ms.load();
    if (seen == 0 || now - seen < kAnnouncedMs) return;
    auto served = record_->Serve(generation);
    if (served.ok() && *served) {
      shared_.restorations.fetch_add(1);
      // Unless another worker has read something newer meanwhile.
      uint64_t announced = copy;
      shared_.copy.compare_exchange_strong(announced, Pack(generation, Phase::kServing));
    }
    return;
  }
  if (PhaseOf(copy) != Phase::kOff) return;
  // A probe at most every tenth of the settle time from each worker.
  if (now < next_probe_ms_) return;
  next_probe_ms_ = now + settle_.count() / 10;
  const uint64_t suspensions = shared_.suspensions.load();
  CacheItem probe;
  bool answered = cache_.Get("fast-path-probe", &probe) != CacheStatus::kError;
  const int64_t after = steady_ms_();
  if (!answered || shared_.suspensions.load() != suspensions) {
    shared_.healthy_since_ms = 0;
    return;
  }
  if (shared_.doubted) {
    // The settle clock starts at the first answer after the latest
    // suspension, never at one from before it.
    if (shared_.healthy_since_ms == 0 || shared_.healthy_after != suspensions) {
      shared_.healthy_since_ms = after;
      shared_.healthy_after = suspensions;
      return;
    }
    if (after - shared_.healthy_since_ms < settle_.count()) return;
  }
  const uint64_t next = SameGeneration() ? generation : NewGeneration();
  auto announced = record_->Announce(generation, next);
  if (announced.ok() && *announced) {
    // Seen from when it was written (the write may have waited for the
    // database), and only if no newer state was read meanwhile.
    uint64_t off = copy;
    if (shared_.copy.compare_exchange_strong(off, Pack(next, Phase::kAnnounced))) {
      shared_.announced_seen_ms = steady_ms_();
    }
  }
}

FastPath::Presence FastPath::CountPresent(
    const std::vector<std::string>& entries) {
  Presence presence;
  if (!enabled_) return presence;
  const uint64_t generation = GenerationOf(shared_.copy.load());
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
