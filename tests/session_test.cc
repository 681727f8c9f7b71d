// Login sessions against a real database, on the engine
// WIKID_TEST_DATABASE names (tests/support/test_database.h; ctest runs
// both): random tokens, only their hashes stored, expiry, logout,
// revoking every session of an account, and a disabled account locked
// out at once.
#define BOOST_TEST_MODULE session
#include <boost/test/unit_test.hpp>

#include <set>

#include "tests/support/test_database.h"

namespace wikid {
namespace {

std::string Hex(const std::string& bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string hex;
  for (unsigned char c : bytes) {
    hex += kDigits[c >> 4];
    hex += kDigits[c & 15];
  }
  return hex;
}

struct SessionFixture {
  testing::TestDatabase database;
  std::unique_ptr<Storage> storage;
  std::unique_ptr<SessionStore> sessions;
  int64_t alice = 0, bob = 0;

  SessionFixture() {
    auto opened = database.Open();
    BOOST_REQUIRE_MESSAGE(opened.ok(), opened.status().message());
    storage = std::move(*opened);
    auto store = storage->OpenSessions();
    BOOST_REQUIRE_MESSAGE(store.ok(), store.status().message());
    sessions = std::move(*store);
    alice = database.InsertAccount("alice");
    bob = database.InsertAccount("bob", "admin");
  }
};

BOOST_FIXTURE_TEST_SUITE(sessions_, SessionFixture)

BOOST_AUTO_TEST_CASE(a_session_token_finds_its_account_until_it_expires) {
  auto token = sessions->Start(alice, 1000, 3600);
  BOOST_REQUIRE(token.ok());
  BOOST_TEST(token->size() == 43u);
  auto user = sessions->Find(*token, 1001);
  BOOST_REQUIRE(user.ok());
  BOOST_TEST(user->name == "alice");
  BOOST_TEST(user->id == alice);
  BOOST_TEST(!user->disabled);
  BOOST_TEST((sessions->Find(*sessions->Start(bob, 0, 60), 1)->role == Role::kAdmin));
  BOOST_TEST(sessions->Find(*token, 1000 + 3600).status().IsNotFound());
}

BOOST_AUTO_TEST_CASE(tokens_are_random_and_only_their_hashes_are_stored) {
  std::set<std::string> tokens;
  for (int i = 0; i < 50; ++i) tokens.insert(*sessions->Start(alice, 0, 60));
  BOOST_TEST(tokens.size() == 50u);
  // Every stored value is a 32-byte hash, and none is any token in hex.
  const bool sqlite = database.engine() == testing::Engine::kSqlite;
  const std::string hex = sqlite ? "lower(hex(token_hash))" : "encode(token_hash, 'hex')";
  auto stored = database.Column("SELECT " + hex + " FROM session");
  BOOST_TEST(stored.size() == 50u);
  std::set<std::string> tokens_in_hex;
  for (const std::string& token : tokens) tokens_in_hex.insert(Hex(token));
  for (const std::string& hash : stored) {
    BOOST_TEST(hash.size() == 64u);
    BOOST_TEST(!tokens_in_hex.contains(hash));
    BOOST_TEST(!tokens.contains(hash));
  }
}

BOOST_AUTO_TEST_CASE(malformed_or_unknown_tokens_find_nothing) {
  BOOST_TEST(sessions->Find("", 0).status().IsNotFound());
  BOOST_TEST(sessions->Find(std::string(43, 'A'), 0).status().IsNotFound());
  BOOST_TEST(sessions->Find("'; DROP TABLE session; --", 0).status().IsNotFound());
  BOOST_TEST(sessions->End("not a token").ok());
}

BOOST_AUTO_TEST_CASE(logout_ends_one_session_and_end_all_every_one) {
  std::string a1 = *sessions->Start(alice, 0, 60);
  std::string a2 = *sessions->Start(alice, 0, 60);
  std::string b1 = *sessions->Start(bob, 0, 60);
  BOOST_TEST(sessions->End(a1).ok());
  BOOST_TEST(sessions->Find(a1, 1).status().IsNotFound());
  BOOST_TEST(sessions->Find(a2, 1).ok());
  BOOST_TEST(sessions->EndAll(alice).ok());
  BOOST_TEST(sessions->Find(a2, 1).status().IsNotFound());
  BOOST_TEST(sessions->Find(b1, 1).ok());
}

BOOST_AUTO_TEST_CASE(starting_a_session_deletes_the_expired_ones) {
  for (int i = 0; i < 3; ++i) BOOST_REQUIRE(sessions->Start(alice, 0, 60).ok());
  std::string live = *sessions->Start(bob, 0, 1000);
  BOOST_REQUIRE(sessions->Start(bob, 500, 60).ok());
  // The three expired ones are gone.
  BOOST_TEST(database.Column("SELECT count(*) FROM session").at(0) == "2");
  BOOST_TEST(sessions->Find(live, 501).ok());
}

BOOST_AUTO_TEST_CASE(a_disabled_account_has_no_session) {
  std::string token = *sessions->Start(alice, 0, 60);
  database.Exec("UPDATE account SET disabled = TRUE WHERE name_key = 'alice'");
  BOOST_TEST(sessions->Find(token, 1).status().IsNotFound());
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace wikid
