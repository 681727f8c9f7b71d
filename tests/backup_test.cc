// Backup and restore (model/backup.h, model/store/sqlite/sqlite_copy.h) on
// real SQLite files: what a copy holds and how it is written, the copies a
// restore refuses, and what a restore leaves beside the database. The
// commands, a wiki that serves while it is copied and a restore that is
// killed are in integration/backup_http_test.
#define BOOST_TEST_MODULE backup
#include "model/backup.h"

#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/test/unit_test.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "model/store/sqlite/database.h"
#include "model/store/sqlite/schema.h"
#include "model/store/sqlite/sqlite_copy.h"
#include "model/wiki.h"
#include "tests/support/db_dump.h"
#include "tests/support/temp_dir.h"

namespace wikid {
namespace {

using testing::DumpDatabase;

bool Exists(const std::string& path) { return std::filesystem::exists(path); }

// The names in `folder`, sorted.
std::vector<std::string> Names(const std::string& folder) {
  std::vector<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(folder)) {
    names.push_back(entry.path().filename());
  }
  std::sort(names.begin(), names.end());
  return names;
}

// What a backup or restore left in `folder` under a temporary name.
std::vector<std::string> LeftOver(const std::string& folder) {
  std::vector<std::string> left;
  for (const std::string& name : Names(folder)) {
    if (name.find(".restore-") != std::string::npos ||
        name.find(".partial-") != std::string::npos) {
      left.push_back(name);
    }
  }
  return left;
}

std::string ReadBytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream bytes;
  bytes << in.rdbuf();
  return bytes.str();
}

void WriteBytes(const std::string& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary | std::ios::trunc) << bytes;
}

unsigned Mode(const std::string& path) {
  struct stat st {};
  BOOST_REQUIRE(stat(path.c_str(), &st) == 0);
  return st.st_mode & 07777;
}

bool IsBusy(const Status& status) {
  return status.code() == Status::Code::kBusy;
}

StorageOptions In(const std::string& folder) {
  StorageOptions storage;
  storage.data_dir = folder;
  return storage;
}

// A wiki in `folder` with pages, revisions and an account, closed again.
void MakeWiki(const std::string& folder, const std::string& words) {
  std::filesystem::create_directories(folder);
  WikiOptions options;
  options.storage = In(folder);
  options.tell_admins = false;
  auto wiki = Wiki::Open(options);
  BOOST_REQUIRE_MESSAGE(wiki.ok(), wiki.status().message());
  for (const char* name : {"Main Page", "Second"}) {
    for (int rev = 1; rev <= 3; ++rev) {
      Edit edit{.name = *PageName::Parse(name),
                .base_rev = rev - 1,
                .text = words + " " + name + " " + std::to_string(rev),
                .summary = "summary " + std::to_string(rev),
                .author = "192.0.2.1",
                .created_at = 1700000000 + rev};
      BOOST_REQUIRE((*wiki)->page_store().Save(edit).ok());
    }
  }
  BOOST_REQUIRE((*wiki)
                    ->accounts()
                    .SignUp("Alice" + words, "a long password",
                            "a long password", "", 1700000000)
                    .ok());
}

struct Fixture {
  testing::TempDir dir;
  std::string live_dir = dir.File("live");
  std::string live = live_dir + "/wikid.db";
  std::string copy = dir.File("copy.db");
  Fixture() { MakeWiki(live_dir, "old"); }
};

BOOST_FIXTURE_TEST_SUITE(backup, Fixture)

BOOST_AUTO_TEST_CASE(a_copy_holds_the_whole_wiki_stands_alone_and_is_private) {
  auto done = BackupWiki(In(live_dir), copy, /*replace=*/false);
  BOOST_REQUIRE_MESSAGE(done.ok(), done.status().message());
  BOOST_TEST(done->schema_version == LatestSchemaVersion());
  BOOST_TEST(done->bytes ==
             static_cast<int64_t>(std::filesystem::file_size(copy)));
  BOOST_TEST(Mode(copy) == 0600u);
  // One file: no -wal, -shm or -journal beside it, no temporary left.
  BOOST_TEST(Names(dir.path()) ==
             (std::vector<std::string>{"copy.db", "live"}));
  BOOST_TEST(CheckCopy(copy).ok());
  BOOST_TEST(DumpDatabase(copy) == DumpDatabase(live));
  BOOST_TEST(DumpDatabase(copy, {"site_key"}).size() >
             20u);  // the secrets travel
}

BOOST_AUTO_TEST_CASE(an_existing_file_is_replaced_only_when_asked) {
  WriteBytes(copy, "keep me");
  chmod(copy.c_str(), 0644);
  auto refused = BackupWiki(In(live_dir), copy, false);
  BOOST_TEST(refused.status().IsInvalid());
  BOOST_TEST(refused.status().message().find("--force") != std::string::npos);
  BOOST_TEST(ReadBytes(copy) == "keep me");
  auto forced = BackupWiki(In(live_dir), copy, true);
  BOOST_REQUIRE_MESSAGE(forced.ok(), forced.status().message());
  BOOST_TEST(DumpDatabase(copy) == DumpDatabase(live));
  BOOST_TEST(Mode(copy) == 0600u);
}

BOOST_AUTO_TEST_CASE(a_backup_refuses_what_it_cannot_do_and_writes_nothing) {
  const std::string empty = dir.File("empty");
  std::filesystem::create_directory(empty);
  struct Case {
    std::string folder, target, says;
  } cases[] = {
      {empty, copy, "no database at"},  // and makes none
      {live_dir, dir.path(), "is a folder"},
      {live_dir, dir.File("missing/copy.db"), "no folder"},
      {live_dir, live, "the wiki's database itself"},
  };
  for (const Case& c : cases) {
    auto done = BackupWiki(In(c.folder), c.target, /*replace=*/true);
    BOOST_TEST(!done.ok(), c.target);
    BOOST_TEST(done.status().message().find(c.says) != std::string::npos,
               done.status().message());
  }
  BOOST_TEST(Names(empty).empty());
  BOOST_TEST(Names(dir.path()) == (std::vector<std::string>{"empty", "live"}));
  BOOST_TEST(CheckCopy(live).ok());
}

BOOST_AUTO_TEST_CASE(
    a_restore_replaces_the_database_and_nothing_of_the_old_one_survives) {
  const std::string other = dir.File("other");
  MakeWiki(other, "new");
  BOOST_REQUIRE(BackupWiki(In(other), copy, false).ok());
  // The old database as a killed wikid leaves it: commits in its -wal file
  // not yet checkpointed. Replayed onto the new file, they would corrupt it.
  pid_t child = fork();
  if (child == 0) {
    auto db = Database::Open(live, {});
    bool wrote =
        db.ok() && (*db)->Exec("PRAGMA wal_autocheckpoint=0").ok() &&
        (*db)->Exec("UPDATE revision SET summary = 'in the wal only'").ok();
    _exit(wrote ? 0 : 1);  // no close: no checkpoint
  }
  int status = 0;
  waitpid(child, &status, 0);
  BOOST_REQUIRE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  BOOST_REQUIRE(std::filesystem::file_size(live + "-wal") > 0);

  auto done = RestoreWiki(copy, In(live_dir));
  BOOST_REQUIRE_MESSAGE(done.ok(), done.status().message());
  BOOST_TEST(done->replaced);
  BOOST_TEST(done->database == live);
  BOOST_TEST(!Exists(live + "-wal"));
  BOOST_TEST(!Exists(live + "-journal"));
  BOOST_TEST(Mode(live) == 0600u);
  BOOST_TEST(CheckCopy(live).ok());
  BOOST_TEST(DumpDatabase(live) == DumpDatabase(copy));
  BOOST_TEST(ReadBytes(copy).size() ==
             std::filesystem::file_size(live));  // only read
  // And wikid opens it (back in WAL mode) and finds the new wiki's pages.
  WikiOptions options;
  options.storage = In(live_dir);
  auto wiki = Wiki::Open(options);
  BOOST_REQUIRE(wiki.ok());
  auto page =
      (*wiki)->stores().pages.Find(*PageName::Parse("Second"), std::nullopt);
  BOOST_REQUIRE(page.ok());
  BOOST_TEST(page->revision.text == "new Second 3");
}

BOOST_AUTO_TEST_CASE(a_restore_into_a_folder_that_does_not_exist_makes_it) {
  BOOST_REQUIRE(BackupWiki(In(live_dir), copy, false).ok());
  const std::string fresh = dir.File("a/b/data");
  auto done = RestoreWiki(copy, In(fresh));
  BOOST_REQUIRE_MESSAGE(done.ok(), done.status().message());
  BOOST_TEST(!done->replaced);
  // The lock file stays: see LockDatabaseFile.
  BOOST_TEST(Names(fresh) ==
             (std::vector<std::string>{"wikid.db", "wikid.db.lock"}));
  BOOST_TEST(DumpDatabase(fresh + "/wikid.db") == DumpDatabase(live));
}

BOOST_AUTO_TEST_CASE(
    a_restore_refuses_while_another_connection_has_the_database_open) {
  BOOST_REQUIRE(BackupWiki(In(live_dir), copy, false).ok());
  const std::string before = DumpDatabase(live);
  {
    // As a worker holds it: opened, read once, then idle.
    auto worker = Database::Open(live, {});
    BOOST_REQUIRE(worker.ok());
    auto refused = RestoreWiki(copy, In(live_dir));
    BOOST_TEST((refused.status().code() == Status::Code::kBusy));
    BOOST_TEST(
        refused.status().message().find("stop wikid") != std::string::npos,
        refused.status().message());
    BOOST_TEST(DumpDatabase(live) == before);
    BOOST_TEST((*worker)
                   ->Exec("UPDATE page SET latest_rev = latest_rev")
                   .ok());  // still usable
  }
  BOOST_TEST(LeftOver(live_dir).empty());
  BOOST_TEST(RestoreWiki(copy, In(live_dir)).ok());
}

// What `wikid serve`'s master holds for its whole life, and a backup while
// it copies: a restore refuses while either holds the database, even with
// no connection open.
BOOST_AUTO_TEST_CASE(a_restore_refuses_while_a_master_or_a_backup_holds_the_database) {
  BOOST_REQUIRE(BackupWiki(In(live_dir), copy, false).ok());
  const std::string before = DumpDatabase(live);
  {
    auto master = HoldDatabase(In(live_dir));
    BOOST_REQUIRE_MESSAGE(master.ok(), master.status().message());
    auto backup = LockDatabaseFile(live, FileLock::Mode::kShared, 0);
    BOOST_TEST(backup.ok());  // a backup shares it with a running wikid
    auto refused = RestoreWiki(copy, In(live_dir));
    BOOST_TEST(IsBusy(refused.status()));
    BOOST_TEST(refused.status().message().find("stop wikid first (" + live +
                                               ".lock is held") == 0,
               refused.status().message());
    BOOST_TEST(DumpDatabase(live) == before);
    *master = FileLock();  // the master gone, the backup still reads
    BOOST_TEST(IsBusy(RestoreWiki(copy, In(live_dir)).status()));
  }
  BOOST_TEST(LeftOver(live_dir).empty());
  BOOST_TEST(RestoreWiki(copy, In(live_dir)).ok());
}

// While a restore keeps the database out of use (from before it releases
// the old file until the new one has the name), no wikid connection
// reaches either file: it waits its busy timeout for the restore, then
// says why.
BOOST_AUTO_TEST_CASE(connections_wait_for_a_restore_then_say_busy) {
  auto restoring = KeepOutOfUse(live);
  BOOST_REQUIRE(restoring.ok());
  BOOST_TEST(IsBusy(KeepOutOfUse(live).status()));  // one restore at a time
  auto opened = Database::Open(live, {.busy_timeout_ms = 50});
  BOOST_TEST(IsBusy(opened.status()));
  BOOST_TEST(opened.status().message().find("being replaced by wikid restore") !=
                 std::string::npos,
             opened.status().message());
  BOOST_TEST(IsBusy(
      HoldDatabase({.data_dir = live_dir, .busy_timeout_ms = 50}).status()));
  WikiOptions options;
  options.storage = {.data_dir = live_dir, .busy_timeout_ms = 50};
  BOOST_TEST(IsBusy(Wiki::Open(options).status()));
  BOOST_TEST(!Exists(live + "-wal"));  // nothing reached the file
  *restoring = FileLock();                // the restore is done
  BOOST_TEST(Database::Open(live, {}).ok());
}

// Copies a restore must refuse, each with the reason it gives; the live
// database is left as it was, and nothing is left beside it.
BOOST_AUTO_TEST_CASE(
    a_restore_refuses_a_copy_that_is_not_a_whole_wiki_it_knows) {
  BOOST_REQUIRE(BackupWiki(In(live_dir), copy, false).ok());
  const std::string good = ReadBytes(copy);
  const std::string before = DumpDatabase(live);
  auto with_version = [&](int version) {
    WriteBytes(copy, good);
    auto db = Database::Open(copy, {.as_is = true});
    BOOST_REQUIRE(db.ok());
    BOOST_REQUIRE(
        (*db)
            ->Exec(("PRAGMA user_version=" + std::to_string(version)).c_str())
            .ok());
  };
  struct Case {
    std::string name;
    std::function<void()> make;
    std::string says;
  } cases[] = {
      {"not SQLite", [&] { WriteBytes(copy, std::string(8192, 'x')); },
       "not a whole SQLite"},
      {"empty file", [&] { WriteBytes(copy, ""); }, "no wiki's"},
      {"truncated", [&] { WriteBytes(copy, good.substr(0, good.size() / 2)); },
       "not a whole SQLite"},
      {"a damaged page",
       [&] {
         // Page 3 onwards are the tables' b-tree pages: scribble over one.
         std::string bad = good;
         for (size_t i = 2 * 4096 + 8; i < 2 * 4096 + 200; ++i) bad[i] = '\x5a';
         WriteBytes(copy, bad);
       },
       "SQLite"},
      {"newer schema", [&] { with_version(LatestSchemaVersion() + 1); },
       "newer than this wikid"},
      {"no wiki",
       [&] {
         WriteBytes(copy, "");
         auto db = Database::Open(copy, {.as_is = true});
         BOOST_REQUIRE((*db)->Exec("CREATE TABLE t (x)").ok());
       },
       "no wiki's"},
  };
  for (const Case& c : cases) {
    c.make();
    auto refused = RestoreWiki(copy, In(live_dir));
    BOOST_TEST(refused.status().IsInvalid(),
               c.name << ": " << refused.status().message());
    BOOST_TEST(refused.status().message().find(c.says) != std::string::npos,
               c.name << ": " << refused.status().message());
    BOOST_TEST(refused.status().message().find("nothing was replaced") !=
               std::string::npos);
    BOOST_TEST(DumpDatabase(live) == before, c.name);
    BOOST_TEST(LeftOver(live_dir).empty(), c.name);
  }
}

// The check opens the copy through a file: URI; a path that starts with
// "//" (a "--from //backups/x.db" typed by hand) must still name the file,
// and so must a relative one.
BOOST_AUTO_TEST_CASE(a_copy_is_checked_whatever_its_path_looks_like) {
  BOOST_REQUIRE(BackupWiki(In(live_dir), copy, false).ok());
  auto doubled = CheckCopy("/" + copy);
  BOOST_TEST(doubled.ok(), doubled.status().message());
  const std::filesystem::path was = std::filesystem::current_path();
  std::filesystem::current_path(dir.path());
  auto relative = CheckCopy("copy.db");
  std::filesystem::current_path(was);
  BOOST_TEST(relative.ok(), relative.status().message());
}

BOOST_AUTO_TEST_CASE(
    a_restore_refuses_a_copy_with_a_wal_or_hot_journal_beside_it) {
  BOOST_REQUIRE(BackupWiki(In(live_dir), copy, false).ok());
  const std::string before = DumpDatabase(live);
  for (const char* beside : {"-wal", "-journal"}) {
    WriteBytes(copy + beside, "frames");
    auto refused = RestoreWiki(copy, In(live_dir));
    BOOST_TEST(refused.status().IsInvalid(), beside);
    BOOST_TEST(refused.status().message().find(copy + beside + " exists") ==
                   0,
               refused.status().message());
    BOOST_TEST(refused.status().message().find("wikid backup") !=
               std::string::npos);
    std::filesystem::remove(copy + beside);
  }
  BOOST_TEST(DumpDatabase(live) == before);
}

BOOST_AUTO_TEST_CASE(an_older_schema_is_restored_and_migrated_when_opened) {
  std::ifstream sql(std::string(WIKID_SOURCE_DIR) +
                    "/tests/fixtures/schema_v1.sql");
  std::stringstream text;
  text << sql.rdbuf();
  WriteBytes(copy, "");
  {
    auto db = Database::Open(copy, {.as_is = true});
    BOOST_REQUIRE(db.ok());
    BOOST_REQUIRE((*db)->Exec(text.str().c_str()).ok());
  }
  auto done = RestoreWiki(copy, In(live_dir));
  BOOST_REQUIRE_MESSAGE(done.ok(), done.status().message());
  BOOST_TEST(done->schema_version == 1);
  WikiOptions options;
  options.storage = In(live_dir);
  auto wiki = Wiki::Open(options);
  BOOST_REQUIRE_MESSAGE(wiki.ok(), wiki.status().message());
  BOOST_TEST((*wiki)
                 ->stores()
                 .pages.Find(*PageName::Parse("Other"), std::nullopt)
                 .ok());
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace wikid
