// The login throttle: a sliding window of failures per scope, on the
// engine WIKID_TEST_DATABASE names (tests/support/test_database.h; ctest
// runs both).
#define BOOST_TEST_MODULE login_throttle
#include <boost/test/unit_test.hpp>

#include "tests/support/test_database.h"

namespace wikid {
namespace {

struct ThrottleFixture {
  testing::TestDatabase database;
  std::unique_ptr<Storage> storage;
  std::unique_ptr<LoginThrottle> throttle;
  const std::vector<std::string> alice = {
      LoginThrottle::NameScope("Alice"),
      LoginThrottle::AddressScope("192.0.2.1")};

  ThrottleFixture() {
    auto opened = database.Open();
    BOOST_REQUIRE_MESSAGE(opened.ok(), opened.status().message());
    storage = std::move(*opened);
    throttle = std::move(*storage->OpenLoginThrottle(ThrottlePolicy{}));
  }
  void Fail(const std::vector<std::string>& scopes, int64_t at, int times = 1) {
    for (int i = 0; i < times; ++i)
      BOOST_REQUIRE(throttle->RecordFailure(scopes, at).ok());
  }
  int64_t Wait(const std::vector<std::string>& scopes, int64_t now) {
    auto wait = throttle->RetryAfter(scopes, now);
    BOOST_REQUIRE(wait.ok());
    return *wait;
  }
};

BOOST_FIXTURE_TEST_SUITE(throttle, ThrottleFixture)

BOOST_AUTO_TEST_CASE(
    four_failures_still_allow_an_attempt_and_the_fifth_refuses) {
  Fail(alice, 1000, 4);
  BOOST_TEST(Wait(alice, 1001) == 0);
  Fail(alice, 1001);
  // Refused until the oldest of the five leaves the 15-minute window.
  BOOST_TEST(Wait(alice, 1002) == 1000 + 900 - 1002);
  BOOST_TEST(Wait(alice, 1899) == 1);
  BOOST_TEST(Wait(alice, 1900) == 0);
}

BOOST_AUTO_TEST_CASE(the_window_slides_rather_than_resetting) {
  for (int64_t t = 0; t < 5; ++t) Fail(alice, 1000 + t * 100);  // 1000..1400
  BOOST_TEST(Wait(alice, 1500) == 1000 + 900 - 1500);
  // At 1900 the first has aged out: one more try, and a failure at once
  // refuses again until the second ages out.
  BOOST_TEST(Wait(alice, 1900) == 0);
  Fail(alice, 1900);
  BOOST_TEST(Wait(alice, 1901) == 1100 + 900 - 1901);
}

BOOST_AUTO_TEST_CASE(
    names_count_regardless_of_case_and_addresses_on_their_own) {
  Fail({LoginThrottle::NameScope("ALICE")}, 1000, 5);
  BOOST_TEST(Wait({LoginThrottle::NameScope("alice")}, 1001) > 0);
  // The same client trying another name is still allowed by the name...
  BOOST_TEST(Wait({LoginThrottle::NameScope("bob")}, 1001) == 0);
  // ...and an address with five failures across names is refused.
  for (const char* name : {"a1", "a2", "a3", "a4", "a5"}) {
    Fail({LoginThrottle::NameScope(name),
          LoginThrottle::AddressScope("198.51.100.7")},
         1000);
  }
  BOOST_TEST(Wait({LoginThrottle::NameScope("new"),
                   LoginThrottle::AddressScope("198.51.100.7")},
                  1001) > 0);
  BOOST_TEST(Wait({LoginThrottle::NameScope("new"),
                   LoginThrottle::AddressScope("198.51.100.8")},
                  1001) == 0);
}

BOOST_AUTO_TEST_CASE(names_and_addresses_have_their_own_limits) {
  ThrottlePolicy generous;
  generous.max_failures_per_address = 20;
  auto office = std::move(*storage->OpenLoginThrottle(generous));
  const std::string address = LoginThrottle::AddressScope("203.0.113.9");
  for (int i = 0; i < 19; ++i) {
    BOOST_REQUIRE(
        office
            ->RecordFailure(
                {LoginThrottle::NameScope("n" + std::to_string(i)), address},
                1000)
            .ok());
  }
  BOOST_TEST(*office->RetryAfter({address}, 1001) == 0);
  BOOST_REQUIRE(office->RecordFailure({address}, 1000).ok());
  BOOST_TEST(*office->RetryAfter({address}, 1001) > 0);
  // The name limit is still five.
  BOOST_REQUIRE(
      office->RecordFailure({LoginThrottle::NameScope("x")}, 1000).ok());
  for (int i = 0; i < 4; ++i) {
    BOOST_REQUIRE(
        office->RecordFailure({LoginThrottle::NameScope("x")}, 1000).ok());
  }
  BOOST_TEST(*office->RetryAfter({LoginThrottle::NameScope("x")}, 1001) > 0);
}

BOOST_AUTO_TEST_CASE(forgetting_a_scope_clears_only_that_scope) {
  Fail(alice, 1000, 5);
  BOOST_REQUIRE(throttle->Forget(alice[0]).ok());
  BOOST_TEST(Wait({alice[0]}, 1001) == 0);
  BOOST_TEST(Wait({alice[1]}, 1001) > 0);
}

BOOST_AUTO_TEST_CASE(old_failures_are_pruned_when_new_ones_are_recorded) {
  Fail(alice, 1000, 5);
  Fail({LoginThrottle::NameScope("bob")}, 5000);
  BOOST_TEST(database.Column("SELECT count(*) FROM login_failure").at(0) == "1");
}

BOOST_AUTO_TEST_CASE(a_huge_typed_name_is_stored_bounded) {
  BOOST_TEST(LoginThrottle::NameScope(std::string(100000, 'x')).size() <= 70u);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace wikid
