#include "tests/support/test_database.h"

#include <boost/test/unit_test.hpp>

#include <cstdlib>
#include <mutex>
#include <string_view>

#include "model/store/postgres/pg_connection.h"
#include "model/store/postgres/postgres_schema.h"
#include "model/store/postgres/postgres_storage.h"
#include "model/store/sqlite/database.h"
#include "model/store/sqlite/schema.h"
#include "model/wiki.h"
#include "tests/support/postgres_server.h"

namespace wikid::testing {

namespace {

// What pg_stat_activity shows for the test's own connections.
PgOptions TestConnectionOptions() { return PgOptions{.application_name = "wikid test"}; }

}  // namespace

struct TestDatabase::Session {
  std::mutex mutex;
  std::unique_ptr<PgConnection> connection;
};

Engine EngineUnderTest() {
  const char* name = std::getenv("WIKID_TEST_DATABASE");
  if (name == nullptr || *name == '\0' || std::string_view(name) == "sqlite") {
    return Engine::kSqlite;
  }
  if (std::string_view(name) == "postgresql") return Engine::kPostgres;
  throw std::runtime_error("WIKID_TEST_DATABASE must be sqlite or postgresql, not " +
                           std::string(name));
}

boost::test_tools::assertion_result SqliteOnly::operator()(
    boost::unit_test::test_unit_id) const {
  if (EngineUnderTest() == Engine::kSqlite) return true;
  boost::test_tools::assertion_result skip(false);
  skip.message() << "SQLite only: " << reason;
  return skip;
}

Result<PgResult> TestDatabase::PgExec(const std::string& sql) const {
  if (session_ == nullptr) {
    auto db = PgConnection::Open(url_, TestConnectionOptions());
    if (!db.ok()) return db.status();
    return (*db)->Exec(sql);
  }
  std::lock_guard<std::mutex> lock(session_->mutex);
  if (session_->connection == nullptr) {
    auto opened = PgConnection::Open(url_, TestConnectionOptions());
    if (!opened.ok()) return opened.status();
    session_->connection = std::move(*opened);
  }
  auto done = session_->connection->Exec(sql);
  // Whatever went wrong (a server restarted under the test, a statement
  // refused), the next call starts on a new connection, as before.
  if (!done.ok()) session_->connection.reset();
  return done;
}

TestDatabase::TestDatabase() : engine_(EngineUnderTest()) {
  url_ = engine_ == Engine::kPostgres ? PostgresServer::Shared().CreateDatabase()
                                      : "sqlite:" + dir_.File("wikid.db");
  if (engine_ == Engine::kSqlite) sqlite_path_ = dir_.File("wikid.db");
}

TestDatabase::TestDatabase(const std::string& url, TestConnections connections)
    : engine_(IsPostgresUrl(url) ? Engine::kPostgres : Engine::kSqlite),
      url_(url),
      session_(connections == TestConnections::kKept ? std::make_shared<Session>() : nullptr) {
  if (engine_ == Engine::kSqlite) {
    if (url.rfind("sqlite:", 0) != 0) {
      throw std::runtime_error("not a database URL: " + url);
    }
    sqlite_path_ = url.substr(std::string_view("sqlite:").size());
  }
}

Result<std::unique_ptr<Storage>> TestDatabase::Open() const {
  // The factory's own choice of engine, as a worker's (model/wiki.h).
  return OpenStorage(StorageOptions{.data_dir = dir_.path(), .database = url_});
}

Status TestDatabase::TryExec(const std::string& sql) const {
  if (engine_ == Engine::kPostgres) {
    auto done = PgExec(sql);
    return done.ok() ? Status::Ok() : done.status();
  }
  auto db = Database::Open(sqlite_path_, {});
  if (!db.ok()) return db.status();
  return (*db)->Exec(sql.c_str());
}

Result<std::vector<std::string>> TestDatabase::TryColumn(const std::string& sql) const {
  std::vector<std::string> column;
  if (engine_ == Engine::kPostgres) {
    auto rows = PgExec(sql);
    if (!rows.ok()) return rows.status();
    for (int i = 0; i < rows->rows(); ++i) column.push_back(rows->Text(i, 0));
    return column;
  }
  auto db = Database::Open(sqlite_path_, {});
  if (!db.ok()) return db.status();
  auto stmt = (*db)->Prepare(sql);
  if (!stmt.ok()) return stmt.status();
  Query q(**stmt);
  while (true) {
    auto row = q->Step();
    if (!row.ok()) return row.status();
    if (!*row) break;
    column.push_back(q->ColumnText(0));
  }
  return column;
}

void TestDatabase::Exec(const std::string& sql) const {
  Status done = TryExec(sql);
  BOOST_REQUIRE_MESSAGE(done.ok(), done.message() << " in " << sql);
}

std::vector<std::string> TestDatabase::Column(const std::string& sql) const {
  auto column = TryColumn(sql);
  BOOST_REQUIRE_MESSAGE(column.ok(), column.status().message() << " in " << sql);
  return std::move(*column);
}

int64_t TestDatabase::InsertAccount(const std::string& name, const std::string& role) const {
  Exec("INSERT INTO account (name, name_key, password_hash, role, created_at) VALUES ('" + name +
       "', '" + name + "', 'h', '" + role + "', 0)");
  return std::stoll(Column("SELECT id FROM account WHERE name_key = '" + name + "'").at(0));
}

int TestDatabase::SchemaVersion() const {
  const auto version = Column(engine_ == Engine::kPostgres ? "SELECT version FROM wikid_schema"
                                                           : "PRAGMA user_version");
  BOOST_REQUIRE(version.size() == 1u);
  return std::stoi(version[0]);
}

int TestDatabase::LatestSchemaVersion() const {
  return engine_ == Engine::kPostgres ? LatestPostgresSchemaVersion()
                                      : wikid::LatestSchemaVersion();
}

}  // namespace wikid::testing
