// `wikid backup` and `wikid restore` as an operator runs them, on a wiki
// that nginx and wikid serve: a copy taken while four writers save holds
// every save acknowledged before it began and none of those its snapshot
// missed, while the writers go on; a restored copy serves the same
// pages, history and accounts; a restore is refused while wikid serves,
// and one killed before its rename leaves the old wiki whole.
#define BOOST_TEST_MODULE backup_http
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <array>
#include <atomic>
#include <boost/test/unit_test.hpp>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <thread>

#include "model/store/sqlite/database.h"
#include "tests/support/db_dump.h"
#include "tests/support/temp_dir.h"
#include "tests/support/test_wiki.h"

namespace wikid::testing {
namespace {

using namespace std::chrono_literals;

// The tables that are the wiki a reader and a writer see: pages, their
// history, accounts, logins and the keys that sign forms.
const std::vector<std::string> kWikiTables = {
    "page",    "revision",  "revision_link", "account",
    "session", "api_token", "site_key"};

CommandRun Backup(const std::string& data_dir, const std::string& to) {
  return RunCommand({WIKID_BINARY, "backup", "--data", data_dir, "--to", to});
}

CommandRun Restore(const std::string& from, const std::string& data_dir) {
  return RunCommand(
      {WIKID_BINARY, "restore", "--from", from, "--data", data_dir});
}

// One text from the database at `path`, or "" when the query has no row.
std::string Text(const std::string& path, const std::string& sql) {
  auto db = Database::Open(
      path, {.read_only = true, .as_is = true, .immutable = true});
  BOOST_REQUIRE(db.ok());
  auto stmt = (*db)->Prepare(sql);
  BOOST_REQUIRE_MESSAGE(stmt.ok(), sql);
  Query q(**stmt);
  auto row = q->Step();
  BOOST_REQUIRE(row.ok());
  return *row ? q->ColumnText(0) : "";
}

// Whether the file `log` (a process's output) says `text` yet.
bool LogSays(const std::string& log, const std::string& text) {
  return ReadFile(log).find(text) != std::string::npos;
}

BOOST_AUTO_TEST_CASE(
    a_backup_while_four_writers_save_is_one_snapshot_that_never_blocks_them) {
  TestWikiOptions options;
  options.workers = 4;
  TestWiki wiki(options);
  TempDir out;
  const std::string copy = out.File("copy.db");
  constexpr int kWriters = 4;
  SavingWriters writers(wiki, kWriters);
  // Not REQUIRE while the writers run: their threads must be joined.
  BOOST_TEST(writers.WaitPast({}, 5, 120s));
  const BackupWhileSaving backup(
      writers, {WIKID_BINARY, "backup", "--data", wiki.data_dir(), "--to", copy});
  BOOST_TEST(backup.held, backup.output);
  BOOST_TEST(backup.saved_on);
  BOOST_TEST(backup.failed.empty(), backup.failed);  // no writer got a 5xx, nor a 4xx
  BOOST_REQUIRE_MESSAGE(backup.status != -1 && WIFEXITED(backup.status) &&
                            WEXITSTATUS(backup.status) == 0,
                        backup.output);
  BOOST_TEST(backup.output.find("backed up the wiki to " + copy) != std::string::npos,
             backup.output);
  const std::vector<int64_t>& before = backup.before;
  const std::vector<int64_t>& at_snapshot = backup.at_snapshot;

  struct stat st {};
  BOOST_REQUIRE(stat(copy.c_str(), &st) == 0);
  BOOST_TEST((st.st_mode & 0777) == 0600u);
  BOOST_TEST(Text(copy, "PRAGMA integrity_check") == "ok");
  for (int w = 0; w < kWriters; ++w) {
    const std::string page = "Writer " + std::to_string(w);
    const int64_t latest = std::stoll(
        "0" +
        Text(copy, "SELECT latest_rev FROM page WHERE name = '" + page + "'"));
    BOOST_TEST(latest >= before[w], page);
    // Revision at_snapshot + 1 may have committed before the snapshot and
    // been acknowledged after it was read; the ones after it were sent
    // once that one was acknowledged, so after the snapshot was taken.
    BOOST_TEST(latest <= at_snapshot[w] + 1, page);
    for (int64_t rev = at_snapshot[w] + 2; rev <= at_snapshot[w] + 3; ++rev) {
      BOOST_TEST(Text(copy,
                      "SELECT count(*) FROM revision JOIN page ON page.id = "
                      "page_id WHERE name = '" +
                          page + "' AND rev = " + std::to_string(rev)) == "0",
                 page << " revision " << rev << " is in the copy");
    }
    for (int64_t rev = 1; rev <= before[w]; ++rev) {
      BOOST_TEST(
          Text(copy,
               "SELECT text FROM revision JOIN page ON page.id = page_id "
               "WHERE name = '" +
                   page + "' AND rev = " + std::to_string(rev)) ==
              SavingWriters::Text(w, rev),
          page << " revision " << rev);
    }
  }
}

BOOST_AUTO_TEST_CASE(
    a_restored_copy_serves_the_same_pages_history_and_accounts) {
  TempDir out;
  const std::string copy = out.File("copy.db");
  std::string wiki_before;
  std::string alice_session;
  {
    TestWiki source({});
    source.CreateUser("Alice", "alice-password", /*admin=*/true,
                      "alice@example.org");
    Browser alice(source);
    BOOST_REQUIRE(alice.LogIn("Alice", "alice-password").status == 303);
    BOOST_REQUIRE(alice.Save("Kept_Page", 0, "first text", "made it").status ==
                  303);
    BOOST_REQUIRE(
        alice.Save("Kept_Page", 1, "second text, see [[Other]]", "linked")
            .status == 303);
    BOOST_REQUIRE(
        source.Save("Other", 0, "the other page", "by the tester").status ==
        303);
    alice_session = alice.Cookie("wikid_session");
    CommandRun backup = Backup(source.data_dir(), copy);
    BOOST_REQUIRE_MESSAGE(backup.code == 0, backup.output);
    wiki_before = DumpDatabase(source.db_path(), kWikiTables);
  }  // the source wiki is gone

  const std::string data = out.File("restored");  // does not exist yet
  CommandRun restore = Restore(copy, data);
  BOOST_REQUIRE_MESSAGE(restore.code == 0, restore.output);
  BOOST_TEST(restore.output.find("restored " + copy) != std::string::npos,
             restore.output);
  TestWikiOptions options;
  options.data_dir = data;
  TestWiki restored(options);
  BOOST_TEST(DumpDatabase(restored.db_path(), kWikiTables) == wiki_before);

  HttpResponse page = restored.Get("/Kept_Page");
  BOOST_TEST(page.status == 200);
  BOOST_TEST(page.body.find("second text") != std::string::npos);
  BOOST_TEST(restored.Get("/_raw/Kept_Page?rev=1").body == "first text");
  HttpResponse history = restored.Get("/_history/Kept_Page");
  for (const char* shown : {"made it", "linked", "Alice"}) {
    BOOST_TEST(history.body.find(shown) != std::string::npos, shown);
  }
  BOOST_TEST(restored.Get("/_history/Other").body.find("by the tester") !=
             std::string::npos);
  // Accounts: Alice logs in with her password, and her login from before
  // the backup is still one.
  Browser again(restored);
  HttpResponse login = again.LogIn("Alice", "alice-password");
  BOOST_TEST(login.status == 303);
  BOOST_TEST(!again.Cookie("wikid_session").empty());
  BOOST_TEST(again.LogIn("Alice", "not-her-password").status != 303);
  Browser kept(restored);
  kept.SetCookie("wikid_session", alice_session);
  BOOST_TEST(kept.Get("/_admin/users").status == 200);
  BOOST_TEST(
      kept.Save("Kept_Page", 2, "third text", "after the restore").status ==
      303);
}

// A wiki whose page "Page" says "in the copy" in revision 1, which the
// backup at `copy` holds, and "after the copy" in revision 2.
void SaveCopySave(TestWiki& wiki, const std::string& copy) {
  BOOST_REQUIRE(wiki.Save("Page", 0, "in the copy").status == 303);
  BOOST_REQUIRE(Backup(wiki.data_dir(), copy).code == 0);
  BOOST_REQUIRE(wiki.Save("Page", 1, "after the copy").status == 303);
}

// A wiki as SaveCopySave leaves it, and its copy; for the restore cases.
struct CopiedWiki {
  TempDir out;
  const std::string copy = out.File("copy.db");
  TestWiki wiki{TestWikiOptions{}};
  CopiedWiki() { SaveCopySave(wiki, copy); }
};

BOOST_FIXTURE_TEST_CASE(
    a_restore_is_refused_while_wikid_serves_and_done_once_it_stopped,
    CopiedWiki) {
  CommandRun refused = Restore(copy, wiki.data_dir());
  BOOST_TEST(refused.code == 1);
  BOOST_TEST(refused.output.find("stop wikid first") != std::string::npos,
             refused.output);
  BOOST_TEST(wiki.Get("/Page").body.find("after the copy") !=
             std::string::npos);
  BOOST_TEST(wiki.Scalar("SELECT latest_rev FROM page") == 2);

  BOOST_REQUIRE(wiki.StopWikid(60s) == 0);
  CommandRun restore = Restore(copy, wiki.data_dir());
  BOOST_REQUIRE_MESSAGE(restore.code == 0, restore.output);
  wiki.StartWikid();
  BOOST_TEST(ShownRevision(wiki.Get("/Page")) == 1);
  BOOST_TEST(wiki.Get("/Page").body.find("in the copy") != std::string::npos);
}

BOOST_FIXTURE_TEST_CASE(
    a_restore_killed_before_its_rename_leaves_the_old_wiki_whole, CopiedWiki) {
  BOOST_REQUIRE(wiki.StopWikid(60s) == 0);
  const std::string before = DumpDatabase(wiki.db_path());

  const std::string log = out.File("restore.log");
  pid_t restore = Spawn(
      {WIKID_BINARY, "restore", "--from", copy, "--data", wiki.data_dir()}, log,
      {{"WIKID_FAILPOINTS", "restore_before_rename=600000"}});
  BOOST_REQUIRE(WaitUntil(
      [&] { return LogSays(log, "failpoint restore_before_rename"); }, 60s));
  kill(restore, SIGKILL);
  BOOST_REQUIRE(WaitExit(restore, 60s) != -1);

  // The old database, whole; it was taken out of WAL mode, nothing more.
  BOOST_TEST(DumpDatabase(wiki.db_path()) == before);
  wiki.StartWikid();
  BOOST_TEST(wiki.Get("/Page").body.find("after the copy") !=
             std::string::npos);
  BOOST_REQUIRE(wiki.StopWikid(60s) == 0);
  // The restore done again finishes (what the killed one left is its own
  // temporary file, which nothing reads).
  CommandRun again = Restore(copy, wiki.data_dir());
  BOOST_REQUIRE_MESSAGE(again.code == 0, again.output);
  wiki.StartWikid();
  BOOST_TEST(wiki.Get("/Page").body.find("in the copy") != std::string::npos);
}

// The rename done, the folder's sync failed: the restore says that the
// file was replaced, not a bare failure.
BOOST_FIXTURE_TEST_CASE(a_restore_whose_folder_sync_fails_says_it_restored,
                        CopiedWiki) {
  BOOST_REQUIRE(wiki.StopWikid(60s) == 0);
  CommandRun restore = RunCommand(
      {WIKID_BINARY, "restore", "--from", copy, "--data", wiki.data_dir()},
      {{"WIKID_FAILPOINTS", "folder_sync_fails=1"}});
  BOOST_TEST(restore.code == 1);
  BOOST_TEST(restore.output.find("restored " + copy + " to " + wiki.db_path() +
                                 ", but the folder could not be synced") !=
                 std::string::npos,
             restore.output);
  BOOST_TEST(Text(wiki.db_path(), "SELECT latest_rev FROM page") == "1");
}

// A restore killed after it emptied a live -wal into the old database:
// the commits a killed wikid left only in its -wal must be in the old
// file then, whole, since the -wal is gone.
BOOST_FIXTURE_TEST_CASE(
    a_restore_killed_after_emptying_a_killed_wikids_wal_leaves_its_commits,
    CopiedWiki) {
  BOOST_REQUIRE(wiki.StopWikid(60s) == 0);
  // Every earlier commit into the file first: whether wikid's own were
  // checkpointed when it stopped depends on which of its processes closed
  // the database last (workers leave by _exit), and the counts below
  // read the file alone.
  {
    auto db = Database::Open(wiki.db_path(), {.as_is = true});
    BOOST_REQUIRE(db.ok());
    BOOST_REQUIRE((*db)->Exec("PRAGMA wal_checkpoint(TRUNCATE)").ok());
  }
  BOOST_REQUIRE(Text(wiki.db_path(), "SELECT count(*) FROM revision") == "2");
  // As a killed wikid leaves it: commits in the -wal, none checkpointed.
  pid_t writer = fork();
  if (writer == 0) {
    auto db = Database::Open(wiki.db_path(), {});
    bool wrote =
        db.ok() && (*db)->Exec("PRAGMA wal_autocheckpoint=0").ok() &&
        (*db)->Exec("UPDATE revision SET summary = 'in the wal only'").ok();
    _exit(wrote ? 0 : 1);  // no close: no checkpoint
  }
  const int wrote = WaitExit(writer, 60s);
  BOOST_REQUIRE(wrote != -1 && WIFEXITED(wrote) && WEXITSTATUS(wrote) == 0);
  BOOST_REQUIRE(std::filesystem::file_size(wiki.db_path() + "-wal") > 0);
  // The file alone (an immutable open ignores the -wal) has none of them.
  BOOST_REQUIRE(Text(wiki.db_path(),
                     "SELECT count(*) FROM revision "
                     "WHERE summary = 'in the wal only'") == "0");

  HeldFailpoints held;  // never released: the restore is killed there
  const std::string log = out.File("restore.log");
  pid_t restore = Spawn(
      {WIKID_BINARY, "restore", "--from", copy, "--data", wiki.data_dir()}, log,
      held.Env("restore_before_rename"));
  BOOST_REQUIRE(WaitUntil(
      [&] { return LogSays(log, "failpoint restore_before_rename"); }, 60s));
  kill(restore, SIGKILL);
  BOOST_REQUIRE(WaitExit(restore, 60s) != -1);

  // The -wal was emptied into the file and removed; the file alone (read
  // without any -wal) holds every commit, and passes the check.
  BOOST_TEST(!std::filesystem::exists(wiki.db_path() + "-wal"));
  BOOST_TEST(Text(wiki.db_path(), "PRAGMA integrity_check") == "ok");
  BOOST_TEST(Text(wiki.db_path(),
                  "SELECT count(*) FROM revision "
                  "WHERE summary = 'in the wal only'") == "2");
  wiki.StartWikid();
  BOOST_TEST(wiki.Get("/Page").body.find("after the copy") !=
             std::string::npos);
  BOOST_TEST(wiki.Get("/_history/Page").body.find("in the wal only") !=
             std::string::npos);
}

// The window the reviewer found: the old database released, the copy not
// yet renamed onto its name. A wikid process that opens the database then
// (a worker started by a master, a command) must neither reach the old
// file (it would put it back in WAL mode, and its -wal beside the name
// would be read by the new file) nor the new one before it is in place.
BOOST_FIXTURE_TEST_CASE(
    a_connection_opened_while_a_restore_replaces_the_database_is_kept_out,
    CopiedWiki) {
  BOOST_REQUIRE(wiki.StopWikid(60s) == 0);

  HeldFailpoints held;
  const std::string log = out.File("restore.log");
  pid_t restore = Spawn(
      {WIKID_BINARY, "restore", "--from", copy, "--data", wiki.data_dir()}, log,
      held.Env("restore_before_rename"));
  BOOST_REQUIRE(WaitUntil(
      [&] { return LogSays(log, "failpoint restore_before_rename: holding"); },
      60s));
  {
    auto opened = Database::Open(wiki.db_path(), {.busy_timeout_ms = 200});
    BOOST_TEST(!opened.ok());
    BOOST_TEST((opened.status().code() == Status::Code::kBusy));
    BOOST_TEST(
        opened.status().message().find("being replaced") != std::string::npos,
        opened.status().message());
  }
  BOOST_TEST(!std::filesystem::exists(wiki.db_path() + "-wal"));
  held.Release("restore_before_rename");
  const int status = WaitExit(restore, 60s);
  BOOST_REQUIRE_MESSAGE(
      status != -1 && WIFEXITED(status) && WEXITSTATUS(status) == 0,
      ReadFile(log));
  // The restored copy alone, whole: wikid serves the page as it was in it.
  BOOST_TEST(Text(wiki.db_path(), "PRAGMA integrity_check") == "ok");
  wiki.StartWikid();
  BOOST_TEST(ShownRevision(wiki.Get("/Page")) == 1);
  BOOST_TEST(wiki.Get("/Page").body.find("in the copy") != std::string::npos);
}

// A running wikid holds the database even while none of its processes
// has it open (held here before the master's first open; the same holds
// between a worker's exit and its replacement's open, or a mailer's).
BOOST_FIXTURE_TEST_CASE(
    a_restore_is_refused_while_a_wikid_master_runs_with_the_database_closed,
    CopiedWiki) {
  BOOST_REQUIRE(wiki.StopWikid(60s) == 0);
  const std::string before = DumpDatabase(wiki.db_path());

  HeldFailpoints held;
  const std::string log = out.File("serve.log");
  pid_t serve =
      Spawn({WIKID_BINARY, "serve", "--workers", "1", "--data", wiki.data_dir(),
             "--templates", std::string(WIKID_SOURCE_DIR) + "/views/templates",
             "--socket", out.File("wikid.sock")},
            log, held.Env("serve_before_first_open"));
  BOOST_REQUIRE(WaitUntil(
      [&] { return LogSays(log, "failpoint serve_before_first_open"); }, 60s));
  CommandRun refused = Restore(copy, wiki.data_dir());
  BOOST_TEST(refused.code == 1, refused.output);
  BOOST_TEST(refused.output.find("stop wikid first") != std::string::npos,
             refused.output);
  BOOST_TEST(DumpDatabase(wiki.db_path()) == before);

  held.Release("serve_before_first_open");
  kill(serve, SIGTERM);
  BOOST_REQUIRE(WaitExit(serve, 60s) != -1);
  CommandRun restore = Restore(copy, wiki.data_dir());
  BOOST_TEST(restore.code == 0, restore.output);
}

BOOST_AUTO_TEST_CASE(the_commands_say_how_they_are_used) {
  TempDir out;
  CommandRun help = RunCommand({WIKID_BINARY, "backup", "--help"});
  BOOST_TEST(help.code == 0);
  BOOST_TEST(help.output.find("--force") != std::string::npos);
  BOOST_TEST(RunCommand({WIKID_BINARY, "restore", "--help"}).code == 0);
  BOOST_TEST(RunCommand({WIKID_BINARY, "backup", "--data", out.path()}).code ==
             2);
  BOOST_TEST(RunCommand({WIKID_BINARY, "restore", "--wrong"}).code == 2);
  CommandRun none = Backup(out.path(), out.File("copy.db"));
  BOOST_TEST(none.code == 1);
  BOOST_TEST(none.output.find("no database at") != std::string::npos,
             none.output);
  CommandRun missing = Restore(out.File("nothing.db"), out.path());
  BOOST_TEST(missing.code == 1);
  BOOST_TEST(missing.output.find("nothing.db") != std::string::npos,
             missing.output);
}

}  // namespace
}  // namespace wikid::testing
