// `wikid copy-database` (model/copy_database.h) between real SQLite files
// and a real PostgreSQL server: the round trip of a wiki of 1,000 pages
// and 10,000 revisions with accounts, sessions, API tokens, a file and
// queued mail, SQLite -> PostgreSQL -> SQLite, which must compare equal
// and work on each copy; the targets it refuses; a source that changes
// while it is copied; and both engines' schemas against the copier's
// lists (model/store/wiki_tables.cc), so that a table a later migration
// adds fails here until someone decides how it is copied.
#define BOOST_TEST_MODULE copy_database
#include "model/copy_database.h"

#include <sys/wait.h>

#include <boost/test/unit_test.hpp>
#include <cstdio>
#include <filesystem>
#include <set>
#include <sstream>

#include "model/base/sha256.h"
#include "model/text/file_name.h"
#include "model/text/search_query.h"
#include "model/wiki.h"
#include "tests/support/db_dump.h"
#include "tests/support/postgres_server.h"
#include "tests/support/temp_dir.h"
#include "tests/support/test_database.h"
#include "tests/support/test_images.h"

namespace wikid {
namespace {

using testing::PostgresServer;
using testing::TempDir;
using testing::TestDatabase;

constexpr char kPassword[] = "a long password";
constexpr int64_t kNow = 1700100000;

std::string Text(const std::vector<TableSum>& sums) {
  std::ostringstream text;
  for (const TableSum& sum : sums) text << sum.table << " " << sum.rows << " " << sum.sha256 << "\n";
  return text.str();
}

std::vector<std::string> CopiedNames() {
  std::vector<std::string> names;
  for (const CopiedTable& table : CopiedTables()) names.push_back(table.name);
  return names;
}

StorageOptions At(const TempDir& dir, const std::string& url) {
  return StorageOptions{.data_dir = dir.path(), .database = url, .statement_timeout_ms = 0};
}

std::unique_ptr<Wiki> OpenWiki(const TempDir& dir, const std::string& url) {
  WikiOptions options;
  options.storage = At(dir, url);
  options.tell_admins = false;
  auto wiki = Wiki::Open(options);
  BOOST_REQUIRE_MESSAGE(wiki.ok(), wiki.status().message());
  return std::move(*wiki);
}

Result<CopyReport> Copy(const TempDir& dir, const std::string& from, const std::string& to,
                        int batch_rows = 1000,
                        std::function<void(const std::string&, int64_t, int64_t)> progress = {}) {
  return CopyDatabase(CopyOptions{.from = At(dir, from),
                                  .to = At(dir, to),
                                  .batch_rows = batch_rows,
                                  .progress = std::move(progress)});
}

std::vector<TableSum> Sums(const TempDir& dir, const std::string& url) {
  auto sums = SumTables(At(dir, url));
  BOOST_REQUIRE_MESSAGE(sums.ok(), sums.status().message());
  return *sums;
}

int64_t Rows(const std::vector<TableSum>& sums, const std::string& table) {
  for (const TableSum& sum : sums) {
    if (sum.table == table) return sum.rows;
  }
  BOOST_FAIL("no table " << table);
  return -1;
}

void Save(Wiki& wiki, const std::string& name, int64_t base_rev, const std::string& text,
          const User* by = nullptr) {
  Edit edit{.name = *PageName::Parse(name),
            .base_rev = base_rev,
            .text = text,
            .summary = "saved",
            .author = by ? by->name : "192.0.2.7",
            .account_id = by ? by->id : 0,
            .account_created_at = by ? by->created_at : 0,
            .created_at = kNow};
  auto saved = wiki.page_store().Save(edit);
  BOOST_REQUIRE_MESSAGE(saved.ok(), saved.status().message());
}

std::vector<std::string> Titles(Wiki& wiki, const std::string& query) {
  auto parsed = ParseSearch(query);
  BOOST_REQUIRE(parsed.ok());
  auto found = wiki.stores().pages.Search(*parsed, 0, 10);
  BOOST_REQUIRE_MESSAGE(found.ok(), found.status().message());
  std::vector<std::string> titles;
  for (const SearchHit& hit : found->hits) titles.push_back(hit.title);
  return titles;
}

// 1,000 pages of 10 revisions each, with their links, as saves leave
// them, in one transaction of plain SQL: through the save path they would
// take most of a minute. Every tenth revision is `account_id`'s. Then the
// search index as `wikid reindex` leaves it, so later saves find it whole.
void BulkPages(const TestDatabase& db, int64_t account_id) {
  const std::string account = std::to_string(account_id);
  db.Exec(R"sql(
    BEGIN;
    WITH RECURSIVE n(p) AS (SELECT 1 UNION ALL SELECT p + 1 FROM n WHERE p < 1000)
    INSERT INTO page (id, name, name_key, latest_rev, protected)
      SELECT p, 'Page ' || p, wikid_page_key('Page ' || p), 10, p % 100 = 0 FROM n;
    WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 10000),
      r(i, p, rev, text) AS (
        SELECT i, (i - 1) % 1000 + 1, (i - 1) / 1000 + 1,
               'Page ' || ((i - 1) % 1000 + 1) || ', revision ' || ((i - 1) / 1000 + 1) ||
               ': word' || ((i - 1) % 1000 + 1) || ' café ' || char(128512) ||
               ' [[Page ' || (((i - 1) % 1000 + 1) % 1000 + 1) || ']] [[Missing ' ||
               (((i - 1) % 1000 + 1) % 7) || ']]'
          FROM n)
    INSERT INTO revision (id, page_id, rev, author, created_at, summary, text, size,
                          size_change, account_id)
      SELECT i, p, rev, CASE WHEN i % 10 = 0 THEN 'Alice' ELSE '192.0.2.' || (i % 250) END,
             1700000000 + i, CASE WHEN i % 3 = 0 THEN '' ELSE 'edit ' || i END, text,
             length(CAST(text AS BLOB)), CASE WHEN rev = 1 THEN length(CAST(text AS BLOB)) ELSE 0 END,
             CASE WHEN i % 10 = 0 THEN )sql" + account + R"sql( END
        FROM r;
    INSERT INTO revision_link (revision_id, target)
      SELECT id, 'Page ' || (page_id % 1000 + 1) FROM revision
      UNION ALL SELECT id, 'Missing ' || (page_id % 7) FROM revision;
    INSERT INTO page_link (source_id, target, source_name, target_key)
      SELECT p.id, l.target, p.name, wikid_page_key(l.target)
        FROM page p JOIN revision r ON r.page_id = p.id AND r.rev = p.latest_rev
        JOIN revision_link l ON l.revision_id = r.id;
    INSERT INTO wanted (target_key, target, links)
      SELECT target_key, min(target), count(*) FROM page_link
       WHERE target LIKE 'Missing %' GROUP BY target_key;
    UPDATE account SET edit_count = (SELECT count(*) FROM revision WHERE account_id = account.id);
    INSERT INTO page_search (page_search) VALUES ('rebuild');
    INSERT INTO page_title_search (rowid, title) SELECT id, name FROM page;
    COMMIT;
  )sql");
}

// Mail as the mailer leaves it: one message sent, one failed once and
// queued again; two attempts alike in every column.
void QueuedMail(const TestDatabase& db) {
  db.Exec(R"sql(
    INSERT INTO outbox (id, message_id, recipient, subject, body, created_at, state, attempts,
                        next_attempt_at, last_error, sent_at, claimed_by, claimed_until)
    VALUES (1, '<1.copy@wiki.example>', 'admin@example.org', 'Neue Seite: Grüße',
            'A body
with two lines', 1700000100, 'sent', 1, 1700000100, '', 1700000101, 'host:1', 0),
           (2, '<2.copy@wiki.example>', 'other@example.org', 'Queued', 'Text', 1700000200,
            'queued', 2, 1700000900, '421 try later', NULL, '', 0);
    INSERT INTO outbox_attempt (outbox_id, at, error, mailer)
    VALUES (1, 1700000101, '', 'host:1'), (2, 1700000300, '421 try later', 'host:1'),
           (2, 1700000300, '421 try later', 'host:1');
  )sql");
}

BOOST_AUTO_TEST_CASE(every_table_of_both_schemas_is_copied_or_skipped_by_decision) {
  TempDir dir;
  for (const std::string& url :
       {"sqlite:" + dir.File("fresh.db"), PostgresServer::Shared().CreateDatabase()}) {
    auto storage = OpenStorage(At(dir, url));
    BOOST_REQUIRE_MESSAGE(storage.ok(), storage.status().message());
    auto tables = (*storage)->OpenTables();
    BOOST_REQUIRE(tables.ok());
    auto schema = (*tables)->Schema();
    BOOST_REQUIRE_MESSAGE(schema.ok(), schema.status().message());
    const StoreEngine engine = (*tables)->engine();
    const char* name = engine == StoreEngine::kSqlite ? "SQLite" : "PostgreSQL";
    // A table or column a migration added: decide in wiki_tables.cc
    // whether it is copied (and how) or skipped (and why).
    for (const std::string& unknown : UnknownToCopier(engine, *schema)) {
      BOOST_ERROR(name << "'s schema: " << unknown << " is not in the copier's lists");
    }
    // And nothing skipped that the schema no longer has.
    std::map<std::string, std::set<std::string>> present;
    for (const SchemaTable& table : *schema) {
      present[table.name].insert(table.columns.begin(), table.columns.end());
    }
    for (const SkippedTable& skipped : SkippedTables()) {
      if (skipped.engine != engine) continue;
      BOOST_TEST(present.contains(skipped.table), name << " has no table " << skipped.table);
      if (skipped.column) {
        BOOST_TEST(present[skipped.table].contains(skipped.column),
                   name << " has no column " << skipped.table << "." << skipped.column);
      }
    }
  }
  // The check itself: a table or a column it does not know is reported.
  std::vector<SchemaTable> schema = {{"watchlist", {"account_id"}}};
  for (const CopiedTable& table : CopiedTables()) {
    SchemaTable& copied = schema.emplace_back(SchemaTable{table.name, {}});
    for (const TableColumn& column : table.columns) copied.columns.push_back(column.name);
  }
  schema[1].columns.push_back("redirect_to");
  const std::string first = schema[1].name;
  std::vector<std::string> expected = {"table watchlist", "column " + first + ".redirect_to"};
  BOOST_TEST(UnknownToCopier(StoreEngine::kSqlite, schema) == expected,
             boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(a_wiki_goes_to_postgresql_and_back_whole_and_works_on_each_copy) {
  TempDir dir;
  const std::string source = "sqlite:" + dir.File("source.db");
  const std::string middle = PostgresServer::Shared().CreateDatabase();
  const std::string back = "sqlite:" + dir.File("back.db");
  const TestDatabase source_db(source);
  std::string token;
  {
    auto wiki = OpenWiki(dir, source);
    AccountAnswer alice = wiki->accounts().SignUp("Alice", kPassword, kPassword,
                                                  "alice@example.org", kNow);
    BOOST_REQUIRE(alice.user);
    AccountAnswer bob = wiki->accounts().SignUp("Bob", "another password",
                                                "another password", "", kNow);
    BOOST_REQUIRE(bob.user);
    BOOST_REQUIRE(wiki->stores().users.SetRole(alice.user->id, Role::kAdmin).ok());
    BulkPages(source_db, alice.user->id);
    QueuedMail(source_db);
    // Through the wiki's own paths: saves (one by Alice), a session, an
    // API token, a failed login (not copied), a file.
    Save(*wiki, "Zanzibar", 0, "The zanzibarquux is [[Page 1]]'s neighbour.", &*alice.user);
    Save(*wiki, "Page 1", 10, "Page 1, revision 11: rewritten [[Nowhere]]");
    BOOST_REQUIRE(wiki->accounts().StartSession(*bob.user, "", kNow, 3600).ok());
    auto issued = wiki->stores().tokens.Issue(alice.user->id, "a bot", kNow);
    BOOST_REQUIRE(issued.ok());
    token = issued->token;
    BOOST_TEST((wiki->accounts().LogIn("Bob", "wrong password", "192.0.2.9", kNow).kind ==
                AccountAnswer::Kind::kForbidden));
    const std::string png = testing::PngHeader(3, 2, std::string(300, '\x7f'));
    auto file = wiki->file_store().Save(FileEdit{.name = *FileName::Parse("Logo.png"),
                                                 .bytes = &png,
                                                 .sha256 = Sha256Hex(png),
                                                 .content_type = "image/png",
                                                 .width = 3,
                                                 .height = 2,
                                                 .summary = "a logo",
                                                 .author = "Alice",
                                                 .account_id = alice.user->id,
                                                 .created_at = kNow});
    BOOST_REQUIRE_MESSAGE(file.ok(), file.status().message());
    // More files than file_blob's batch holds (wiki_tables.cc).
    for (int n = 1; n <= 5; ++n) {
      const std::string bytes = testing::PngHeader(n, n, std::string(100 * n, 'x'));
      auto more = wiki->file_store().Save(FileEdit{.name = *FileName::Parse("Pic " + std::to_string(n) + ".png"),
                                                   .bytes = &bytes,
                                                   .sha256 = Sha256Hex(bytes),
                                                   .content_type = "image/png",
                                                   .width = n,
                                                   .height = n,
                                                   .author = "192.0.2.7",
                                                   .created_at = kNow});
      BOOST_REQUIRE_MESSAGE(more.ok(), more.status().message());
    }
    // A protected file, and a deleted one with its log entry (issue 19).
    BOOST_REQUIRE(wiki->file_store().SetProtected(*FileName::Parse("Pic 4.png"), true).ok());
    Status gone = wiki->file_store().Delete(FileLogRequest{.name = *FileName::Parse("Pic 5.png"),
                                                           .reason = "a test",
                                                           .author = "Alice",
                                                           .account_id = alice.user->id,
                                                           .at = kNow});
    BOOST_REQUIRE_MESSAGE(gone.ok(), gone.message());
    // A deleted page (issue 20): its hidden row, its deletion and its
    // log entry; and a page Alice watches.
    Save(*wiki, "Doomed", 0, "soon gone");
    Status deleted = wiki->page_store().Delete(PageDeletionRequest{.name = *PageName::Parse("Doomed"),
                                                                   .reason = "a test",
                                                                   .author = "Alice",
                                                                   .account_id = alice.user->id,
                                                                   .at = kNow});
    BOOST_REQUIRE_MESSAGE(deleted.ok(), deleted.message());
    BOOST_REQUIRE(wiki->stores().watches.WatchCreated(alice.user->id, "Zanzibar").ok());
  }
  const std::vector<TableSum> before = Sums(dir, source);
  BOOST_TEST(Rows(before, "page") == 1002);
  BOOST_TEST(Rows(before, "revision") == 10003);
  BOOST_TEST(Rows(before, "outbox_attempt") == 3);
  BOOST_TEST(Rows(before, "file_blob") == 6);
  for (const TableSum& sum : before) {
    BOOST_TEST(sum.rows > 0, sum.table << " is empty: the round trip would not show it moves");
  }

  auto there = Copy(dir, source, middle);
  BOOST_REQUIRE_MESSAGE(there.ok(), there.status().message());
  BOOST_TEST(Text(there->tables) == Text(before));
  BOOST_TEST(there->indexed_pages == 1002);  // 1,001 indexed, 1 deleted
  auto home = Copy(dir, middle, back);
  BOOST_REQUIRE_MESSAGE(home.ok(), home.status().message());
  BOOST_TEST(Text(home->tables) == Text(before));
  // Read again, after the commits, each in a snapshot of its own.
  BOOST_TEST(Text(Sums(dir, middle)) == Text(before));
  BOOST_TEST(Text(Sums(dir, back)) == Text(before));
  // And by another reader than the copier's: every copied table's rows.
  BOOST_TEST(testing::DumpDatabase(dir.File("back.db"), CopiedNames()) ==
             testing::DumpDatabase(dir.File("source.db"), CopiedNames()));

  // Each copy is a wiki that works: a page view, a search, the old
  // password, the old session and API token, a new save.
  for (const std::string& url : {middle, back}) {
    BOOST_TEST_CONTEXT(url.substr(0, url.find(':'))) {
      auto wiki = OpenWiki(dir, url);
      auto page = wiki->stores().pages.Find(*PageName::Parse("Page 7"), std::nullopt);
      BOOST_REQUIRE_MESSAGE(page.ok(), page.status().message());
      BOOST_TEST(page->latest_rev == 10);
      BOOST_TEST(page->revision.text.find("word7 café") != std::string::npos);
      BOOST_TEST(page->existing_links.contains("Page 8"));
      BOOST_TEST(Titles(*wiki, "word7") == std::vector<std::string>{"Page 7"},
                 boost::test_tools::per_element());
      BOOST_TEST(Titles(*wiki, "zanzibarquux") == std::vector<std::string>{"Zanzibar"},
                 boost::test_tools::per_element());
      AccountAnswer login = wiki->accounts().LogIn("alice", kPassword, "192.0.2.9", kNow);
      BOOST_TEST((login.kind == AccountAnswer::Kind::kOk), login.message);
      BOOST_TEST((login.user && login.user->role == Role::kAdmin));
      auto by_token = wiki->stores().tokens.Find(token);
      BOOST_TEST((by_token.ok() && by_token->name == "Alice"));
      auto logo = wiki->stores().files.Find(*FileName::Parse("Logo.png"), std::nullopt);
      BOOST_TEST(logo.ok());
      // The words of the names indexed again, the deleted file left out.
      auto pics = wiki->stores().files.FindByNameWords({"pic"}, 10);
      BOOST_TEST((pics.ok() && pics->files.size() == 4u));
      BOOST_TEST(wiki->stores().files.Find(*FileName::Parse("Pic 4.png"), std::nullopt)
                     ->is_protected);
      Save(*wiki, "After the copy " + url.substr(0, url.find(':')), 0, "new");
    }
  }
  // Deployment state stayed behind.
  BOOST_TEST(TestDatabase(middle).Column("SELECT count(*) FROM login_failure") ==
             std::vector<std::string>{"0"}, boost::test_tools::per_element());
  BOOST_TEST(source_db.Column("SELECT count(*) FROM login_failure") !=
             std::vector<std::string>{"0"}, boost::test_tools::per_element());

  // A target that holds a wiki is refused, and left as it was.
  const std::vector<TableSum> back_now = Sums(dir, back);
  auto refused = Copy(dir, middle, back);
  BOOST_REQUIRE(!refused.ok());
  BOOST_TEST(refused.status().IsInvalid());
  BOOST_TEST(refused.status().message().find("already holds a wiki") != std::string::npos,
             refused.status().message());
  BOOST_TEST(Text(Sums(dir, back)) == Text(back_now));
  BOOST_TEST(!Copy(dir, source, source).ok());
}

// PostgreSQL's identities skip values (a rolled-back insert spends one),
// so its ids have gaps that SQLite's never do; SQLite counts pages and
// revisions from its highest ids, so a copy must say how many ids no row
// holds, or the front page's counts overstate (101 pages here, not 2).
BOOST_AUTO_TEST_CASE(a_copy_from_postgresql_with_gaps_in_its_ids_counts_right) {
  TempDir dir;
  const std::string source = PostgresServer::Shared().CreateDatabase();
  const std::string target = "sqlite:" + dir.File("target.db");
  auto counts = [&](const std::string& url) {
    auto wiki = OpenWiki(dir, url);
    auto recent = wiki->page_store().ListRecentChanges(std::nullopt, 10);
    BOOST_REQUIRE(recent.ok());
    return std::to_string(recent->page_count) + " pages, " +
           std::to_string(recent->revision_count) + " revisions";
  };
  {
    auto wiki = OpenWiki(dir, source);
    Save(*wiki, "Before the gap", 0, "one");
    TestDatabase(source).Exec(
        "SELECT setval(pg_get_serial_sequence('page', 'id'), 100), "
        "setval(pg_get_serial_sequence('revision', 'id'), 100)");
    Save(*wiki, "After the gap", 0, "two");
    Save(*wiki, "After the gap", 1, "three");
  }
  BOOST_REQUIRE(counts(source) == "2 pages, 3 revisions");
  auto copied = Copy(dir, source, target);
  BOOST_REQUIRE_MESSAGE(copied.ok(), copied.status().message());
  BOOST_TEST(counts(target) == "2 pages, 3 revisions");
  {
    auto wiki = OpenWiki(dir, target);
    Save(*wiki, "On SQLite", 0, "four");
  }
  BOOST_TEST(counts(target) == "3 pages, 4 revisions");
}

BOOST_AUTO_TEST_CASE(a_table_or_column_the_copier_does_not_know_stops_it_before_a_write) {
  TempDir dir;
  const std::string source = "sqlite:" + dir.File("source.db");
  {
    auto wiki = OpenWiki(dir, source);
    Save(*wiki, "Home", 0, "home");
  }
  // A source that is not there is not made (empty) and copied.
  auto missing = Copy(dir, "sqlite:" + dir.File("none.db"), "sqlite:" + dir.File("made.db"));
  BOOST_REQUIRE(!missing.ok());
  BOOST_TEST(missing.status().message().find("no database at") != std::string::npos,
             missing.status().message());
  BOOST_TEST(!std::filesystem::exists(dir.File("none.db")));
  BOOST_TEST(!std::filesystem::exists(dir.File("made.db")));

  TestDatabase(source).Exec("CREATE TABLE watchlist (account_id INTEGER, page_id INTEGER)");
  const std::string target = PostgresServer::Shared().CreateDatabase();
  auto refused = Copy(dir, source, target);
  BOOST_REQUIRE(!refused.ok());
  BOOST_TEST(refused.status().message().find("the source holds") != std::string::npos,
             refused.status().message());
  BOOST_TEST(refused.status().message().find("table watchlist") != std::string::npos,
             refused.status().message());
  TestDatabase(source).Exec("DROP TABLE watchlist");

  // On the target too: a column a newer wikid added.
  TestDatabase target_db(target);
  target_db.Exec("ALTER TABLE page ADD COLUMN redirect_to TEXT");
  refused = Copy(dir, source, target);
  BOOST_REQUIRE(!refused.ok());
  BOOST_TEST(refused.status().message().find("column page.redirect_to") != std::string::npos,
             refused.status().message());
  BOOST_TEST(target_db.Column("SELECT count(*) FROM page") == std::vector<std::string>{"0"},
             boost::test_tools::per_element());
  target_db.Exec("ALTER TABLE page DROP COLUMN redirect_to");
  // A wiki made and never used (its site key alone) is taken.
  OpenWiki(dir, target);
  BOOST_TEST(target_db.Column("SELECT count(*) FROM site_key") == std::vector<std::string>{"1"},
             boost::test_tools::per_element());
  auto copied = Copy(dir, source, target);
  BOOST_REQUIRE_MESSAGE(copied.ok(), copied.status().message());
  BOOST_TEST(Text(Sums(dir, target)) == Text(Sums(dir, source)));
}

struct Run {
  int code;
  std::string output;
};

// Runs `wikid ARGS`, its standard error with its output.
Run Wikid(const std::string& args) {
  FILE* pipe = popen((std::string(WIKID_BINARY) + " " + args + " 2>&1").c_str(), "r");
  BOOST_REQUIRE(pipe);
  std::string output;
  char buf[256];
  while (size_t n = fread(buf, 1, sizeof buf, pipe)) output.append(buf, n);
  const int status = pclose(pipe);
  return {WEXITSTATUS(status), output};
}

BOOST_AUTO_TEST_CASE(the_command_prints_each_tables_rows_and_sha256_and_refuses_a_second_copy) {
  TempDir dir;
  const std::string source = "sqlite:" + dir.File("source.db");
  const std::string target = PostgresServer::Shared().CreateDatabase();
  {
    auto wiki = OpenWiki(dir, source);
    Save(*wiki, "Home", 0, "home [[Away]]");
  }
  Run copied = Wikid("copy-database --from " + source + " --to " + target + " --batch 7");
  BOOST_TEST(copied.code == 0, copied.output);
  for (const TableSum& sum : Sums(dir, source)) {
    const std::string line = sum.table + ": " + std::to_string(sum.rows) +
                             (sum.rows == 1 ? " row" : " rows") + ", SHA-256 " + sum.sha256 + "\n";
    BOOST_TEST(copied.output.find(line) != std::string::npos, line << " not in " << copied.output);
  }
  BOOST_TEST(copied.output.find("rebuilt: the search index (1 page)") != std::string::npos,
             copied.output);
  Run again = Wikid("copy-database --from " + source + " --to " + target);
  BOOST_TEST(again.code == 1, again.output);
  BOOST_TEST(again.output.find("already holds a wiki (1 page row, 1 revision row)") !=
                 std::string::npos,
             again.output);
  Run usage = Wikid("copy-database --from " + dir.File("source.db") + " --to " + target);
  BOOST_TEST(usage.code == 2, usage.output);
}

// Saves reach the source between the copy's batches (batches of two
// rows); the copy holds the wiki as it was when it began, whole.
BOOST_AUTO_TEST_CASE(a_source_that_changes_during_the_copy_is_copied_as_of_its_start) {
  TempDir dir;
  const std::string sqlite = "sqlite:" + dir.File("source.db");
  const std::string postgres = PostgresServer::Shared().CreateDatabase();
  const std::string again = "sqlite:" + dir.File("again.db");
  {
    auto wiki = OpenWiki(dir, sqlite);
    for (int p = 1; p <= 4; ++p) {
      for (int rev = 1; rev <= 2; ++rev) {
        Save(*wiki, "Page " + std::to_string(p), rev - 1,
             "revision " + std::to_string(rev) + " [[Page " + std::to_string(p + 1) + "]]");
      }
    }
  }
  for (const auto& [from, to] : {std::pair{sqlite, postgres}, std::pair{postgres, again}}) {
    BOOST_TEST_CONTEXT(from.substr(0, from.find(':')) << " to " << to.substr(0, to.find(':'))) {
      const std::vector<TableSum> at_start = Sums(dir, from);
      std::unique_ptr<Wiki> writer = OpenWiki(dir, from);
      int64_t latest = 0;
      int changes = 0;
      auto copied = Copy(dir, from, to, 2, [&](const std::string& table, int64_t done, int64_t) {
        // Once the pages are read and once in the middle of the revisions.
        if ((table == "revision" && done == 0) || (table == "revision" && done == 4)) {
          auto page = writer->stores().pages.Find(*PageName::Parse("Page 1"), std::nullopt);
          BOOST_REQUIRE(page.ok());
          latest = page->latest_rev;
          Save(*writer, "Page 1", latest, "changed during the copy " + std::to_string(latest));
          Save(*writer, "New " + std::to_string(latest), 0, "new during the copy");
          ++changes;
        }
      });
      BOOST_REQUIRE_MESSAGE(copied.ok(), copied.status().message());
      BOOST_TEST(changes == 2);
      BOOST_TEST(Text(copied->tables) == Text(at_start));
      BOOST_TEST(Text(Sums(dir, to)) == Text(at_start));
      const std::vector<TableSum> now = Sums(dir, from);
      BOOST_TEST(Rows(now, "revision") == Rows(at_start, "revision") + 4);
      // The copy's Page 1 points at a revision the copy holds.
      auto wiki = OpenWiki(dir, to);
      auto page = wiki->stores().pages.Find(*PageName::Parse("Page 1"), std::nullopt);
      BOOST_REQUIRE_MESSAGE(page.ok(), page.status().message());
      BOOST_TEST(page->latest_rev == latest - 1);
      BOOST_TEST(page->revision.text.find("changed during") == std::string::npos);
    }
  }
}

}  // namespace
}  // namespace wikid
