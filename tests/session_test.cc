// Login sessions in SQLite: random tokens, only their hashes stored,
// expiry, logout, revoking every session of an account, and a disabled
// account locked out at once.
#define BOOST_TEST_MODULE session
#include <boost/test/unit_test.hpp>

#include <sqlite3.h>

#include <set>

#include "model/store/sqlite/database.h"
#include "model/store/sqlite/sqlite_session_store.h"
#include "model/store/sqlite/sqlite_user_store.h"
#include "tests/support/temp_dir.h"

namespace wikid {
namespace {

struct SessionFixture {
  testing::TempDir dir;
  std::unique_ptr<Database> db;
  std::unique_ptr<SqliteUserStore> users;
  std::unique_ptr<SqliteSessionStore> sessions;
  int64_t alice = 0, bob = 0;

  SessionFixture() {
    db = std::move(*Database::Open(dir.File("w.db"), {}));
    users = std::move(*SqliteUserStore::Create(*db));
    sessions = std::move(*SqliteSessionStore::Create(*db));
    alice = users->Create(*UserName::Parse("alice"), "h", Role::kUser, "", 0)->id;
    bob = users->Create(*UserName::Parse("bob"), "h", Role::kAdmin, "", 0)->id;
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
  BOOST_TEST(sessions->Find(*token, 1000 + 3600).status().IsNotFound());
}

BOOST_AUTO_TEST_CASE(tokens_are_random_and_only_their_hashes_are_stored) {
  std::set<std::string> tokens;
  for (int i = 0; i < 50; ++i) tokens.insert(*sessions->Start(alice, 0, 60));
  BOOST_TEST(tokens.size() == 50u);
  // Look for any token, in any form, in the database file itself.
  sqlite3* raw = nullptr;
  sqlite3_open(dir.File("w.db").c_str(), &raw);
  sqlite3_stmt* stmt = nullptr;
  sqlite3_prepare_v2(raw, "SELECT token_hash FROM session", -1, &stmt, nullptr);
  int rows = 0;
  while (sqlite3_step(stmt) == SQLITE_ROW) {
    std::string stored(static_cast<const char*>(sqlite3_column_blob(stmt, 0)),
                       sqlite3_column_bytes(stmt, 0));
    BOOST_TEST(stored.size() == 32u);
    BOOST_TEST(!tokens.contains(stored));
    ++rows;
  }
  sqlite3_finalize(stmt);
  sqlite3_close(raw);
  BOOST_TEST(rows == 50);
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
  auto count = db->Prepare("SELECT count(*) FROM session");
  BOOST_REQUIRE(count.ok());
  Query q(**count);
  BOOST_REQUIRE(*q->Step());
  BOOST_TEST(q->ColumnInt(0) == 2);  // the three expired ones are gone
  q->Reset();
  BOOST_TEST(sessions->Find(live, 501).ok());
}

BOOST_AUTO_TEST_CASE(a_disabled_account_has_no_session) {
  std::string token = *sessions->Start(alice, 0, 60);
  BOOST_REQUIRE(db->Exec("UPDATE account SET disabled = 1 WHERE name_key = 'alice'").ok());
  BOOST_TEST(sessions->Find(token, 1).status().IsNotFound());
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace wikid
