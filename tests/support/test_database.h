// TestDatabase: a fresh, empty wiki database for one test, on the engine
// the WIKID_TEST_DATABASE environment variable names: "postgresql", a
// database of its own on the process's PostgresServer
// (tests/support/postgres_server.h); unset or "sqlite", a file in a
// temporary directory. ctest runs each store test once per engine (the
// second entry has the label "postgres"), so one test source holds one
// contract for both.
#pragma once

#include <boost/test/unit_test.hpp>

#include <memory>
#include <string>
#include <vector>

#include "model/base/status.h"
#include "model/store/postgres/pg_connection.h"
#include "model/store/storage.h"
#include "tests/support/temp_dir.h"

namespace wikid::testing {

enum class Engine { kSqlite, kPostgres };

// The engine WIKID_TEST_DATABASE names.
Engine EngineUnderTest();

// A precondition for a case that cannot apply to PostgreSQL (it opens the
// SQLite file, fills a tmpfs, ...): there Boost.Test skips it and says
// why, `reason` in its log, instead of passing it silently.
//   BOOST_AUTO_TEST_CASE(name, *boost::unit_test::precondition(
//       SqliteOnly{"it plants a schema-1 SQLite file"}))
struct SqliteOnly {
  std::string reason;
  boost::test_tools::assertion_result operator()(boost::unit_test::test_unit_id) const;
};

// How Exec and Column reach a PostgreSQL database (SQLite's file is
// opened for each call either way, so a file replaced under its path is
// read anew).
enum class TestConnections {
  // A connection for each call: nothing stays connected between them, as
  // `wikid restore` requires of a database it replaces.
  kPerCall,
  // One connection, opened on first use and kept: for the database of a
  // running wiki, which tests poll (a new connection is a new server
  // process, and one every 10 ms of a wait cost a core).
  kKept,
};

class TestDatabase {
 public:
  TestDatabase();
  // The database `url` names (sqlite:PATH or postgresql://...), made by
  // someone else: a wiki's, say (tests/support/test_wiki.h).
  explicit TestDatabase(const std::string& url,
                        TestConnections connections = TestConnections::kPerCall);

  Engine engine() const { return engine_; }
  // What --database takes for it.
  const std::string& url() const { return url_; }
  // The temporary directory of the test (the SQLite file's).
  const TempDir& dir() const { return dir_; }

  // A new connection to it, created and migrated on first open: each call
  // is another connection, as another worker's (or a child's, after fork).
  Result<std::unique_ptr<Storage>> Open() const;

  // Runs `sql` (in this engine's dialect) on a connection of its own
  // (TestConnections), for a test that plants or inspects rows; fails the
  // test if it fails.
  void Exec(const std::string& sql) const;
  // The first column of each row of `sql`, as text.
  std::vector<std::string> Column(const std::string& sql) const;
  // The same, failing by their result instead of the test's assertions
  // (for a caller on a thread of its own, or one that throws).
  Status TryExec(const std::string& sql) const;
  Result<std::vector<std::string>> TryColumn(const std::string& sql) const;
  // Makes an account `name` (lower case) with role "user" or "admin" by
  // SQL both engines read alike, for a store test that needs one and is
  // not about the account store; returns its id.
  int64_t InsertAccount(const std::string& name, const std::string& role = "user") const;
  // The schema version the database holds, and the newest this engine has.
  int SchemaVersion() const;
  int LatestSchemaVersion() const;

 private:
  TempDir dir_;
  Engine engine_;
  std::string url_;
  std::string sqlite_path_;  // the file, on SQLite
  // PostgreSQL, kKept: Exec's and Column's connection, opened on first
  // use and shared by the threads that call them; null for kPerCall.
  struct Session;
  std::shared_ptr<Session> session_;
  // Runs `sql` on it.
  Result<PgResult> PgExec(const std::string& sql) const;
};

}  // namespace wikid::testing
