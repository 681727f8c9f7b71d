// The site's secret keys in the database (model/accounts/site_keys.h) and
// the form tokens signed with them (views/http/csrf.h): every process of a
// wiki, on any host, gets the same first key; a wiki from before keeps the
// key of its old file; after a rotation the new key signs, the one before
// still verifies and older ones do not; a process that has not yet seen a
// rotation verifies a token signed with the new key by reading the keys
// again, at most once a second. The store's cases run on the engine
// WIKID_TEST_DATABASE names (tests/support/test_database.h); those that
// open a whole wiki run on SQLite alone until PostgreSQL holds every store.
#define BOOST_TEST_MODULE site_keys
#include "model/accounts/site_keys.h"

#include <boost/test/unit_test.hpp>
#include <filesystem>
#include <fstream>

#include "model/base/secret_key.h"
#include "model/wiki.h"
#include "tests/support/processes_together.h"
#include "tests/support/temp_dir.h"
#include "tests/support/test_database.h"
#include "views/http/csrf.h"

namespace wikid::testing {
namespace {

std::unique_ptr<Wiki> Open(const TempDir& data, const std::string& database = "") {
  WikiOptions options;
  options.storage.data_dir = data.path();
  options.storage.database = database;
  options.tell_admins = false;
  auto wiki = Wiki::Open(options);
  BOOST_REQUIRE_MESSAGE(wiki.ok(), wiki.status().message());
  return std::move(*wiki);
}

// A form POST carrying `token`, from a browser whose pre-session cookie is
// `cookie`.
Request FormPost(const std::string& cookie, const std::string& token) {
  Request req;
  req.method = Method::kPost;
  req.cookies[kCsrfCookie] = cookie;
  req.form.emplace(kCsrfField, token);
  return req;
}

const std::string kCookie(43, 'c');

// For a case about a data folder's key file and SQLite files of its own;
// the store's contract, which both engines keep, is in the other cases.
boost::test_tools::assertion_result OnSqlite(boost::unit_test::test_unit_id) {
  boost::test_tools::assertion_result on = EngineUnderTest() == Engine::kSqlite;
  on.message() << "opens whole wikis on SQLite files of its own";
  return on;
}

// A store on a fresh database, and its storage.
struct KeyStore {
  TestDatabase database;
  std::unique_ptr<Storage> storage = Open(database);
  std::unique_ptr<SiteKeyStore> store = Keys(*storage);

  static std::unique_ptr<Storage> Open(const TestDatabase& database) {
    auto opened = database.Open();
    BOOST_REQUIRE_MESSAGE(opened.ok(), opened.status().message());
    return std::move(*opened);
  }
  static std::unique_ptr<SiteKeyStore> Keys(Storage& storage) {
    auto keys = storage.OpenSiteKeys();
    BOOST_REQUIRE_MESSAGE(keys.ok(), keys.status().message());
    return std::move(*keys);
  }
};

BOOST_AUTO_TEST_CASE(hosts_sharing_a_database_sign_alike,
                     *boost::unit_test::precondition(OnSqlite)) {
  TempDir shared, host_a, host_b;
  const std::string database = "sqlite:" + shared.File("wiki.db");
  auto a = Open(host_a, database);
  auto b = Open(host_b, database);
  BOOST_TEST(a->site_keys().Signing() == b->site_keys().Signing());
  BOOST_TEST(a->site_keys().Signing().size() == kSecretKeyBytes);
  Csrf on_a(a->site_keys()), on_b(b->site_keys());
  Request req = FormPost(kCookie, "");
  std::string token = on_a.TokenFor(req, "").token;
  BOOST_TEST(on_b.Verify(FormPost(kCookie, token), ""));
  BOOST_TEST(!on_b.Verify(FormPost(std::string(43, 'd'), token), ""));
}

BOOST_AUTO_TEST_CASE(a_wiki_from_before_keeps_its_key_file,
                     *boost::unit_test::precondition(OnSqlite)) {
  TempDir data;
  const std::string old_key(kSecretKeyBytes, 'k');
  std::ofstream(data.File("secret.key"), std::ios::binary) << old_key;
  auto wiki = Open(data);
  BOOST_TEST(wiki->site_keys().Signing() == old_key);
  // Read once: the database holds it now, whatever the file does later.
  std::ofstream(data.File("secret.key"), std::ios::binary) << std::string(kSecretKeyBytes, 'x');
  BOOST_TEST(Open(data)->site_keys().Signing() == old_key);
}

BOOST_AUTO_TEST_CASE(a_damaged_key_file_matters_only_before_the_first_key,
                     *boost::unit_test::precondition(OnSqlite)) {
  TempDir data;
  std::ofstream(data.File("secret.key"), std::ios::binary) << "short";
  WikiOptions options;
  options.storage.data_dir = data.path();
  auto wiki = Wiki::Open(options);
  BOOST_TEST(wiki.status().IsInvalid());
  BOOST_TEST(wiki.status().message().find("wrong size") != std::string::npos);
  // Once the database holds a key, the file is never read again.
  std::filesystem::remove(data.File("secret.key"));
  BOOST_REQUIRE(Wiki::Open(options).ok());
  std::ofstream(data.File("secret.key"), std::ios::binary) << "short";
  BOOST_TEST(Wiki::Open(options).ok());
}

// Two processes on one database, each with its own clock.
struct TwoProcesses : KeyStore {
  int64_t clock_ms = 1000000;
  SiteKeys worker_keys{*store, [this] { return clock_ms; }};
  SiteKeys tool_keys{*store, [this] { return clock_ms; }};
  TwoProcesses() {
    BOOST_REQUIRE(worker_keys.Load(NewSecretKey, 0).ok());
    BOOST_REQUIRE(tool_keys.Load(NewSecretKey, 0).ok());
  }
};

BOOST_FIXTURE_TEST_CASE(a_rotation_keeps_the_previous_key_verifying, TwoProcesses) {
  Csrf worker(worker_keys), tool(tool_keys);
  Request req = FormPost(kCookie, "");
  const std::string first = worker.TokenFor(req, "").token;
  BOOST_REQUIRE(tool_keys.Rotate(*NewSecretKey(), 1).ok());
  const std::string second = tool.TokenFor(req, "").token;
  BOOST_TEST(second != first);
  clock_ms += SiteKeys::kReloadGapMs;
  // The worker has not read the keys since: the new token still verifies
  // (it reads them again), and so does the one signed before the rotation.
  BOOST_TEST(worker.Verify(FormPost(kCookie, second), ""));
  BOOST_TEST(worker.TokenFor(req, "").token == second);
  BOOST_TEST(worker.Verify(FormPost(kCookie, first), ""));
  // Two rotations on, the first key is gone.
  BOOST_REQUIRE(tool_keys.Rotate(*NewSecretKey(), 2).ok());
  BOOST_TEST(!tool.Verify(FormPost(kCookie, first), ""));
  BOOST_TEST(tool.Verify(FormPost(kCookie, second), ""));
  // Session-bound tokens follow the same keys.
  const std::string session(43, 's');
  BOOST_TEST(tool.ForSession(session) != worker.ForSession(session));  // not read yet
  Request with_session;
  with_session.form.emplace(kCsrfField, tool.ForSession(session));
  clock_ms += SiteKeys::kReloadGapMs;
  BOOST_TEST(worker.Verify(with_session, session));
  BOOST_TEST(!worker.Verify(with_session, std::string(43, 't')));
}

BOOST_FIXTURE_TEST_CASE(processes_adding_a_first_key_at_once_add_one, KeyStore) {
  // Processes each adding a first key of their own, all at once: one key.
  // Rounds, each on an empty table, give a race many chances to show.
  for (int round = 0; round < 10; ++round) {
    database.Exec("DELETE FROM site_key");
    RunProcessesTogether(6, [&](int index, const std::function<void()>& start) {
      auto mine = database.Open();
      if (!mine.ok()) return 10;
      auto keys = (*mine)->OpenSiteKeys();
      if (!keys.ok()) return 11;
      start();
      const std::string key(kSecretKeyBytes, static_cast<char>('a' + index));
      return (*keys)->AddFirst(key, index).ok() ? 0 : 12;
    });
    auto keys = store->Newest(10);
    BOOST_REQUIRE(keys.ok());
    BOOST_TEST(keys->size() == 1u);
  }
}

BOOST_FIXTURE_TEST_CASE(keys_are_read_again_after_a_minute_or_a_failed_token, KeyStore) {
  int64_t clock_ms = 1000000;
  SiteKeys worker(*store, [&] { return clock_ms; });
  BOOST_REQUIRE(worker.Load([] { return Result<std::string>(std::string(kSecretKeyBytes, 'a')); }, 0).ok());
  SiteKeys other(*store);
  BOOST_REQUIRE(other.Load([] { return Result<std::string>(std::string(kSecretKeyBytes, 'z')); }, 0).ok());
  BOOST_TEST(other.Signing() == std::string(kSecretKeyBytes, 'a'));  // the first stays first
  BOOST_REQUIRE(other.Rotate(std::string(kSecretKeyBytes, 'b'), 1).ok());

  // Forged tokens, many at once: one read of the keys, not one each.
  const int64_t before = storage->counters().queries;
  int changed = 0;
  clock_ms += SiteKeys::kReloadGapMs;
  for (int i = 0; i < 100; ++i) changed += worker.Reload();
  BOOST_TEST(changed == 1);
  BOOST_TEST(storage->counters().queries - before == 1);
  BOOST_TEST(worker.Signing() == std::string(kSecretKeyBytes, 'b'));
  BOOST_TEST(worker.Verifying().size() == 2u);

  // Unasked, after a minute.
  BOOST_REQUIRE(other.Rotate(std::string(kSecretKeyBytes, 'c'), 2).ok());
  clock_ms += SiteKeys::kRefreshMs - 1;
  BOOST_TEST(worker.Signing() == std::string(kSecretKeyBytes, 'b'));
  clock_ms += 1;
  BOOST_TEST(worker.Signing() == std::string(kSecretKeyBytes, 'c'));
  BOOST_TEST((worker.Verifying() ==
              std::vector<std::string>{std::string(kSecretKeyBytes, 'c'),
                                       std::string(kSecretKeyBytes, 'b')}));
}

}  // namespace
}  // namespace wikid::testing
