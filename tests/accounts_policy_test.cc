// Accounts (model/accounts/accounts.h): the rules of signing up, logging
// in and changing a password, on real SQLite stores, without HTTP. The
// handlers' answers to the same cases are in accounts_test.
#define BOOST_TEST_MODULE accounts_policy
#include <unistd.h>

#include <boost/test/unit_test.hpp>

#include "model/accounts/accounts.h"
#include "model/wiki.h"
#include "tests/support/temp_dir.h"

namespace wikid {
namespace {

using Kind = AccountAnswer::Kind;

struct PolicyFixture {
  testing::TempDir dir;
  std::unique_ptr<Wiki> wiki;
  int64_t now = 1700000000;

  PolicyFixture() {
    WikiOptions options;
    options.storage.data_dir = dir.path();
    options.hash_slot_count = 1;
    wiki = std::move(*Wiki::Open(options));
  }
  Accounts& accounts() { return wiki->accounts(); }
  AccountAnswer LogIn(const std::string& name, const std::string& password,
                      const std::string& address = "192.0.2.1") {
    return accounts().LogIn(name, password, address, now);
  }
};

BOOST_FIXTURE_TEST_SUITE(accounts_policy, PolicyFixture)

BOOST_AUTO_TEST_CASE(signup_checks_each_rule_and_refuses_a_taken_name) {
  struct Case {
    std::string name, password, confirmation, email;
    Kind kind;
  } cases[] = {
      {"Alice", "a long password", "a long password", "a@example.org",
       Kind::kOk},
      {"ALICE", "a long password", "a long password", "", Kind::kTaken},
      {"x", "a long password", "a long password", "", Kind::kInvalid},
      {"Bob", "short", "short", "", Kind::kInvalid},
      {"Bob", "a long password", "another password", "", Kind::kInvalid},
      {"Bob", "a long password", "a long password", "not an address",
       Kind::kInvalid},
  };
  for (const Case& c : cases) {
    AccountAnswer answer =
        accounts().SignUp(c.name, c.password, c.confirmation, c.email, now);
    BOOST_TEST((answer.kind == c.kind),
               c.name << " " << c.password << ": " << answer.message);
    BOOST_TEST(answer.ok() == answer.user.has_value());
    if (!answer.ok()) BOOST_TEST(!answer.message.empty());
  }
  BOOST_TEST(wiki->stores().users.Find(*UserName::Parse("alice"))->email ==
             "a@example.org");
}

BOOST_AUTO_TEST_CASE(a_wrong_password_and_an_unknown_name_get_the_same_answer) {
  BOOST_REQUIRE(
      accounts()
          .SignUp("Alice", "a long password", "a long password", "", now)
          .ok());
  AccountAnswer wrong = LogIn("Alice", "not the password");
  AccountAnswer unknown = LogIn("Nobody", "not the password");
  BOOST_TEST((wrong.kind == Kind::kForbidden));
  BOOST_TEST((unknown.kind == Kind::kForbidden));
  BOOST_TEST(wrong.message == unknown.message);
  AccountAnswer right = LogIn("aLiCe", "a long password");
  BOOST_REQUIRE(right.ok());
  BOOST_TEST(right.user->name == "Alice");
}

BOOST_AUTO_TEST_CASE(failures_delay_the_name_from_every_address) {
  BOOST_REQUIRE(
      accounts()
          .SignUp("Alice", "a long password", "a long password", "", now)
          .ok());
  for (int i = 0; i < 5; ++i) {
    BOOST_TEST(
        (LogIn("Alice", "guess", "198.51.100." + std::to_string(i)).kind ==
         Kind::kForbidden));
  }
  // Even the right password waits now, from any address, and says how long.
  AccountAnswer throttled = LogIn("Alice", "a long password", "203.0.113.1");
  BOOST_TEST((throttled.kind == Kind::kThrottled));
  BOOST_TEST(throttled.retry_after == 30);
  BOOST_TEST(throttled.message.find("wait 30 seconds") != std::string::npos);
  now += 30;
  BOOST_TEST(LogIn("Alice", "a long password").ok());
}

BOOST_AUTO_TEST_CASE(an_overlong_password_is_refused_before_it_counts) {
  for (int i = 0; i < 10; ++i) {
    BOOST_TEST((LogIn("Alice", std::string(1025, 'p')).kind == Kind::kInvalid));
  }
  BOOST_TEST(*wiki->stores().throttle.RetryAfter(
                 {LoginThrottle::NameScope("Alice")}, now) == 0);
}

BOOST_AUTO_TEST_CASE(
    with_every_hash_slot_taken_the_answer_is_busy_and_counts_nothing) {
  BOOST_REQUIRE(
      accounts()
          .SignUp("Alice", "a long password", "a long password", "", now)
          .ok());
  BOOST_REQUIRE(wiki->hash_slots().TryAcquire(1, getppid()));  // a live process
  AccountAnswer busy = LogIn("Alice", "a long password");
  BOOST_TEST((busy.kind == Kind::kBusy));
  BOOST_TEST(busy.retry_after == 1);
  BOOST_TEST((accounts()
                  .SignUp("Bob", "a long password", "a long password", "", now)
                  .kind == Kind::kBusy));
  BOOST_TEST(*wiki->stores().throttle.RetryAfter(
                 {LoginThrottle::NameScope("Alice")}, now) == 0);
  wiki->hash_slots().Release(getppid());
  BOOST_TEST(LogIn("Alice", "a long password").ok());
}

BOOST_AUTO_TEST_CASE(
    a_disabled_account_is_told_so_only_with_the_right_password) {
  auto alice =
      accounts().SignUp("Alice", "a long password", "a long password", "", now);
  BOOST_REQUIRE(wiki->stores().users.SetDisabled(alice.user->id, true).ok());
  AccountAnswer wrong = LogIn("Alice", "not the password");
  AccountAnswer right = LogIn("Alice", "a long password");
  BOOST_TEST((wrong.kind == Kind::kForbidden));
  BOOST_TEST((right.kind == Kind::kForbidden));
  BOOST_TEST(right.message.find("disabled") != std::string::npos);
  BOOST_TEST(wrong.message.find("disabled") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(
    a_password_change_needs_the_current_one_and_ends_every_session) {
  User alice =
      *accounts()
           .SignUp("Alice", "a long password", "a long password", "", now)
           .user;
  auto session = accounts().StartSession(alice, "", now, 3600);
  BOOST_REQUIRE(session.ok());
  auto change = [&](const std::string& current, const std::string& password,
                    const std::string& again) {
    return accounts().ChangePassword(alice, current, password, again, now);
  };
  BOOST_TEST((change("wrong", "a new password", "a new password").kind ==
              Kind::kForbidden));
  BOOST_TEST(
      (change("a long password", "short", "short").kind == Kind::kInvalid));
  BOOST_TEST((change("a long password", "a new password", "other").kind ==
              Kind::kInvalid));
  BOOST_TEST(wiki->stores().sessions.Find(*session, now).ok());
  BOOST_REQUIRE(
      change("a long password", "a new password", "a new password").ok());
  BOOST_TEST(wiki->stores().sessions.Find(*session, now).status().IsNotFound());
  BOOST_TEST((LogIn("Alice", "a long password").kind == Kind::kForbidden));
  BOOST_TEST(LogIn("Alice", "a new password").ok());
}

BOOST_AUTO_TEST_CASE(a_new_session_ends_the_one_the_browser_had) {
  User alice =
      *accounts()
           .SignUp("Alice", "a long password", "a long password", "", now)
           .user;
  auto planted = accounts().StartSession(alice, "", now, 3600);
  auto fresh = accounts().StartSession(alice, *planted, now, 3600);
  BOOST_REQUIRE(fresh.ok());
  BOOST_TEST(wiki->stores().sessions.Find(*planted, now).status().IsNotFound());
  BOOST_TEST(wiki->stores().sessions.Find(*fresh, now).ok());
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace wikid
