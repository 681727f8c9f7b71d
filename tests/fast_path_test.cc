// model/fast_path: nginx's key escaping, fills that only land while their
// view is current, deletes that suspend when memcached cannot confirm
// them, and restorations that start a new generation nginx reads through
// the switch, so that no entry from before a suspension is read again;
// against a real memcached, with the state every host shares in the
// database on the engine WIKID_TEST_DATABASE names (fast_path_test_postgres
// runs it on PostgreSQL).
#define BOOST_TEST_MODULE fast_path
#include "model/cache/fast_path.h"

#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <boost/test/unit_test.hpp>
#include <fstream>
#include <future>
#include <random>
#include <set>
#include <thread>

#include "model/fast_path_record.h"
#include "tests/support/memcached_server.h"
#include "tests/support/temp_dir.h"
#include "tests/support/test_database.h"

namespace wikid {

// For BOOST_TEST's messages.
std::ostream& operator<<(std::ostream& out, StoreResult result) {
  switch (result) {
    case StoreResult::kStored:
      return out << "filled";
    case StoreResult::kPresent:
      return out << "present";
    case StoreResult::kOutdated:
      return out << "outdated";
    case StoreResult::kSkipped:
      return out << "skipped";
    case StoreResult::kFailed:
      return out << "failed";
  }
  return out << "?";
}

}  // namespace wikid

namespace wikid::testing {
namespace {

using namespace std::chrono_literals;

bool IsDirectory(const std::string& path) {
  struct stat info;
  return stat(path.c_str(), &info) == 0 && S_ISDIR(info.st_mode);
}

// How long a test's cache waits for memcached: seconds
// (PatientCacheOptions), except where memcached is frozen on purpose and
// the product's timeouts are what is being tested.
enum class Timeouts {
  kPatient,  // seconds: memcached's speed is not what the test is about
  kProduct,  // the product's own, for calls made while memcached is hung
};

CacheOptions OptionsFor(const MemcachedServer& server,
                        Timeouts timeouts = Timeouts::kPatient) {
  CacheOptions options = PatientCacheOptions({server.address()});
  options.breaker_open = 100ms;
  if (timeouts == Timeouts::kProduct) {
    const CacheOptions product;
    options.connect_timeout_ms = product.connect_timeout_ms;
    options.poll_timeout_ms = product.poll_timeout_ms;
  }
  return options;
}

// A new connection to `database` (another worker's), and its fast path's
// state store.
std::unique_ptr<Storage> NewConnection(const TestDatabase& database) {
  auto storage = database.Open();
  BOOST_REQUIRE_MESSAGE(storage.ok(), storage.status().message());
  return std::move(*storage);
}
std::unique_ptr<FastPathStore> OpenFastPathStore(Storage& storage) {
  auto store = storage.OpenFastPath();
  BOOST_REQUIRE_MESSAGE(store.ok(), store.status().message());
  return std::move(*store);
}

// One worker's view of a fast path: its own Memcache and database
// connection over its host's shared memory and the wiki's shared state.
struct Worker {
  Worker(const MemcachedServer& server, FastPathShared& shared, const CacheState& state,
         const std::string& flag, const TestDatabase& database,
         std::function<int64_t()> clock = MonotonicMs,
         std::chrono::milliseconds settle = 50ms,
         Timeouts timeouts = Timeouts::kPatient)
      : cache(OptionsFor(server, timeouts)),
        storage(NewConnection(database)),
        store(OpenFastPathStore(*storage)),
        record(*store),
        fast(cache, shared, state, &record, flag, true, settle, std::move(clock)) {}
  Memcache cache;
  std::unique_ptr<Storage> storage;
  std::unique_ptr<FastPathStore> store;
  StoredFastPathRecord record;
  FastPath fast;
};

struct Fixture {
  MemcachedServer server;
  TempDir dir;
  std::string flag = dir.File("fast-path");
  TestDatabase database;
  FastPathShared* shared = FastPathShared::CreatePrivate();
  CacheState* state = CacheState::CreatePrivate();
  Worker worker{server, *shared, *state, flag, database};
  FastPath& fast = worker.fast;

  // What the master does every kKeepMs: points the switch.
  void Keep() { KeepSwitch(*shared, flag, MonotonicMs()); }

  // Lets `worker` sync (and restore) as between requests, the master
  // keeping the switch, until nginx may serve, for at most `timeout` (a
  // deadline for a loaded machine: it returns as soon as it serves).
  bool RestoreBy(FastPath& by, std::chrono::milliseconds timeout = 60s) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (by.suspended() || !Serving()) {
      if (std::chrono::steady_clock::now() > deadline) return false;
      by.Sync();
      Keep();
      std::this_thread::sleep_for(10ms);  // a poll, under the deadline above
    }
    return true;
  }
  bool Restore(std::chrono::milliseconds timeout = 60s) { return RestoreBy(fast, timeout); }

  // What nginx reads: the generation the switch points at ("off", or ""
  // when it cannot resolve it).
  std::string Switch() const { return FastPathSwitch(flag); }
  bool Serving() const { return Switch().size() == 16; }

  // The entry in the generation nginx reads now, as nginx would get it.
  std::string Served(const std::string& entry) {
    if (!Serving()) return "";
    return Stored("fast:" + Switch() + ":" + entry);
  }
  std::string Stored(const std::string& key) {
    CacheItem item;
    return worker.cache.Get(key, &item) == CacheStatus::kOk ? item.value : "";
  }
};

// The cases about the state the hosts share in the database, the only
// ones fast_path_test_postgres runs: the others are about memcached, the
// stripes and the switch, which no engine changes.
const auto kSharedState = boost::unit_test::label("shared_state");

auto Current() {
  return [] { return true; };
}

BOOST_AUTO_TEST_CASE(keys_are_escaped_as_nginx_escapes_them) {
  // ngx_escape_uri's memcached table: bytes up to ' ' and '%', nothing else.
  BOOST_TEST(EscapeMemcachedKey("/Caf\xc3\xa9_100% sure") ==
             "/Caf\xc3\xa9_100%25%20sure");
  BOOST_TEST(EscapeMemcachedKey(std::string("/a\x01\x1f\tb\nc", 8)) ==
             "/a%01%1F%09b%0Ac");
  BOOST_TEST(EscapeMemcachedKey("/~!\"#$&'()*+,-./:;<=>?@[\\]^_`{|}\x7f") ==
             "/~!\"#$&'()*+,-./:;<=>?@[\\]^_`{|}\x7f");
  for (int c = 0; c < 256; ++c) {
    std::string escaped =
        EscapeMemcachedKey(std::string(1, static_cast<char>(c)));
    BOOST_TEST((escaped.size() == 3) == (c <= 0x20 || c == '%'), "byte " << c);
  }
}

// The state every host shares (FastPathStore), on its own: each change
// applies only to the state it was based on, so a host acting on an old
// read changes nothing, whichever host moved the state on.
BOOST_AUTO_TEST_CASE(the_shared_state_moves_only_from_the_state_it_was_read_in,
                     *kSharedState) {
  TestDatabase database;
  auto storage_a = NewConnection(database), storage_b = NewConnection(database);
  auto a = OpenFastPathStore(*storage_a), b = OpenFastPathStore(*storage_b);
  auto is = [](const Result<FastPathRow>& row, uint64_t generation, FastPathPhase phase,
               bool doubted) {
    BOOST_REQUIRE_MESSAGE(row.ok(), row.status().message());
    return row->generation == generation && row->phase == phase && row->doubted == doubted;
  };
  BOOST_TEST(is(a->Read(), 1, FastPathPhase::kOff, false));  // a new wiki's
  BOOST_TEST(*a->Announce(1, 5));
  BOOST_TEST(!*b->Announce(1, 6));  // b read generation 1 too: too late
  BOOST_TEST(!*b->Serve(6));
  BOOST_TEST(*b->Serve(5));
  BOOST_TEST(!*a->Serve(5));  // already serving
  BOOST_TEST(is(a->Read(), 5, FastPathPhase::kServing, false));
  // A suspension applies whatever the state; a doubt is kept until a
  // generation serves, and cleared by a suspension of a serving one.
  BOOST_REQUIRE(a->Suspend(/*doubt=*/true, "a delete was not confirmed", 7).ok());
  BOOST_TEST(is(b->Read(), 7, FastPathPhase::kOff, true));
  BOOST_REQUIRE(b->Suspend(/*doubt=*/false, "a worker died", 8).ok());
  BOOST_TEST(is(a->Read(), 8, FastPathPhase::kOff, true));
  BOOST_TEST(!*a->Announce(7, 9));  // based on the read before b's
  BOOST_TEST(*a->Announce(8, 9));
  BOOST_REQUIRE(b->Suspend(/*doubt=*/false, "SIGHUP", 10).ok());  // while announced
  BOOST_TEST(!*a->Serve(9));
  BOOST_TEST(is(a->Read(), 10, FastPathPhase::kOff, true));
  // Generations are 64-bit random numbers: every bit is kept.
  const uint64_t high = 0xfedcba9876543210;
  BOOST_TEST(*a->Announce(10, high));
  BOOST_TEST(*b->Serve(high));
  BOOST_TEST(is(a->Read(), high, FastPathPhase::kServing, false));
  BOOST_REQUIRE(a->Suspend(/*doubt=*/false, "test", 11).ok());
  BOOST_TEST(is(b->Read(), 11, FastPathPhase::kOff, false));
}

BOOST_FIXTURE_TEST_CASE(a_key_past_memcacheds_limit_stays_off_the_fast_path,
                        Fixture) {
  // "wikid:" + "fast:" + 16 hex digits + ":" + path: 250 bytes is the most
  // memcached stores.
  std::string path = "/" + std::string(250 - 6 - 22 - 1, 'a');
  BOOST_TEST(fast.EntryFor(path).has_value());
  BOOST_TEST(fast.EntryFor(path + "a").has_value() == false);
  // Escaping counts: a space is three bytes in the key.
  BOOST_TEST(fast.EntryFor(path.substr(0, path.size() - 2) + " ").has_value() ==
             false);
  BOOST_TEST(*fast.EntryFor("/A b") == "/A%20b");
  BOOST_TEST(FastPath::KeyOf(0xabcdef0123456789, "/A%20b") ==
             "fast:abcdef0123456789:/A%20b");
  BOOST_TEST(FastPath::KeyOf(1, "/") == "fast:0000000000000001:/");
}

BOOST_FIXTURE_TEST_CASE(a_fill_lands_only_while_its_view_is_current, Fixture) {
  // It starts suspended, and fills nothing, until a worker starts a
  // generation of its own.
  BOOST_TEST(fast.suspended());
  BOOST_TEST(!Serving());
  BOOST_TEST(fast.Store("/A", 1, "<p>one", Current()) == StoreResult::kSkipped);
  BOOST_REQUIRE(Restore());
  BOOST_TEST(Serving());

  BOOST_TEST(fast.Store("/A", 3, "<p>three", [] { return false; }) ==
             StoreResult::kOutdated);
  BOOST_TEST(Served("/A") == "");
  BOOST_TEST(fast.Store("/A", 1, "<p>one", Current()) == StoreResult::kStored);
  BOOST_TEST(Served("/A") == fast.Frame(fast.CurrentKey("/A"), 1) + "<p>one");
  BOOST_TEST(fast.Store("/A", 1, "<p>one", Current()) == StoreResult::kPresent);
  BOOST_TEST(shared->fills.load() == 1);
  BOOST_TEST(shared->already.load() == 1);
  BOOST_TEST(shared->outdated.load() == 1);
  // The frame names the key and revision and cannot end the comment early.
  BOOST_TEST(fast.Frame("fast:0000000000000001:/a--b", 7) ==
             "<!-- wikid fast path: key wikid:fast:0000000000000001:/a%2D%2Db "
             "revision 7 -->\n");

  auto presence = fast.CountPresent({"/A", "/B"});
  BOOST_TEST(presence.present == 1);
  BOOST_TEST(presence.mismatched == 0);
  worker.cache.Set(fast.CurrentKey("/B"),
                   fast.Frame(fast.CurrentKey("/A"), 1) + "<p>misplaced");
  presence = fast.CountPresent({"/A", "/B"});
  BOOST_TEST(presence.present == 2);
  BOOST_TEST(presence.mismatched == 1);
}

BOOST_FIXTURE_TEST_CASE(a_change_deletes_its_entries, Fixture) {
  BOOST_REQUIRE(Restore());
  fast.Store("/A", 1, "a", Current());
  fast.Store("/B", 1, "b", Current());
  fast.Invalidate({"/A", "/missing"});
  BOOST_TEST(Served("/A") == "");
  BOOST_TEST(Served("/B") != "");
  fast.Sync();  // (a loaded machine may have let the copy age meanwhile)
  BOOST_TEST(!fast.suspended());
  BOOST_TEST(shared->deletes.load() == 1);
}

// Two hosts: each its own shared memory, stripe locks, switch and
// database connection, as separate machines have, sharing one memcached
// and one database (so one fast-path state and one generation).
struct TwoHosts : Fixture {
  TempDir dir_b;
  FastPathShared* shared_b = FastPathShared::CreatePrivate();
  CacheState* state_b = CacheState::CreatePrivate();
  Worker host_b{server, *shared_b, *state_b, dir_b.File("fast-path"), database};
  TwoHosts() {
    BOOST_REQUIRE(Restore());
    host_b.fast.Sync();  // host b reads the state host a restored
    BOOST_REQUIRE(host_b.fast.serving());
    BOOST_REQUIRE(host_b.fast.CurrentKey("/A") == fast.CurrentKey("/A"));
  }
  // A fill on this host whose view was current when it checked, and a
  // save on host b (its numbers moved just after that check) deleting the
  // entry. The fill adds once the save waits for its mark, or, when
  // `after_the_save`, once the save is done (a save that does not wait).
  StoreResult RacingFill(bool after_the_save) {
    fast.Sync();  // fresh copies of the state on both hosts
    host_b.fast.Sync();
    std::future<void> save;
    StoreResult filled = fast.Store("/A", 1, "<p>before the save", [&] {
      save = std::async(std::launch::async, [&] { host_b.fast.Invalidate({"/A"}); });
      auto go_on = [&] {
        return after_the_save ? save.wait_for(0s) == std::future_status::ready
                              : shared_b->mark_waits.load() == 1;
      };
      // A poll for a condition, under a deadline for a loaded machine: a
      // save that never waits for the mark must fail the test, not hang it.
      const auto deadline = std::chrono::steady_clock::now() + 60s;
      while (!go_on()) {
        BOOST_REQUIRE(std::chrono::steady_clock::now() < deadline);
        std::this_thread::sleep_for(1ms);
      }
      return true;
    });
    save.wait();
    return filled;
  }
};

// The race a stripe lock cannot order across hosts: host a checks its view
// (current), host b's save moves the numbers and deletes, host a adds. The
// fill's mark makes the save wait for the add and delete after it.
BOOST_FIXTURE_TEST_CASE(a_fill_racing_a_save_on_another_host_leaves_no_stale_entry,
                        TwoHosts, *kSharedState) {
  const StoreResult filled = RacingFill(/*after_the_save=*/false);
  BOOST_TEST(filled == StoreResult::kStored);
  BOOST_TEST(Served("/A") == "");  // deleted after the add
  BOOST_TEST(shared_b->deletes.load() == 1);
  BOOST_TEST(!host_b.fast.suspended());
  BOOST_TEST(Stored(FastPath::MarkOf(fast.CurrentKey("/A"))) == "");
  // One fill of an entry at a time, whichever host: a second finds the mark.
  worker.cache.Add(FastPath::MarkOf(fast.CurrentKey("/B")), "1");
  BOOST_TEST(host_b.fast.Store("/B", 1, "b", Current()) == StoreResult::kSkipped);
  BOOST_TEST(shared_b->marked.load() == 1);
}

// The control: writers that do not read the marks delete before the add,
// and nginx serves the view from before the save.
BOOST_FIXTURE_TEST_CASE(without_reading_the_marks_the_old_view_stays_served,
                        TwoHosts) {
  setenv("WIKID_UNSAFE_FILL_MARKS", "1", 1);
  const StoreResult filled = RacingFill(/*after_the_save=*/true);
  unsetenv("WIKID_UNSAFE_FILL_MARKS");
  BOOST_TEST(!host_b.fast.suspended());
  BOOST_TEST(filled == StoreResult::kStored);
  BOOST_TEST(Served("/A") != "");
}

// A fill whose mark stays (a filler stopped between its check and its add,
// on any host): the save waits kLockWait, then sets the fast path off for
// every host rather than acknowledge while that add may still come.
BOOST_FIXTURE_TEST_CASE(a_mark_that_stays_suspends_the_save, TwoHosts, *kSharedState) {
  worker.cache.Add(FastPath::MarkOf(fast.CurrentKey("/A")), "1");
  host_b.fast.Invalidate({"/A"});
  BOOST_TEST(host_b.fast.suspended());
  BOOST_TEST(shared_b->mark_waits.load() == 1);
  fast.Sync();
  Keep();
  BOOST_TEST(Switch() == "off");  // host a's nginx too
}

// A suspension ends its generation for good: an entry added to it late
// (by a fill that passed its checks before the suspension) is never read,
// since restoring always starts a new one.
BOOST_FIXTURE_TEST_CASE(a_suspended_generation_is_never_served_again, Fixture,
                        *kSharedState) {
  BOOST_REQUIRE(Restore());
  const std::string before = Switch();
  fast.Store("/A", 1, "a", Current());
  fast.Suspend("a worker died");
  Keep();
  BOOST_TEST(Switch() == "off");
  worker.cache.Set("fast:" + before + ":/B", "late");  // as a straddling fill would
  BOOST_REQUIRE(Restore());
  BOOST_TEST(Switch() != before);
  BOOST_TEST(Served("/A") == "");
  BOOST_TEST(Served("/B") == "");
}

BOOST_FIXTURE_TEST_CASE(the_switch_always_points_at_a_directory, Fixture) {
  // An older wikid kept a plain file here: the switch replaces it.
  std::ofstream(flag) << "";
  RequestSuspension(*shared, flag, "starting", MonotonicMs());
  BOOST_TEST(Switch() == "off");
  BOOST_TEST(IsDirectory(flag));
  BOOST_REQUIRE(Restore());
  const std::string first = Switch();
  BOOST_TEST(IsDirectory(flag));
  BOOST_TEST(IsDirectory(flag + ".d/" + first));
  // The link is relative: the folder can move.
  char target[256] = {};
  BOOST_REQUIRE(readlink(flag.c_str(), target, sizeof target - 1) > 0);
  BOOST_TEST(std::string(target) == "fast-path.d/" + first);
  // Old generations' directories go, but the one just left stays for a
  // request that resolved the switch an instant before.
  fast.Suspend("test");
  BOOST_REQUIRE(Restore());
  const std::string second = Switch();
  fast.Suspend("test");
  BOOST_REQUIRE(Restore());
  BOOST_TEST(Switch() != second);
  Keep();  // the master removes old generations at its next tick
  BOOST_TEST(IsDirectory(flag + ".d/" + second));
  BOOST_TEST(!IsDirectory(flag + ".d/" + first));
  BOOST_TEST(IsDirectory(flag + ".d/off"));
}

// Markers (fast_path.h): a fill, or one that finds its entry there (a fill
// by another host), leaves the file nginx checks before it asks memcached,
// in the generation's folder, under the path nginx decodes and '#'; nothing
// that was not filled is marked. A new generation starts with none, and
// the master removes older folders, markers and all, a few hundred files
// per tick.
BOOST_FIXTURE_TEST_CASE(fills_leave_the_markers_nginx_checks, Fixture) {
  const mode_t umask_before = umask(0077);  // wikid.service's
  BOOST_REQUIRE(Restore());
  const std::string first = flag + ".d/" + Switch();
  // Each store as a worker makes it, after its sync between requests (a
  // loaded machine may otherwise let the copy outlive its lease).
  auto store = [&](const std::string& entry, const std::function<bool()>& current) {
    fast.Sync();
    return fast.Store(entry, 1, "view", current);
  };
  auto marked = [&](const std::string& generation, const std::string& path) {
    return access((generation + path + "#").c_str(), F_OK) == 0;
  };
  BOOST_TEST(store("/A", [] { return false; }) == StoreResult::kOutdated);
  BOOST_TEST(!marked(first, "/A"));
  BOOST_TEST(store("/A", Current()) == StoreResult::kStored);
  BOOST_TEST(marked(first, "/A"));
  BOOST_TEST(store("/", Current()) == StoreResult::kStored);
  BOOST_TEST(marked(first, "/"));  // "${request_filename}#" of "/" is FLAG/#
  // A name with '/' gets folders nginx's user can search whatever the
  // umask; an escaped byte of the key is the byte again.
  auto entry = fast.EntryFor("/Projects/100%/Plan");
  BOOST_REQUIRE(entry.has_value());
  BOOST_TEST(*entry == "/Projects/100%25/Plan");
  BOOST_TEST(store(*entry, Current()) == StoreResult::kStored);
  BOOST_TEST(marked(first, "/Projects/100%/Plan"));
  struct stat folder;
  BOOST_REQUIRE(stat((first + "/Projects/100%").c_str(), &folder) == 0);
  BOOST_TEST((folder.st_mode & 0777) == 0755u);
  // Filled by another host: found there, marked here.
  BOOST_REQUIRE(unlink((first + "/A#").c_str()) == 0);
  BOOST_TEST(store("/A", Current()) == StoreResult::kPresent);
  BOOST_TEST(marked(first, "/A"));
  // Many more, as fills over time leave them (made here directly: 600
  // fills would outlive the copy's lease on a loaded machine).
  for (int i = 0; i < 600; ++i) {
    BOOST_REQUIRE(std::ofstream(first + "/P" + std::to_string(i) + "#").good());
  }

  fast.Suspend("test");
  BOOST_REQUIRE(Restore());
  const std::string second = flag + ".d/" + Switch();
  BOOST_TEST(!marked(second, "/A"));
  BOOST_TEST(store("/A", Current()) == StoreResult::kStored);
  BOOST_TEST(marked(second, "/A"));
  fast.Suspend("test");
  BOOST_REQUIRE(Restore());
  // The first generation's 603 markers go over several ticks, none long.
  int ticks = 0;
  while (IsDirectory(first) && ticks < 100) {
    Keep();
    ++ticks;
  }
  BOOST_TEST(!IsDirectory(first));
  BOOST_TEST(ticks >= 3);
  BOOST_TEST(marked(second, "/A"));  // the one just left stays
  umask(umask_before);
}

// Markers are hard links to sixteen files of the generation's folder
// ("#source-N"), not an inode each: after the sweep of an old generation,
// ext4 took up to half a millisecond to find a new inode (switch_folder.cc).
// Where a source cannot take a link (here a folder sits at its name), a
// marker is a file of its own, as nginx needs no more.
BOOST_FIXTURE_TEST_CASE(markers_are_links_to_a_few_files, Fixture) {
  BOOST_REQUIRE(Restore());
  std::string generation = flag + ".d/" + Switch();
  auto store = [&](const std::string& entry) {
    fast.Sync();
    return fast.Store(entry, 1, "view", Current());
  };
  std::set<ino_t> inodes;
  for (int i = 0; i < 40; ++i) {
    const std::string page = "/L" + std::to_string(i);
    BOOST_TEST(store(page) == StoreResult::kStored);
    struct stat marker;
    BOOST_REQUIRE(stat((generation + page + "#").c_str(), &marker) == 0);
    BOOST_TEST(S_ISREG(marker.st_mode));
    BOOST_TEST(marker.st_nlink >= 2u);  // the source's name and the marker's
    inodes.insert(marker.st_ino);
  }
  BOOST_TEST(inodes.size() <= 16u);
  BOOST_TEST(inodes.size() >= 2u);  // spread over sources, not one for all

  fast.Suspend("test");
  BOOST_REQUIRE(Restore());
  generation = flag + ".d/" + Switch();
  for (int i = 0; i < 16; ++i) {
    BOOST_REQUIRE(mkdir((generation + "/#source-" + std::to_string(i)).c_str(), 0755) == 0);
  }
  BOOST_TEST(store("/Own") == StoreResult::kStored);
  struct stat own;
  BOOST_REQUIRE(stat((generation + "/Own#").c_str(), &own) == 0);
  BOOST_TEST(S_ISREG(own.st_mode));
  BOOST_TEST(own.st_nlink == 1u);
}

// A worker whose master died points the switch off for good (its nginx
// lives on); should a new master already run, it reads its switch back
// and points it again at its next tick, instead of trusting what it
// pointed it at last.
BOOST_FIXTURE_TEST_CASE(a_switch_pointed_off_behind_the_masters_back_is_pointed_again, Fixture) {
  BOOST_REQUIRE(Restore());
  const std::string serving = Switch();
  SwitchOffForGood(flag, "the master is gone");
  BOOST_TEST(Switch() == "off");
  BOOST_TEST(Restore(10s));
  BOOST_TEST(Switch() == serving);
}

BOOST_FIXTURE_TEST_CASE(
    an_unconfirmed_delete_suspends_until_a_new_generation_serves, Fixture) {
  BOOST_REQUIRE(Restore());
  const std::string before = Switch();
  BOOST_REQUIRE(fast.Store("/A", 1, "a", Current()) == StoreResult::kStored);
  BOOST_REQUIRE(fast.Store("/B", 1, "b", Current()) == StoreResult::kStored);
  // The worker that meets the hung memcached has the product's timeouts
  // (the fixture's would wait seconds for each call).
  Worker facing_the_hang{server, *shared, *state, flag, database, MonotonicMs, 50ms,
                         Timeouts::kProduct};

  server.Pause();  // the delete cannot be confirmed...
  auto start = std::chrono::steady_clock::now();
  facing_the_hang.fast.Invalidate({"/A"});
  // ...so it is off for every host, and the save waited until every
  // host's copy of the state from before aged past its lease. (Only a
  // hang is caught by the upper bound: the call costs the cache's poll
  // timeout, which a loaded machine can stretch to any length.)
  const auto waited = std::chrono::steady_clock::now() - start;
  BOOST_TEST(fast.suspended());
  Keep();
  BOOST_TEST(Switch() == "off");
  BOOST_TEST((waited >= std::chrono::milliseconds(kSuspendWaitMs)));
  BOOST_TEST((waited < 10s));
  BOOST_TEST(fast.Store("/B", 2, "b2", Current()) == StoreResult::kSkipped);
  // Still hung: restoring waits (memcached cannot answer while it is
  // frozen, however long this takes).
  for (int i = 0; i < 10; ++i) {
    facing_the_hang.fast.Sync();
    Keep();
    std::this_thread::sleep_for(10ms);  // polls: nothing may change
  }
  BOOST_TEST(fast.suspended());
  BOOST_TEST(Switch() == "off");

  server.Resume();
  start = std::chrono::steady_clock::now();
  BOOST_REQUIRE(Restore());
  // Not before memcached had answered for the settle time (50 ms here).
  BOOST_TEST((std::chrono::steady_clock::now() - start >= 50ms));
  BOOST_TEST(Serving());
  BOOST_TEST(Switch() != before);
  // Nothing of the old generation is read, changed or not...
  BOOST_TEST(Served("/A") == "");
  BOOST_TEST(Served("/B") == "");
  // ...though it was never deleted: no work grows with the wiki.
  BOOST_TEST(Stored("fast:" + before + ":/B") != "");
  BOOST_TEST(shared->restorations.load() == 2);
}

// The settle time runs on the clock the worker is given, from the first
// answer after the latest suspension, and only after a doubt; a new
// generation serves kAnnouncedMs after it was announced.
BOOST_FIXTURE_TEST_CASE(after_a_doubt_restoring_waits_the_settle_time, Fixture,
                        *kSharedState) {
  int64_t now_ms = 5'000'000;
  Worker timed_worker{server, *shared, *state, flag, database, [&] { return now_ms; }, 1000ms};
  FastPath& timed = timed_worker.fast;
  auto step = [&](int64_t ms) {
    now_ms += ms;
    timed.Sync();
    KeepSwitch(*shared, flag, now_ms);
  };
  // Starting is no doubt: the first answer announces, and the generation
  // serves once every host can have seen it.
  BOOST_REQUIRE(timed.suspended());
  step(0);
  BOOST_TEST(timed.suspended());
  step(kAnnouncedMs - kSyncMs);  // (a worker syncs every kSyncMs)
  BOOST_TEST(timed.suspended());
  step(kSyncMs);
  BOOST_REQUIRE(!timed.suspended());
  BOOST_TEST(Serving());

  timed.Suspend("a delete was not confirmed", Suspension::kDoubt);
  step(1000);  // memcached answers: the settle time starts
  step(999);
  BOOST_TEST(timed.suspended());
  BOOST_TEST(Switch() == "off");
  // Suspended again before it settled (for no doubt this time): it still
  // waits, starting over from the next answer.
  timed.Suspend("a worker died");
  step(101);  // past the settle time counted from the first answer
  BOOST_TEST(timed.suspended());
  step(999);
  BOOST_TEST(timed.suspended());
  step(101);  // 1,100 ms of answers since the suspension: announced
  BOOST_TEST(timed.suspended());
  step(kAnnouncedMs);
  BOOST_TEST(!timed.suspended());
  BOOST_TEST(Serving());

  // A restart of sorts needs no settle time, only an answer.
  timed.Suspend("SIGHUP");
  step(100);
  step(kAnnouncedMs);
  BOOST_TEST(!timed.suspended());

  // A copy nobody refreshes is trusted for kLeaseMs, then the switch goes
  // off by itself.
  now_ms += kLeaseMs;
  KeepSwitch(*shared, flag, now_ms);
  BOOST_TEST(timed.suspended());
  BOOST_TEST(Switch() == "off");
  step(0);
  BOOST_TEST(Serving());
}

// A suspension anywhere between a host's read of the state and its
// announcement of a new generation (here: another host's) stops that
// announcement: a suspension always moves the state to a new generation,
// and an announcement names the one it read.
BOOST_FIXTURE_TEST_CASE(a_suspension_during_restoration_keeps_it_suspended, Fixture,
                        *kSharedState) {
  BOOST_REQUIRE(Restore());
  Worker other_host{server, *FastPathShared::CreatePrivate(), *state, dir.File("other-flag"),
                    database};
  fast.Suspend("test");
  auto read = worker.record.Read();
  BOOST_REQUIRE(read.ok());
  BOOST_REQUIRE(read->phase == FastPathRecord::Phase::kOff);
  other_host.fast.Suspend("another host's delete failed", Suspension::kDoubt);
  auto announced = worker.record.Announce(read->generation, 12345);
  BOOST_REQUIRE(announced.ok());
  BOOST_TEST(!*announced);
  // And the doubt it left is waited out before anything serves.
  auto after = worker.record.Read();
  BOOST_TEST(after->doubted);
  BOOST_TEST((after->phase == FastPathRecord::Phase::kOff));
  BOOST_REQUIRE(Restore());
}

BOOST_FIXTURE_TEST_CASE(
    memcached_killed_and_restarted_empty_restores_the_fast_path, Fixture) {
  BOOST_REQUIRE(Restore());
  server.Stop();
  // A fill cannot take its mark: it sends nothing, so nothing is in doubt.
  BOOST_TEST(fast.Store("/A", 1, "a", Current()) == StoreResult::kSkipped);
  BOOST_TEST(!fast.suspended());
  // A save cannot learn whether a fill is in flight, nor delete.
  fast.Invalidate({"/A"});
  BOOST_TEST(fast.suspended());
  server.Start();
  BOOST_REQUIRE(Restore());
  BOOST_TEST(fast.Store("/A", 2, "a2", Current()) == StoreResult::kStored);
}

// A fill checked current, whose add is sent only after a suspension and a
// restoration came between: it lands in the generation nginx no longer
// reads, so the save that suspended (and deleted nothing) cannot be
// undone by it.
BOOST_FIXTURE_TEST_CASE(
    a_fill_that_straddles_a_restoration_lands_in_the_older_generation,
    Fixture, *kSharedState) {
  BOOST_REQUIRE(Restore());
  const std::string before = Switch();
  Worker other{server, *shared, *state, flag, database};
  StoreResult result = fast.Store("/A", 1, "a", [&] {
    other.fast.Suspend("a worker died");
    BOOST_REQUIRE(RestoreBy(other.fast));
    return true;
  });
  // Not added at all (the state moved on under the lock), or added where
  // nginx no longer reads.
  BOOST_TEST((result == StoreResult::kSkipped || result == StoreResult::kStored));
  BOOST_REQUIRE(!fast.suspended());
  BOOST_TEST(Switch() != before);
  BOOST_TEST(Served("/A") == "");
}

// The stripe an entry's fills and deletes take, as a stuck worker would
// hold it.
pthread_mutex_t& StripeOf(FastPathShared& shared, const std::string& entry) {
  return shared.stripes[std::hash<std::string_view>{}(entry) %
                        FastPathShared::kStripes];
}

BOOST_FIXTURE_TEST_CASE(a_stuck_stripe_suspends_a_save_instead_of_blocking_it,
                        Fixture) {
  BOOST_REQUIRE(Restore());
  // A worker stopped while holding the stripe: it holds it until the
  // calls below have returned. (Should they block instead, it lets go
  // after a minute, so the test fails on what they return, not by
  // hanging.)
  std::promise<void> locked, release;
  std::future<void> released = release.get_future();
  bool held_to_the_end = false;
  std::thread stuck([&] {
    pthread_mutex_lock(&StripeOf(*shared, "/A"));
    locked.set_value();
    held_to_the_end = released.wait_for(60s) == std::future_status::ready;
    pthread_mutex_unlock(&StripeOf(*shared, "/A"));
  });
  locked.get_future().wait();
  BOOST_TEST(fast.Store("/A", 1, "a", Current()) == StoreResult::kSkipped);
  fast.Invalidate({"/A"});
  BOOST_TEST(fast.suspended());  // nginx stops reading until it is sorted
  release.set_value();
  stuck.join();
  // Both calls returned while the stripe was still held.
  BOOST_TEST(held_to_the_end);
  BOOST_REQUIRE(Restore());
}

BOOST_FIXTURE_TEST_CASE(workers_of_an_older_configuration_never_fill_or_restore,
                        Fixture) {
  BOOST_REQUIRE(Restore());
  state->generation.fetch_add(1);  // SIGHUP: `worker` runs the old templates
  RequestSuspension(*shared, flag, "SIGHUP", MonotonicMs());
  BOOST_TEST(!Restore(800ms));
  BOOST_TEST(fast.Store("/A", 1, "old templates", Current()) ==
             StoreResult::kSkipped);
  Worker fresh{server, *shared, *state, flag, database};  // started after the SIGHUP
  BOOST_REQUIRE(RestoreBy(fresh.fast));
  BOOST_TEST(fast.Store("/A", 1, "old templates", Current()) ==
             StoreResult::kSkipped);
  BOOST_TEST(fresh.fast.Store("/A", 1, "new templates", Current()) ==
             StoreResult::kStored);
  // The old worker still deletes what a save changes.
  fast.Invalidate({"/A"});
  BOOST_TEST(Served("/A") == "");
}

// No stale overwrite, with real interleavings: a filler offers views read
// at some version while a writer bumps the version and deletes. Once the
// writer's delete returned, memcached never holds a view older than the
// version it wrote. Two workers (two Memcache handles) share the state.
BOOST_FIXTURE_TEST_CASE(
    a_slow_fill_never_outlives_the_delete_of_a_newer_version, Fixture) {
  BOOST_REQUIRE(Restore());
  Worker filler{server, *shared, *state, flag, database};
  std::atomic<int64_t> version = 1;
  std::atomic<bool> done = false;
  std::thread fills([&] {
    std::mt19937 random(7);
    while (!done) {
      int64_t read = version.load();  // "before SQLite is read"
      std::this_thread::sleep_for(std::chrono::microseconds(random() % 300));
      // The check is already old when the add is sent: only the stripe
      // lock keeps a writer's delete from coming between them.
      filler.fast.Store("/Hot", read, "v" + std::to_string(read), [&] {
        bool current = version.load() == read;
        std::this_thread::sleep_for(std::chrono::microseconds(random() % 200));
        return current;
      });
    }
  });
  int stale = 0;
  // 400 rounds at least, and on until the filler has filled a few times:
  // on a loaded machine it may get little time during the first 400.
  const auto deadline = std::chrono::steady_clock::now() + 120s;
  for (int i = 0; i < 400 || (shared->fills.load() <= 10 &&
                              std::chrono::steady_clock::now() < deadline);
       ++i) {
    int64_t now = version.fetch_add(1) + 1;  // "commit, then bump"
    fast.Invalidate({"/Hot"});               // "then delete, then acknowledge"
    std::this_thread::sleep_for(std::chrono::microseconds(i % 200));
    std::string value = Served("/Hot");
    if (value.empty()) continue;
    int64_t rev = std::stoll(value.substr(value.find("revision ") + 9));
    if (rev < now) ++stale;
  }
  done = true;
  fills.join();
  BOOST_TEST(stale == 0);
  fast.Sync();  // (a loaded machine may have let the copy age meanwhile)
  BOOST_TEST(!fast.suspended());
  BOOST_TEST(shared->fills.load() > 10);  // the race was really run
  BOOST_TEST_MESSAGE("fills " << shared->fills.load() << ", refused "
                              << shared->outdated.load());
}

}  // namespace
}  // namespace wikid::testing
