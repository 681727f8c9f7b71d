#include "tests/support/test_database.h"

#include <boost/test/unit_test.hpp>

#include <cstdlib>
#include <string_view>

#include "model/store/postgres/pg_connection.h"
#include "model/store/postgres/postgres_schema.h"
#include "model/store/sqlite/database.h"
#include "model/store/sqlite/schema.h"
#include "model/wiki.h"
#include "tests/support/postgres_server.h"

namespace wikid::testing {

Engine EngineUnderTest() {
  const char* name = std::getenv("WIKID_TEST_DATABASE");
  if (name == nullptr || *name == '\0' || std::string_view(name) == "sqlite") {
    return Engine::kSqlite;
  }
  if (std::string_view(name) == "postgresql") return Engine::kPostgres;
  throw std::runtime_error("WIKID_TEST_DATABASE must be sqlite or postgresql, not " +
                           std::string(name));
}

TestDatabase::TestDatabase() : engine_(EngineUnderTest()) {
  url_ = engine_ == Engine::kPostgres ? PostgresServer::Shared().CreateDatabase()
                                      : "sqlite:" + dir_.File("wikid.db");
}

Result<std::unique_ptr<Storage>> TestDatabase::Open() const {
  // The factory's own choice of engine, as a worker's (model/wiki.h).
  return OpenStorage(StorageOptions{.data_dir = dir_.path(), .database = url_});
}

void TestDatabase::Exec(const std::string& sql) const {
  if (engine_ == Engine::kPostgres) {
    auto db = PgConnection::Open(url_, {});
    BOOST_REQUIRE_MESSAGE(db.ok(), db.status().message());
    auto done = (*db)->Exec(sql);
    BOOST_REQUIRE_MESSAGE(done.ok(), done.status().message() << " in " << sql);
    return;
  }
  auto db = Database::Open(dir_.File("wikid.db"), {});
  BOOST_REQUIRE_MESSAGE(db.ok(), db.status().message());
  Status done = (*db)->Exec(sql.c_str());
  BOOST_REQUIRE_MESSAGE(done.ok(), done.message() << " in " << sql);
}

std::vector<std::string> TestDatabase::Column(const std::string& sql) const {
  std::vector<std::string> column;
  if (engine_ == Engine::kPostgres) {
    auto db = PgConnection::Open(url_, {});
    BOOST_REQUIRE_MESSAGE(db.ok(), db.status().message());
    auto rows = (*db)->Exec(sql);
    BOOST_REQUIRE_MESSAGE(rows.ok(), rows.status().message() << " in " << sql);
    for (int i = 0; i < rows->rows(); ++i) column.push_back(rows->Text(i, 0));
    return column;
  }
  auto db = Database::Open(dir_.File("wikid.db"), {});
  BOOST_REQUIRE_MESSAGE(db.ok(), db.status().message());
  auto stmt = (*db)->Prepare(sql);
  BOOST_REQUIRE_MESSAGE(stmt.ok(), stmt.status().message());
  Query q(**stmt);
  while (true) {
    auto row = q->Step();
    BOOST_REQUIRE_MESSAGE(row.ok(), row.status().message() << " in " << sql);
    if (!*row) break;
    column.push_back(q->ColumnText(0));
  }
  return column;
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
