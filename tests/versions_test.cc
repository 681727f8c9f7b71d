// Versions (model/cache/versions.h): the numbers every cached view is
// stamped with, in memcached where every host reads them, under an epoch
// kept elsewhere (here a number in memory standing for the database row).
// Each "host" is its own Memcache and CacheState, as separate machines
// would have; all talk to one real memcached.
#define BOOST_TEST_MODULE versions
#include "model/cache/versions.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <boost/test/unit_test.hpp>
#include <regex>

#include "model/cache/stamped_cache.h"
#include "tests/support/memcached_server.h"

namespace wikid::testing {
namespace {

// The shared database row, as far as Versions can tell.
struct SharedEpoch {
  uint64_t epoch = 41;
  bool readable = true;
  bool writable = true;
  int reads = 0;
  EpochRecord Record() {
    return EpochRecord{.read = [this]() -> Result<uint64_t> {
                         ++reads;
                         if (!readable)
                           return Status::Unavailable("database gone");
                         return epoch;
                       },
                       .advance = [this]() -> Result<uint64_t> {
                         if (!writable)
                           return Status::Unavailable("database gone");
                         return ++epoch;
                       }};
  }
};

CacheOptions OptionsFor(const std::string& address, int timeout_ms) {
  CacheOptions options;
  options.servers = {address};
  options.prefix = "t:";
  options.connect_timeout_ms = timeout_ms;
  options.poll_timeout_ms = timeout_ms;
  options.breaker_failures = 1000;  // every call asks the server
  return options;
}

// One host: its own memcached client, shared memory and clock.
struct Host {
  Host(const std::string& address, SharedEpoch& shared, int timeout_ms = 10'000)
      : cache(OptionsFor(address, timeout_ms)),
        state(CacheState::CreatePrivate()),
        versions(
            cache, *state, shared.Record(), [this] { return now_ms; },
            [this](int64_t ms) { slept_ms += ms; }) {}
  Stamp Page(const std::string& title, bool site = false) {
    auto stamp = versions.ForPage(title, site);
    BOOST_REQUIRE(stamp.has_value());
    return *stamp;
  }
  Memcache cache;
  CacheState* state;
  int64_t now_ms = 1'000'000;
  int64_t slept_ms = 0;
  Versions versions;
};

struct Fixture {
  MemcachedServer server;
  SharedEpoch epoch;
  Host a{server.address(), epoch};
  Host b{server.address(), epoch};
  // Each host's first stamp moves every view's numbers (a start may follow
  // a host killed mid-save): done here, so the tests start after it.
  Fixture() {
    a.Page("Warm");
    b.Page("Warm");
  }
};

BOOST_FIXTURE_TEST_CASE(
    a_save_moves_its_pages_numbers_and_the_sites_on_every_host, Fixture) {
  const Stamp page = a.Page("Page", true), other = a.Page("Other");
  BOOST_TEST((b.Page("Page", true) == page));  // one set of numbers
  b.versions.Bump("Page", /*created=*/false);
  const Stamp after = a.Page("Page", true);
  BOOST_TEST(after.page != page.page);
  BOOST_TEST(after.site != page.site);
  BOOST_TEST(after.links == page.links);  // no page was created
  BOOST_TEST(after.epoch == page.epoch);
  BOOST_TEST((a.Page("Other") == other));  // another page's views stay
  BOOST_TEST(b.slept_ms == 0);
}

BOOST_FIXTURE_TEST_CASE(a_new_page_moves_the_links_number_every_view_holds,
                        Fixture) {
  const Stamp other = a.Page("Other");
  b.versions.Bump("New", /*created=*/true);
  const Stamp after = a.Page("Other");
  BOOST_TEST(after.links != other.links);
  BOOST_TEST(after.page == other.page);
}

BOOST_FIXTURE_TEST_CASE(numbers_memcached_lost_are_made_again_at_random,
                        Fixture) {
  const Stamp before = a.Page("Page", true);
  BOOST_REQUIRE(a.cache.FlushAll() == CacheStatus::kOk);
  const Stamp after = b.Page("Page", true);
  BOOST_TEST(after.page != before.page);
  BOOST_TEST(after.links != before.links);
  BOOST_TEST(after.site != before.site);
  BOOST_TEST(
      (a.Page("Page", true) == after));  // the other host reads them back
  BOOST_TEST(b.versions.counters().seeded == 3);
  // A save after a flush: memcached holds no number to increment, and
  // the next reader makes a new one, which is as good.
  BOOST_REQUIRE(a.cache.FlushAll() == CacheStatus::kOk);
  a.versions.Bump("Page", false);
  BOOST_TEST(a.slept_ms == 0);  // a miss is no doubt
  BOOST_TEST(!(b.Page("Page", true) == after));
}

// The failure the epoch is for: a save's increments never reach the
// memcached that holds the numbers (here the writer's host is cut off from
// it: its client points at a port that accepts and never answers), and
// memcached keeps serving the old numbers and the old views to the others.
struct CutOffSave : Fixture {
  StampedCache views_a{a.cache, 0}, views_b{b.cache, 0};
  Stamp before;
  BlackHole cut_off;
  Host hung{cut_off.address(), epoch, /*timeout_ms=*/50};  // the product's
  bool bumped = false;  // what Bump answered
  CutOffSave() {
    before = b.Page("Page");
    views_b.Store("page:Page", "revision 1", before);
    hung.state->bumps_asked = 0;  // (its start's catching up is another test's)
  }
  // What host a finds after the save, its copy of the epoch past the
  // lease by then (the writer waited it out).
  std::optional<std::string> SeenAfterTheSave() {
    bumped = hung.versions.Bump("Page", false);
    a.now_ms += kEpochLeaseMs;
    return views_a.Find("page:Page", a.Page("Page"));
  }
};

BOOST_FIXTURE_TEST_CASE(an_unconfirmed_save_retires_every_view_on_every_host,
                        CutOffSave) {
  // The old view, still in memcached under the old numbers (the increment
  // was lost), is never served: the stamp holds a new epoch...
  BOOST_TEST(!SeenAfterTheSave().has_value());
  BOOST_TEST(a.Page("Page").epoch == 42u);
  BOOST_TEST(a.Page("Page").page == before.page);
  // ...which the writer advanced, then waited out every copy's lease
  // before returning (before the save is acknowledged).
  BOOST_TEST(epoch.epoch == 42u);
  BOOST_TEST(hung.slept_ms > kEpochLeaseMs);
  BOOST_TEST(hung.versions.counters().doubts == 1);
  BOOST_TEST(bumped);  // the save may be answered
}

// The control: without the epoch, the same failure serves the old view,
// so the test above would see it.
BOOST_FIXTURE_TEST_CASE(without_the_epoch_the_old_view_would_be_served,
                        CutOffSave) {
  epoch.writable = false;  // the epoch cannot be advanced
  BOOST_TEST(SeenAfterTheSave().value_or("nothing") == "revision 1");
  // Which is why the writer is told: its save must not be answered as
  // visible (PageWrites answers Unavailable, saying why).
  BOOST_TEST(!bumped);
}

BOOST_FIXTURE_TEST_CASE(a_copy_of_the_epoch_is_trusted_for_the_lease_only,
                        Fixture) {
  const uint64_t first = a.Page("Page").epoch;
  const int reads = epoch.reads;
  ++epoch.epoch;  // another host advanced it
  a.now_ms += kEpochLeaseMs - 1;
  BOOST_TEST(a.Page("Page").epoch == first);  // still within its lease
  BOOST_TEST(epoch.reads == reads);
  a.now_ms += 1;
  BOOST_TEST(a.Page("Page").epoch == first + 1);  // read again
  // Between requests a worker reads it sooner, so requests rarely do.
  a.now_ms += kEpochRefreshMs;
  a.versions.Refresh();
  BOOST_TEST(epoch.reads == reads + 2);
  // An epoch that cannot be read: the copy serves out its lease, then no
  // stamp, so no cache at all.
  epoch.readable = false;
  a.now_ms += kEpochLeaseMs - 1;
  BOOST_TEST(a.versions.ForPage("Page").has_value());
  a.now_ms += 1;
  BOOST_TEST(!a.versions.ForPage("Page").has_value());
  epoch.readable = true;
  BOOST_TEST(a.versions.ForPage("Page").has_value());
}

BOOST_FIXTURE_TEST_CASE(no_stamp_while_memcached_does_not_answer, Fixture) {
  Host hung{server.address(), epoch, 50};
  hung.Page("Warm");
  server.Pause();
  BOOST_TEST(!hung.versions.ForPage("Page").has_value());
  BOOST_TEST(!hung.versions.ForSite().has_value());
  server.Resume();
  BOOST_TEST(hung.versions.ForPage("Page").has_value());
}

// How a view may replace another in memcached: a reader's fill never puts
// an older stamp over a newer one (a slow reader cannot push out a
// writer's fresh view), while a writer's publication of what it just
// committed is one set over whatever is there (either way, each view is
// served only under its own stamp).
BOOST_FIXTURE_TEST_CASE(a_fill_keeps_a_newer_view_a_publication_replaces_it,
                        Fixture) {
  StampedCache views_a{a.cache, 0}, views_b{b.cache, 0};
  const Stamp old_stamp = a.Page("Page");
  b.versions.Bump("Page", /*created=*/false);
  const Stamp new_stamp = b.Page("Page");
  views_b.Store("page:Page", "revision 2", new_stamp, 2);
  views_a.Store("page:Page", "revision 1", old_stamp, 1, StoreMode::kFill);
  BOOST_TEST(views_a.Find("page:Page", new_stamp).value_or("none") == "revision 2");
  views_a.Store("page:Page", "revision 1", old_stamp, 1, StoreMode::kPublish);
  // A publication is a quiet set, not waited for: a waited call after it
  // on the same connection says memcached has done it before b looks.
  BOOST_REQUIRE(a.cache.Set("sync", "1") == CacheStatus::kOk);
  BOOST_TEST(!views_b.Find("page:Page", new_stamp).has_value());
  BOOST_TEST(views_b.Find("page:Page", old_stamp).value_or("none") == "revision 1");
}

// A reader who found no view at all fills without waiting (kFillAbsent,
// a quiet add): Find says when memcached held nothing. If another
// reader's view got there first, it stays, even one with an older stamp;
// the next reader finds that one stale (not absent) and its kFill puts
// the newer view over it.
BOOST_FIXTURE_TEST_CASE(a_fill_after_an_absent_view_adds_without_waiting, Fixture) {
  StampedCache views_a{a.cache, 0}, views_b{b.cache, 0};
  // A quiet add is not waited for: a waited call on the same connection
  // after it (memcached answers a connection's requests in order) says
  // it has been done, before another connection looks.
  auto done = [](Host& host) { BOOST_REQUIRE(host.cache.Set("sync", "1") == CacheStatus::kOk); };
  const Stamp old_stamp = a.Page("Absent");
  bool absent = false;
  BOOST_TEST(!views_a.Find("page:Absent", old_stamp, &absent).has_value());
  BOOST_TEST(absent);
  views_a.Store("page:Absent", "revision 1", old_stamp, 1, StoreMode::kFillAbsent);
  done(a);
  BOOST_TEST(views_b.Find("page:Absent", old_stamp, &absent).value_or("none") == "revision 1");
  BOOST_TEST(!absent);
  b.versions.Bump("Absent", /*created=*/false);
  const Stamp new_stamp = b.Page("Absent");
  BOOST_TEST(!views_b.Find("page:Absent", new_stamp, &absent).has_value());
  BOOST_TEST(!absent);  // there, but stale
  views_b.Store("page:Absent", "revision 2", new_stamp, 2, StoreMode::kFillAbsent);
  done(b);
  BOOST_TEST(!views_a.Find("page:Absent", new_stamp).has_value());  // the older one stayed
  views_b.Store("page:Absent", "revision 2", new_stamp, 2, StoreMode::kFill);
  BOOST_TEST(views_a.Find("page:Absent", new_stamp).value_or("none") == "revision 2");
}

// A worker that died unasked may have committed a save without moving
// its numbers: the master asks (CacheState::bumps_asked), and each worker
// moves the numbers every view holds before its next stamp, unless
// another worker of its host already did.
BOOST_FIXTURE_TEST_CASE(a_dead_workers_saves_move_every_views_numbers,
                        Fixture) {
  const Stamp before = a.Page("Page", true);
  a.state->bumps_asked.fetch_add(1);
  const Stamp after = a.Page("Page", true);
  BOOST_TEST(after.links != before.links);
  BOOST_TEST(after.site != before.site);
  BOOST_TEST(after.page == before.page);
  // A second worker of the same host, reading after that: nothing more.
  Memcache second_cache(OptionsFor(server.address(), 10'000));
  Versions second(second_cache, *a.state, epoch.Record());
  auto seen = second.ForPage("Page", true);
  BOOST_REQUIRE(seen.has_value());
  BOOST_TEST((*seen == after));
  BOOST_TEST((a.Page("Page", true) == after));
}

// --- In flight: a write between its mark and its settle ----------------

// Monotonic reads: from a write's mark (before its commit) to its settle,
// no reader on any host gets a stamp of its numbers, so no view of them
// is served or made; then they have moved.
BOOST_FIXTURE_TEST_CASE(a_write_in_flight_gives_no_stamp_until_it_settles, Fixture) {
  const Stamp before = b.Page("Page", true), other = b.Page("Other");
  Versions::InFlight in_flight = a.versions.Mark({"Page"}, /*may_create=*/false);
  BOOST_TEST(in_flight.marked.size() == 2u);  // the page's and the site's
  BOOST_TEST(!b.versions.ForPage("Page").has_value());
  BOOST_TEST(!b.versions.ForSite().has_value());
  BOOST_TEST(b.versions.counters().in_flight == 2);
  BOOST_TEST(!b.versions.StillCurrent("Page", true, before));  // no fill either
  BOOST_TEST((b.Page("Other") == other));  // other pages' views stay
  BOOST_TEST(a.versions.Settle(in_flight, /*committed=*/true, /*created=*/false));
  const Stamp after = b.Page("Page", true);
  BOOST_TEST(after.page != before.page);
  BOOST_TEST(after.site != before.site);
  BOOST_TEST(after.links == before.links);
  BOOST_TEST(a.slept_ms == 0);
}

// A write that commits nothing (a conflict, an unchanged text) retires
// nothing; one that commits moves the numbers whatever else was in
// flight at the time.
BOOST_FIXTURE_TEST_CASE(only_what_commits_moves_the_numbers, Fixture) {
  const Stamp before = b.Page("Page", true), other = b.Page("Other");
  Versions::InFlight refused = a.versions.Mark({"Page"}, /*may_create=*/true);
  BOOST_TEST(!b.versions.ForPage("Other").has_value());  // the links' number
  BOOST_TEST(a.versions.Settle(refused, /*committed=*/false, false));
  BOOST_TEST((b.Page("Page", true) == before));
  BOOST_TEST((b.Page("Other") == other));
  // Two writers of one page: the first settles, the second is still in
  // flight; the second commits nothing, and the first's move stays.
  Versions::InFlight first = a.versions.Mark({"Page"}, false);
  Versions::InFlight second = b.versions.Mark({"Page"}, false);
  BOOST_TEST(a.versions.Settle(first, true, false));
  BOOST_TEST(!a.versions.ForPage("Page").has_value());
  BOOST_TEST(b.versions.Settle(second, false, false));
  BOOST_TEST(a.Page("Page", true).page != before.page);
  // A page made: the links' number moves too; a save that may have made
  // one and did not leaves it.
  Versions::InFlight made = a.versions.Mark({"New"}, true);
  BOOST_TEST(a.versions.Settle(made, true, /*created=*/true));
  BOOST_TEST(b.Page("Other").links != other.links);
  const Stamp now = b.Page("Other");
  Versions::InFlight edited = a.versions.Mark({"New"}, true);
  BOOST_TEST(a.versions.Settle(edited, true, /*created=*/false));
  BOOST_TEST((b.Page("Other") == now));
}

// How long memcached keeps `key` (the test's prefix added) from now, in
// seconds, by the meta protocol's "mg KEY t": -1 for no expiry, -2 when
// absent.
int SecondsLeft(const MemcachedServer& server, const std::string& key) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  BOOST_REQUIRE(fd >= 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(server.port()));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  BOOST_REQUIRE(connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
  const std::string ask = "mg t:" + key + " t\r\n";
  BOOST_REQUIRE(write(fd, ask.data(), ask.size()) == static_cast<ssize_t>(ask.size()));
  std::string answer;
  char buffer[256];
  while (answer.find("\r\n") == std::string::npos) {
    ssize_t n = read(fd, buffer, sizeof buffer);
    if (n <= 0) break;
    answer.append(buffer, n);
  }
  close(fd);
  if (answer.starts_with("EN")) return -2;
  std::smatch m;
  BOOST_REQUIRE(std::regex_search(answer, m, std::regex(" t(-?\\d+)")));
  return std::stoi(m[1]);
}

// A writer that dies between its mark and its settle leaves its count
// behind: the key lives kMarkSeconds from the first mark, and a number a
// reader made lives a day, so no mark outlives its bound.
BOOST_FIXTURE_TEST_CASE(a_mark_left_behind_is_bounded, Fixture) {
  b.Page("Page");
  const std::string key = Versions::PageKey("Page");
  BOOST_TEST(SecondsLeft(server, key) > kMarkSeconds);
  BOOST_TEST(SecondsLeft(server, key) <= kNumberSeconds);
  a.versions.Mark({"Page"}, false);  // and never settled
  const int left = SecondsLeft(server, key);
  BOOST_TEST(left >= kMarkSeconds - 1);
  BOOST_TEST(left <= kMarkSeconds);
  BOOST_TEST(!b.versions.ForPage("Page").has_value());
  // Gone, the next reader makes a new number, not in flight.
  BOOST_REQUIRE(a.cache.Delete(key) == CacheStatus::kOk);
  BOOST_TEST(b.versions.ForPage("Page").has_value());
}

// Under a burst of saves the first writer's touch is sent once per key
// and kTouchReuseMs, not once per save: the key still dies within
// kMarkSeconds of that touch. A process that did not touch it, or a key
// whose number was made again since, is touched as before.
BOOST_FIXTURE_TEST_CASE(a_burst_of_saves_touches_each_key_once_a_while, Fixture) {
  const std::string key = Versions::PageKey("Page");
  b.Page("Page", /*site=*/true);  // both numbers made, by a reader
  auto save = [](Host& host) {
    Versions::InFlight in_flight = host.versions.Mark({"Page"}, false);
    BOOST_REQUIRE(in_flight.marked.size() == 2u);  // the page's, the site's
    BOOST_REQUIRE(host.versions.Settle(in_flight, true, false));
  };
  const int64_t touches = a.versions.counters().touches;
  save(a);
  BOOST_TEST(a.versions.counters().touches == touches + 2);
  BOOST_TEST(SecondsLeft(server, key) <= kMarkSeconds);
  for (int i = 0; i < 10; ++i) save(a);
  BOOST_TEST(a.versions.counters().touches == touches + 2);
  // Every save still moved the number, and none is left in flight.
  BOOST_TEST(b.versions.ForPage("Page").has_value());
  // Another process knows nothing of a's touch.
  const int64_t b_touches = b.versions.counters().touches;
  save(b);
  BOOST_TEST(b.versions.counters().touches == b_touches + 2);
  // Past the window, a touches again.
  a.now_ms += kTouchReuseMs;
  save(a);
  BOOST_TEST(a.versions.counters().touches == touches + 4);
  // A number made again (memcached lost it; a reader made a new one that
  // lives a day) is not the one a touched: touched, whatever it is.
  for (const std::string number : {"12345", "999999999999"}) {
    BOOST_REQUIRE(a.cache.Set(key, number, kNumberSeconds) == CacheStatus::kOk);
    BOOST_TEST(SecondsLeft(server, key) > kMarkSeconds);
    const int64_t before = a.versions.counters().touches;
    save(a);
    BOOST_TEST(a.versions.counters().touches == before + 1);  // the page's only
    BOOST_TEST(SecondsLeft(server, key) <= kMarkSeconds);
  }
}

// A mark memcached does not confirm: the epoch advances and the writer
// waits out the lease before its commit, and its settle (unconfirmed
// too) does the same again before the save is answered.
BOOST_FIXTURE_TEST_CASE(an_unconfirmed_mark_advances_the_epoch_before_the_commit, Fixture) {
  BlackHole cut_off;
  Host hung{cut_off.address(), epoch, /*timeout_ms=*/50};
  hung.state->bumps_asked = 0;
  Versions::InFlight in_flight = hung.versions.Mark({"Page"}, false);
  BOOST_TEST(in_flight.unconfirmed);
  BOOST_TEST(hung.versions.counters().doubts == 1);
  BOOST_TEST(hung.slept_ms > kEpochLeaseMs);
  BOOST_TEST(epoch.epoch == 42u);
  BOOST_TEST(hung.versions.Settle(in_flight, true, false));
  BOOST_TEST(hung.versions.counters().doubts == 2);
  BOOST_TEST(epoch.epoch == 43u);
}

// Keys every build computes alike: two wikid builds may share memcached.
BOOST_AUTO_TEST_CASE(page_keys_are_a_stable_hash_of_the_title) {
  BOOST_TEST(Versions::PageKey("Page") != Versions::PageKey("page"));
  // BLAKE2b with an 8-byte digest, as Python's hashlib.blake2b(b"Page",
  // digest_size=8) computes it too.
  BOOST_TEST(Versions::PageKey("Page") == "v2:page:7e84eb5080aad3ab");
}

}  // namespace
}  // namespace wikid::testing
