// The login throttle: progressive delays per account name, and limits per
// client address on the names tried there (spraying) and on all its
// failures, on the engine WIKID_TEST_DATABASE names
// (tests/support/test_database.h; ctest runs both).
#define BOOST_TEST_MODULE login_throttle
#include <boost/test/unit_test.hpp>

#include "tests/support/test_database.h"

namespace wikid {
namespace {

struct ThrottleFixture {
  testing::TestDatabase database;
  std::unique_ptr<Storage> storage;
  std::unique_ptr<LoginThrottle> throttle;
  // Alice's name from an office's address.
  const LoginKey alice = LoginThrottle::Key("Alice", "192.0.2.1");

  ThrottleFixture() {
    auto opened = database.Open();
    BOOST_REQUIRE_MESSAGE(opened.ok(), opened.status().message());
    storage = std::move(*opened);
    throttle = Open(ThrottlePolicy{});
  }
  std::unique_ptr<LoginThrottle> Open(const ThrottlePolicy& policy) {
    auto opened = storage->OpenLoginThrottle(policy);
    BOOST_REQUIRE_MESSAGE(opened.ok(), opened.status().message());
    return std::move(*opened);
  }
  void Fail(const LoginKey& key, int64_t at, int times = 1) {
    for (int i = 0; i < times; ++i) BOOST_REQUIRE(throttle->RecordFailure(key, at).ok());
  }
  int64_t Wait(const LoginKey& key, int64_t now) {
    auto wait = throttle->RetryAfter(key, now);
    BOOST_REQUIRE_MESSAGE(wait.ok(), wait.status().message());
    return *wait;
  }
};

BOOST_FIXTURE_TEST_SUITE(throttle, ThrottleFixture)

BOOST_AUTO_TEST_CASE(five_failures_are_free_then_each_one_doubles_the_wait) {
  Fail(alice, 1000, 4);
  BOOST_TEST(Wait(alice, 1000) == 0);
  Fail(alice, 1000);
  // From the newest failure: 30 s after the fifth...
  BOOST_TEST(Wait(alice, 1000) == 30);
  BOOST_TEST(Wait(alice, 1029) == 1);
  BOOST_TEST(Wait(alice, 1030) == 0);
  // ...then 60, 120, 240, 480 and 900 s, where it stays.
  int64_t now = 1030;
  for (int64_t expected : {60, 120, 240, 480, 900, 900}) {
    Fail(alice, now);
    BOOST_TEST(Wait(alice, now) == expected);
    BOOST_TEST(Wait(alice, now + expected - 1) == 1);
    now += expected;
    BOOST_TEST(Wait(alice, now) == 0);
  }
}

BOOST_AUTO_TEST_CASE(a_names_failures_are_remembered_for_an_hour) {
  Fail(alice, 1000, 5);
  // Within the hour, the sixth failure counts with the five: 60 s.
  Fail(alice, 4000);
  BOOST_TEST(Wait(alice, 4000) == 60);
  // The five gone, one failure is free again.
  Fail(alice, 4700);
  BOOST_TEST(Wait(alice, 4700) == 0);
}

BOOST_AUTO_TEST_CASE(one_names_failures_never_hold_up_another_name_at_the_same_address) {
  // The office: alice's five failures slow alice, from any address and in
  // any letter case...
  Fail(alice, 1000, 5);
  BOOST_TEST(Wait(LoginThrottle::Key("ALICE", "192.0.2.1"), 1001) > 0);
  BOOST_TEST(Wait(LoginThrottle::Key("alice", "203.0.113.5"), 1001) > 0);
  // ...and not bob, beside her.
  BOOST_TEST(Wait(LoginThrottle::Key("bob", "192.0.2.1"), 1001) == 0);
  // Many failures of few names are not spraying either.
  Fail(LoginThrottle::Key("carol", "192.0.2.1"), 1001, 10);
  BOOST_TEST(Wait(LoginThrottle::Key("bob", "192.0.2.1"), 1002) == 0);
}

BOOST_AUTO_TEST_CASE(an_address_trying_many_names_waits_until_they_age_out) {
  const std::string office = "198.51.100.7";
  for (int i = 0; i < 19; ++i) {
    Fail(LoginThrottle::Key("n" + std::to_string(i), office), 1000 + i);
  }
  BOOST_TEST(Wait(LoginThrottle::Key("new", office), 1019) == 0);
  Fail(LoginThrottle::Key("n19", office), 1019);
  // The twentieth name: every name from there waits until the oldest of
  // the twenty leaves the 15-minute window...
  BOOST_TEST(Wait(LoginThrottle::Key("new", office), 1020) == 1000 + 900 - 1020);
  BOOST_TEST(Wait(LoginThrottle::Key("n5", office), 1899) == 1);
  BOOST_TEST(Wait(LoginThrottle::Key("new", office), 1900) == 0);
  // ...and another address does not.
  BOOST_TEST(Wait(LoginThrottle::Key("new", "198.51.100.8"), 1020) == 0);
  // A name's newest failure is what counts: n0 again keeps it there.
  Fail(LoginThrottle::Key("n0", office), 1900);
  BOOST_TEST(Wait(LoginThrottle::Key("new", office), 1900) == 1001 + 900 - 1900);
}

BOOST_AUTO_TEST_CASE(the_address_limits_are_the_operators) {
  ThrottlePolicy policy;
  policy.max_names_per_address = 3;
  policy.max_failures_per_address = 8;
  throttle = Open(policy);
  const std::string a = "203.0.113.9", b = "203.0.113.10";
  Fail(LoginThrottle::Key("x", a), 1000);
  Fail(LoginThrottle::Key("y", a), 1000);
  BOOST_TEST(Wait(LoginThrottle::Key("z", a), 1001) == 0);
  Fail(LoginThrottle::Key("z", a), 1000);
  BOOST_TEST(Wait(LoginThrottle::Key("w", a), 1001) == 899);
  // The backstop: eight failures, whatever the names (two here, four
  // each, below their own delays).
  Fail(LoginThrottle::Key("x", b), 1000, 4);
  Fail(LoginThrottle::Key("y", b), 1000, 3);
  BOOST_TEST(Wait(LoginThrottle::Key("y", b), 1001) == 0);
  Fail(LoginThrottle::Key("y", b), 1000);
  BOOST_TEST(Wait(LoginThrottle::Key("y", b), 1001) == 899);
}

BOOST_AUTO_TEST_CASE(forgetting_a_name_clears_it_everywhere_and_only_it) {
  ThrottlePolicy policy;
  policy.max_names_per_address = 3;
  throttle = Open(policy);
  const LoginKey bob = LoginThrottle::Key("Bob", "192.0.2.1");
  Fail(alice, 1000, 5);
  Fail(bob, 1000);
  BOOST_REQUIRE(throttle->Forget(LoginThrottle::Key("alice", "203.0.113.1")).ok());
  BOOST_TEST(Wait(alice, 1001) == 0);
  // Alice's failures no longer count as a name tried at the address: with
  // carol's, two names, under the limit of three.
  Fail(LoginThrottle::Key("carol", "192.0.2.1"), 1001);
  BOOST_TEST(Wait(LoginThrottle::Key("dave", "192.0.2.1"), 1002) == 0);
  BOOST_TEST(database.Column("SELECT count(*) FROM login_failure WHERE scope = 'name:bob'")
                 .at(0) == "1");
}

BOOST_AUTO_TEST_CASE(a_key_without_an_address_counts_only_the_name) {
  // A password change: the account is known, the address does not matter.
  Fail(LoginKey{.name = LoginThrottle::NameScope("Alice")}, 1000, 5);
  BOOST_TEST(Wait(LoginKey{.name = LoginThrottle::NameScope("alice")}, 1000) == 30);
  BOOST_TEST(database.Column("SELECT count(*) FROM login_failure").at(0) == "5");
}

BOOST_AUTO_TEST_CASE(old_failures_are_pruned_when_new_ones_are_recorded) {
  Fail(alice, 1000, 5);
  Fail(LoginKey{.name = LoginThrottle::NameScope("bob")}, 1000 + 3601);
  BOOST_TEST(database.Column("SELECT count(*) FROM login_failure").at(0) == "1");
}

BOOST_AUTO_TEST_CASE(a_huge_typed_name_is_stored_bounded) {
  BOOST_TEST(LoginThrottle::NameScope(std::string(100000, 'x')).size() <= 70u);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace wikid
