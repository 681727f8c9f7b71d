// `wikid backup` and `wikid restore` of a PostgreSQL wiki (pg_dump and
// pg_restore, model/store/postgres/postgres_copy.h), on the suite's real
// server: a copy taken while four writers save through nginx holds every
// save acknowledged before it began and none its snapshot missed; a copy
// restored into an empty database, or onto another wiki, is the same wiki
// (pages, history, accounts, files, the site's keys) and goes on saving;
// a damaged, cut, foreign or too new copy, a database in use and one
// holding more than the copy are refused, changing nothing; a restore
// that fails inside its transaction leaves the old wiki; and nothing of
// the connection, least of all a password, is on pg_dump's command line.
#define BOOST_TEST_MODULE postgres_backup_http
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/test/unit_test.hpp>
#include <filesystem>
#include <fstream>

#include "model/backup.h"
#include "model/base/sha256.h"
#include "model/store/postgres/pg_connection.h"
#include "model/wiki.h"
#include "tests/support/db_dump.h"
#include "tests/support/postgres_server.h"
#include "tests/support/temp_dir.h"
#include "tests/support/test_wiki.h"

namespace wikid::testing {
namespace {

using namespace std::chrono_literals;

void WriteBytes(const std::string& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary | std::ios::trunc) << bytes;
}

StorageOptions On(const TestDatabase& db, const TempDir& dir) {
  return StorageOptions{.data_dir = dir.path(), .database = db.url()};
}

// A wiki in `db`: two pages of three revisions, an account, a file of two
// revisions; the texts start with `words`.
void MakeWiki(const TestDatabase& db, const std::string& words) {
  TempDir data;
  WikiOptions options;
  options.storage = On(db, data);
  options.tell_admins = false;
  auto wiki = Wiki::Open(options);
  BOOST_REQUIRE_MESSAGE(wiki.ok(), wiki.status().message());
  for (const char* name : {"Main Page", "Second"}) {
    for (int rev = 1; rev <= 3; ++rev) {
      Edit edit{.name = *PageName::Parse(name),
                .base_rev = rev - 1,
                .text = words + " " + name + " " + std::to_string(rev) + " ünïcödé 日本",
                .summary = "summary " + std::to_string(rev),
                .author = "192.0.2.1",
                .created_at = 1700000000 + rev};
      BOOST_REQUIRE((*wiki)->page_store().Save(edit).ok());
    }
  }
  db.InsertAccount("alice" + words);  // by SQL: no password hash to compute
  for (int rev = 1; rev <= 2; ++rev) {
    const std::string bytes = words + " notes, revision " + std::to_string(rev);
    auto saved = (*wiki)->file_store().Save(FileEdit{.name = *FileName::Parse("Notes.txt"),
                                                     .base_rev = rev - 1,
                                                     .bytes = &bytes,
                                                     .sha256 = Sha256Hex(bytes),
                                                     .content_type = "text/plain",
                                                     .summary = "file " + std::to_string(rev),
                                                     .author = "192.0.2.1",
                                                     .created_at = 1700000100 + rev});
    BOOST_REQUIRE_MESSAGE(saved.ok(), saved.status().message());
  }
}

BOOST_AUTO_TEST_CASE(a_backup_while_four_writers_save_is_one_snapshot_that_never_blocks_them) {
  BOOST_REQUIRE(EngineUnderTest() == Engine::kPostgres);
  TestWikiOptions options;
  options.workers = 4;
  TestWiki wiki(options);
  TempDir out;
  const std::string copy = out.File("copy.dump");
  constexpr int kWriters = 4;
  SavingWriters writers(wiki, kWriters);
  BOOST_TEST(writers.WaitPast({}, 5, 120s));
  std::vector<std::string> argv = {WIKID_BINARY, "backup", "--to", copy};
  for (const std::string& arg : wiki.DatabaseArgs()) argv.push_back(arg);
  // Held once its snapshot is exported, before pg_dump starts.
  const BackupWhileSaving backup(writers, argv);
  BOOST_TEST(backup.held, backup.output);
  BOOST_TEST(backup.saved_on);
  BOOST_TEST(backup.failed.empty(), backup.failed);
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

  // What the copy holds, read where `wikid restore` puts it.
  TestDatabase restored;
  CommandRun restore =
      RunCommand({WIKID_BINARY, "restore", "--from", copy, "--database", restored.url()});
  BOOST_REQUIRE_MESSAGE(restore.code == 0, restore.output);
  for (int w = 0; w < kWriters; ++w) {
    const std::string page = "Writer " + std::to_string(w);
    auto latest = restored.Column("SELECT latest_rev FROM page WHERE name = '" + page + "'");
    BOOST_REQUIRE_EQUAL(latest.size(), 1u);
    BOOST_TEST(std::stoll(latest[0]) >= before[w], page);
    // at_snapshot + 1 may have committed before the snapshot and been
    // acknowledged after it; the ones after were sent after that.
    BOOST_TEST(std::stoll(latest[0]) <= at_snapshot[w] + 1, page);
    const auto texts = restored.Column(
        "SELECT text FROM revision JOIN page ON page.id = page_id WHERE name = '" + page +
        "' ORDER BY rev");
    BOOST_REQUIRE_EQUAL(static_cast<int64_t>(texts.size()), std::stoll(latest[0]));
    for (int64_t rev = 1; rev <= before[w]; ++rev) {
      BOOST_TEST(texts[rev - 1] == SavingWriters::Text(w, rev), page << " revision " << rev);
    }
  }
  BOOST_TEST(restored.Column("SELECT count(*) FROM account WHERE name LIKE 'writer%'")[0] == "4");
}

BOOST_AUTO_TEST_CASE(a_restore_round_trips_a_wiki_into_an_empty_database_or_onto_another) {
  TestDatabase source, empty, other;
  TempDir dir, data;
  MakeWiki(source, "old");
  MakeWiki(other, "new");
  const std::string copy = dir.File("copy.dump");
  auto done = BackupWiki(On(source, data), copy, /*replace=*/false);
  BOOST_REQUIRE_MESSAGE(done.ok(), done.status().message());
  BOOST_TEST(done->schema_version == source.LatestSchemaVersion());
  BOOST_TEST(done->bytes == static_cast<int64_t>(std::filesystem::file_size(copy)));
  struct stat st {};
  BOOST_REQUIRE(stat(copy.c_str(), &st) == 0);
  BOOST_TEST((st.st_mode & 0777) == 0600u);
  BOOST_TEST(std::distance(std::filesystem::directory_iterator(dir.path()),
                           std::filesystem::directory_iterator()) == 1);  // no temporary left
  const std::string wiki = DumpDatabase(source);
  BOOST_TEST(wiki.find("aliceold") != std::string::npos);
  BOOST_TEST(source.Column("SELECT count(*) FROM site_key")[0] != "0");  // the keys travel

  auto into_empty = RestoreWiki(copy, On(empty, data));
  BOOST_REQUIRE_MESSAGE(into_empty.ok(), into_empty.status().message());
  BOOST_TEST(!into_empty->replaced);
  BOOST_TEST(DumpDatabase(empty) == wiki);

  auto onto_other = RestoreWiki(copy, On(other, data));
  BOOST_REQUIRE_MESSAGE(onto_other.ok(), onto_other.status().message());
  BOOST_TEST(onto_other->replaced);
  BOOST_TEST(onto_other->schema_version == source.LatestSchemaVersion());
  BOOST_TEST(DumpDatabase(other) == wiki);

  // And it is a wiki that goes on: it opens, reads, and saves (its
  // identities went on from where the copy's were).
  WikiOptions options;
  options.storage = On(other, data);
  auto opened = Wiki::Open(options);
  BOOST_REQUIRE_MESSAGE(opened.ok(), opened.status().message());
  auto page = (*opened)->stores().pages.Find(*PageName::Parse("Second"), std::nullopt);
  BOOST_REQUIRE(page.ok());
  BOOST_TEST(page->revision.text == "old Second 3 ünïcödé 日本");
  auto saved = (*opened)->page_store().Save(Edit{.name = *PageName::Parse("Second"),
                                                 .base_rev = 3,
                                                 .text = "after the restore",
                                                 .author = "192.0.2.2",
                                                 .created_at = 1700000200});
  BOOST_TEST(saved.ok(), saved.status().message());
  auto file = (*opened)->stores().files.Find(*FileName::Parse("Notes.txt"), std::nullopt);
  BOOST_REQUIRE(file.ok());
  BOOST_TEST(*(*opened)->stores().files.ReadBytes(file->sha256) == "old notes, revision 2");
}

BOOST_AUTO_TEST_CASE(bad_copies_and_databases_in_use_or_holding_more_are_refused_unchanged) {
  TestDatabase source, target, foreign;
  TempDir dir, data;
  MakeWiki(source, "old");
  MakeWiki(target, "new");
  const std::string copy = dir.File("copy.dump");
  BOOST_REQUIRE(BackupWiki(On(source, data), copy, false).ok());
  const std::string before = DumpDatabase(target);
  const std::string bytes = ReadFile(copy);

  // A database with no wiki in it: no backup of it, and pg_dump's own
  // copy of it is no wikid backup.
  foreign.Exec("CREATE TABLE notes (line TEXT)");
  auto no_wiki = BackupWiki(On(foreign, data), dir.File("none.dump"), false);
  BOOST_TEST(no_wiki.status().IsNotFound(), no_wiki.status().message());
  BOOST_TEST(!std::filesystem::exists(dir.File("none.dump")));
  const std::string foreign_copy = dir.File("foreign.dump");
  CommandRun dumped =
      RunCommand({"pg_dump", "--format=custom", "--file=" + foreign_copy, foreign.url()});
  BOOST_REQUIRE_MESSAGE(dumped.code == 0, dumped.output);
  // A wiki of a newer wikid: its copy is refused by the backup's own check.
  foreign.Exec("DROP TABLE notes");
  MakeWiki(foreign, "newer");
  foreign.Exec("UPDATE wikid_schema SET version = 99");
  auto newer = BackupWiki(On(foreign, data), dir.File("newer.dump"), false);
  BOOST_TEST(newer.status().message().find("schema version 99, newer") != std::string::npos,
             newer.status().message());

  struct Case {
    std::string name, bytes, says;
  } cases[] = {
      // Its last data blocks cut (the table of contents is first).
      {"cut.dump", bytes.substr(0, bytes.size() - 100), "cut short"},
      {"garbage.dump", "PGDMP but not really a dump\n", "not a backup pg_restore can read"},
      {"text.sql", "CREATE TABLE page (id int);\n", "not a backup pg_restore can read"},
      {"foreign.dump", ReadFile(foreign_copy), "is not a wikid backup"},
  };
  for (const Case& c : cases) {
    WriteBytes(dir.File(c.name), c.bytes);
    auto refused = RestoreWiki(dir.File(c.name), On(target, data));
    BOOST_TEST(refused.status().IsInvalid(), c.name << ": " << refused.status().message());
    BOOST_TEST(refused.status().message().find(c.says) != std::string::npos,
               c.name << ": " << refused.status().message());
    BOOST_TEST(refused.status().message().find("nothing was replaced") != std::string::npos);
  }
  BOOST_TEST(DumpDatabase(target) == before);

  {
    // As a wikid worker holds it: connected, idle.
    auto worker = PgConnection::Open(target.url(), PgOptions{.application_name = "wikid worker"});
    BOOST_REQUIRE(worker.ok());
    auto busy = RestoreWiki(copy, On(target, data));
    BOOST_TEST((busy.status().code() == Status::Code::kBusy), busy.status().message());
    BOOST_TEST(busy.status().message().find("stop wikid first") != std::string::npos);
    BOOST_TEST(busy.status().message().find("wikid worker (1)") != std::string::npos,
               busy.status().message());
  }
  BOOST_TEST(DumpDatabase(target) == before);

  // A table the copy lacks would outlive the restore beside the wiki.
  target.Exec("CREATE TABLE wikid_future (x INT)");
  auto more = RestoreWiki(copy, On(target, data));
  BOOST_TEST(more.status().IsInvalid());
  BOOST_TEST(more.status().message().find("TABLE public.wikid_future") != std::string::npos,
             more.status().message());
  target.Exec("DROP TABLE wikid_future");
  BOOST_TEST(DumpDatabase(target) == before);

  BOOST_TEST(RestoreWiki(copy, On(target, data)).ok());
  BOOST_TEST(DumpDatabase(target) == DumpDatabase(source));
}

// A restore that fails half-way through its transaction: into a LATIN1
// database, where the COPY of the first table with text LATIN1 cannot hold
// (日本) fails, after the old wiki's tables were dropped and the first new
// ones filled.
BOOST_AUTO_TEST_CASE(a_restore_that_fails_inside_its_transaction_leaves_the_old_wiki) {
  TestDatabase source;
  TempDir dir, data;
  MakeWiki(source, "old");
  const std::string copy = dir.File("copy.dump");
  BOOST_REQUIRE(BackupWiki(On(source, data), copy, false).ok());

  PostgresServer& server = PostgresServer::Shared();
  const std::string name = "wikid_latin1_" + std::to_string(getpid());
  TestDatabase postgres(server.Url("postgres"));
  postgres.Exec("CREATE DATABASE " + name +
                " ENCODING 'LATIN1' LC_COLLATE 'C' LC_CTYPE 'C' TEMPLATE template0");
  {
    TestDatabase latin1(server.Url(name));
    TempDir wiki_data;
    WikiOptions options;
    options.storage = On(latin1, wiki_data);
    options.tell_admins = false;
    {
      auto wiki = Wiki::Open(options);
      BOOST_REQUIRE_MESSAGE(wiki.ok(), wiki.status().message());
      BOOST_REQUIRE((*wiki)
                        ->page_store()
                        .Save(Edit{.name = *PageName::Parse("Kept"),
                                   .text = "the old wiki",
                                   .author = "192.0.2.1",
                                   .created_at = 1700000000})
                        .ok());
    }
    const std::string before = DumpDatabase(latin1);
    auto failed = RestoreWiki(copy, On(latin1, data));
    BOOST_TEST(!failed.ok());
    BOOST_TEST(failed.status().message().find("rolled back") != std::string::npos,
               failed.status().message());
    // It got as far as the data, past the drops and the tables made.
    BOOST_TEST(failed.status().message().find("COPY failed for table") != std::string::npos,
               failed.status().message());
    BOOST_TEST(DumpDatabase(latin1) == before);
  }
  postgres.Exec("DROP DATABASE " + name);
}

// pg_dump and pg_restore get the connection in their environment, not on
// their command lines, where ps shows it to every user; the password
// comes from PGPASSWORD (or a password file) and is in nothing wikid says.
BOOST_AUTO_TEST_CASE(the_connection_and_its_password_are_on_no_command_line_and_in_no_message) {
  PostgresServer& server = PostgresServer::Shared();
  TestDatabase db(server.CreateDatabase(PostgresServer::kPasswordUser));
  TempDir dir, shims;
  const std::string calls = dir.File("calls.log");
  for (const char* tool : {"pg_dump", "pg_restore"}) {
    const std::string shim = shims.File(tool);
    WriteBytes(shim, "#!/bin/sh\necho \"" + std::string(tool) + " $*\" >> '" + calls +
                         "'\nexec /usr/bin/" + tool + " \"$@\"\n");
    chmod(shim.c_str(), 0755);
  }
  const std::map<std::string, std::string> env = {
      {"PGPASSWORD", PostgresServer::kPassword},
      {"PATH", shims.path() + ":" + std::string(getenv("PATH"))}};
  // A wiki imported by wikid itself, with the password from the
  // environment: a real MediaWiki's dump (exchange_test's fixture).
  CommandRun made = RunCommand({WIKID_BINARY, "import",
                                std::string(WIKID_SOURCE_DIR) +
                                    "/tests/fixtures/mediawiki-1.39-dump.xml",
                                "--database", db.url()},
                               env);
  BOOST_REQUIRE_MESSAGE(made.code == 0, made.output);
  BOOST_TEST(made.output.find("added 7 revisions") != std::string::npos, made.output);
  const std::string copy = dir.File("copy.dump");
  CommandRun backup = RunCommand({WIKID_BINARY, "backup", "--to", copy, "--database", db.url()},
                                 env);
  BOOST_TEST(backup.code == 0, backup.output);
  CommandRun restore =
      RunCommand({WIKID_BINARY, "restore", "--from", copy, "--database", db.url()}, env);
  BOOST_TEST(restore.code == 0, restore.output);
  BOOST_TEST(restore.output.find("replaced the database that was there") != std::string::npos,
             restore.output);
  CommandRun wrong = RunCommand(
      {WIKID_BINARY, "backup", "--to", dir.File("wrong.dump"), "--database", db.url()},
      {{"PGPASSWORD", "not-the-password"}, {"PATH", env.at("PATH")}});
  BOOST_TEST(wrong.code == 1, wrong.output);
  BOOST_TEST(wrong.output.find("password authentication failed") != std::string::npos,
             wrong.output);

  const std::string called = ReadFile(calls);
  BOOST_TEST(called.find("pg_dump ") != std::string::npos, called);
  BOOST_TEST(called.find("pg_restore ") != std::string::npos, called);
  for (const std::string& secret :
       {std::string(PostgresServer::kPassword), std::string(PostgresServer::kPasswordUser),
        std::string("127.0.0.1"), ":" + std::to_string(server.port())}) {
    BOOST_TEST(called.find(secret) == std::string::npos, secret << " in: " << called);
  }
  for (const std::string& said : {backup.output, restore.output, wrong.output}) {
    BOOST_TEST(said.find(PostgresServer::kPassword) == std::string::npos, said);
  }
}

}  // namespace
}  // namespace wikid::testing
