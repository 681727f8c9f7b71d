// Accounts in the model: name rules, argon2id password hashing (A1) and
// the account store, on the engine WIKID_TEST_DATABASE names
// (tests/support/test_database.h; ctest runs both).
#define BOOST_TEST_MODULE user
#include <boost/test/unit_test.hpp>

#include <sodium.h>

#include <regex>

#include "model/accounts/password.h"
#include "model/accounts/profile.h"
#include "model/text/mailbox.h"
#include "tests/support/test_database.h"

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

// The account store on a fresh database.
struct UserStoreFixture {
  testing::TestDatabase database;
  std::unique_ptr<Storage> storage;
  std::unique_ptr<UserStore> store;

  UserStoreFixture() {
    auto opened = database.Open();
    BOOST_REQUIRE_MESSAGE(opened.ok(), opened.status().message());
    storage = std::move(*opened);
    auto made = storage->OpenUsers(nullptr);
    BOOST_REQUIRE_MESSAGE(made.ok(), made.status().message());
    store = std::move(*made);
  }
};

BOOST_FIXTURE_TEST_CASE(accounts_are_unique_regardless_of_case, UserStoreFixture) {
  auto alice = store->Create(*UserName::Parse("Alice"), "hash-a", Role::kAdmin,
                                "alice@example.test", 1700000000);
  BOOST_REQUIRE(alice.ok());
  BOOST_TEST(store->Create(*UserName::Parse("ALICE"), "hash-b", Role::kUser, "", 1)
                 .status()
                 .IsConflict());
  auto found = store->Find(*UserName::Parse("alice"));
  BOOST_REQUIRE(found.ok());
  BOOST_TEST(found->name == "Alice");
  BOOST_TEST(found->password_hash == "hash-a");
  BOOST_TEST((found->role == Role::kAdmin));
  BOOST_TEST(found->email == "alice@example.test");
  BOOST_TEST(store->SetRole(found->id, Role::kUser).ok());
  BOOST_TEST(store->SetPassword(found->id, "hash-c").ok());
  found = store->Find(*UserName::Parse("ALICE"));
  BOOST_TEST((found->role == Role::kUser));
  BOOST_TEST(found->password_hash == "hash-c");
  BOOST_TEST(store->Find(*UserName::Parse("nobody1")).status().IsNotFound());
  BOOST_TEST(store->SetRole(999, Role::kAdmin).IsNotFound());
}

BOOST_FIXTURE_TEST_CASE(the_list_pages_by_lowercased_name, UserStoreFixture) {
  for (const char* name : {"carol", "Alice", "bob", "Dave"}) {
    BOOST_REQUIRE(store->Create(*UserName::Parse(name), "h", Role::kUser, "", 0).ok());
  }
  auto first = store->List("", 2);
  BOOST_REQUIRE(first.ok());
  BOOST_REQUIRE(first->users.size() == 2u);
  BOOST_TEST(first->users[0].name == "Alice");
  BOOST_TEST(first->users[1].name == "bob");
  BOOST_TEST(first->more);
  auto rest = store->List("bob", 2);
  BOOST_REQUIRE(rest.ok());
  BOOST_REQUIRE(rest->users.size() == 2u);
  BOOST_TEST(rest->users[0].name == "carol");
  BOOST_TEST(rest->users[1].name == "Dave");
  BOOST_TEST(!rest->more);
}

BOOST_FIXTURE_TEST_CASE(profiles_and_disabling_are_kept, UserStoreFixture) {
  auto erin = store->Create(*UserName::Parse("erin"), "h", Role::kUser, "", 5);
  BOOST_REQUIRE(erin.ok());
  BOOST_TEST(!erin->disabled);
  BOOST_REQUIRE(store->SetProfile(erin->id, "Erin E.", "*hi*", "erin@example.test").ok());
  BOOST_REQUIRE(store->SetDisabled(erin->id, true).ok());
  auto found = store->Find(*UserName::Parse("Erin"));
  BOOST_REQUIRE(found.ok());
  BOOST_TEST(found->display_name == "Erin E.");
  BOOST_TEST(found->bio == "*hi*");
  BOOST_TEST(found->email == "erin@example.test");
  BOOST_TEST(found->disabled);
  BOOST_TEST(found->created_at == 5);
  BOOST_REQUIRE(store->SetDisabled(erin->id, false).ok());
  BOOST_TEST(!store->Find(*UserName::Parse("erin"))->disabled);
  BOOST_TEST(store->SetDisabled(999, true).IsNotFound());
  BOOST_TEST(store->SetProfile(999, "", "", "").IsNotFound());
}

// What the first-run setup asks (views/accounts/setup_handlers.h): a disabled
// admin, or a plain user, does not count.
BOOST_FIXTURE_TEST_CASE(any_admin_counts_only_enabled_admins, UserStoreFixture) {
  BOOST_TEST(*store->AnyAdmin() == false);
  auto user = store->Create(*UserName::Parse("plain"), "h", Role::kUser, "", 0);
  BOOST_REQUIRE(user.ok());
  BOOST_TEST(*store->AnyAdmin() == false);
  auto admin = store->Create(*UserName::Parse("boss"), "h", Role::kAdmin, "", 0);
  BOOST_REQUIRE(admin.ok());
  BOOST_TEST(*store->AnyAdmin() == true);
  BOOST_REQUIRE(store->SetDisabled(admin->id, true).ok());
  BOOST_TEST(*store->AnyAdmin() == false);
  BOOST_REQUIRE(store->SetRole(user->id, Role::kAdmin).ok());
  BOOST_TEST(*store->AnyAdmin() == true);
}

}  // namespace
}  // namespace wikid
