// Accounts in the model: name rules, argon2id password hashing (A1) and
// the account store.
#define BOOST_TEST_MODULE user
#include <boost/test/unit_test.hpp>

#include <sodium.h>

#include <regex>

#include "model/accounts/password.h"
#include "model/accounts/profile.h"
#include "model/store/sqlite/database.h"
#include "model/store/sqlite/sqlite_user_store.h"
#include "model/text/mailbox.h"
#include "tests/support/temp_dir.h"

namespace wikid {
namespace {

BOOST_AUTO_TEST_CASE(user_names_follow_the_rules) {
  for (const char* good : {"alice", "Bob", "x_y", "a.b-c", "abc", "0abc",
                           "a23456789012345678901234567890ab"}) {
    BOOST_TEST(UserName::Parse(good).ok(), good);
  }
  struct Case {
    std::string name, says;
  } bad[] = {{"ab", "3 to 32"},
             {std::string(33, 'a'), "3 to 32"},
             {"has space", "only the letters"},
             {"émile", "only the letters"},
             {"a<b>", "only the letters"},
             {"_lead", "start with a letter"},
             {".dot", "start with a letter"},
             {"Admin", "reserved"},
             {"ROOT", "reserved"},
             {"wikid", "reserved"}};
  for (const Case& c : bad) {
    auto name = UserName::Parse(c.name);
    BOOST_TEST(!name.ok(), c.name);
    BOOST_TEST(name.status().message().find(c.says) != std::string::npos,
               c.name << ": " << name.status().message());
  }
  BOOST_TEST(UserName::Parse("Alice")->key() == "alice");
  BOOST_TEST(UserName::Parse("Alice")->name() == "Alice");
}

BOOST_AUTO_TEST_CASE(a1_passwords_are_argon2id_with_strong_limits) {
  auto hash = HashPassword("correct horse battery");
  BOOST_REQUIRE(hash.ok());
  std::smatch m;
  BOOST_REQUIRE(std::regex_search(*hash, m,
                                  std::regex(R"(^\$argon2id\$v=19\$m=(\d+),t=(\d+),p=(\d+)\$)")));
  BOOST_TEST(std::stoi(m[1]) >= 19456);  // KiB
  BOOST_TEST(std::stoi(m[2]) >= 2);
  BOOST_TEST(std::stoi(m[3]) == 1);
  BOOST_TEST(hash->find("correct horse") == std::string::npos);
  BOOST_TEST(VerifyPassword(*hash, "correct horse battery"));
  BOOST_TEST(!VerifyPassword(*hash, "correct horse batterY"));
  BOOST_TEST(!PasswordNeedsRehash(*hash));
}

BOOST_AUTO_TEST_CASE(a1_an_old_hash_is_marked_for_rehashing) {
  BOOST_REQUIRE(sodium_init() >= 0);
  char weaker[crypto_pwhash_STRBYTES];
  BOOST_REQUIRE(crypto_pwhash_str(weaker, "password1", 9, 1, 8 << 20) == 0);
  BOOST_TEST(VerifyPassword(weaker, "password1"));
  BOOST_TEST(PasswordNeedsRehash(weaker));
}

BOOST_AUTO_TEST_CASE(password_lengths_are_checked_before_hashing) {
  BOOST_TEST(HashPassword("short").status().IsInvalid());
  auto too_long = HashPassword(std::string(kMaxPasswordBytes + 1, 'p'));
  BOOST_TEST(too_long.status().IsInvalid());
  BOOST_TEST(too_long.status().message().find("1024") != std::string::npos);
  BOOST_TEST(CheckPassword(std::string(kMaxPasswordBytes, 'p')).ok());
  BOOST_TEST(!VerifyPassword("$argon2id$garbage", "whatever123"));
}

BOOST_AUTO_TEST_CASE(accounts_are_unique_regardless_of_case) {
  testing::TempDir dir;
  auto db = Database::Open(dir.File("w.db"), {});
  BOOST_REQUIRE(db.ok());
  auto users = SqliteUserStore::Create(**db);
  BOOST_REQUIRE(users.ok());
  auto alice = (*users)->Create(*UserName::Parse("Alice"), "hash-a", Role::kAdmin,
                                "alice@example.test", 1700000000);
  BOOST_REQUIRE(alice.ok());
  BOOST_TEST((*users)->Create(*UserName::Parse("ALICE"), "hash-b", Role::kUser, "", 1)
                 .status()
                 .IsConflict());
  auto found = (*users)->Find(*UserName::Parse("alice"));
  BOOST_REQUIRE(found.ok());
  BOOST_TEST(found->name == "Alice");
  BOOST_TEST(found->password_hash == "hash-a");
  BOOST_TEST((found->role == Role::kAdmin));
  BOOST_TEST(found->email == "alice@example.test");
  BOOST_TEST((*users)->SetRole(found->id, Role::kUser).ok());
  BOOST_TEST((*users)->SetPassword(found->id, "hash-c").ok());
  found = (*users)->Find(*UserName::Parse("ALICE"));
  BOOST_TEST((found->role == Role::kUser));
  BOOST_TEST(found->password_hash == "hash-c");
  BOOST_TEST((*users)->Find(*UserName::Parse("nobody1")).status().IsNotFound());
  BOOST_TEST((*users)->SetRole(999, Role::kAdmin).IsNotFound());
}

}  // namespace
}  // namespace wikid
