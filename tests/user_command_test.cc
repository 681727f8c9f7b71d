// `wikid user ...` as an operator runs it: the password comes on standard
// input, never on the command line. And `wikid key rotate`, and the
// --database option they share with `wikid serve`.
#define BOOST_TEST_MODULE user_command
#include <boost/test/unit_test.hpp>

#include <sys/wait.h>

#include <cstdio>
#include <filesystem>
#include <ctime>

#include "model/accounts/password.h"
#include "model/store/sqlite/database.h"
#include "model/store/sqlite/sqlite_session_store.h"
#include "model/store/sqlite/sqlite_site_key_store.h"
#include "model/store/sqlite/sqlite_user_store.h"
#include "tests/support/temp_dir.h"

namespace wikid {
namespace {

struct Run {
  int code;
  std::string output;
};

// Runs `wikid ARGS` with `input` on standard input.
Run Wikid(const std::string& args, const std::string& input = "") {
  std::string command = "printf '%s' '" + input + "' | " + WIKID_BINARY + " " + args + " 2>&1";
  FILE* pipe = popen(command.c_str(), "r");
  std::string output;
  char buf[256];
  while (size_t n = fread(buf, 1, sizeof buf, pipe)) output.append(buf, n);
  int status = pclose(pipe);
  return {WEXITSTATUS(status), output};
}

// Runs `wikid user ARGS --data DIR` with `input` on standard input.
Run WikidUser(const testing::TempDir& dir, const std::string& args, const std::string& input) {
  return Wikid("user " + args + " --data " + dir.path(), input);
}

User Find(const testing::TempDir& dir, const std::string& name) {
  auto db = Database::Open(dir.File("wikid.db"), {});
  BOOST_REQUIRE(db.ok());
  auto users = SqliteUserStore::Create(**db);
  auto user = (*users)->Find(*UserName::Parse(name));
  BOOST_REQUIRE(user.ok());
  return *user;
}

BOOST_AUTO_TEST_CASE(the_first_admin_is_created_from_the_command_line) {
  testing::TempDir dir;
  Run created = WikidUser(dir, "create Alice --admin", "s3cret-enough\n");
  BOOST_TEST(created.code == 0, created.output);
  BOOST_TEST(created.output.find("created admin Alice") != std::string::npos);
  User alice = Find(dir, "alice");
  BOOST_TEST((alice.role == Role::kAdmin));
  BOOST_TEST(VerifyPassword(alice.password_hash, "s3cret-enough"));
  BOOST_TEST(created.output.find("s3cret") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(refusals_say_why) {
  testing::TempDir dir;
  BOOST_REQUIRE(WikidUser(dir, "create alice", "long-enough-1\n").code == 0);
  Run taken = WikidUser(dir, "create ALICE", "long-enough-2\n");
  BOOST_TEST(taken.code == 1);
  BOOST_TEST(taken.output.find("already taken") != std::string::npos, taken.output);
  Run short_password = WikidUser(dir, "create bob", "short\n");
  BOOST_TEST(short_password.code == 1);
  BOOST_TEST(short_password.output.find("at least 8") != std::string::npos);
  Run bad_name = WikidUser(dir, "create admin", "long-enough-3\n");
  BOOST_TEST(bad_name.code == 1);
  BOOST_TEST(bad_name.output.find("reserved") != std::string::npos);
  BOOST_TEST(WikidUser(dir, "frobnicate alice", "").code == 2);
  BOOST_TEST(WikidUser(dir, "set-role alice superuser", "").code == 1);
  BOOST_TEST(WikidUser(dir, "set-password nobody9", "long-enough-4\n").code == 1);
}

BOOST_AUTO_TEST_CASE(passwords_are_reset_and_roles_set) {
  testing::TempDir dir;
  BOOST_REQUIRE(WikidUser(dir, "create carol", "first-password\n").code == 0);
  std::string token;
  {
    auto db = Database::Open(dir.File("wikid.db"), {});
    auto sessions = SqliteSessionStore::Create(**db);
    token = *(*sessions)->Start(Find(dir, "carol").id, time(nullptr), 3600);
  }
  BOOST_TEST(WikidUser(dir, "set-password Carol", "second-password\n").code == 0);
  {
    auto db = Database::Open(dir.File("wikid.db"), {});
    auto sessions = SqliteSessionStore::Create(**db);
    BOOST_TEST((*sessions)->Find(token, time(nullptr)).status().IsNotFound());
  }
  User carol = Find(dir, "carol");
  BOOST_TEST(VerifyPassword(carol.password_hash, "second-password"));
  BOOST_TEST(!VerifyPassword(carol.password_hash, "first-password"));
  BOOST_TEST(WikidUser(dir, "set-role carol admin", "").code == 0);
  BOOST_TEST((Find(dir, "carol").role == Role::kAdmin));
}

BOOST_AUTO_TEST_CASE(a_key_rotation_adds_a_key_to_the_named_database) {
  testing::TempDir shared, data;
  const std::string database = shared.File("wiki.db");
  Run created = WikidUser(data, "create Alice --database sqlite:" + database, "long-enough-1\n");
  BOOST_REQUIRE_MESSAGE(created.code == 0, created.output);
  Run rotated = Wikid("key rotate --data " + data.path() + " --database sqlite:" + database);
  BOOST_TEST(rotated.code == 0, rotated.output);
  BOOST_TEST(rotated.output.find("a new key signs forms") != std::string::npos);
  // Into the database named, not the data folder's.
  auto db = Database::Open(database, {});
  BOOST_REQUIRE(db.ok());
  auto keys = (*SqliteSiteKeyStore::Create(**db))->Newest(5);
  BOOST_REQUIRE(keys.ok());
  BOOST_TEST(keys->size() == 2u);
  BOOST_TEST((*keys)[0] != (*keys)[1]);
  BOOST_TEST(!std::filesystem::exists(data.File("wikid.db")));
  // Bad usage and an engine this wikid lacks are refused plainly.
  BOOST_TEST(Wikid("key turn --data " + data.path()).code == 2);
  Run mysql = Wikid("key rotate --data " + data.path() + " --database mysql://u@h/db");
  BOOST_TEST(mysql.code == 1);
  BOOST_TEST(mysql.output.find("--database must be sqlite:PATH or postgresql://") !=
                 std::string::npos,
             mysql.output);
}

}  // namespace
}  // namespace wikid
