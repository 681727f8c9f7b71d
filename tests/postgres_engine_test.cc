// What only the PostgreSQL engine has to get right, against a real server
// (tests/support/postgres_server.h): where its password comes from and
// that it is never repeated, a connection lost and found again, a save
// whose connection is dropped inside its transaction, statement
// timeouts, migrations run once by processes that start together and
// upgrading an older schema in place, and a wiki that refuses to start on
// an engine whose stores are not all there.
// The stores' own contracts are the shared store tests, run on both
// engines (page_store_test_postgres...).
#define BOOST_TEST_MODULE postgres_engine
#include <boost/test/unit_test.hpp>

#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <thread>

#include "model/store/postgres/pg_connection.h"
#include "model/store/postgres/postgres_schema.h"
#include "model/store/postgres/postgres_storage.h"
#include "model/text/search_query.h"
#include "model/wiki.h"
#include "tests/support/postgres_server.h"
#include "tests/support/processes_together.h"
#include "tests/support/temp_dir.h"

namespace wikid {
namespace {

using testing::PostgresServer;

PageName Name(std::string_view text) {
  auto name = PageName::Parse(text);
  BOOST_REQUIRE(name.ok());
  return *name;
}

Edit EditOf(std::string_view name, int64_t base, std::string text) {
  return Edit{.name = Name(name),
              .base_rev = base,
              .text = std::move(text),
              .summary = "s",
              .author = "192.0.2.1",
              .created_at = 1700000000};
}

std::string OneValue(const std::string& url, const std::string& sql) {
  auto db = PgConnection::Open(url, {});
  BOOST_REQUIRE_MESSAGE(db.ok(), db.status().message());
  auto r = (*db)->Exec(sql);
  BOOST_REQUIRE_MESSAGE(r.ok(), r.status().message());
  BOOST_REQUIRE(r->rows() == 1);
  return r->Text(0, 0);
}

// Everything `command` writes, with its exit status.
std::pair<int, std::string> Run(const std::string& command) {
  FILE* pipe = popen((command + " 2>&1").c_str(), "r");
  BOOST_REQUIRE(pipe != nullptr);
  std::string out;
  char buffer[4096];
  size_t n;
  while ((n = fread(buffer, 1, sizeof buffer, pipe)) > 0) out.append(buffer, n);
  return {pclose(pipe), out};
}

// --- The password ---------------------------------------------------------

BOOST_AUTO_TEST_CASE(a_url_that_holds_a_password_is_refused_without_repeating_it) {
  const std::string secret = "hunter2-Zq9";
  for (const std::string& url :
       {"postgresql://wikid:" + secret + "@127.0.0.1:5432/wiki",
        "postgres://wikid:" + secret + "@127.0.0.1/wiki",
        "postgresql://wikid@127.0.0.1/wiki?password=" + secret,
        // Unreadable (a bad %-escape in the password): still not repeated.
        "postgresql://wikid:" + secret + "%zz@127.0.0.1/wiki"}) {
    Status s = CheckPostgresUrl(url);
    BOOST_TEST(s.IsInvalid(), url);
    BOOST_TEST(s.message().find(secret) == std::string::npos, s.message());
    BOOST_TEST(s.message().find("127.0.0.1") == std::string::npos, s.message());
  }
  BOOST_TEST(CheckPostgresUrl("postgresql://wikid@127.0.0.1:5432/wiki").ok());
  BOOST_TEST(CheckPostgresUrl("postgres:///wiki?host=/run/postgresql").ok());
}

// A command line is what ps shows: the whole program refuses the URL and
// says so without echoing the password.
BOOST_AUTO_TEST_CASE(wikid_refuses_a_password_on_its_command_line) {
  const std::string secret = "hunter2-Zq9";
  testing::TempDir dir;
  auto [status, out] = Run(std::string(WIKID_BINARY) + " reindex --data " + dir.path() +
                           " --database postgresql://wikid:" + secret + "@127.0.0.1:1/wiki");
  BOOST_TEST(status != 0);
  BOOST_TEST(out.find("must not hold a password") != std::string::npos, out);
  BOOST_TEST(out.find(secret) == std::string::npos, out);
}

BOOST_AUTO_TEST_CASE(the_password_comes_from_pgpassword_or_a_password_file) {
  PostgresServer& server = PostgresServer::Shared();
  const std::string url = server.CreateDatabase(PostgresServer::kPasswordUser);
  // Without it, the server refuses, and the refusal names no password.
  unsetenv("PGPASSWORD");
  setenv("PGPASSFILE", "/nonexistent", 1);
  auto refused = PostgresStorage::Open(url, {});
  BOOST_TEST((refused.status().code() == Status::Code::kUnavailable));
  BOOST_TEST(refused.status().message().find("password") != std::string::npos,
             refused.status().message());
  // A wrong one, from the environment: refused, and never repeated.
  setenv("PGPASSWORD", "wrong-Pw-77", 1);
  auto wrong = PostgresStorage::Open(url, {});
  BOOST_TEST((wrong.status().code() == Status::Code::kUnavailable));
  BOOST_TEST(wrong.status().message().find("wrong-Pw-77") == std::string::npos,
             wrong.status().message());
  // The right one, from the environment...
  setenv("PGPASSWORD", PostgresServer::kPassword, 1);
  auto opened = PostgresStorage::Open(url, {});
  BOOST_TEST(opened.ok(), opened.status().message());
  unsetenv("PGPASSWORD");
  // ...and from a password file (0600, or libpq ignores it).
  testing::TempDir dir;
  const std::string file = dir.File("pgpass");
  std::ofstream(file) << "127.0.0.1:" << server.port() << ":*:" << PostgresServer::kPasswordUser
                      << ":" << PostgresServer::kPassword << "\n";
  chmod(file.c_str(), 0600);
  setenv("PGPASSFILE", file.c_str(), 1);
  auto from_file = PostgresStorage::Open(url, {});
  BOOST_TEST(from_file.ok(), from_file.status().message());
  unsetenv("PGPASSFILE");
}

// --- Connections ----------------------------------------------------------

// The server restarts between two requests: a request while it is down
// is told the database is unavailable (a 503); once it is back, the very
// next request notices the ended connection before its first statement,
// opens another and finds everything committed before the crash.
BOOST_AUTO_TEST_CASE(a_connection_lost_to_a_restart_is_found_again_before_the_next_statement) {
  PostgresServer& server = PostgresServer::Shared();
  const std::string url = server.CreateDatabase();
  auto storage = PostgresStorage::Open(url, {});
  BOOST_REQUIRE_MESSAGE(storage.ok(), storage.status().message());
  auto pages = std::move(*(*storage)->OpenPages(nullptr));
  BOOST_REQUIRE(pages->Save(EditOf("Kept", 0, "acknowledged")).ok());
  server.Restart(PostgresServer::Shutdown::kImmediate, [&] {
    auto during = pages->Find(Name("Kept"), std::nullopt);
    BOOST_TEST((during.status().code() == Status::Code::kUnavailable));
  });
  auto after = pages->Find(Name("Kept"), std::nullopt);
  BOOST_REQUIRE_MESSAGE(after.ok(), after.status().message());
  BOOST_TEST(after->revision.text == "acknowledged");
  // Writes too, with the statements prepared again on the new connection.
  BOOST_TEST(pages->Save(EditOf("Kept", 1, "after the restart")).ok());
  // A restart with no request while it was down: the first after it works.
  server.Restart(PostgresServer::Shutdown::kFast);
  auto first = pages->Find(Name("Kept"), std::nullopt);
  BOOST_REQUIRE_MESSAGE(first.ok(), first.status().message());
  BOOST_TEST(first->revision.text == "after the restart");
}

// The bounds a connection takes from its statement timeout (T, 3 s here;
// pg_connection.cc): TCP keepalives after T idle and a tcp_user_timeout of
// T and a 2 s grace, unless the URL sets its own, and the server's
// idle_in_transaction_session_timeout, 2 T. An operator's command (no
// statement timeout) has no idle-in-transaction limit either.
BOOST_AUTO_TEST_CASE(a_connection_takes_keepalives_and_timeouts_from_its_statement_timeout) {
  const std::string url = PostgresServer::Shared().CreateDatabase();
  auto show = [](PgConnection& db, const std::string& setting) {
    auto shown = db.Exec("SHOW " + setting);
    BOOST_REQUIRE_MESSAGE(shown.ok(), shown.status().message());
    return shown->Text(0, 0);
  };
  auto db = PgConnection::Open(url, PgOptions{.statement_timeout_ms = 3000});
  BOOST_REQUIRE_MESSAGE(db.ok(), db.status().message());
  BOOST_TEST((*db)->ConnectionOption("keepalives") == "1");
  BOOST_TEST((*db)->ConnectionOption("keepalives_idle") == "3");
  BOOST_TEST((*db)->ConnectionOption("tcp_user_timeout") == "5000");
  BOOST_TEST(show(**db, "idle_in_transaction_session_timeout") == "6s");
  BOOST_TEST(show(**db, "statement_timeout") == "3s");

  auto own = PgConnection::Open(url + "?keepalives_idle=42&tcp_user_timeout=1234",
                                PgOptions{.statement_timeout_ms = 3000});
  BOOST_REQUIRE_MESSAGE(own.ok(), own.status().message());
  BOOST_TEST((*own)->ConnectionOption("keepalives_idle") == "42");
  BOOST_TEST((*own)->ConnectionOption("tcp_user_timeout") == "1234");

  auto command = PgConnection::Open(url, PgOptions{.statement_timeout_ms = 0});
  BOOST_REQUIRE_MESSAGE(command.ok(), command.status().message());
  BOOST_TEST(show(**command, "idle_in_transaction_session_timeout") == "0");
}

// Ends every other connection to the database, inside the save's
// transaction (the sink hears of the revision before the commit), and
// waits until the server has let them go.
class DropConnectionsSink : public EventSink {
 public:
  explicit DropConnectionsSink(std::string url) : url_(std::move(url)) {}
  Status AccountCreated(const User&) override { return Status::Ok(); }
  Status RevisionSaved(const SavedRevision&) override {
    const char* others =
        "FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()";
    OneValue(url_, std::string("SELECT count(pg_terminate_backend(pid)) ") + others);
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (OneValue(url_, std::string("SELECT count(*) ") + others) != "0") {
      BOOST_REQUIRE(std::chrono::steady_clock::now() < deadline);
      std::this_thread::sleep_for(std::chrono::milliseconds(10));  // a poll, not a wait
    }
    return Status::Ok();
  }

 private:
  std::string url_;
};

BOOST_AUTO_TEST_CASE(a_save_whose_connection_drops_mid_transaction_leaves_nothing) {
  const std::string url = PostgresServer::Shared().CreateDatabase();
  auto storage = PostgresStorage::Open(url, {});
  BOOST_REQUIRE_MESSAGE(storage.ok(), storage.status().message());
  auto plain = std::move(*(*storage)->OpenPages(nullptr));
  BOOST_REQUIRE(plain->Save(EditOf("Page", 0, "one [[Elsewhere]]")).ok());
  plain.reset();
  DropConnectionsSink drop(url);
  auto pages = std::move(*(*storage)->OpenPages(&drop));
  Edit edit = EditOf("Page", 1, "two [[Other]]");
  edit.links = {"Other"};
  auto saved = pages->Save(edit);
  // A 503 (the text is kept by the form), never an acknowledgement.
  BOOST_TEST((saved.status().code() == Status::Code::kUnavailable));
  // Nothing of it: not the revision, its links, its wanted count or its
  // search entry.
  BOOST_TEST(OneValue(url, "SELECT count(*) FROM revision") == "1");
  BOOST_TEST(OneValue(url, "SELECT latest_rev FROM page WHERE name = 'Page'") == "1");
  BOOST_TEST(OneValue(url, "SELECT count(*) FROM wanted WHERE target = 'Other'") == "0");
  BOOST_TEST(OneValue(url, "SELECT count(*) FROM page_search "
                           "WHERE document @@ to_tsquery('wikid_search', 'two')") == "0");
  // The store's next call reconnects.
  auto latest = pages->Find(Name("Page"), std::nullopt);
  BOOST_REQUIRE_MESSAGE(latest.ok(), latest.status().message());
  BOOST_TEST(latest->revision.text == "one [[Elsewhere]]");
}

BOOST_AUTO_TEST_CASE(a_stuck_statement_is_cancelled_by_the_statement_timeout) {
  const std::string url = PostgresServer::Shared().CreateDatabase();
  auto db = PgConnection::Open(url, PgOptions{.statement_timeout_ms = 100});
  BOOST_REQUIRE_MESSAGE(db.ok(), db.status().message());
  auto stuck = (*db)->Exec("SELECT pg_sleep(600)");
  BOOST_TEST((stuck.status().code() == Status::Code::kBusy));
  BOOST_TEST(stuck.status().message().find("took too long") != std::string::npos,
             stuck.status().message());
  // The connection is still good.
  BOOST_TEST((*db)->Exec("SELECT 1").ok());
}

// `wikid reindex` on PostgreSQL: every page's entry made again from its
// latest revision, in batches, whatever the index held.
BOOST_AUTO_TEST_CASE(rebuilding_the_search_index_indexes_every_latest_text) {
  const std::string url = PostgresServer::Shared().CreateDatabase();
  auto storage = PostgresStorage::Open(url, {});
  BOOST_REQUIRE_MESSAGE(storage.ok(), storage.status().message());
  auto pages = std::move(*(*storage)->OpenPages(nullptr));
  for (int i = 0; i < 7; ++i) {
    BOOST_REQUIRE(pages->Save(EditOf("Page " + std::to_string(i), 0, "first")).ok());
    BOOST_REQUIRE(pages->Save(EditOf("Page " + std::to_string(i), 1, "Café latest")).ok());
  }
  auto matches = [&](const char* word) {
    return OneValue(url, std::string("SELECT count(*) FROM page_search WHERE document @@ "
                                     "to_tsquery('wikid_search', '") + word + "')");
  };
  BOOST_TEST(matches("cafe") == "7");  // accents and case folded
  // Only the first 100,000 characters of a text are indexed (a tsvector
  // holds at most 1 MB): a word just inside is found, one past is not.
  BOOST_REQUIRE(pages->Save(EditOf("Long", 0, std::string(99990, ' ') + "inside " +
                                                  std::string(10, ' ') + "beyond")).ok());
  BOOST_TEST(matches("inside") == "1");
  BOOST_TEST(matches("beyond") == "0");
  // The save, the reindex below and copy-database make an entry by one
  // function (migration 9), which the index may rely on.
  BOOST_TEST(OneValue(url, "SELECT provolatile FROM pg_proc "
                           "WHERE proname = 'wikid_search_document'") == "i");
  const std::string documents =
      "SELECT string_agg(document::text, '|' ORDER BY page_id) FROM page_search";
  const std::string saved = OneValue(url, documents);
  auto db = PgConnection::Open(url, {});
  BOOST_REQUIRE((*db)->Exec("DELETE FROM page_search").ok());
  std::vector<int64_t> progress;
  auto indexed = pages->RebuildSearchIndex(3, [&](int64_t done, int64_t) {
    progress.push_back(done);
  });
  BOOST_REQUIRE_MESSAGE(indexed.ok(), indexed.status().message());
  BOOST_TEST(*indexed == 8);
  BOOST_TEST((progress == std::vector<int64_t>{3, 6, 8}));
  BOOST_TEST(matches("latest") == "7");
  BOOST_TEST(matches("first") == "0");
  BOOST_TEST(matches("page") == "7");  // the names too
  BOOST_TEST(OneValue(url, documents) == saved);  // as the saves made them
}

// --- Schema -----------------------------------------------------------------

// Workers (and hosts) start together on an empty database: one of them
// makes the schema, the others wait for it on the advisory lock and find
// it made; none fails on a table another made first.
BOOST_AUTO_TEST_CASE(processes_starting_together_migrate_once) {
  const std::string url = PostgresServer::Shared().CreateDatabase();
  constexpr int kProcesses = 6;
  std::vector<pid_t> children;
  for (int i = 0; i < kProcesses; ++i) {
    pid_t pid = fork();
    if (pid == 0) {
      auto storage = PostgresStorage::Open(url, {});
      if (!storage.ok()) fprintf(stderr, "%s\n", storage.status().message().c_str());
      _exit(storage.ok() ? 0 : 1);
    }
    children.push_back(pid);
  }
  for (pid_t pid : children) {
    int status = 0;
    waitpid(pid, &status, 0);
    BOOST_TEST((WIFEXITED(status) && WEXITSTATUS(status) == 0));
  }
  BOOST_TEST(OneValue(url, "SELECT version FROM wikid_schema") ==
             std::to_string(LatestPostgresSchemaVersion()));
  BOOST_TEST(OneValue(url, "SELECT count(*) FROM wikid_schema") == "1");
}

// A database made by an older wikid is upgraded in place, keeping what it
// holds. Schema 1 is a new database with the later migrations undone (2
// made the file tables, 3 the fast path's state, 4 the throttle's names, 5 deletions,
  // 6 watchlists, 7 the confirmation mail limit, 8 uploads' place in
  // recent changes, undone with file_revision, 9 the search document's
  // functions; 10 protected and deleted files and their names' words,
  // undone with file and file_log, and wikid_file_name_words;
// a new migration adds its undoing here), as SQLite's schema_test makes
// its older schemas.
BOOST_AUTO_TEST_CASE(a_database_at_schema_1_is_upgraded_in_place) {
  const std::string url = PostgresServer::Shared().CreateDatabase();
  {
    auto storage = PostgresStorage::Open(url, {});
    BOOST_REQUIRE_MESSAGE(storage.ok(), storage.status().message());
    auto pages = std::move(*(*storage)->OpenPages(nullptr));
    BOOST_REQUIRE(pages->Save(EditOf("Kept", 0, "from schema 1")).ok());
    auto undone = PgConnection::Open(url, {});
    BOOST_REQUIRE(undone.ok());
    BOOST_REQUIRE((*undone)->Exec("DROP FUNCTION wikid_search_document(text, text); "
                                  "DROP FUNCTION wikid_indexed_text(text); "
                                  "ALTER TABLE login_failure DROP COLUMN name; "
                                  "DROP TABLE confirmation_mail, watch, page_log, page_deletion, fast_path_state, "
                                  "file_log, file_revision, file_blob, file; "
                                  "DROP FUNCTION wikid_file_name_words(text); "
                                  "ALTER TABLE page DROP COLUMN deleted; "
                                  "ALTER TABLE account DROP COLUMN confirmed_email, "
                                  "DROP COLUMN watch_created; "
                                  "UPDATE wikid_schema SET version = 1").ok());
  }
  auto storage = PostgresStorage::Open(url, {});
  BOOST_REQUIRE_MESSAGE(storage.ok(), storage.status().message());
  BOOST_TEST(OneValue(url, "SELECT version FROM wikid_schema") ==
             std::to_string(LatestPostgresSchemaVersion()));
  auto fast_path = (*storage)->OpenFastPath();
  BOOST_REQUIRE_MESSAGE(fast_path.ok(), fast_path.status().message());
  auto state = (*fast_path)->Read();
  BOOST_REQUIRE_MESSAGE(state.ok(), state.status().message());
  BOOST_TEST((state->phase == FastPathPhase::kOff && state->generation == 1u));
  auto pages = std::move(*(*storage)->OpenPages(nullptr));
  auto kept = pages->Find(Name("Kept"), std::nullopt);
  BOOST_REQUIRE(kept.ok());
  BOOST_TEST(kept->revision.text == "from schema 1");
  // Saves and searches use what the later migrations made (the search
  // document's functions, 7).
  BOOST_REQUIRE(pages->Save(EditOf("Kept", 1, "upgraded words")).ok());
  BOOST_TEST(OneValue(url, "SELECT count(*) FROM page_search WHERE document @@ "
                           "to_tsquery('wikid_search', 'upgraded')") == "1");
  auto query = ParseSearch("upgraded");
  BOOST_REQUIRE(query.ok());
  auto found = pages->Search(*query, 0, 10);
  BOOST_REQUIRE_MESSAGE(found.ok(), found.status().message());
  BOOST_TEST(found->hits.size() == 1u);
}

// The cache epoch (model/cache/versions.h): each new database starts it
// at a random value with room to grow, and processes advancing it at once
// lose no step of it (SQLite's checks are in schema_test).
BOOST_AUTO_TEST_CASE(the_cache_epoch_starts_at_random_and_every_advance_counts) {
  uint64_t starts[2];
  std::string url;
  for (uint64_t& start : starts) {
    url = PostgresServer::Shared().CreateDatabase();
    auto storage = PostgresStorage::Open(url, {});
    BOOST_REQUIRE_MESSAGE(storage.ok(), storage.status().message());
    auto epoch = std::move(*(*storage)->OpenCacheEpoch());
    start = *epoch->Read();
    BOOST_TEST(start < (uint64_t{1} << 62));
    BOOST_TEST(*epoch->Advance() == start + 1);
    BOOST_TEST(*epoch->Read() == start + 1);
  }
  BOOST_TEST(starts[0] != starts[1]);  // two wikis, two starts

  constexpr int kProcesses = 4, kAdvances = 25;
  testing::RunProcessesTogether(kProcesses, [&](int, const std::function<void()>& start) {
    auto storage = PostgresStorage::Open(url, {});
    if (!storage.ok()) return 10;
    auto epoch = (*storage)->OpenCacheEpoch();
    if (!epoch.ok()) return 11;
    start();
    uint64_t last = 0;
    for (int i = 0; i < kAdvances; ++i) {
      auto advanced = (*epoch)->Advance();
      if (!advanced.ok() || *advanced <= last) return 12;  // only ever grows
      last = *advanced;
    }
    return 0;
  });
  BOOST_TEST(OneValue(url, "SELECT epoch FROM cache_epoch") ==
             std::to_string(starts[1] + 1 + kProcesses * kAdvances));
}

// --- The whole wiki ----------------------------------------------------------

// Every store is on PostgreSQL: a whole wiki opens there, in a data
// folder that holds no database, and what one opening saves another reads.
BOOST_AUTO_TEST_CASE(a_whole_wiki_runs_on_postgresql) {
  testing::TempDir dir;
  WikiOptions options;
  options.storage.data_dir = dir.path();
  options.storage.database = PostgresServer::Shared().CreateDatabase();
  {
    auto wiki = Wiki::Open(options);
    BOOST_REQUIRE_MESSAGE(wiki.ok(), wiki.status().message());
    auto saved = (*wiki)->page_store().Save(EditOf("Whole", 0, "on the server"));
    BOOST_REQUIRE_MESSAGE(saved.ok(), saved.status().message());
  }
  auto again = Wiki::Open(options);
  BOOST_REQUIRE_MESSAGE(again.ok(), again.status().message());
  auto found = (*again)->page_store().Find(Name("Whole"), std::nullopt);
  BOOST_REQUIRE_MESSAGE(found.ok(), found.status().message());
  BOOST_TEST(found->revision.text == "on the server");
  BOOST_TEST(!std::ifstream(dir.File("wikid.db")).good());  // nothing on disk
}

}  // namespace
}  // namespace wikid
