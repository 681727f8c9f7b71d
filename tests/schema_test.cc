// S7: the schema and its migrations. Every upgrade runs in one
// transaction, keeps what was there, and a database newer than the binary
// is refused untouched.
#define BOOST_TEST_MODULE schema
#include <sys/stat.h>

#include <boost/test/unit_test.hpp>

#include <sqlite3.h>

#include <fstream>
#include <sstream>

#include "model/store/sqlite/database.h"
#include "model/store/sqlite/schema.h"
#include "model/store/sqlite/sqlite_cache_epoch_store.h"
#include "model/store/sqlite/sqlite_page_store.h"
#include "tests/support/temp_dir.h"

namespace wikid {
namespace {

// Runs `sql` on the file at `path` with a plain connection, as an older
// wikid or an administrator would.
void RawExec(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  BOOST_REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
  char* error = nullptr;
  int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &error);
  BOOST_TEST(rc == SQLITE_OK, (error ? error : ""));
  sqlite3_free(error);
  sqlite3_close(db);
}

int64_t RawScalar(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  sqlite3_open(path.c_str(), &db);
  sqlite3_stmt* stmt = nullptr;
  sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr);
  int64_t value = sqlite3_step(stmt) == SQLITE_ROW ? sqlite3_column_int64(stmt, 0) : -1;
  sqlite3_finalize(stmt);
  sqlite3_close(db);
  return value;
}

BOOST_AUTO_TEST_CASE(a_new_database_gets_the_latest_schema) {
  testing::TempDir dir;
  auto db = Database::Open(dir.File("w.db"), {});
  BOOST_REQUIRE(db.ok());
  BOOST_TEST(RawScalar(dir.File("w.db"), "PRAGMA user_version") ==
             LatestSchemaVersion());
}

// What version 19 (names that differ only in case name one page) added,
// taken away again: page_link's indexes and wanted (empty) as versions 11
// to 18 had them.
constexpr char kUndoVersion19[] = R"sql(
    DROP INDEX page_by_key;
    ALTER TABLE page DROP COLUMN name_key;
    DROP INDEX page_link_by_target_key;
    DROP INDEX page_link_backlinks_by_key;
    ALTER TABLE page_link DROP COLUMN target_key;
    CREATE INDEX page_link_by_target ON page_link (target, source_id);
    CREATE INDEX page_link_backlinks
      ON page_link (target, source_name COLLATE NOCASE, source_name);
    DROP TABLE wanted;
    CREATE TABLE wanted (
      target TEXT PRIMARY KEY,
      links INTEGER NOT NULL CHECK (links > 0)
    ) STRICT, WITHOUT ROWID;
    CREATE INDEX wanted_most_linked ON wanted (links DESC, target);)sql";

// Version 28's protected and deleted files and the words of their names
// (issue 19), taken away again.
constexpr char kUndoVersion28[] = R"sql(
    DROP TABLE file_name_search;
    DROP TABLE file_log;
    ALTER TABLE file DROP COLUMN deleted;
    ALTER TABLE file DROP COLUMN protected;)sql";

// Versions 28, 27 (the place of uploads in recent changes), 26 (the site
// counts' id gaps) and 25 (the confirmation mail limit), taken away again.
const std::string kUndoVersion25 = std::string(kUndoVersion28) + ";" + R"sql(
    DROP INDEX file_revision_by_position;
    ALTER TABLE file_revision DROP COLUMN after_revision;
    DROP TABLE id_gap;
    DROP TABLE confirmation_mail;)sql";

// Version 24's watchlists, taken away again (every older database lacks
// them too).
constexpr char kUndoVersion24[] = R"sql(
    DROP TABLE watch;
    ALTER TABLE account DROP COLUMN confirmed_email;
    ALTER TABLE account DROP COLUMN watch_created;)sql";

// Version 23's deletions (issue 20), taken away again: the databases of
// every older version below are made without them.
constexpr char kUndoVersion23[] = R"sql(
    DROP VIEW page_search_source;
    CREATE VIEW page_search_source (page_id, title, body) AS
      SELECT p.id, p.name, r.text
        FROM page p JOIN revision r ON r.page_id = p.id AND r.rev = p.latest_rev;
    DROP TABLE page_log;
    DROP TABLE page_deletion;
    ALTER TABLE page DROP COLUMN deleted;)sql";

// Version 22's column of the login throttle, taken away again.
constexpr char kUndoVersion22[] = R"sql(
    DROP INDEX login_failure_by_name;
    ALTER TABLE login_failure DROP COLUMN name;)sql";
// Versions 21 (files) to 24 taken away again.
// (25 to 27 with them: every database older than 24 lacks them too.)
const std::string kUndoVersions21To24 = std::string(kUndoVersion25) + ";" + kUndoVersion24 +
                                         ";" + kUndoVersion23 + ";" +
                                         kUndoVersion22 + R"sql(
    DROP TABLE file_revision;
    DROP TABLE file_blob;
    DROP TABLE file;)sql";
// Versions 19 to 24 taken away (20: the fast path's shared state), newest
// first, to make older databases.
const std::string kUndoVersions19To24 =
    kUndoVersions21To24 + "; DROP TABLE fast_path_state;" + kUndoVersion19;

// Version 23: a version 22 database keeps its pages, none of them
// deleted, and its search index, which finds them as before.
BOOST_AUTO_TEST_CASE(a_version_22_database_gets_deletions_and_keeps_its_pages) {
  testing::TempDir dir;
  const std::string path = dir.File("w.db");
  BOOST_REQUIRE(Database::Open(path, {}).ok());
  RawExec(path, std::string(kUndoVersion25) + ";" + kUndoVersion24 + ";" + kUndoVersion23 + R"sql(;
      INSERT INTO page (id, name, name_key, latest_rev) VALUES (1, 'P', 'p', 1);
      INSERT INTO revision (page_id, rev, author, created_at, summary, text, size, size_change)
        VALUES (1, 1, 'a', 0, '', 'zebrafish', 9, 9);
      INSERT INTO page_search (rowid, title, body) VALUES (1, 'P', 'zebrafish');
      PRAGMA user_version = 22;)sql");
  auto db = Database::Open(path, {});
  BOOST_REQUIRE_MESSAGE(db.ok(), db.status().message());
  BOOST_TEST(RawScalar(path, "PRAGMA user_version") == LatestSchemaVersion());
  BOOST_TEST(RawScalar(path, "SELECT count(*) FROM page WHERE deleted = 0") == 1);
  BOOST_TEST(RawScalar(path, "SELECT count(*) FROM page_deletion") == 0);
  BOOST_TEST(RawScalar(path, "SELECT rowid FROM page_search WHERE page_search MATCH 'zebrafish'") ==
             1);
}

// Version 28: a version 27 database's files are none of them protected
// or deleted, and are found by any word of their names.
BOOST_AUTO_TEST_CASE(a_version_27_database_gets_file_deletion_and_name_words) {
  testing::TempDir dir;
  const std::string path = dir.File("w.db");
  BOOST_REQUIRE(Database::Open(path, {}).ok());
  RawExec(path, std::string(kUndoVersion28) + R"sql(;
      INSERT INTO file (id, name, name_key, latest_rev) VALUES (7, 'Team photo.png', 'team photo.png', 1);
      PRAGMA user_version = 27;)sql");
  auto db = Database::Open(path, {});
  BOOST_REQUIRE_MESSAGE(db.ok(), db.status().message());
  BOOST_TEST(RawScalar(path, "PRAGMA user_version") == LatestSchemaVersion());
  BOOST_TEST(RawScalar(path, "SELECT count(*) FROM file WHERE protected = 0 AND deleted = 0") ==
             1);
  BOOST_TEST(RawScalar(path, "SELECT count(*) FROM file_log") == 0);
  BOOST_TEST(RawScalar(path,
                       "SELECT rowid FROM file_name_search WHERE file_name_search MATCH 'photo'") ==
             7);
}

// Version 24: a version 23 database's accounts watch nothing, have no
// confirmed address, and watch the pages they will create.
BOOST_AUTO_TEST_CASE(a_version_23_database_gets_watchlists) {
  testing::TempDir dir;
  const std::string path = dir.File("w.db");
  BOOST_REQUIRE(Database::Open(path, {}).ok());
  RawExec(path, std::string(kUndoVersion25) + ";" + kUndoVersion24 + R"sql(;
      INSERT INTO account (name, name_key, password_hash, email, created_at)
        VALUES ('Ann', 'ann', 'x', 'ann@example.org', 0);
      PRAGMA user_version = 23;)sql");
  auto db = Database::Open(path, {});
  BOOST_REQUIRE_MESSAGE(db.ok(), db.status().message());
  BOOST_TEST(RawScalar(path, "PRAGMA user_version") == LatestSchemaVersion());
  BOOST_TEST(RawScalar(path, "SELECT count(*) FROM watch") == 0);
  BOOST_TEST(RawScalar(path, "SELECT count(*) FROM account WHERE confirmed_email = '' "
                             "AND watch_created = 1") == 1);
}

// Version 21: a version 20 database gets the (empty) file tables and keeps
// its pages; files may then be stored, their bytes once per content.
BOOST_AUTO_TEST_CASE(a_version_20_database_gets_empty_file_tables) {
  testing::TempDir dir;
  const std::string path = dir.File("w.db");
  BOOST_REQUIRE(Database::Open(path, {}).ok());
  RawExec(path, kUndoVersions21To24 + R"sql(;
      INSERT INTO page (id, name, name_key, latest_rev) VALUES (1, 'P', 'p', 1);
      INSERT INTO revision (page_id, rev, author, created_at, summary, text, size, size_change)
        VALUES (1, 1, 'a', 0, '', 'text', 4, 4);
      PRAGMA user_version = 20;)sql");
  auto db = Database::Open(path, {});
  BOOST_REQUIRE_MESSAGE(db.ok(), db.status().message());
  BOOST_TEST(RawScalar(path, "PRAGMA user_version") == LatestSchemaVersion());
  BOOST_TEST(RawScalar(path, "SELECT count(*) FROM page") == 1);
  BOOST_TEST(RawScalar(path, "SELECT count(*) FROM file") == 0);
  BOOST_TEST(RawScalar(path, "SELECT count(*) FROM file_revision") == 0);
  BOOST_TEST(RawScalar(path, "SELECT count(*) FROM file_blob") == 0);
}

// Version 18: the cache epoch (model/cache/versions.h), one row, from a
// random start that leaves room to grow, advanced one at a time.
BOOST_AUTO_TEST_CASE(a_version_17_database_gets_a_cache_epoch_that_only_grows) {
  testing::TempDir dir;
  int64_t starts[2];
  for (int64_t& start : starts) {
    const std::string path = dir.File("w" + std::to_string(&start - starts) + ".db");
    BOOST_REQUIRE(Database::Open(path, {}).ok());
    RawExec(path, kUndoVersions19To24 + "; DROP TABLE cache_epoch; PRAGMA user_version = 17;");
    auto db = Database::Open(path, {});
    BOOST_REQUIRE(db.ok());
    BOOST_TEST(RawScalar(path, "SELECT count(*) FROM cache_epoch") == 1);
    start = RawScalar(path, "SELECT epoch FROM cache_epoch");
    BOOST_TEST(start >= 0);
    BOOST_TEST(start < (int64_t{1} << 62));
    auto store = SqliteCacheEpochStore::Create(**db);
    BOOST_REQUIRE(store.ok());
    BOOST_TEST(*(*store)->Read() == static_cast<uint64_t>(start));
    BOOST_TEST(*(*store)->Advance() == static_cast<uint64_t>(start) + 1);
    BOOST_TEST(*(*store)->Read() == static_cast<uint64_t>(start) + 1);
  }
  BOOST_TEST(starts[0] != starts[1]);  // two wikis, two starts
}

BOOST_AUTO_TEST_CASE(a_version_1_database_is_upgraded_keeping_everything) {
  testing::TempDir dir;
  std::ifstream in(std::string(WIKID_SOURCE_DIR) + "/tests/fixtures/schema_v1.sql");
  std::stringstream dump;
  dump << in.rdbuf();
  RawExec(dir.File("w.db"), dump.str());
  BOOST_REQUIRE(RawScalar(dir.File("w.db"), "PRAGMA user_version") == 1);

  auto db = Database::Open(dir.File("w.db"), {});
  BOOST_REQUIRE_MESSAGE(db.ok(), db.status().message());
  BOOST_TEST(RawScalar(dir.File("w.db"), "PRAGMA user_version") ==
             LatestSchemaVersion());
  BOOST_TEST(RawScalar(dir.File("w.db"), "SELECT count(*) FROM page") == 2);
  BOOST_TEST(RawScalar(dir.File("w.db"), "SELECT count(*) FROM revision") == 3);
  auto store = SqlitePageStore::Create(**db);
  BOOST_REQUIRE(store.ok());
  auto page = (*store)->Find(*PageName::Parse("Main Page"), std::nullopt);
  BOOST_REQUIRE(page.ok());
  BOOST_TEST(page->revision.text == "Hello [[Other]]");
  BOOST_TEST((page->existing_links == LinkTitles{{"Other", "Other"}}));
  // Version 2: accounts, and revisions saved before them belong to none.
  BOOST_TEST(RawScalar(dir.File("w.db"), "SELECT count(*) FROM account") == 0);
  BOOST_TEST(RawScalar(dir.File("w.db"),
                       "SELECT count(*) FROM revision WHERE account_id IS NULL") == 3);
  BOOST_TEST(RawScalar(dir.File("w.db"), "PRAGMA foreign_key_check") == -1);
  // Version 3: sessions.
  BOOST_TEST(RawScalar(dir.File("w.db"), "SELECT count(*) FROM session") == 0);
  // Version 6: the latest revisions' links, filled from revision_link.
  BOOST_TEST(RawScalar(dir.File("w.db"), "SELECT count(*) FROM page_link") ==
             RawScalar(dir.File("w.db"),
                       "SELECT count(*) FROM revision_link l JOIN revision r ON r.id = "
                       "l.revision_id JOIN page p ON p.id = r.page_id AND r.rev = p.latest_rev"));
  auto backlinks = (*store)->ListBacklinks(*PageName::Parse("Other"), "", 10);
  BOOST_REQUIRE(backlinks.ok());
  BOOST_REQUIRE_EQUAL(backlinks->pages.size(), 1u);
  BOOST_TEST(backlinks->pages[0].title == "Main Page");
  // Version 7: the search index, filled from the latest revisions.
  auto found = (*store)->Search(*ParseSearch("hello"), 0, 10);
  BOOST_REQUIRE(found.ok());
  BOOST_REQUIRE_EQUAL(found->hits.size(), 1u);
  BOOST_TEST(found->hits[0].title == "Main Page");
  // Version 10: wanted pages, counted from the latest links (all of
  // which lead to pages here).
  BOOST_TEST(RawScalar(dir.File("w.db"), "SELECT count(*) FROM wanted") == 0);
  BOOST_TEST(RawScalar(dir.File("w.db"), "SELECT count(*) FROM page_link") > 0);
}

// What versions 16 (the index without its copy of the texts), 17 (a
// prefix list of four characters), 18 (the cache epoch), 19 to 21 changed,
// taken back to make an older database: page_search and page_title_search
// as versions 12 to 15 had them, empty.
const std::string kUndoVersions16To24 = kUndoVersions19To24 + R"sql(;
    DROP TABLE cache_epoch;
    DROP TABLE search_rebuild;
    DROP TABLE page_search;
    DROP VIEW page_search_source;
    CREATE VIRTUAL TABLE page_search USING fts5(
      title, body, tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3');
    DROP TABLE page_title_search;
    CREATE VIRTUAL TABLE page_title_search USING fts5(
      title, tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3');)sql";

// What versions 14 (mail claims), 15 (site keys), 16 to 21 added, taken away
// again to make an older database.
const std::string kUndoVersions14To24 = kUndoVersions16To24 + R"sql(;
    DROP TABLE site_key;
    ALTER TABLE outbox DROP COLUMN claimed_by;
    ALTER TABLE outbox DROP COLUMN claimed_until;
    ALTER TABLE outbox_attempt DROP COLUMN mailer;)sql";

// Version 9: each account's edit count, counted once from its revisions.
BOOST_AUTO_TEST_CASE(a_version_8_database_gets_its_edit_counts_counted) {
  testing::TempDir dir;
  BOOST_REQUIRE(Database::Open(dir.File("w.db"), {}).ok());
  RawExec(dir.File("w.db"), kUndoVersions14To24);
  // Back to version 8 as it was, with an account and its revisions.
  RawExec(dir.File("w.db"), R"sql(
      DROP TABLE search_word;
      DROP TABLE page_title_search;
      DROP INDEX page_link_backlinks;
      ALTER TABLE page_link DROP COLUMN source_name;
      DROP TABLE wanted;
      ALTER TABLE account DROP COLUMN edit_count;
      INSERT INTO account (id, name, name_key, password_hash, created_at)
        VALUES (7, 'Alice', 'alice', 'h', 0);
      INSERT INTO page (id, name, latest_rev) VALUES (1, 'P', 3);
      INSERT INTO revision (page_id, rev, author, created_at, summary, text, size,
                            size_change, account_id)
        VALUES (1, 1, 'Alice', 0, '', 'a', 1, 1, 7), (1, 2, '192.0.2.1', 0, '', 'b', 1, 0, NULL),
               (1, 3, 'Alice', 0, '', 'c', 1, 0, 7);
      PRAGMA user_version = 8;)sql");
  auto upgraded = Database::Open(dir.File("w.db"), {});
  BOOST_REQUIRE_MESSAGE(upgraded.ok(), upgraded.status().message());
  BOOST_TEST(RawScalar(dir.File("w.db"), "PRAGMA user_version") == LatestSchemaVersion());
  BOOST_TEST(RawScalar(dir.File("w.db"), "SELECT edit_count FROM account WHERE id = 7") == 2);
  // Version 12 indexed the page again, and its name alone.
  BOOST_TEST(RawScalar(dir.File("w.db"),
                       "SELECT rowid FROM page_search WHERE page_search MATCH 'c'") == 1);
  BOOST_TEST(RawScalar(dir.File("w.db"),
                       "SELECT rowid FROM page_title_search WHERE page_title_search MATCH 'p'") == 1);
}

BOOST_AUTO_TEST_CASE(a_version_12_database_gets_the_words_of_its_index) {
  testing::TempDir dir;
  BOOST_REQUIRE(Database::Open(dir.File("w.db"), {}).ok());
  RawExec(dir.File("w.db"), kUndoVersions14To24);
  RawExec(dir.File("w.db"), R"sql(
      INSERT INTO page (id, name, latest_rev) VALUES (1, 'Page', 1);
      INSERT INTO revision (page_id, rev, author, created_at, summary, text, size, size_change)
        VALUES (1, 1, 'a', 0, '', 'Wodigar ab Wódix', 17, 17);
      INSERT INTO page_search (rowid, title, body) VALUES (1, 'Page', 'Wodigar ab Wódix');
      DROP TABLE search_word;
      PRAGMA user_version = 12;)sql");
  auto upgraded = Database::Open(dir.File("w.db"), {});
  BOOST_REQUIRE_MESSAGE(upgraded.ok(), upgraded.status().message());
  BOOST_TEST(RawScalar(dir.File("w.db"), "PRAGMA user_version") == LatestSchemaVersion());
  // The index's words as the index holds them (folded): schema 13 took
  // those of four characters or more, schema 17 keeps those of five or
  // more (shorter prefixes read FTS5's own lists).
  BOOST_TEST(RawScalar(dir.File("w.db"),
                       "SELECT count(*) FROM search_word WHERE word IN ('wodigar', 'wodix')") == 2);
  BOOST_TEST(RawScalar(dir.File("w.db"), "SELECT count(*) FROM search_word") == 2);
}

// Version 16: the index reads texts from revision instead of keeping a
// copy, and finds what it found before.
BOOST_AUTO_TEST_CASE(a_version_15_database_gets_an_index_without_copies_and_four_letter_lists) {
  testing::TempDir dir;
  BOOST_REQUIRE(Database::Open(dir.File("w.db"), {}).ok());
  RawExec(dir.File("w.db"), kUndoVersions16To24);
  RawExec(dir.File("w.db"), R"sql(
      INSERT INTO page (id, name, latest_rev) VALUES (1, 'Fruit', 2), (2, 'Tools', 1);
      INSERT INTO revision (page_id, rev, author, created_at, summary, text, size, size_change)
        VALUES (1, 1, 'a', 0, '', 'apples', 6, 6), (1, 2, 'a', 0, '', 'pears', 5, -1),
               (2, 1, 'a', 0, '', 'hammers and pears', 17, 17);
      INSERT INTO page_search (rowid, title, body)
        VALUES (1, 'Fruit', 'pears'), (2, 'Tools', 'hammers and pears');
      -- A word no page holds, one of four characters, and none of Tools'.
      DELETE FROM search_word;
      INSERT INTO search_word (word) VALUES ('vanished'), ('pear');
      PRAGMA user_version = 15;)sql");
  BOOST_REQUIRE(RawScalar(dir.File("w.db"),
                          "SELECT count(*) FROM sqlite_schema WHERE name = 'page_search_content'") == 1);
  auto upgraded = Database::Open(dir.File("w.db"), {});
  BOOST_REQUIRE_MESSAGE(upgraded.ok(), upgraded.status().message());
  BOOST_TEST(RawScalar(dir.File("w.db"), "PRAGMA user_version") == LatestSchemaVersion());
  BOOST_TEST(RawScalar(dir.File("w.db"),
                       "SELECT count(*) FROM sqlite_schema WHERE name = 'page_search_content'") == 0);
  BOOST_TEST(RawScalar(dir.File("w.db"),
                       "SELECT count(*) FROM page_search WHERE page_search MATCH 'pears'") == 2);
  BOOST_TEST(RawScalar(dir.File("w.db"),
                       "SELECT count(*) FROM page_search WHERE page_search MATCH 'apples'") == 0);
  BOOST_TEST(RawScalar(dir.File("w.db"),
                       "SELECT rowid FROM page_search WHERE page_search MATCH 'ham*'") == 2);
  // Schema 17: with a list for prefixes of four characters.
  BOOST_TEST(RawScalar(dir.File("w.db"),
                       "SELECT count(*) FROM sqlite_schema WHERE name = 'page_search' "
                       "AND sql LIKE '%prefix = ''2 3 4''%'") == 1);
  BOOST_TEST(RawScalar(dir.File("w.db"),
                       "SELECT count(*) FROM sqlite_schema WHERE name = 'page_title_search' "
                       "AND sql LIKE '%prefix = ''2 3 4''%'") == 1);
  BOOST_TEST(RawScalar(dir.File("w.db"),
                       "SELECT rowid FROM page_title_search WHERE page_title_search MATCH 'tool*'") ==
             2);
  // search_word is the index's words of five characters or more.
  BOOST_TEST(RawScalar(dir.File("w.db"),
                       "SELECT count(*) FROM search_word WHERE word IN ('hammers', 'pears', 'fruit', "
                       "'tools')") == 4);
  BOOST_TEST(RawScalar(dir.File("w.db"), "SELECT count(*) FROM search_word") == 4);
  // What FTS5 indexed is exactly what the view shows (else it fails).
  RawExec(dir.File("w.db"), "INSERT INTO page_search (page_search, rank) VALUES ('integrity-check', 1)");
}

BOOST_AUTO_TEST_CASE(a_newer_database_is_refused_and_left_alone) {
  testing::TempDir dir;
  RawExec(dir.File("w.db"), "CREATE TABLE future(x); PRAGMA user_version=" +
                                std::to_string(LatestSchemaVersion() + 1));
  auto db = Database::Open(dir.File("w.db"), {});
  BOOST_TEST(!db.ok());
  BOOST_TEST(db.status().message().find("newer") != std::string::npos);
  BOOST_TEST(RawScalar(dir.File("w.db"), "PRAGMA user_version") ==
             LatestSchemaVersion() + 1);
}

BOOST_AUTO_TEST_CASE(a_failed_migration_changes_nothing) {
  testing::TempDir dir;
  // A stray table in the way makes migration 1 fail half way through.
  RawExec(dir.File("w.db"), "CREATE TABLE revision_link(x)");
  auto db = Database::Open(dir.File("w.db"), {});
  BOOST_TEST(!db.ok());
  BOOST_TEST(RawScalar(dir.File("w.db"), "PRAGMA user_version") == 0);
  BOOST_TEST(RawScalar(dir.File("w.db"),
                       "SELECT count(*) FROM sqlite_schema WHERE name='page'") == 0);
}

// Issue 23: password hashes, addresses and token hashes are for wikid's
// user alone: the database and its -wal and -shm files are 0600, and one an
// older wikid left readable by others is narrowed.
BOOST_AUTO_TEST_CASE(the_database_is_readable_by_its_owner_only) {
  testing::TempDir dir;
  auto mode = [](const std::string& path) {
    struct stat info;
    BOOST_REQUIRE(stat(path.c_str(), &info) == 0);
    return info.st_mode & 0777;
  };
  const std::string path = dir.File("w.db");
  {
    auto db = Database::Open(path, {});
    BOOST_REQUIRE(db.ok());
    BOOST_TEST(mode(path) == 0600u);
    BOOST_TEST(mode(path + "-wal") == 0600u);
    BOOST_TEST(mode(path + "-shm") == 0600u);
  }
  const std::string older = dir.File("older.db");
  RawExec(older, "CREATE TABLE t(x)");  // as an older wikid made it
  BOOST_REQUIRE(chmod(older.c_str(), 0644) == 0);
  auto db = Database::Open(older, {});
  BOOST_REQUIRE(db.ok());
  BOOST_TEST(mode(older) == 0600u);
}

BOOST_AUTO_TEST_CASE(connections_use_wal_full_sync_and_foreign_keys) {
  testing::TempDir dir;
  auto db = Database::Open(dir.File("w.db"), {});
  BOOST_REQUIRE(db.ok());
  auto check = [&](const char* pragma) {
    auto stmt = (*db)->Prepare(pragma);
    Query q(**stmt);
    BOOST_REQUIRE(*q->Step());
    return q->ColumnText(0);
  };
  BOOST_TEST(check("PRAGMA journal_mode") == "wal");
  BOOST_TEST(check("PRAGMA synchronous") == "2");  // FULL
  BOOST_TEST(check("PRAGMA foreign_keys") == "1");
}

// Version 14: mail queued before claims existed is unclaimed, due as it was.
BOOST_AUTO_TEST_CASE(a_version_13_outbox_gets_unclaimed_messages) {
  testing::TempDir dir;
  BOOST_REQUIRE(Database::Open(dir.File("w.db"), {}).ok());
  RawExec(dir.File("w.db"), kUndoVersions14To24);
  RawExec(dir.File("w.db"), R"sql(
      INSERT INTO outbox (message_id, recipient, subject, body, created_at, next_attempt_at)
        VALUES ('<m@x>', 'ops@example.org', 's', 'b', 5, 5);
      PRAGMA user_version = 13;)sql");
  auto upgraded = Database::Open(dir.File("w.db"), {});
  BOOST_REQUIRE_MESSAGE(upgraded.ok(), upgraded.status().message());
  BOOST_TEST(RawScalar(dir.File("w.db"), "PRAGMA user_version") == LatestSchemaVersion());
  BOOST_TEST(RawScalar(dir.File("w.db"),
                       "SELECT count(*) FROM outbox WHERE claimed_until = 0 AND claimed_by = ''") ==
             1);
}

// Version 19: names get their keys (case-folded NFC, model/text/
// page_name.h), links theirs, a page keeps one link per key, and wanted
// pages are counted again by key, without the names a page has in another
// case.
// Two pages that differ only in case, from before, both stay; the cache
// epoch version 18 made is kept as it was.
BOOST_AUTO_TEST_CASE(a_version_18_database_gets_keys_and_wants_no_other_case) {
  testing::TempDir dir;
  BOOST_REQUIRE(Database::Open(dir.File("w.db"), {}).ok());
  RawExec(dir.File("w.db"), kUndoVersions19To24);
  const int64_t epoch = RawScalar(dir.File("w.db"), "SELECT epoch FROM cache_epoch");
  RawExec(dir.File("w.db"), R"sql(
      INSERT INTO page (id, name, latest_rev)
        VALUES (1, 'Getting Started', 1), (2, 'P', 1), (3, 'Foo', 1), (4, 'foo', 1),
               (5, 'Ärger', 1), (6, 'Q', 1);
      INSERT INTO page_link (source_id, target, source_name)
        VALUES (2, 'getting started', 'P'), (2, 'Nowhere', 'P'), (2, 'nowhere', 'P'),
               (3, 'ärger', 'Foo'), (6, 'nowhere', 'Q');
      INSERT INTO wanted (target, links)
        VALUES ('getting started', 1), ('Nowhere', 1), ('nowhere', 2), ('ärger', 1);
      PRAGMA user_version = 18;)sql");
  auto upgraded = Database::Open(dir.File("w.db"), {});
  BOOST_REQUIRE_MESSAGE(upgraded.ok(), upgraded.status().message());
  const std::string db = dir.File("w.db");
  BOOST_TEST(RawScalar(db, "PRAGMA user_version") == LatestSchemaVersion());
  BOOST_TEST(RawScalar(db, "SELECT id FROM page WHERE name_key = 'getting started'") == 1);
  BOOST_TEST(RawScalar(db, "SELECT id FROM page WHERE name_key = 'ärger'") == 5);
  BOOST_TEST(RawScalar(db, "SELECT count(*) FROM page WHERE name_key = 'foo'") == 2);
  // P keeps one of its two links to nowhere; Q links it too: one wanted
  // page, named as the first link by name spells it, linked twice.
  BOOST_TEST(RawScalar(db, "SELECT count(*) FROM page_link WHERE target_key = 'nowhere'") == 2);
  BOOST_TEST(RawScalar(db, "SELECT count(*) FROM page_link WHERE target = 'Nowhere'") == 1);
  BOOST_TEST(RawScalar(db, "SELECT count(*) FROM wanted") == 1);
  BOOST_TEST(RawScalar(db, "SELECT links FROM wanted WHERE target = 'Nowhere'") == 2);
  BOOST_TEST(RawScalar(db, "SELECT count(*) FROM wanted WHERE target_key = 'nowhere'") == 1);
  BOOST_TEST(RawScalar(db, "SELECT epoch FROM cache_epoch") == epoch);
}

// The busy handler waits as sqlite3_busy_timeout did, up to the timeout,
// and counts each wait once (/_metrics' wikid_database_busy_waits_total).
BOOST_AUTO_TEST_CASE(a_wait_for_another_connections_lock_is_counted_once) {
  testing::TempDir dir;
  auto holder = Database::Open(dir.File("w.db"), {});
  BOOST_REQUIRE(holder.ok());
  auto waiter = Database::Open(dir.File("w.db"), {.busy_timeout_ms = 50});
  BOOST_REQUIRE(waiter.ok());
  BOOST_REQUIRE((*holder)->Exec("BEGIN IMMEDIATE").ok());
  Status refused = (*waiter)->Exec("BEGIN IMMEDIATE");
  BOOST_TEST((refused.code() == Status::Code::kBusy), refused.message());
  BOOST_TEST((*waiter)->busy_waits() == 1);
  BOOST_REQUIRE((*holder)->Exec("COMMIT").ok());
  BOOST_REQUIRE((*waiter)->Exec("BEGIN IMMEDIATE").ok());  // free: no wait
  BOOST_REQUIRE((*waiter)->Exec("COMMIT").ok());
  BOOST_TEST((*waiter)->busy_waits() == 1);
  BOOST_TEST((*holder)->busy_waits() == 0);
}

}  // namespace
}  // namespace wikid
