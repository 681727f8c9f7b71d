// model/fast_path: nginx's key escaping, fills that only land while their
// view is current, deletes that suspend when memcached cannot confirm
// them, and the restoration that clears every entry before nginx may read
// them again; against a real memcached.
#define BOOST_TEST_MODULE fast_path
#include "model/cache/fast_path.h"

#include <unistd.h>

#include <atomic>
#include <boost/test/unit_test.hpp>
#include <random>
#include <thread>

#include "tests/support/memcached_server.h"
#include "tests/support/temp_dir.h"

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

bool Exists(const std::string& path) { return access(path.c_str(), F_OK) == 0; }

CacheOptions OptionsFor(const MemcachedServer& server) {
  CacheOptions options;
  options.servers = {server.address()};
  options.breaker_open = 100ms;
  return options;
}

// One worker's view of a fast path: its own Memcache over the shared state.
struct Worker {
  Worker(const MemcachedServer& server, FastPathShared& shared,
         const CacheState& state, const std::string& flag)
      : cache(OptionsFor(server)),
        fast(cache, shared, state, flag, true, 50ms) {}
  Memcache cache;
  FastPath fast;
};

struct Fixture {
  MemcachedServer server;
  TempDir dir;
  std::string flag = dir.File("fast-path-on");
  FastPathShared* shared = FastPathShared::CreatePrivate();
  CacheState* state = CacheState::CreatePrivate();
  Worker worker{server, *shared, *state, flag};
  FastPath& fast = worker.fast;
  std::vector<std::string> all_keys;

  // Calls MaybeRestore until the fast path serves, for at most `timeout`.
  bool Restore(std::chrono::milliseconds timeout = 3s) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (fast.suspended()) {
      if (std::chrono::steady_clock::now() > deadline) return false;
      fast.MaybeRestore(
          [&] { return Result<std::vector<std::string>>(all_keys); });
      std::this_thread::sleep_for(10ms);
    }
    return true;
  }

  std::string Stored(const std::string& key) {
    CacheItem item;
    return worker.cache.Get(key, &item) == CacheStatus::kOk ? item.value : "";
  }
};

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

BOOST_FIXTURE_TEST_CASE(a_key_past_memcacheds_limit_stays_off_the_fast_path,
                        Fixture) {
  // "wikid:" + "fast:" + path: 250 bytes is the most memcached stores.
  std::string path = "/" + std::string(250 - 11 - 1, 'a');
  BOOST_TEST(fast.KeyFor(path).has_value());
  BOOST_TEST(fast.KeyFor(path + "a").has_value() == false);
  // Escaping counts: a space is three bytes in the key.
  BOOST_TEST(fast.KeyFor(path.substr(0, path.size() - 2) + " ").has_value() ==
             false);
  BOOST_TEST(*fast.KeyFor("/A b") == "fast:/A%20b");
}

BOOST_FIXTURE_TEST_CASE(a_fill_lands_only_while_its_view_is_current, Fixture) {
  all_keys = {"fast:/A"};
  // It starts suspended, and fills nothing, until a worker has cleared
  // what an earlier run may have left.
  BOOST_TEST(fast.suspended());
  BOOST_TEST(!Exists(flag));
  BOOST_TEST(fast.Store("fast:/A", 1, "<p>one", Current()) ==
             StoreResult::kSkipped);
  BOOST_REQUIRE(Restore());
  BOOST_TEST(Exists(flag));

  BOOST_TEST(fast.Store("fast:/A", 3, "<p>three", [] { return false; }) ==
             StoreResult::kOutdated);
  BOOST_TEST(Stored("fast:/A") == "");
  BOOST_TEST(fast.Store("fast:/A", 1, "<p>one", Current()) ==
             StoreResult::kStored);
  BOOST_TEST(Stored("fast:/A") == fast.Frame("fast:/A", 1) + "<p>one");
  BOOST_TEST(fast.Store("fast:/A", 1, "<p>one", Current()) ==
             StoreResult::kPresent);
  BOOST_TEST(shared->fills.load() == 1);
  BOOST_TEST(shared->already.load() == 1);
  BOOST_TEST(shared->outdated.load() == 1);
  // The frame names the key and revision and cannot end the comment early.
  BOOST_TEST(fast.Frame("fast:/a--b", 7) ==
             "<!-- wikid fast path: key wikid:fast:/a%2D%2Db revision 7 -->\n");

  auto presence = fast.CountPresent({"fast:/A", "fast:/B"});
  BOOST_TEST(presence.present == 1);
  BOOST_TEST(presence.mismatched == 0);
  worker.cache.Set("fast:/B", fast.Frame("fast:/A", 1) + "<p>misplaced");
  presence = fast.CountPresent({"fast:/A", "fast:/B"});
  BOOST_TEST(presence.present == 2);
  BOOST_TEST(presence.mismatched == 1);
}

BOOST_FIXTURE_TEST_CASE(a_change_deletes_its_entries, Fixture) {
  BOOST_REQUIRE(Restore());
  fast.Store("fast:/A", 1, "a", Current());
  fast.Store("fast:/B", 1, "b", Current());
  fast.Invalidate({"fast:/A", "fast:/missing"});
  BOOST_TEST(Stored("fast:/A") == "");
  BOOST_TEST(Stored("fast:/B") != "");
  BOOST_TEST(!fast.suspended());
  BOOST_TEST(shared->deletes.load() == 1);
}

BOOST_FIXTURE_TEST_CASE(
    an_unconfirmed_delete_suspends_until_every_entry_is_gone, Fixture) {
  all_keys = {"fast:/A", "fast:/B"};
  BOOST_REQUIRE(Restore());
  fast.Store("fast:/A", 1, "a", Current());
  fast.Store("fast:/B", 1, "b", Current());

  server.Pause();  // the delete cannot be confirmed...
  auto start = std::chrono::steady_clock::now();
  fast.Invalidate({"fast:/A"});
  BOOST_TEST(fast.suspended());  // ...so nginx must stop reading entries
  BOOST_TEST(!Exists(flag));
  BOOST_TEST((std::chrono::steady_clock::now() - start < 500ms));
  BOOST_TEST(fast.Store("fast:/B", 2, "b2", Current()) == StoreResult::kSkipped);
  // Still hung: restoring waits.
  for (int i = 0; i < 10; ++i) {
    fast.MaybeRestore(
        [&] { return Result<std::vector<std::string>>(all_keys); });
    std::this_thread::sleep_for(10ms);
  }
  BOOST_TEST(fast.suspended());

  server.Resume();
  start = std::chrono::steady_clock::now();
  BOOST_REQUIRE(Restore());
  // Not before memcached had answered for the settle time (50 ms here).
  BOOST_TEST((std::chrono::steady_clock::now() - start >= 50ms));
  BOOST_TEST(Exists(flag));
  BOOST_TEST(Stored("fast:/A") == "");
  BOOST_TEST(Stored("fast:/B") == "");  // every entry, not only the changed one
  BOOST_TEST(shared->restorations.load() == 2);
}

// The settle time runs on the clock the worker is given, from the first
// answer after the latest suspension.
BOOST_FIXTURE_TEST_CASE(restoring_waits_the_settle_time_after_the_latest_suspension,
                        Fixture) {
  int64_t now_ms = 5'000'000;
  Memcache cache(OptionsFor(server));
  FastPath timed(cache, *shared, *state, flag, true, 1000ms, [&] { return now_ms; });
  all_keys = {"fast:/A"};
  auto keys = [&] { return Result<std::vector<std::string>>(all_keys); };
  BOOST_REQUIRE(timed.suspended());  // as every wikid starts
  timed.MaybeRestore(keys);          // memcached answers: the settle time starts
  now_ms += 999;
  timed.MaybeRestore(keys);
  BOOST_TEST(timed.suspended());
  BOOST_TEST(!Exists(flag));
  // Suspended again before it settled: it starts over from the next answer.
  timed.Suspend("a delete was not confirmed");
  now_ms += 101;  // past the settle time counted from the first answer
  timed.MaybeRestore(keys);
  BOOST_TEST(timed.suspended());
  now_ms += 999;
  timed.MaybeRestore(keys);
  BOOST_TEST(timed.suspended());
  now_ms += 101;  // 1,100 ms of answers since the suspension
  timed.MaybeRestore(keys);
  BOOST_TEST(!timed.suspended());
  BOOST_TEST(Exists(flag));
}

BOOST_FIXTURE_TEST_CASE(a_suspension_during_restoration_keeps_it_suspended,
                        Fixture) {
  all_keys = {"fast:/A"};
  BOOST_REQUIRE(Restore());
  Worker other_worker{server, *shared, *state, flag};
  FastPath& other = other_worker.fast;
  bool suspended_meanwhile = false;
  SuspendFastPath(*shared, flag, "test");
  std::function<Result<std::vector<std::string>>()> keys = [&] {
    if (!suspended_meanwhile) {
      suspended_meanwhile = true;
      other.Suspend("another worker's delete failed");
    }
    return Result<std::vector<std::string>>(all_keys);
  };
  auto deadline = std::chrono::steady_clock::now() + 1s;
  while (!suspended_meanwhile && std::chrono::steady_clock::now() < deadline) {
    fast.MaybeRestore(keys);
    std::this_thread::sleep_for(10ms);
  }
  BOOST_REQUIRE(suspended_meanwhile);
  BOOST_TEST(fast.suspended());
  BOOST_TEST(!Exists(flag));
  BOOST_REQUIRE(Restore());  // the next attempt may end it
}

BOOST_FIXTURE_TEST_CASE(
    memcached_killed_and_restarted_empty_restores_the_fast_path, Fixture) {
  all_keys = {"fast:/A"};
  BOOST_REQUIRE(Restore());
  server.Stop();
  BOOST_TEST(fast.Store("fast:/A", 1, "a", Current()) == StoreResult::kFailed);
  BOOST_TEST(fast.suspended());
  server.Start();
  BOOST_REQUIRE(Restore(5s));
  BOOST_TEST(fast.Store("fast:/A", 2, "a2", Current()) == StoreResult::kStored);
}

// The stripe a key's fills and deletes take, as a stuck worker would hold it.
pthread_mutex_t& StripeOf(FastPathShared& shared, const std::string& key) {
  return shared
      .stripes[std::hash<std::string>{}(key) % FastPathShared::kStripes];
}

BOOST_FIXTURE_TEST_CASE(restoring_waits_for_a_fill_still_in_flight, Fixture) {
  all_keys = {"fast:/A"};
  BOOST_REQUIRE(Restore());
  SuspendFastPath(*shared, flag, "test");
  // A fill that passed its checks and has not reached memcached yet holds
  // its stripe; restoring must not delete that key before it lands.
  pthread_mutex_lock(&StripeOf(*shared, "fast:/A"));
  auto start = std::chrono::steady_clock::now();
  while (std::chrono::steady_clock::now() - start < 1500ms) {
    fast.MaybeRestore(
        [&] { return Result<std::vector<std::string>>(all_keys); });
    std::this_thread::sleep_for(10ms);
  }
  BOOST_TEST(fast.suspended());
  BOOST_TEST(!Exists(flag));
  pthread_mutex_unlock(&StripeOf(*shared, "fast:/A"));
  BOOST_REQUIRE(Restore());
}

BOOST_FIXTURE_TEST_CASE(a_stuck_stripe_suspends_a_save_instead_of_blocking_it,
                        Fixture) {
  BOOST_REQUIRE(Restore());
  std::thread stuck([&] {  // a worker stopped while holding the stripe
    pthread_mutex_lock(&StripeOf(*shared, "fast:/A"));
    std::this_thread::sleep_for(1500ms);
    pthread_mutex_unlock(&StripeOf(*shared, "fast:/A"));
  });
  std::this_thread::sleep_for(50ms);
  auto start = std::chrono::steady_clock::now();
  BOOST_TEST(fast.Store("fast:/A", 1, "a", Current()) == StoreResult::kSkipped);
  fast.Invalidate({"fast:/A"});
  BOOST_TEST((std::chrono::steady_clock::now() - start < 1400ms));
  BOOST_TEST(fast.suspended());  // nginx stops reading until it is sorted
  stuck.join();
  BOOST_REQUIRE(Restore());
}

BOOST_FIXTURE_TEST_CASE(workers_of_an_older_configuration_never_fill_or_restore,
                        Fixture) {
  all_keys = {"fast:/A"};
  state->generation.fetch_add(1);  // SIGHUP: `worker` runs the old templates
  SuspendFastPath(*shared, flag, "SIGHUP");
  BOOST_TEST(!Restore(500ms));
  BOOST_TEST(fast.Store("fast:/A", 1, "old templates", Current()) ==
             StoreResult::kSkipped);
  Worker fresh{server, *shared, *state, flag};  // started after the SIGHUP
  auto deadline = std::chrono::steady_clock::now() + 3s;
  while (fresh.fast.suspended() &&
         std::chrono::steady_clock::now() < deadline) {
    fresh.fast.MaybeRestore(
        [&] { return Result<std::vector<std::string>>(all_keys); });
    std::this_thread::sleep_for(10ms);
  }
  BOOST_REQUIRE(!fresh.fast.suspended());
  BOOST_TEST(fast.Store("fast:/A", 1, "old templates", Current()) ==
             StoreResult::kSkipped);
  BOOST_TEST(fresh.fast.Store("fast:/A", 1, "new templates", Current()) ==
             StoreResult::kStored);
  // The old worker still deletes what a save changes.
  fast.Invalidate({"fast:/A"});
  BOOST_TEST(Stored("fast:/A") == "");
}

// No stale overwrite, with real interleavings: a filler offers views read
// at some version while a writer bumps the version and deletes. Once the
// writer's delete returned, memcached never holds a view older than the
// version it wrote. Two workers (two Memcache handles) share the state.
BOOST_FIXTURE_TEST_CASE(
    a_slow_fill_never_outlives_the_delete_of_a_newer_version, Fixture) {
  BOOST_REQUIRE(Restore());
  Worker filler{server, *shared, *state, flag};
  std::atomic<int64_t> version = 1;
  std::atomic<bool> done = false;
  std::thread fills([&] {
    std::mt19937 random(7);
    while (!done) {
      int64_t read = version.load();  // "before SQLite is read"
      std::this_thread::sleep_for(std::chrono::microseconds(random() % 300));
      // The check is already old when the add is sent: only the stripe
      // lock keeps a writer's delete from coming between them.
      filler.fast.Store("fast:/Hot", read, "v" + std::to_string(read), [&] {
        bool current = version.load() == read;
        std::this_thread::sleep_for(std::chrono::microseconds(random() % 200));
        return current;
      });
    }
  });
  int stale = 0;
  for (int i = 0; i < 400; ++i) {
    int64_t now = version.fetch_add(1) + 1;  // "commit, then bump"
    fast.Invalidate({"fast:/Hot"});          // "then delete, then acknowledge"
    std::this_thread::sleep_for(std::chrono::microseconds(i % 200));
    std::string value = Stored("fast:/Hot");
    if (value.empty()) continue;
    int64_t rev = std::stoll(value.substr(value.find("revision ") + 9));
    if (rev < now) ++stale;
  }
  done = true;
  fills.join();
  BOOST_TEST(stale == 0);
  BOOST_TEST(!fast.suspended());
  BOOST_TEST(shared->fills.load() > 10);  // the race was really run
  BOOST_TEST_MESSAGE("fills " << shared->fills.load() << ", refused "
                              << shared->outdated.load());
}

}  // namespace
}  // namespace wikid::testing
