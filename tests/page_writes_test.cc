// PageWrites (model/page_writes.h), the one way pages are written: after a
// save commits, views read before it stop being served, the new revision
// is offered to the caches rendered, and nginx's entries that changed are
// deleted (the page's, the front page's and, for a new page, those of the
// pages linking to it); a write the store refuses touches no cache.
// Against a real memcached and SQLite file.
#define BOOST_TEST_MODULE page_writes
#include "model/page_writes.h"

#include <boost/test/unit_test.hpp>
#include <chrono>
#include <thread>

#include "model/store/sqlite/database.h"
#include "tests/support/memcached_server.h"
#include "tests/support/temp_dir.h"

namespace wikid::testing {
namespace {

PageName Name(const std::string& title) { return *PageName::Parse(title); }

struct WritesFixture {
  TempDir dir;
  MemcachedServer server;
  std::unique_ptr<Wiki> wiki;
  std::unique_ptr<PageWrites> writes;
  int rendered = 0;

  // `timeout_ms`: how long the wiki waits for memcached.
  explicit WritesFixture(int timeout_ms = 10'000) {
    WikiOptions options;
    options.storage.data_dir = dir.path();
    options.tell_admins = false;
    options.cache.servers = {server.address()};
    options.cache.prefix = "test:";
    // Seconds by default, not the product's 50 ms: memcached's speed on a
    // loaded machine is not what most of these tests are about.
    options.cache.connect_timeout_ms = timeout_ms;
    options.cache.poll_timeout_ms = timeout_ms;
    options.fast_path = true;
    options.fast_path_flag = dir.path() + "/fast-path";
    auto opened = Wiki::Open(options);
    BOOST_REQUIRE(opened.ok());
    wiki = std::move(*opened);
    writes = std::make_unique<PageWrites>(
        wiki->page_store(), wiki->caches(), [this](const PageRevision& page) {
          ++rendered;
          return "<p>" + page.revision.text + "</p>";
        });
  }
  PageCache& page_cache() { return wiki->caches().page_cache; }
  // The stamp a view of `title` would get now (memcached answers here).
  Stamp StampOf(const std::string& title) {
    auto stamp = page_cache().StampFor(title);
    BOOST_REQUIRE(stamp.has_value());
    return *stamp;
  }
  FastPath& fast() { return wiki->caches().fast_path; }

  Result<SaveResult> Save(const std::string& title, int64_t base, const std::string& text,
                          std::set<std::string> links = {}) {
    return writes->Save(Edit{.name = Name(title),
                             .base_rev = base,
                             .text = text,
                             .summary = "s",
                             .author = "192.0.2.1",
                             .created_at = 1700000000,
                             .links = std::move(links)});
  }
  // The fast path's entry for `path`, filled with a view of revision 1.
  std::string Fill(const std::string& path) {
    auto entry = fast().EntryFor(path);
    BOOST_REQUIRE(entry.has_value());
    BOOST_REQUIRE(fast().Store(*entry, 1, "<p>view</p>", [] { return true; }) ==
                  StoreResult::kStored);
    return *entry;
  }
  bool Present(const std::string& entry) { return fast().CountPresent({entry}).present == 1; }
  // Syncs as a worker does between requests, until a generation serves.
  void Restore() {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (fast().suspended() && std::chrono::steady_clock::now() < deadline) {
      fast().Sync();
      std::this_thread::sleep_for(std::chrono::milliseconds(10));  // a poll, under the deadline
    }
    BOOST_REQUIRE(!fast().suspended());
  }
};

BOOST_FIXTURE_TEST_CASE(a_save_ends_older_views_and_publishes_the_new_one, WritesFixture) {
  BOOST_REQUIRE(Save("Page", 0, "one").ok());
  // Published at once: the next view under the current stamp hits.
  auto first = page_cache().Find("Page", StampOf("Page"));
  BOOST_REQUIRE(first.has_value());
  BOOST_TEST(first->rev == 1);
  BOOST_TEST(first->body_html == "<p>one</p>");
  BOOST_TEST(rendered == 1);

  const Stamp before = StampOf("Page");
  auto saved = Save("Page", 1, "two");
  BOOST_REQUIRE(saved.ok());
  BOOST_TEST(saved->rev == 2);
  // A view read before the save is never served after it (readers look
  // under the current stamp)...
  BOOST_TEST(!(StampOf("Page") == before));
  // ...and the new one is there.
  auto second = page_cache().Find("Page", StampOf("Page"));
  BOOST_REQUIRE(second.has_value());
  BOOST_TEST(second->rev == 2);
  BOOST_TEST(second->body_html == "<p>two</p>");
}

BOOST_FIXTURE_TEST_CASE(a_refused_or_empty_write_touches_no_cache, WritesFixture) {
  BOOST_REQUIRE(Save("Page", 0, "one").ok());
  const Stamp stamp = StampOf("Page");
  const int renders = rendered;
  // A conflict: nothing committed.
  auto conflict = Save("Page", 0, "other");
  BOOST_TEST(conflict.status().IsConflict());
  // The same text again: nothing committed either.
  auto same = Save("Page", 1, "one");
  BOOST_REQUIRE(same.ok());
  BOOST_TEST(!same->created);
  BOOST_TEST((StampOf("Page") == stamp));
  BOOST_TEST(rendered == renders);
  BOOST_TEST(page_cache().Find("Page", stamp).has_value());
}

BOOST_FIXTURE_TEST_CASE(protecting_a_page_ends_its_views, WritesFixture) {
  BOOST_REQUIRE(Save("Page", 0, "one").ok());
  const Stamp before = StampOf("Page");
  BOOST_REQUIRE(page_cache().Find("Page", before).has_value());
  BOOST_REQUIRE(writes->SetProtected(Name("Page"), true).ok());
  const Stamp after = StampOf("Page");
  BOOST_TEST(!(after == before));
  BOOST_TEST(!page_cache().Find("Page", after).has_value());
  BOOST_TEST(writes->SetProtected(Name("Absent"), true).IsNotFound());
}

BOOST_FIXTURE_TEST_CASE(nginx_entries_that_changed_are_deleted, WritesFixture) {
  BOOST_REQUIRE(Save("Linking", 0, "see [[New]]", {"New"}).ok());
  BOOST_REQUIRE(Save("Unrelated", 0, "nothing").ok());
  Restore();
  const std::string linking = Fill("/Linking");
  const std::string unrelated = Fill("/Unrelated");
  const std::string front = Fill("/");

  // A new page: its linkers showed the link as missing, the front page
  // lists the change.
  BOOST_REQUIRE(Save("New", 0, "here").ok());
  BOOST_TEST(!Present(linking));
  BOOST_TEST(!Present(front));
  BOOST_TEST(Present(unrelated));

  // A save of an existing page: its own entry and the front page's.
  const std::string front_again = Fill("/");
  BOOST_REQUIRE(Save("Unrelated", 1, "something").ok());
  BOOST_TEST(!Present(unrelated));
  BOOST_TEST(!Present(front_again));
  BOOST_TEST(!fast().suspended());

  // Protection shows on the page: its entry goes too.
  const std::string again = Fill("/Unrelated");
  BOOST_REQUIRE(writes->SetProtected(Name("Unrelated"), true).ok());
  BOOST_TEST(!Present(again));
}

// For the tests that freeze memcached on purpose: the product's timeouts.
struct FrozenFixture : WritesFixture {
  FrozenFixture() : WritesFixture(50) {}
};

BOOST_FIXTURE_TEST_CASE(a_delete_memcached_cannot_confirm_suspends_nginx, FrozenFixture) {
  BOOST_REQUIRE(Save("Page", 0, "one").ok());
  Restore();
  Fill("/Page");
  server.Pause();
  auto saved = Save("Page", 1, "two");
  server.Resume();
  // The save itself stands (it committed); nginx serves nothing now.
  BOOST_REQUIRE(saved.ok());
  BOOST_TEST(fast().suspended());
  KeepSwitch(wiki->caches().fast_path.shared(), fast().flag_path(), MonotonicMs());
  BOOST_TEST(FastPathSwitch(fast().flag_path()) == "off");
}

// When memcached does not confirm the save's version numbers and the
// database cannot advance the cache epoch either, nothing makes sure the
// views of before are retired: the save stands (it committed) but is not
// answered as done.
BOOST_FIXTURE_TEST_CASE(a_save_whose_views_cannot_be_retired_is_not_acknowledged,
                        FrozenFixture) {
  BOOST_REQUIRE(Save("Page", 0, "one").ok());
  auto db = Database::Open(dir.path() + "/wikid.db", {});
  BOOST_REQUIRE(db.ok());
  BOOST_REQUIRE((*db)->Exec("DROP TABLE cache_epoch").ok());
  server.Pause();
  auto saved = Save("Page", 1, "two");
  server.Resume();
  BOOST_TEST((saved.status().code() == Status::Code::kUnavailable));
  BOOST_TEST(saved.status().message().find("saved as revision 2") != std::string::npos);
  auto latest = wiki->page_store().Find(Name("Page"), std::nullopt);
  BOOST_REQUIRE(latest.ok());
  BOOST_TEST(latest->revision.text == "two");
}

}  // namespace
}  // namespace wikid::testing
