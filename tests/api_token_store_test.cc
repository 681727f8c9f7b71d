// The API token store against a real database, on the engine
// WIKID_TEST_DATABASE names (tests/support/test_database.h; ctest runs
// both): tokens issued, listed newest first, found and revoked; labels
// checked; a disabled account's tokens find nothing; and the per-account
// limit holds even for issuers racing in several processes. (api_test
// covers the /api/ routes that use it.)
#define BOOST_TEST_MODULE api_token_store
#include <boost/test/unit_test.hpp>

#include "tests/support/processes_together.h"
#include "tests/support/test_database.h"

namespace wikid {
namespace {

struct TokenFixture {
  testing::TestDatabase database;
  std::unique_ptr<Storage> storage;
  std::unique_ptr<ApiTokenStore> tokens;
  int64_t alice = 0, bob = 0;

  TokenFixture() {
    auto opened = database.Open();
    BOOST_REQUIRE_MESSAGE(opened.ok(), opened.status().message());
    storage = std::move(*opened);
    auto store = storage->OpenApiTokens();
    BOOST_REQUIRE_MESSAGE(store.ok(), store.status().message());
    tokens = std::move(*store);
    alice = database.InsertAccount("alice");
    bob = database.InsertAccount("bob", "admin");
  }
};

BOOST_FIXTURE_TEST_SUITE(api_tokens, TokenFixture)

BOOST_AUTO_TEST_CASE(a_token_finds_its_account_until_revoked) {
  auto issued = tokens->Issue(alice, "backup script", 100);
  BOOST_REQUIRE_MESSAGE(issued.ok(), issued.status().message());
  BOOST_TEST(issued->token.size() == 43u);
  auto user = tokens->Find(issued->token);
  BOOST_REQUIRE(user.ok());
  BOOST_TEST(user->id == alice);
  BOOST_TEST(user->name == "alice");
  // Only its owner may revoke it.
  BOOST_TEST(tokens->Revoke(bob, issued->id).IsNotFound());
  BOOST_TEST(tokens->Find(issued->token).ok());
  BOOST_TEST(tokens->Revoke(alice, issued->id).ok());
  BOOST_TEST(tokens->Find(issued->token).status().IsNotFound());
  BOOST_TEST(tokens->Revoke(alice, issued->id).IsNotFound());
}

BOOST_AUTO_TEST_CASE(the_list_is_the_accounts_own_newest_first) {
  BOOST_REQUIRE(tokens->Issue(alice, "first", 1).ok());
  BOOST_REQUIRE(tokens->Issue(bob, "bob's", 2).ok());
  BOOST_REQUIRE(tokens->Issue(alice, "second", 3).ok());
  auto list = tokens->List(alice);
  BOOST_REQUIRE(list.ok());
  BOOST_REQUIRE(list->size() == 2u);
  BOOST_TEST((*list)[0].label == "second");
  BOOST_TEST((*list)[0].created_at == 3);
  BOOST_TEST((*list)[1].label == "first");
  BOOST_TEST(tokens->List(12345)->empty());
}

BOOST_AUTO_TEST_CASE(labels_are_one_line_of_1_to_100_bytes) {
  for (const std::string& bad : {std::string(), std::string(101, 'x'), std::string("a\nb"),
                                 std::string("a\rb")}) {
    BOOST_TEST(tokens->Issue(alice, bad, 0).status().IsInvalid());
  }
  BOOST_TEST(tokens->Issue(alice, std::string(100, 'x'), 0).ok());
  BOOST_TEST(tokens->List(alice)->size() == 1u);
}

BOOST_AUTO_TEST_CASE(malformed_or_unknown_tokens_find_nothing) {
  BOOST_TEST(tokens->Find("").status().IsNotFound());
  BOOST_TEST(tokens->Find(std::string(43, 'A')).status().IsNotFound());
  BOOST_TEST(tokens->Find("'; DROP TABLE api_token; --").status().IsNotFound());
}

BOOST_AUTO_TEST_CASE(a_disabled_accounts_tokens_find_nothing) {
  auto issued = tokens->Issue(alice, "t", 0);
  BOOST_REQUIRE(issued.ok());
  database.Exec("UPDATE account SET disabled = TRUE WHERE name_key = 'alice'");
  BOOST_TEST(tokens->Find(issued->token).status().IsNotFound());
}

BOOST_AUTO_TEST_CASE(an_account_holds_at_most_the_limit) {
  for (int64_t i = 0; i < kMaxTokensPerAccount; ++i) {
    BOOST_REQUIRE(tokens->Issue(alice, "t" + std::to_string(i), i).ok());
  }
  BOOST_TEST(tokens->Issue(alice, "one more", 0).status().IsConflict());
  BOOST_TEST(tokens->Issue(bob, "bob's own", 0).ok());  // per account
  BOOST_REQUIRE(tokens->Revoke(alice, tokens->List(alice)->front().id).ok());
  BOOST_TEST(tokens->Issue(alice, "in its place", 0).ok());
}

// Processes each issuing tokens for one account at once, from one short
// of the limit: exactly one gets past it, every time.
BOOST_AUTO_TEST_CASE(racing_issuers_never_pass_the_limit_together) {
  for (int round = 0; round < 10; ++round) {
    database.Exec("DELETE FROM api_token");
    for (int64_t i = 0; i < kMaxTokensPerAccount - 1; ++i) {
      BOOST_REQUIRE(tokens->Issue(alice, "t", i).ok());
    }
    testing::RunProcessesTogether(6, [&](int, const std::function<void()>& start) {
      auto mine = database.Open();
      if (!mine.ok()) return 10;
      auto store = (*mine)->OpenApiTokens();
      if (!store.ok()) return 11;
      start();
      auto issued = (*store)->Issue(alice, "racer", 0);
      return issued.ok() || issued.status().IsConflict() ? 0 : 12;
    });
    BOOST_TEST(tokens->List(alice)->size() == static_cast<size_t>(kMaxTokensPerAccount));
  }
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace wikid
