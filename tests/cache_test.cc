// Memcache against real memcached servers started on free ports: every
// call of the API, odd keys and values, and servers that stop, hang or
// never answer (M3, M5, M7; M4's fork isolation).
#define BOOST_TEST_MODULE cache
#include <boost/test/unit_test.hpp>

#include <sys/wait.h>
#include <thread>
#include <unistd.h>

#include "model/cache/memcache.h"
#include "tests/support/memcached_server.h"
#include "tests/support/temp_dir.h"

namespace wikid {

std::ostream& operator<<(std::ostream& out, CacheStatus status) {
  return out << CacheStatusName(status);
}

#define BOOST_TEST_STATUS(call, expected) BOOST_TEST((call) == (expected))

namespace {

using testing::MemcachedServer;
using Clock = std::chrono::steady_clock;

// A cache on given servers with a clock the test moves by hand.
struct CacheFixture {
  MemcachedServer server;
  Clock::time_point now = Clock::now();
  std::unique_ptr<Memcache> cache;

  CacheFixture() { Connect({server.address()}); }
  void Connect(std::vector<std::string> servers, size_t max_value = 1000 * 1024) {
    CacheOptions options;
    options.servers = std::move(servers);
    options.prefix = "test:";
    options.max_value_bytes = max_value;
    // Generous for a loaded test machine (ASan, tests in parallel): a
    // healthy server must never look failed here.
    options.connect_timeout_ms = 300;
    options.poll_timeout_ms = 300;
    cache = std::make_unique<Memcache>(options, [this] { return now; });
  }
  std::string GetValue(std::string_view key) {
    CacheItem item;
    return cache->Get(key, &item) == CacheStatus::kOk ? item.value : "<miss>";
  }
  // After a quiet call: the calls that follow get their own answers (a
  // set, an incr of what it set, a get), not an answer memcached sent to
  // the quiet one.
  void ExpectOwnAnswers() {
    uint64_t value = 0;
    BOOST_TEST_STATUS(cache->Set("own", "40"), CacheStatus::kOk);
    BOOST_TEST_STATUS(cache->Incr("own", 2, &value), CacheStatus::kOk);
    BOOST_TEST(value == 42u);
    BOOST_TEST(GetValue("own") == "42");
  }
};

BOOST_FIXTURE_TEST_SUITE(memcache, CacheFixture)

BOOST_AUTO_TEST_CASE(set_then_get_returns_value_flags_and_a_cas_token) {
  BOOST_TEST_STATUS(cache->Set("k", "value", 0, 42), CacheStatus::kOk);
  CacheItem item;
  BOOST_TEST_STATUS(cache->Get("k", &item), CacheStatus::kOk);
  BOOST_TEST(item.value == "value");
  BOOST_TEST(item.flags == 42u);
  BOOST_TEST(item.cas != 0u);
  BOOST_TEST(cache->counters().hits == 1);
}

BOOST_AUTO_TEST_CASE(a_missing_key_is_a_miss) {
  CacheItem item;
  BOOST_TEST_STATUS(cache->Get("absent", &item), CacheStatus::kMiss);
  BOOST_TEST(cache->counters().misses == 1);
  BOOST_TEST(cache->counters().errors == 0);
}

BOOST_AUTO_TEST_CASE(add_only_if_absent_replace_only_if_present) {
  BOOST_TEST_STATUS(cache->Replace("k", "r"), CacheStatus::kMiss);
  BOOST_TEST(GetValue("k") == "<miss>");
  BOOST_TEST_STATUS(cache->Add("k", "first"), CacheStatus::kOk);
  BOOST_TEST_STATUS(cache->Add("k", "second"), CacheStatus::kNotStored);
  BOOST_TEST(GetValue("k") == "first");
  BOOST_TEST_STATUS(cache->Replace("k", "third"), CacheStatus::kOk);
  BOOST_TEST(GetValue("k") == "third");
}

BOOST_AUTO_TEST_CASE(an_expired_item_is_a_miss) {
  // Stored with a long life it is there; with one second it goes. (Read
  // at once after a one-second set, it may already be gone: memcached's
  // clock ticks once a second, and a loaded machine is slow.)
  BOOST_TEST_STATUS(cache->Set("k", "v", 600), CacheStatus::kOk);
  BOOST_TEST(GetValue("k") == "v");
  BOOST_TEST_STATUS(cache->Set("k", "v", 1), CacheStatus::kOk);
  // memcached's clock ticks once a second: wait (bounded) for the expiry.
  bool expired = false;
  for (int i = 0; i < 600 && !expired; ++i) {  // up to a minute
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    expired = GetValue("k") == "<miss>";
  }
  BOOST_TEST(expired);
  // Beyond 30 days memcached would read the number as a date long past;
  // the cache cuts it to 30 days instead, so the item stays.
  BOOST_TEST_STATUS(cache->Set("k", "v", 365 * 24 * 3600), CacheStatus::kOk);
  BOOST_TEST(GetValue("k") == "v");
}

BOOST_AUTO_TEST_CASE(set_multi_and_get_multi_with_partial_misses) {
  BOOST_TEST_STATUS(cache->SetMulti({{"a", "1"}, {"b", "2"}, {"c", "3"}}),
                    CacheStatus::kOk);
  std::map<std::string, CacheItem> found;
  BOOST_TEST_STATUS(cache->GetMulti({"a", "x", "c", "y", "a"}, &found),
                    CacheStatus::kOk);
  BOOST_TEST(found.size() == 2u);
  BOOST_TEST(found["a"].value == "1");
  BOOST_TEST(found["c"].value == "3");
  BOOST_TEST(found.count("x") == 0u);
}

BOOST_AUTO_TEST_CASE(delete_and_delete_multi) {
  cache->SetMulti({{"a", "1"}, {"b", "2"}});
  BOOST_TEST_STATUS(cache->Delete("a"), CacheStatus::kOk);
  BOOST_TEST_STATUS(cache->Delete("a"), CacheStatus::kMiss);
  BOOST_TEST_STATUS(cache->DeleteMulti({"a", "b", "never"}), CacheStatus::kOk);
  BOOST_TEST(GetValue("b") == "<miss>");
}

BOOST_AUTO_TEST_CASE(incr_and_decr) {
  uint64_t value = 0;
  // Missing: a miss, and nothing is created.
  BOOST_TEST_STATUS(cache->Incr("n", 1, &value), CacheStatus::kMiss);
  BOOST_TEST(GetValue("n") == "<miss>");
  cache->Set("n", "10");
  BOOST_TEST_STATUS(cache->Incr("n", 5, &value), CacheStatus::kOk);
  BOOST_TEST(value == 15u);
  BOOST_TEST_STATUS(cache->Decr("n", 20, &value), CacheStatus::kOk);
  BOOST_TEST(value == 0u);  // stops at zero
  BOOST_TEST(std::stoull(GetValue("n")) == 0u);  // may be "0 " after a decr
  cache->Set("word", "ten");
  BOOST_TEST_STATUS(cache->Incr("word", 1, &value), CacheStatus::kError);
  BOOST_TEST(GetValue("word") == "ten");
}

BOOST_AUTO_TEST_CASE(cas_detects_a_change_since_the_read) {
  cache->Set("k", "v1");
  CacheItem first;
  cache->Get("k", &first);
  BOOST_TEST_STATUS(cache->Cas("k", "v2", first.cas), CacheStatus::kOk);
  BOOST_TEST_STATUS(cache->Cas("k", "v3", first.cas), CacheStatus::kNotStored);
  BOOST_TEST(GetValue("k") == "v2");
  cache->Delete("k");
  BOOST_TEST_STATUS(cache->Cas("k", "v4", first.cas), CacheStatus::kMiss);
}

BOOST_AUTO_TEST_CASE(cas_without_a_token_is_an_add_never_a_blind_write) {
  // M5: libmemcached aborts (ascii) or overwrites (binary) on token 0.
  BOOST_TEST_STATUS(cache->Cas("k", "fresh", 0), CacheStatus::kOk);
  BOOST_TEST_STATUS(cache->Cas("k", "blind", 0), CacheStatus::kNotStored);
  BOOST_TEST(GetValue("k") == "fresh");
}

BOOST_AUTO_TEST_CASE(odd_and_long_keys_work_and_stay_apart) {
  std::string long_a(300, 'a'), long_b = std::string(299, 'a') + "b";
  const std::string keys[] = {"has space", "new\nline", std::string("nul\0x", 5),
                              long_a, long_b, "tab\tkey", "ünïcödé"};
  for (const std::string& key : keys) cache->Set(key, "value of " + key);
  for (const std::string& key : keys) {
    BOOST_TEST(GetValue(key) == "value of " + key);
    BOOST_TEST(cache->WireKey(key).size() <= 250u);
    BOOST_TEST(cache->WireKey(key).find_first_of(" \n\t\r") == std::string::npos);
  }
  BOOST_TEST(cache->counters().hashed_keys > 0);
}

BOOST_AUTO_TEST_CASE(values_over_the_item_limit_are_not_cached) {
  BOOST_TEST_STATUS(cache->Set("big", std::string(1000 * 1024 + 1, 'x')),
                    CacheStatus::kTooBig);
  BOOST_TEST(cache->counters().too_big == 1);
  BOOST_TEST(GetValue("big") == "<miss>");
  // Past memcached's own 1 MiB limit with our check raised: the server's
  // refusal is reported the same way.
  Connect({server.address()}, 4 << 20);
  BOOST_TEST_STATUS(cache->Set("big", std::string(2 << 20, 'x')),
                    CacheStatus::kTooBig);
  BOOST_TEST_STATUS(cache->Set("small", "still fine"), CacheStatus::kOk);
}

// A quiet set is not waited for: what it stored is there for the next
// call, and the answer memcached sends only when it refuses one (here a
// value past its 1 MiB limit, our own check raised) does not become the
// answer to a later call.
BOOST_AUTO_TEST_CASE(a_quiet_set_stores_and_its_refusal_answers_no_other_call) {
  const auto sets_before = std::stoll(cache->GetStats()[0].values["cmd_set"]);
  BOOST_TEST_STATUS(cache->SetQuietly("q", "quiet value", 60, 7), CacheStatus::kOk);
  CacheItem item;
  BOOST_TEST_STATUS(cache->Get("q", &item), CacheStatus::kOk);
  BOOST_TEST(item.value == "quiet value");
  BOOST_TEST(item.flags == 7u);
  BOOST_TEST(std::stoll(cache->GetStats()[0].values["cmd_set"]) == sets_before + 1);
  // Our limit still holds: nothing sent.
  BOOST_TEST_STATUS(cache->SetQuietly("big", std::string(1000 * 1024 + 1, 'x')),
                    CacheStatus::kTooBig);
  Connect({server.address()}, 4 << 20);
  BOOST_TEST_STATUS(cache->SetQuietly("big", std::string(2 << 20, 'x')), CacheStatus::kOk);
  ExpectOwnAnswers();
  BOOST_TEST(GetValue("q") == "quiet value");
  BOOST_TEST(GetValue("big") == "<miss>");
  BOOST_TEST(cache->counters().errors == 0);
  // No server: the send itself fails, and says so.
  server.Stop();
  cache->SetQuietly("q", "lost");  // may take the broken connection's news
  BOOST_TEST_STATUS(cache->SetQuietly("q", "lost"), CacheStatus::kError);
}

// A quiet add stores a key that is absent; where one is there already,
// that one stays, and memcached's refusal (ADDQ's only answer) is
// answered to no later call: an incr and gets after it get their own.
BOOST_AUTO_TEST_CASE(a_quiet_add_leaves_what_is_there_and_its_refusal_answers_no_other_call) {
  BOOST_TEST_STATUS(cache->AddQuietly("qa", "first", 60), CacheStatus::kOk);
  BOOST_TEST(GetValue("qa") == "first");
  BOOST_TEST_STATUS(cache->AddQuietly("qa", "second", 60), CacheStatus::kOk);  // refused
  ExpectOwnAnswers();
  BOOST_TEST(GetValue("qa") == "first");
  BOOST_TEST(cache->counters().errors == 0);
}

BOOST_AUTO_TEST_CASE(flush_all_empties_every_server) {
  MemcachedServer second;
  Connect({server.address(), second.address()});
  for (int i = 0; i < 50; ++i) cache->Set("k" + std::to_string(i), "v");
  auto stats = cache->GetStats();
  BOOST_REQUIRE(stats.size() == 2u);
  // Ketama spreads keys over both servers.
  BOOST_TEST(std::stoi(stats[0].values["curr_items"]) > 0);
  BOOST_TEST(std::stoi(stats[1].values["curr_items"]) > 0);
  BOOST_TEST(std::stoi(stats[0].values["curr_items"]) +
                 std::stoi(stats[1].values["curr_items"]) == 50);
  BOOST_TEST_STATUS(cache->FlushAll(), CacheStatus::kOk);
  for (int i = 0; i < 50; ++i) BOOST_TEST(GetValue("k" + std::to_string(i)) == "<miss>");
}

BOOST_AUTO_TEST_CASE(a_unix_socket_server_works_beside_a_tcp_one) {
  // scripts/run's private memcached: a socket only its owner may use.
  testing::TempDir dir;
  MemcachedServer local(dir.File("memcached.sock"));
  Connect({local.address(), server.address()});
  for (int i = 0; i < 50; ++i) cache->Set("k" + std::to_string(i), "v" + std::to_string(i));
  for (int i = 0; i < 50; ++i) BOOST_TEST(GetValue("k" + std::to_string(i)) == "v" + std::to_string(i));
  auto stats = cache->GetStats();
  BOOST_REQUIRE(stats.size() == 2u);
  BOOST_TEST(stats[0].server == local.address());  // a path, no ":0"
  BOOST_TEST(stats[0].reachable);
  BOOST_TEST(std::stoi(stats[0].values["curr_items"]) > 0);
  BOOST_TEST(ParseServerList(local.address() + ",127.0.0.1:11211").ok());
  BOOST_TEST(!ParseServerList("/with space/m.sock").ok());
}

BOOST_AUTO_TEST_CASE(get_stats_names_each_server_and_whether_it_answers) {
  auto stats = cache->GetStats();
  BOOST_REQUIRE(stats.size() == 1u);
  BOOST_TEST(stats[0].server == server.address());
  BOOST_TEST(stats[0].reachable);
  for (const char* key : {"uptime", "curr_items", "bytes", "get_hits",
                          "get_misses", "evictions", "curr_connections"}) {
    BOOST_TEST(stats[0].values.count(key) == 1u, key);
  }
}

BOOST_AUTO_TEST_CASE(a_stopped_server_fails_fast_then_recovers) {
  cache->Set("k", "v");
  server.Stop();
  CacheItem item;
  for (int i = 0; i < 3; ++i) BOOST_TEST_STATUS(cache->Get("k", &item), CacheStatus::kError);
  // The breaker is open: calls do not even reach libmemcached.
  int64_t errors = cache->counters().errors;
  BOOST_TEST_STATUS(cache->Set("k", "v"), CacheStatus::kError);
  BOOST_TEST(cache->counters().skipped == 1);
  BOOST_TEST(cache->counters().errors == errors);
  server.Start();
  now += std::chrono::seconds(3);
  // libmemcached itself waits out its one-second retry interval.
  CacheStatus status = CacheStatus::kError;
  for (int i = 0; i < 40 && status == CacheStatus::kError; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    now += std::chrono::seconds(3);
    status = cache->Get("k", &item);
  }
  BOOST_TEST_STATUS(status, CacheStatus::kMiss);  // a new, empty server
  BOOST_TEST_STATUS(cache->Set("k", "again"), CacheStatus::kOk);
}

BOOST_AUTO_TEST_CASE(a_hung_server_opens_the_breaker) {
  cache->Set("k", "v");
  server.Pause();
  CacheItem item;
  for (int i = 0; i < 3; ++i) BOOST_TEST_STATUS(cache->Get("k", &item), CacheStatus::kError);
  BOOST_TEST_STATUS(cache->Get("k", &item), CacheStatus::kError);
  BOOST_TEST(cache->counters().skipped == 1);
  server.Resume();
  CacheStatus status = CacheStatus::kError;
  for (int i = 0; i < 40 && status != CacheStatus::kOk; ++i) {
    now += std::chrono::seconds(3);
    status = cache->Get("k", &item);
    if (status != CacheStatus::kOk) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  BOOST_TEST_STATUS(status, CacheStatus::kOk);
  BOOST_TEST(item.value == "v");
}

BOOST_AUTO_TEST_CASE(a_black_hole_costs_three_timeouts_then_nothing) {
  testing::BlackHole hole;
  Connect({hole.address()});
  CacheItem item;
  for (int i = 0; i < 10; ++i) BOOST_TEST_STATUS(cache->Get("k", &item), CacheStatus::kError);
  BOOST_TEST(cache->counters().errors == 3);
  BOOST_TEST(cache->counters().skipped == 7);
}

BOOST_AUTO_TEST_CASE(no_servers_means_no_cache) {
  Connect({});
  BOOST_TEST(!cache->enabled());
  BOOST_TEST_STATUS(cache->Set("k", "v"), CacheStatus::kError);
}

BOOST_AUTO_TEST_CASE(a_handle_used_before_fork_is_not_shared_after) {
  // M4: a memcached_st shared across fork() returned the other process's
  // answers. The cache notices the fork and connects afresh.
  cache->Set("parent", "P");
  cache->Set("child", "C");
  BOOST_REQUIRE(GetValue("parent") == "P");
  pid_t pid = fork();
  if (pid == 0) {
    int wrong = 0;
    for (int i = 0; i < 2000; ++i) wrong += GetValue("child") != "C";
    _exit(wrong == 0 ? 0 : 1);
  }
  int wrong = 0;
  for (int i = 0; i < 2000; ++i) wrong += GetValue("parent") != "P";
  int status = 0;
  waitpid(pid, &status, 0);
  BOOST_TEST(wrong == 0);
  BOOST_TEST(WEXITSTATUS(status) == 0);
}

BOOST_AUTO_TEST_CASE(server_lists_are_parsed_strictly) {
  auto ok = ParseServerList("127.0.0.1:11211,cache.local:11212");
  BOOST_REQUIRE(ok.ok());
  BOOST_TEST(ok->size() == 2u);
  for (const char* bad : {"127.0.0.1", ":11211", "host:0", "host:x", "a:1,,b:2", "h:70000"}) {
    BOOST_TEST(!ParseServerList(bad).ok(), bad);
  }
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace wikid
