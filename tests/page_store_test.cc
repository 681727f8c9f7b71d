// The page store against a real database, on the engine
// WIKID_TEST_DATABASE names (tests/support/test_database.h; ctest runs
// both): revisions, conflicts, pagination, and what each call costs in
// queries and rows.
#define BOOST_TEST_MODULE page_store
#include <boost/test/unit_test.hpp>

#include <sys/wait.h>
#include <unistd.h>

#include <map>
#include <random>

#include "model/store/sqlite/database.h"
#include "model/store/sqlite/sqlite_page_store.h"
#include "model/text/search_query.h"
#include "model/wiki.h"
#include "tests/support/processes_together.h"
#include "tests/support/test_database.h"

namespace wikid {
namespace {

PageName Name(std::string_view text) {
  auto name = PageName::Parse(text);
  BOOST_REQUIRE(name.ok());
  return *name;
}

// For a case that measures what only SQLite counts (its VM steps).
boost::test_tools::assertion_result OnSqlite(boost::unit_test::test_unit_id) {
  boost::test_tools::assertion_result on = testing::EngineUnderTest() == testing::Engine::kSqlite;
  on.message() << "measures SQLite's virtual-machine steps";
  return on;
}

struct StoreFixture {
  testing::TestDatabase database;
  std::unique_ptr<Storage> storage;
  std::unique_ptr<PageStore> store;

  StoreFixture() { Reopen(); }
  void Reopen() {
    store.reset();
    storage.reset();
    auto opened = database.Open();
    BOOST_REQUIRE_MESSAGE(opened.ok(), opened.status().message());
    storage = std::move(*opened);
    auto created = storage->OpenPages(nullptr);
    BOOST_REQUIRE_MESSAGE(created.ok(), created.status().message());
    store = std::move(*created);
  }
  int64_t queries() const { return storage->counters().queries; }
  int64_t rows() const { return storage->counters().rows; }
  Result<SaveResult> Save(std::string_view name, int64_t base,
                          std::string text, std::set<std::string> links = {}) {
    return store->Save(Edit{.name = Name(name),
                            .base_rev = base,
                            .text = std::move(text),
                            .summary = "summary",
                            .author = "127.0.0.1",
                            .created_at = 1700000000 + base,
                            .links = std::move(links)});
  }
};

BOOST_FIXTURE_TEST_SUITE(page_store, StoreFixture)

BOOST_AUTO_TEST_CASE(first_save_creates_revision_one) {
  auto saved = Save("Main Page", 0, "Hello");
  BOOST_REQUIRE(saved.ok());
  BOOST_TEST(saved->created);
  BOOST_TEST(saved->rev == 1);
  auto page = store->Find(Name("Main_Page"), std::nullopt);
  BOOST_REQUIRE(page.ok());
  BOOST_TEST(page->title == "Main Page");
  BOOST_TEST(page->revision.text == "Hello");
  BOOST_TEST(page->revision.author == "127.0.0.1");
  BOOST_TEST(page->revision.size == 5);
  BOOST_TEST(page->revision.size_change == 5);
  BOOST_TEST(page->is_latest());
}

BOOST_AUTO_TEST_CASE(every_save_is_a_new_immutable_revision) {
  BOOST_REQUIRE(Save("P", 0, "one").ok());
  BOOST_REQUIRE(Save("P", 1, "two!").ok());
  BOOST_REQUIRE(Save("P", 2, "3").ok());
  auto old = store->Find(Name("P"), 1);
  BOOST_REQUIRE(old.ok());
  BOOST_TEST(old->revision.text == "one");
  BOOST_TEST(!old->is_latest());
  BOOST_TEST(old->latest_rev == 3);
  auto latest = store->Find(Name("P"), std::nullopt);
  BOOST_TEST(latest->revision.text == "3");
  BOOST_TEST(latest->revision.size_change == -3);
}

BOOST_AUTO_TEST_CASE(identical_text_creates_no_revision) {
  BOOST_REQUIRE(Save("P", 0, "same").ok());
  auto again = Save("P", 1, "same");
  BOOST_REQUIRE(again.ok());
  BOOST_TEST(!again->created);
  BOOST_TEST(again->rev == 1);
  // Even from a stale base: the text is already what the editor wanted.
  BOOST_REQUIRE(Save("P", 1, "changed").ok());
  BOOST_REQUIRE(Save("P", 1, "changed")->created == false);
}

BOOST_AUTO_TEST_CASE(save_on_stale_revision_is_a_conflict) {
  BOOST_REQUIRE(Save("P", 0, "base").ok());
  BOOST_REQUIRE(Save("P", 1, "theirs").ok());
  auto mine = Save("P", 1, "mine");
  BOOST_TEST(mine.status().IsConflict());
  BOOST_TEST(mine.status().message().find("revision 2") != std::string::npos);
  auto latest = store->Find(Name("P"), std::nullopt);
  BOOST_TEST(latest->revision.text == "theirs");
  BOOST_TEST(latest->latest_rev == 2);
}

BOOST_AUTO_TEST_CASE(creating_a_page_that_exists_is_a_conflict) {
  BOOST_REQUIRE(Save("P", 0, "first").ok());
  BOOST_TEST(Save("P", 0, "second").status().IsConflict());
}

BOOST_AUTO_TEST_CASE(missing_page_and_revision_are_not_found) {
  BOOST_TEST(store->Find(Name("Nope"), std::nullopt).status().IsNotFound());
  BOOST_REQUIRE(Save("P", 0, "x").ok());
  BOOST_TEST(store->Find(Name("P"), 2).status().IsNotFound());
  BOOST_TEST(store->ListHistory(Name("Nope"), std::nullopt, 10)
                 .status()
                 .IsNotFound());
}

BOOST_AUTO_TEST_CASE(page_view_is_one_query_and_knows_which_links_exist) {
  BOOST_REQUIRE(Save("Target", 0, "t").ok());
  BOOST_REQUIRE(Save("P", 0, "[[Target]] [[Missing]]", {"Target", "Missing"})
                    .ok());
  int64_t before = queries();
  auto page = store->Find(Name("P"), std::nullopt);
  BOOST_TEST(queries() - before == 1);
  BOOST_REQUIRE(page.ok());
  BOOST_TEST((page->existing_links == LinkTitles{{"Target", "Target"}}));
  // Creating the missing page makes the old revision's link exist too.
  BOOST_REQUIRE(Save("Missing", 0, "m").ok());
  page = store->Find(Name("P"), 1);
  BOOST_TEST((page->existing_links ==
              LinkTitles{{"Missing", "Missing"}, {"Target", "Target"}}));
}

BOOST_AUTO_TEST_CASE(history_is_newest_first_and_reads_only_what_it_shows) {
  int64_t rev = 0;
  for (int i = 1; i <= 25; ++i) {
    auto saved = Save("P", rev, "text " + std::to_string(i));
    BOOST_REQUIRE(saved.ok());
    rev = saved->rev;
  }
  int64_t rows_before = rows();
  auto first = store->ListHistory(Name("P"), std::nullopt, 10);
  BOOST_REQUIRE(first.ok());
  BOOST_TEST(rows() - rows_before == 10);
  BOOST_TEST(first->latest_rev == 25);
  BOOST_TEST(first->revisions.size() == 10u);
  BOOST_TEST(first->revisions.front().rev == 25);
  BOOST_TEST(first->revisions.back().rev == 16);
  BOOST_TEST(first->revisions.front().text.empty());

  auto last = store->ListHistory(Name("P"), 5, 10);
  BOOST_REQUIRE(last.ok());
  BOOST_TEST(last->revisions.size() == 5u);
  BOOST_TEST(last->revisions.back().rev == 1);
}

BOOST_AUTO_TEST_CASE(page_list_is_alphabetical_and_paginated) {
  for (const char* name : {"beta", "Alpha", "gamma", "Delta", "epsilon"}) {
    BOOST_REQUIRE(Save(name, 0, "x").ok());
  }
  auto first = store->ListPages("", 2);
  BOOST_REQUIRE(first.ok());
  BOOST_TEST(first->more);
  BOOST_REQUIRE(first->pages.size() == 2u);
  BOOST_TEST(first->pages[0].title == "Alpha");
  BOOST_TEST(first->pages[1].title == "beta");
  auto second = store->ListPages(first->pages.back().title, 2);
  BOOST_TEST(second->pages[0].title == "Delta");
  BOOST_TEST(second->pages[1].title == "epsilon");
  auto third = store->ListPages(second->pages.back().title, 2);
  BOOST_TEST(third->pages.size() == 1u);
  BOOST_TEST(!third->more);
}

std::vector<std::string> Titles(const Result<PageList>& list) {
  BOOST_REQUIRE(list.ok());
  std::vector<std::string> titles;
  for (const auto& entry : list->pages) titles.push_back(entry.title);
  return titles;
}

// Names that differ only in letter case name one page (PageKey): a link
// in another case leads to it, lists it as a backlink, is not wanted and
// keeps the page from being an orphan; a second page in another case is
// refused.
BOOST_AUTO_TEST_CASE(links_in_another_letter_case_lead_to_the_page) {
  BOOST_REQUIRE(Save("Getting Started", 0, "g").ok());
  BOOST_REQUIRE(Save("Linker", 0, "l", {"getting started", "Nowhere", "nowhere", "\xc3\xa4rger"})
                    .ok());
  auto page = store->Find(Name("Linker"), std::nullopt);
  BOOST_REQUIRE(page.ok());
  BOOST_TEST((page->existing_links == LinkTitles{{"getting started", "Getting Started"}}));
  auto backlinks = store->ListBacklinks(Name("Getting Started"), "", 10);
  BOOST_REQUIRE(backlinks->pages.size() == 1u);
  BOOST_TEST(backlinks->pages[0].title == "Linker");
  BOOST_TEST(store->ListBacklinks(Name("GETTING STARTED"), "", 10)->pages.size() == 1u);
  // One link per key is kept: Nowhere and nowhere are one wanted page.
  auto wanted = store->ListWanted({}, 10);
  BOOST_REQUIRE(wanted->pages.size() == 2u);
  BOOST_TEST(wanted->pages[0].title == "Nowhere");
  BOOST_TEST(wanted->pages[1].title == "\xc3\xa4rger");
  BOOST_TEST(store->ListBacklinks(Name("nowhere"), "", 10)->pages.size() == 1u);
  auto orphans = store->ListOrphans("", "", 10);
  BOOST_TEST(orphans->pages.size() == 1u);  // Linker alone
  // Written in another case, the wanted page is wanted no more, and the
  // old link leads to it.
  BOOST_REQUIRE(Save("\xc3\x84rger", 0, "a").ok());
  wanted = store->ListWanted({}, 10);
  BOOST_REQUIRE(wanted->pages.size() == 1u);
  BOOST_TEST(wanted->pages[0].title == "Nowhere");
  page = store->Find(Name("Linker"), std::nullopt);
  BOOST_TEST(page->existing_links.at("\xc3\xa4rger") == "\xc3\x84rger");
  auto existing = store->ExistingPages({"getting STARTED", "Nowhere", "Linker"});
  BOOST_TEST((*existing ==
              LinkTitles{{"Linker", "Linker"}, {"getting STARTED", "Getting Started"}}));
  // A second page in another case is refused, nothing written.
  auto twin = Save("getting started", 0, "twin");
  BOOST_TEST(twin.status().IsInvalid());
  BOOST_TEST(twin.status().message().find("\u201cGetting Started\u201d") != std::string::npos,
             twin.status().message());
  BOOST_TEST(!store->Find(Name("getting started"), std::nullopt).ok());
}

// Titles with the characters an SQL array or string literal treats
// specially are data, each resolved as alone; on PostgreSQL all of them in
// one query (a preview may link hundreds of pages).
BOOST_AUTO_TEST_CASE(existing_pages_resolves_many_titles_of_any_characters) {
  const std::vector<std::string> names = {"Say \"hi\"", "Back\\slash", "a, b", "NULL",
                                          "It's", "\xc3\x84rger", "100% sure"};
  for (const std::string& name : names) {
    BOOST_REQUIRE_MESSAGE(Save(name, 0, "text").ok(), name);
  }
  std::set<std::string> titles = {"Nowhere", "null", "\xc3\xa4rger", "SAY \"HI\""};
  LinkTitles expected = {{"null", "NULL"},
                         {"\xc3\xa4rger", "\xc3\x84rger"},
                         {"SAY \"HI\"", "Say \"hi\""}};
  for (const std::string& name : names) {
    titles.insert(name);
    expected.emplace(name, name);
  }
  for (int i = 0; i < 200; ++i) titles.insert("Missing " + std::to_string(i));
  const int64_t before = queries();
  auto existing = store->ExistingPages(titles);
  BOOST_REQUIRE_MESSAGE(existing.ok(), existing.status().message());
  BOOST_TEST((*existing == expected));
  if (database.engine() == testing::Engine::kPostgres) BOOST_TEST(queries() - before == 1);
  BOOST_TEST(store->ExistingPages({})->empty());
}

// Maße and Masse are two words, not one in two cases: both pages can be
// written and each link leads to its own (full case folding made them one
// key, so the second was refused and [[masse]] led to Maße).
BOOST_AUTO_TEST_CASE(names_that_differ_in_more_than_case_are_two_pages) {
  BOOST_REQUIRE(Save("Ma\xc3\x9f" "e", 0, "measures").ok());
  BOOST_REQUIRE(Save("Masse", 0, "mass").ok());
  BOOST_REQUIRE(Save("Linker", 0, "l", {"masse", "ma\xc3\x9f" "e", "\xc3\xa4rger"}).ok());
  BOOST_REQUIRE(Save("\xc3\x84rger", 0, "a").ok());
  BOOST_TEST(Save("\xc3\xa4rger", 0, "twin").status().IsInvalid());
  auto page = store->Find(Name("Linker"), std::nullopt);
  BOOST_REQUIRE(page.ok());
  BOOST_TEST((page->existing_links == LinkTitles{{"ma\xc3\x9f" "e", "Ma\xc3\x9f" "e"},
                                                 {"masse", "Masse"},
                                                 {"\xc3\xa4rger", "\xc3\x84rger"}}));
}

// One missing page linked in two cases from two pages is wanted once,
// with both links counted, and is wanted no more once written.
BOOST_AUTO_TEST_CASE(a_missing_page_linked_in_two_cases_is_wanted_once) {
  BOOST_REQUIRE(Save("A", 0, "a", {"Nowhere"}).ok());
  BOOST_REQUIRE(Save("B", 0, "b", {"nowhere"}).ok());
  auto wanted = store->ListWanted({}, 10);
  BOOST_REQUIRE(wanted->pages.size() == 1u);
  BOOST_TEST(wanted->pages[0].title == "Nowhere");
  BOOST_TEST(wanted->pages[0].link_count == 2);
  BOOST_REQUIRE(Save("A", 1, "a, no link", {}).ok());
  wanted = store->ListWanted({}, 10);
  BOOST_REQUIRE(wanted->pages.size() == 1u);
  BOOST_TEST(wanted->pages[0].link_count == 1);
  BOOST_REQUIRE(Save("A", 2, "a, linked", {"NOWHERE"}).ok());
  BOOST_TEST(store->ListWanted({}, 10)->pages.at(0).link_count == 2);
  BOOST_REQUIRE(Save("nowHere", 0, "here").ok());
  BOOST_TEST(store->ListWanted({}, 10)->pages.empty());
}

// A database may hold names that differ only in case from before they
// were refused: the exact name wins, else the first by name.
BOOST_AUTO_TEST_CASE(an_exact_name_wins_over_another_case) {
  BOOST_REQUIRE(Save("Foo", 0, "upper").ok());
  database.Exec("INSERT INTO page (name, name_key, latest_rev) VALUES ('foo', 'foo', 1)");
  auto existing = store->ExistingPages({"foo", "Foo", "FOO"});
  BOOST_TEST((*existing == LinkTitles{{"FOO", "Foo"}, {"Foo", "Foo"}, {"foo", "foo"}}));
  BOOST_TEST(store->Resolve(Name("FOO"))->value_or("") == "Foo");
  BOOST_TEST(store->Resolve(Name("foo"))->value_or("") == "foo");
  BOOST_TEST(!store->Resolve(Name("Bar"))->has_value());
  BOOST_REQUIRE(Save("Linker", 0, "l", {"foo"}).ok());
  BOOST_TEST(store->ListBacklinks(Name("foo"), "", 10)->pages.size() == 1u);
  BOOST_TEST(store->ListBacklinks(Name("Foo"), "", 10)->pages.size() == 0u);
}

// Issue 16: a window of the page list or of the orphans starts at its
// cursor through the index, so its cost does not grow with how far into
// the wiki it is. Without the range condition SQLite walks the index from
// the first page every time (about 60 VM steps per page skipped here).
// (PostgreSQL's plans are EXPLAIN's to show, not a counter's.)
BOOST_AUTO_TEST_CASE(list_windows_cost_the_same_anywhere_in_the_wiki,
                     *boost::unit_test::precondition(OnSqlite)) {
  // SQLite's own connection and store, whose steps it counts.
  auto db = std::move(*Database::Open(database.dir().File("wikid.db"), {}));
  auto store = std::move(*SqlitePageStore::Create(*db));
  BOOST_REQUIRE(db->Exec(R"sql(
      INSERT INTO page (name, name_key, latest_rev)
        WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 4999)
        SELECT printf('Page %04d', i), printf('page %04d', i), 1 FROM n)sql").ok());
  auto cost = [&](auto list) {
    int64_t before = db->steps();
    list();
    return db->steps() - before;
  };
  int64_t pages_near = cost([&] { BOOST_TEST(store->ListPages("Page 0010", 5)->pages.size() == 5u); });
  int64_t pages_far = cost([&] { BOOST_TEST(store->ListPages("Page 4990", 5)->pages.size() == 5u); });
  BOOST_TEST(pages_far < 2 * pages_near + 50, pages_near << " then " << pages_far);
  int64_t orphans_near =
      cost([&] { BOOST_TEST(store->ListOrphans("Page 0010", "", 5)->pages.size() == 5u); });
  int64_t orphans_far =
      cost([&] { BOOST_TEST(store->ListOrphans("Page 4990", "", 5)->pages.size() == 5u); });
  BOOST_TEST(orphans_far < 2 * orphans_near + 50, orphans_near << " then " << orphans_far);
  // What links here, from a cursor late in 5,000 backlinks, the same.
  BOOST_REQUIRE(db->Exec(R"sql(
      INSERT INTO page_link (source_id, target, source_name, target_key)
        SELECT id, 'Hub', name, 'hub' FROM page)sql").ok());
  const PageName hub = Name("Hub");
  int64_t links_near =
      cost([&] { BOOST_TEST(store->ListBacklinks(hub, "Page 0010", 5)->pages.size() == 5u); });
  int64_t links_far =
      cost([&] { BOOST_TEST(store->ListBacklinks(hub, "Page 4990", 5)->pages.size() == 5u); });
  BOOST_TEST(links_far < 2 * links_near + 50, links_near << " then " << links_far);
  // ...and a window of links costs about what a window of pages does, not
  // a read and sort of every link to the target.
  BOOST_TEST(links_far < 4 * pages_near + 100, links_far << " against " << pages_near);
  BOOST_TEST(store->ListBacklinks(hub, "Page 4990", 5)->pages.front().title == "Page 4991");
  // Wanted pages from a cursor late among 5,000 names of one link count
  // (the common case: most wanted names have one link), the same.
  BOOST_REQUIRE(db->Exec(R"sql(
      INSERT INTO wanted (target_key, target, links)
        WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 4999)
        SELECT printf('want %04d', i), printf('Want %04d', i), 1 FROM n)sql").ok());
  int64_t wanted_near = cost([&] {
    BOOST_TEST(store->ListWanted({.link_count = 1, .title = "Want 0010"}, 5)->pages.size() == 5u);
  });
  int64_t wanted_far = cost([&] {
    BOOST_TEST(store->ListWanted({.link_count = 1, .title = "Want 4990"}, 5)->pages.size() == 5u);
  });
  BOOST_TEST(wanted_far < 2 * wanted_near + 50, wanted_near << " then " << wanted_far);
  BOOST_TEST(store->ListWanted({.link_count = 1, .title = "Want 4990"}, 5)->pages.front().title ==
             "Want 4991");
  // The window itself is still exactly the next five, in order.
  auto window = store->ListPages("page 4990", 5);
  BOOST_TEST(window->pages.front().title == "Page 4991");
  BOOST_TEST(window->pages.back().title == "Page 4995");
}

// Issue 16: an account's edit count is a counter each save raises in its
// own transaction; after random saves by accounts and anonymous editors
// (unchanged texts among them, which make no revision) it equals counting
// the account's revisions.
BOOST_AUTO_TEST_CASE(edit_counts_are_counters_equal_to_a_recount) {
  // Two accounts, made by hand: the test is about the page store's counter.
  database.Exec("INSERT INTO account (name, name_key, password_hash, created_at) "
                "VALUES ('alice', 'alice', 'h', 0), ('bob', 'bob', 'h', 0)");
  const int64_t alice =
      std::stoll(database.Column("SELECT id FROM account WHERE name_key = 'alice'").at(0));
  const int64_t bob =
      std::stoll(database.Column("SELECT id FROM account WHERE name_key = 'bob'").at(0));
  std::mt19937 random(16);
  std::map<std::string, int64_t> latest;
  for (int i = 0; i < 80; ++i) {
    const int64_t account = std::vector<int64_t>{alice, bob, 0}[random() % 3];
    const std::string page = "Page " + std::to_string(random() % 5);
    auto saved = store->Save(Edit{.name = Name(page),
                                  .base_rev = latest[page],
                                  .text = "text " + std::to_string(random() % 3),
                                  .author = account ? "someone" : "192.0.2.9",
                                  .account_id = account,
                                  .created_at = 1700000000 + i});
    BOOST_REQUIRE(saved.ok());
    latest[page] = saved->rev;
  }
  for (int64_t account : {alice, bob}) {
    const int64_t counted = std::stoll(
        database
            .Column("SELECT count(*) FROM revision WHERE account_id = " + std::to_string(account))
            .at(0));
    BOOST_TEST(counted > 0);
    BOOST_TEST(store->ListContributions(account, std::nullopt, 1)->edit_count == counted);
  }
}

// Issue 16: the wanted counts every save keeps equal a full recount of the
// latest revisions' links to names no page has, after random saves that
// add and drop links and create pages others link to (a property test:
// the seeds vary the sequence; each is reproducible). Links name pages in
// either letter case, and a name is wanted when no page has its key.
BOOST_AUTO_TEST_CASE(kept_wanted_counts_equal_a_recount_after_random_saves_and_deletes) {
  // By key, each row named in a spelling of its key (SQL both engines
  // read alike).
  auto table = [&] {
    const auto targets = database.Column("SELECT target FROM wanted ORDER BY target_key");
    auto rows = database.Column(
        "SELECT target_key || '=' || links FROM wanted ORDER BY target_key");
    for (size_t i = 0; i < rows.size(); ++i) {
      if (!rows[i].starts_with(PageKey(targets.at(i)) + "=")) rows[i] += " spelt " + targets[i];
    }
    return rows;
  };
  auto recount = [&] {
    return database.Column(R"sql(
      SELECT k.target_key || '=' || count(*) FROM page_link k
       WHERE NOT EXISTS (SELECT 1 FROM page p WHERE p.name_key = k.target_key)
       GROUP BY k.target_key ORDER BY k.target_key)sql");
  };
  for (unsigned seed : {1u, 2u, 3u}) {
    std::mt19937 random(seed);
    std::map<std::string, int64_t> latest;
    std::map<std::string, std::vector<int64_t>> deleted;  // revisions, by deletion
    for (int i = 0; i < 150; ++i) {
      const std::string page = "W" + std::to_string(seed) + "-" + std::to_string(random() % 12);
      // Issue 20: deletes and undeletes too, which drop and restore every
      // link of a page and make links to it wanted again and not.
      if (const unsigned op = random() % 10; op < 2) {
        const PageDeletionRequest request{.name = Name(page), .reason = "r", .author = "admin",
                                          .at = 1700000000 + i};
        if (op == 0 && latest[page] > 0) {
          BOOST_REQUIRE(store->Delete(request).ok());
          deleted[page].push_back(latest[page]);
          latest[page] = 0;
        } else if (op == 1 && !deleted[page].empty()) {
          auto undone = store->Undelete(request);
          if (latest[page] > 0) {
            BOOST_REQUIRE(undone.status().IsConflict());  // made again meanwhile
          } else {
            BOOST_REQUIRE_MESSAGE(undone.ok(), undone.status().message());
            latest[page] = deleted[page].back();
            deleted[page].pop_back();
          }
        }
        if (i % 25 == 0) BOOST_REQUIRE(table() == recount());
        continue;
      }
      std::set<std::string> links;
      for (int n = random() % 5; n > 0; --n) {
        links.insert((random() % 2 ? "W" : "w") + std::to_string(seed) + "-" +
                     std::to_string(random() % 20));
      }
      std::string text;
      for (const std::string& l : links) text += "[[" + l + "]] ";
      auto saved = Save(page, latest[page], text + std::to_string(i), links);
      BOOST_REQUIRE(saved.ok());
      latest[page] = saved->rev;
      if (i % 25 == 0) BOOST_REQUIRE(table() == recount());
    }
    auto kept = table();
    BOOST_TEST(!kept.empty());
    BOOST_TEST(kept == recount(), "seed " << seed);
  }
}

// Issue 20: a move, with or without its redirect, keeps the wanted counts
// equal to a recount and the edit counters to a count of revisions, among
// random saves (the same property as above, with moves in the sequence:
// onto free names, onto taken ones, which are refused, and changes of
// letter case).
BOOST_AUTO_TEST_CASE(kept_counts_equal_a_recount_after_random_saves_and_moves) {
  database.Exec("INSERT INTO account (name, name_key, password_hash, created_at) "
                "VALUES ('mover', 'mover', 'h', 0)");
  const int64_t mover =
      std::stoll(database.Column("SELECT id FROM account WHERE name_key = 'mover'").at(0));
  auto table = [&] {
    return database.Column("SELECT target_key || '=' || links FROM wanted ORDER BY target_key");
  };
  auto recount = [&] {
    return database.Column(R"sql(
      SELECT k.target_key || '=' || count(*) FROM page_link k
       WHERE NOT EXISTS (SELECT 1 FROM page p WHERE p.name_key = k.target_key)
       GROUP BY k.target_key ORDER BY k.target_key)sql");
  };
  int moves = 0, refused = 0;
  for (unsigned seed : {4u}) {
    std::mt19937 random(seed);
    auto name = [&](int n) {
      return (random() % 2 ? "M" : "m") + std::to_string(seed) + "-" + std::to_string(random() % n);
    };
    for (int i = 0; i < 160; ++i) {
      if (random() % 3 == 0) {
        auto pages = store->ListPages("", 100);
        BOOST_REQUIRE(pages.ok());
        if (pages->pages.empty()) continue;
        const std::string from = pages->pages[random() % pages->pages.size()].title;
        auto moved = store->Move(PageMove{.from = Name(from),
                                          .to = Name(name(40)),
                                          .reason = "why " + std::to_string(i),
                                          .leave_redirect = random() % 2 == 0,
                                          .author = "mover",
                                          .account_id = mover,
                                          .created_at = 1700000000 + i});
        if (moved.ok()) {
          ++moves;
        } else {
          BOOST_REQUIRE_MESSAGE(moved.status().IsConflict() ||
                                    moved.status().code() == Status::Code::kInvalid,
                                moved.status().message());
          ++refused;
        }
      } else {
        const std::string page = name(12);
        auto resolved = store->Resolve(Name(page));
        BOOST_REQUIRE(resolved.ok());
        std::set<std::string> links;
        for (int n = random() % 4; n > 0; --n) links.insert(name(16));
        std::string text;
        for (const std::string& l : links) text += "[[" + l + "]] ";
        const std::string title = *resolved ? **resolved : page;
        auto latest = store->Find(Name(title), std::nullopt);
        auto saved = store->Save(Edit{.name = Name(title),
                                      .base_rev = latest.ok() ? latest->latest_rev : 0,
                                      .text = text + std::to_string(i),
                                      .author = "mover",
                                      .account_id = mover,
                                      .created_at = 1700000000 + i,
                                      .links = links});
        BOOST_REQUIRE_MESSAGE(saved.ok(), saved.status().message());
      }
      if (i % 20 == 0) BOOST_REQUIRE(table() == recount());
    }
    BOOST_TEST(table() == recount(), "seed " << seed);
  }
  BOOST_TEST(moves > 20, moves << " moves, " << refused << " refused");
  BOOST_TEST(refused > 0);
  const int64_t counted = std::stoll(
      database.Column("SELECT count(*) FROM revision WHERE account_id = " + std::to_string(mover))
          .at(0));
  BOOST_TEST(store->ListContributions(mover, std::nullopt, 1)->edit_count == counted);
}

// Issue 20: what a move does and what it refuses, in the store.
BOOST_AUTO_TEST_CASE(a_move_takes_the_history_and_leaves_a_redirect) {
  BOOST_REQUIRE(Save("Before", 0, "first words", {"Elsewhere"}).ok());
  BOOST_REQUIRE(Save("Before", 1, "second zebrafish words", {"Elsewhere"}).ok());
  BOOST_REQUIRE(Save("Linker", 0, "[[Before]] [[After]]", {"Before", "After"}).ok());
  auto moved = store->Move(PageMove{.from = Name("Before"),
                                    .to = Name("After"),
                                    .reason = "a better name",
                                    .author = "127.0.0.1",
                                    .created_at = 1700000100});
  BOOST_REQUIRE_MESSAGE(moved.ok(), moved.status().message());
  BOOST_TEST(moved->rev == 3);
  BOOST_TEST(moved->redirect_left);
  auto history = store->ListHistory(Name("After"), std::nullopt, 10);
  BOOST_REQUIRE(history.ok());
  BOOST_TEST(history->revisions.size() == 3u);
  BOOST_TEST(history->revisions[0].summary == "Moved from Before to After: a better name");
  BOOST_TEST(history->revisions[0].size_change == 0);
  auto page = store->Find(Name("After"), std::nullopt);
  BOOST_REQUIRE(page.ok());
  BOOST_TEST(page->revision.text == "second zebrafish words");
  BOOST_TEST(store->Find(Name("After"), 1)->revision.text == "first words");
  auto redirect = store->Find(Name("Before"), std::nullopt);
  BOOST_REQUIRE(redirect.ok());
  BOOST_TEST(redirect->revision.text == "#REDIRECT [[After]]\n");
  BOOST_TEST(redirect->latest_rev == 1);
  BOOST_TEST(redirect->revision.summary == "Moved to After: a better name");
  // Both names lead to a page; neither is wanted; the linker is listed
  // under both.
  BOOST_TEST(store->ListWanted({}, 10)->pages.size() == 1u);  // Elsewhere
  BOOST_TEST(store->ListBacklinks(Name("After"), "", 10)->pages.size() == 2u);
  BOOST_TEST(store->Find(Name("Linker"), std::nullopt)->existing_links.size() == 2u);
  // Search finds the text under its new name only; the moved revision is
  // the page's latest in recent changes.
  auto found = store->Search(*ParseSearch("zebrafish"), 0, 10);
  BOOST_REQUIRE(found.ok());
  BOOST_REQUIRE(found->hits.size() == 1u);
  BOOST_TEST(found->hits[0].title == "After");
  auto old_name = store->Search(*ParseSearch("before"), 0, 10);
  BOOST_REQUIRE(old_name.ok());
  for (const SearchHit& hit : old_name->hits) {
    BOOST_TEST(hit.title != "After");  // the redirect and the linker only
  }
  auto recent = store->ListRecentChanges(std::nullopt, 2);
  BOOST_REQUIRE(recent->changes.size() == 2u);
  BOOST_TEST(recent->changes[0].title == "Before");
  BOOST_TEST(recent->changes[1].title == "After");

  // Onto a page: refused, nothing written.
  BOOST_REQUIRE(Save("Taken", 0, "mine").ok());
  auto onto = store->Move(PageMove{.from = Name("After"), .to = Name("taken"), .author = "x"});
  BOOST_TEST(onto.status().IsConflict());
  BOOST_TEST(store->Find(Name("After"), std::nullopt)->latest_rev == 3);
  // Onto the redirect to it: the two swap names, the redirect's history
  // kept under the old name, which redirects to the new one.
  auto back = store->Move(PageMove{.from = Name("After"), .to = Name("Before"),
                                   .leave_redirect = false, .author = "x"});
  BOOST_REQUIRE_MESSAGE(back.ok(), back.status().message());
  BOOST_TEST(back->replaced_redirect);
  BOOST_TEST(back->redirect_left);
  BOOST_TEST(store->Find(Name("Before"), std::nullopt)->revision.text == "second zebrafish words");
  BOOST_TEST(store->Find(Name("Before"), std::nullopt)->latest_rev == 4);
  BOOST_TEST(store->Find(Name("After"), std::nullopt)->revision.text == "#REDIRECT [[Before]]\n");
  BOOST_TEST(store->Find(Name("After"), std::nullopt)->latest_rev == 2);
  BOOST_TEST(store->Search(*ParseSearch("zebrafish"), 0, 10)->hits.at(0).title == "Before");
  // A change of letter case is a rename with no redirect.
  auto cased = store->Move(PageMove{.from = Name("Before"), .to = Name("before"), .author = "x"});
  BOOST_REQUIRE_MESSAGE(cased.ok(), cased.status().message());
  BOOST_TEST(!cased->redirect_left);
  BOOST_TEST(store->Find(Name("Before"), std::nullopt).status().IsNotFound());
  BOOST_TEST(store->Resolve(Name("Before"))->value_or("") == "before");
  // Missing, same name, protected.
  BOOST_TEST(store->Move(PageMove{.from = Name("Nothing"), .to = Name("Y")}).status().IsNotFound());
  BOOST_TEST((store->Move(PageMove{.from = Name("before"), .to = Name("before")}).status().code() ==
                Status::Code::kInvalid));
  BOOST_REQUIRE(store->SetProtected(Name("Taken"), true).ok());
  BOOST_TEST((store->Move(PageMove{.from = Name("Taken"), .to = Name("Free")}).status().code() ==
              Status::Code::kForbidden));
  BOOST_TEST(store->Move(PageMove{.from = Name("Taken"), .to = Name("Free"),
                                  .may_edit_protected = true}).ok());
}

// Without a redirect, links to the old name are wanted again, and the
// moved page is no orphan of its new name.
BOOST_AUTO_TEST_CASE(a_move_without_a_redirect_makes_the_old_links_wanted) {
  BOOST_REQUIRE(Save("Lonely", 0, "x").ok());
  BOOST_REQUIRE(Save("Pointer", 0, "[[Lonely]]", {"Lonely"}).ok());
  BOOST_REQUIRE(store->Move(PageMove{.from = Name("Lonely"), .to = Name("Found"),
                                     .leave_redirect = false}).ok());
  auto wanted = store->ListWanted({}, 10);
  BOOST_REQUIRE(wanted->pages.size() == 1u);
  BOOST_TEST(wanted->pages[0].title == "Lonely");
  BOOST_TEST(wanted->pages[0].link_count == 1);
  BOOST_TEST(store->Find(Name("Lonely"), std::nullopt).status().IsNotFound());
  auto pages = store->ListPages("", 10);
  BOOST_TEST(pages->pages.size() == 2u);  // Found, Pointer
  auto orphans = store->ListOrphans("", "", 10);
  BOOST_TEST(orphans->pages.size() == 2u);
}

// Issue 20: a deleted page leaves every list, search and count, links
// to it count as wanted again and its own stop counting; undelete brings
// all of it back with the whole history. A page may be made again under
// a deleted name; undelete then waits until that one is gone.
BOOST_AUTO_TEST_CASE(delete_and_undelete_keep_lists_search_and_counts_true) {
  using V = std::vector<std::string>;
  auto titles = [](const Result<PageList>& list) {
    V out;
    for (const auto& page : list->pages) out.push_back(page.title);
    return out;
  };
  auto found = [&](std::string_view words) {
    auto query = ParseSearch(words);
    BOOST_REQUIRE(query.ok());
    auto results = store->Search(*query, 0, 10);
    BOOST_REQUIRE_MESSAGE(results.ok(), results.status().message());
    V out;
    for (const auto& hit : results->hits) out.push_back(hit.title);
    return out;
  };
  auto wanted = [&] {
    V out;
    auto list = store->ListWanted({}, 10);
    BOOST_REQUIRE(list.ok());
    for (const auto& w : list->pages) {
      out.push_back(w.title + "=" + std::to_string(w.link_count));
    }
    return out;
  };
  BOOST_REQUIRE(Save("Linker", 0, "see [[target]]", {"target"}).ok());
  BOOST_REQUIRE(Save("Target", 0, "zebrafish [[Missing]]", {"Missing", "Other"}).ok());
  BOOST_REQUIRE(Save("Target", 1, "zebrafish again [[Missing]] [[Other]]", {"Missing", "Other"}).ok());
  BOOST_REQUIRE(Save("Other", 0, "plain").ok());
  const auto before = store->ListRecentChanges(std::nullopt, 50);
  BOOST_REQUIRE(before.ok());
  BOOST_TEST(before->page_count == 3);
  BOOST_TEST(before->revision_count == 4);
  BOOST_TEST((wanted() == V{"Missing=1"}));

  const PageDeletionRequest request{.name = Name("Target"), .reason = "spam <b>&",
                                    .author = "Admin", .at = 1700000100};
  BOOST_REQUIRE(store->Delete(request).ok());
  BOOST_TEST(store->Delete(request).IsNotFound());
  BOOST_TEST(store->Find(Name("Target"), std::nullopt).status().IsNotFound());
  BOOST_TEST(store->Find(Name("Target"), 1).status().IsNotFound());
  BOOST_TEST(store->ListHistory(Name("Target"), std::nullopt, 10).status().IsNotFound());
  BOOST_TEST(!store->Resolve(Name("target"))->has_value());
  BOOST_TEST(store->ExistingPages({"Target", "target"})->empty());
  BOOST_TEST((titles(store->ListPages("", 10)) == V{"Linker", "Other"}));
  BOOST_TEST(found("zebrafish").empty());
  BOOST_TEST((found("target") == V{"Linker"}));  // its text names it
  BOOST_TEST((titles(store->ListOrphans("", "", 10)) == V{"Linker", "Other"}));
  BOOST_TEST(titles(store->ListBacklinks(Name("Other"), "", 10)).empty());
  BOOST_TEST((titles(store->ListBacklinks(Name("Target"), "", 10)) == V{"Linker"}));
  BOOST_TEST((wanted() == V{"target=1"}));
  const auto after = store->ListRecentChanges(std::nullopt, 50);
  BOOST_TEST(after->page_count == 2);
  BOOST_TEST(after->revision_count == 2);
  // Its revisions leave recent changes; the delete stands there, logged,
  // where it happened (after the newest revision then), in every window.
  BOOST_REQUIRE(after->changes.size() == 3u);
  BOOST_TEST(after->changes[0].log_action == "delete");
  BOOST_TEST(after->changes[0].title == "Target");
  BOOST_TEST(after->changes[0].summary == "spam <b>&");
  BOOST_TEST(after->changes[0].author == "Admin");
  for (size_t i = 1; i < after->changes.size(); ++i) {
    BOOST_TEST(after->changes[i].title != "Target");
    BOOST_TEST(after->changes[i].log_action.empty());
  }
  auto first = store->ListRecentChanges(std::nullopt, 1);
  BOOST_REQUIRE(first->changes.size() == 2u);
  BOOST_TEST(first->changes[0].log_action == "delete");
  BOOST_TEST(first->changes[1].title == "Other");
  auto second = store->ListRecentChanges(first->changes[1].revision_id, 1);
  BOOST_REQUIRE(second->changes.size() == 1u);
  BOOST_TEST(second->changes[0].title == "Linker");
  auto page = store->Find(Name("Linker"), std::nullopt);
  BOOST_TEST(page->existing_links.empty());  // the link is red again

  // Who, when, why (for everyone); the text and history (for admins).
  auto deletions = store->FindDeletions(Name("TARGET"), 0);
  BOOST_REQUIRE(deletions.ok());
  BOOST_REQUIRE(deletions->size() == 1u);
  const PageDeletion& deletion = deletions->front();
  BOOST_TEST(deletion.title == "Target");
  BOOST_TEST(deletion.page_id > 0);
  BOOST_TEST(deletion.deleted_by == "Admin");
  BOOST_TEST(deletion.deleted_at == 1700000100);
  BOOST_TEST(deletion.reason == "spam <b>&");
  BOOST_TEST(deletion.revisions == 2);
  BOOST_TEST(deletion.last.rev == 2);
  BOOST_TEST(deletion.last.author == "127.0.0.1");
  BOOST_TEST(deletion.history.empty());
  auto full = store->FindDeletions(Name("Target"), 10);
  BOOST_TEST(full->front().text == "zebrafish again [[Missing]] [[Other]]");
  BOOST_TEST(full->front().history.size() == 2u);
  BOOST_TEST(full->front().history.front().rev == 2);
  BOOST_TEST(store->FindDeletions(Name("Linker"), 0)->empty());

  auto restored = store->Undelete(request);
  BOOST_REQUIRE_MESSAGE(restored.ok(), restored.status().message());
  BOOST_TEST(*restored == "Target");
  BOOST_TEST(store->Undelete(request).status().IsNotFound());
  BOOST_TEST(store->FindDeletions(Name("Target"), 0)->empty());
  auto back = store->Find(Name("Target"), std::nullopt);
  BOOST_REQUIRE(back.ok());
  BOOST_TEST(back->latest_rev == 2);
  BOOST_TEST(store->Find(Name("Target"), 1)->revision.text == "zebrafish [[Missing]]");
  BOOST_TEST((back->existing_links == LinkTitles{{"Other", "Other"}}));
  BOOST_TEST(store->ListHistory(Name("Target"), std::nullopt, 10)->revisions.size() == 2u);
  BOOST_TEST((titles(store->ListPages("", 10)) == V{"Linker", "Other", "Target"}));
  BOOST_TEST((found("zebrafish") == V{"Target"}));
  BOOST_TEST((found("target") == V{"Target", "Linker"}));  // names first
  BOOST_TEST((titles(store->ListOrphans("", "", 10)) == V{"Linker"}));
  BOOST_TEST((titles(store->ListBacklinks(Name("Other"), "", 10)) == V{"Target"}));
  BOOST_TEST((wanted() == V{"Missing=1"}));
  BOOST_TEST(store->ListRecentChanges(std::nullopt, 50)->changes.front().log_action ==
             "undelete");
  BOOST_TEST(store->ListRecentChanges(std::nullopt, 50)->page_count == 3);
  BOOST_TEST(store->ListRecentChanges(std::nullopt, 50)->revision_count == 4);
  BOOST_TEST((store->Find(Name("Linker"), std::nullopt)->existing_links ==
              LinkTitles{{"target", "Target"}}));

  // Made again under a deleted name: a new page; undelete refused while
  // it stands, and the deleted history stays waiting.
  BOOST_REQUIRE(store->Delete(request).ok());
  BOOST_REQUIRE(Save("target", 0, "a new one").ok());
  BOOST_TEST(store->Find(Name("target"), std::nullopt)->latest_rev == 1);
  auto refused = store->Undelete(request);
  BOOST_TEST(refused.status().IsConflict());
  BOOST_TEST(refused.status().message().find("target") != std::string::npos);
  BOOST_TEST(store->FindDeletions(Name("Target"), 0)->size() == 1u);
  BOOST_TEST((titles(store->ListPages("", 10)) == V{"Linker", "Other", "target"}));

  // The new page is deleted too: both deletions stand, newest first, and
  // each is undeleted by its page id, the older one included.
  BOOST_REQUIRE(store->Delete(PageDeletionRequest{.name = Name("target"), .reason = "again",
                                                  .author = "Admin", .at = 1700000200})
                    .ok());
  auto both = store->FindDeletions(Name("Target"), 0);
  BOOST_REQUIRE(both->size() == 2u);
  BOOST_TEST(both->at(0).title == "target");
  BOOST_TEST(both->at(0).reason == "again");
  BOOST_TEST(both->at(0).last.rev == 1);
  BOOST_TEST(both->at(1).title == "Target");
  BOOST_TEST(both->at(1).last.rev == 2);
  PageDeletionRequest older = request;
  older.page_id = both->at(1).page_id;
  auto original = store->Undelete(older);
  BOOST_REQUIRE_MESSAGE(original.ok(), original.status().message());
  BOOST_TEST(*original == "Target");
  BOOST_TEST(store->Find(Name("Target"), std::nullopt)->revision.text ==
             "zebrafish again [[Missing]] [[Other]]");
  BOOST_TEST(store->ListHistory(Name("Target"), std::nullopt, 10)->revisions.size() == 2u);
  BOOST_TEST(store->ListRecentChanges(std::nullopt, 50)->page_count == 3);
  BOOST_TEST(store->ListRecentChanges(std::nullopt, 50)->revision_count == 4);
  // The newer deletion waits; an id that is not a deletion of this name
  // is refused.
  auto waiting = store->FindDeletions(Name("Target"), 0);
  BOOST_REQUIRE(waiting->size() == 1u);
  BOOST_TEST(waiting->front().title == "target");
  PageDeletionRequest wrong = request;
  wrong.page_id = both->at(1).page_id;  // undone already
  BOOST_TEST(store->Undelete(wrong).status().IsNotFound());
  PageDeletionRequest newer = request;
  newer.page_id = waiting->front().page_id;
  auto blocked = store->Undelete(newer);
  BOOST_TEST(blocked.status().IsConflict());
  BOOST_TEST(blocked.status().message().find("Leave a redirect behind") != std::string::npos);
  // The advice works: moved away without a redirect, the name is free.
  BOOST_REQUIRE(store->Move(PageMove{.from = Name("Target"), .to = Name("Target kept"),
                                     .leave_redirect = false, .author = "Admin",
                                     .created_at = 1700000300})
                    .ok());
  auto newest = store->Undelete(newer);
  BOOST_REQUIRE_MESSAGE(newest.ok(), newest.status().message());
  BOOST_TEST(store->Find(Name("target"), std::nullopt)->revision.text == "a new one");
  BOOST_TEST(store->FindDeletions(Name("Target"), 0)->empty());
}

BOOST_AUTO_TEST_CASE(backlinks_follow_the_latest_revision_of_each_page) {
  BOOST_REQUIRE(Save("Hub", 0, "x", {"Target", "Hub"}).ok());
  BOOST_REQUIRE(Save("b spoke", 0, "x", {"Target"}).ok());
  BOOST_REQUIRE(Save("A spoke", 0, "x", {"Target", "Elsewhere"}).ok());
  // Alphabetical, ignoring case; a page linking to itself does not count.
  using V = std::vector<std::string>;
  BOOST_TEST((Titles(store->ListBacklinks(Name("Target"), "", 10)) == V{"A spoke", "b spoke", "Hub"}));
  BOOST_TEST(Titles(store->ListBacklinks(Name("Hub"), "", 10)).empty());
  auto window = store->ListBacklinks(Name("Target"), "", 2);
  BOOST_TEST(window->more);
  BOOST_TEST((Titles(store->ListBacklinks(Name("Target"), "b spoke", 2)) == V{"Hub"}));
  // A new revision without the link removes it; old revisions keep theirs.
  BOOST_REQUIRE(Save("Hub", 1, "y", {}).ok());
  BOOST_TEST((Titles(store->ListBacklinks(Name("Target"), "", 10)) == V{"A spoke", "b spoke"}));
  BOOST_TEST(store->Find(Name("Hub"), 1)->revision.text == "x");
}

BOOST_AUTO_TEST_CASE(wanted_pages_are_missing_targets_most_linked_first) {
  BOOST_REQUIRE(Save("One", 0, "x", {"Missing a", "Missing b", "Two"}).ok());
  BOOST_REQUIRE(Save("Two", 0, "x", {"Missing b", "Missing c"}).ok());
  BOOST_REQUIRE(Save("Three", 0, "x", {"Missing b", "Missing c"}).ok());
  auto wanted = store->ListWanted({}, 10);
  BOOST_REQUIRE(wanted.ok());
  BOOST_REQUIRE_EQUAL(wanted->pages.size(), 3u);
  BOOST_TEST(wanted->pages[0].title == "Missing b");
  BOOST_TEST(wanted->pages[0].link_count == 3);
  BOOST_TEST(wanted->pages[1].title == "Missing c");
  BOOST_TEST(wanted->pages[2].title == "Missing a");
  BOOST_TEST(!wanted->more);
  auto second = store->ListWanted({.link_count = 3, .title = "Missing b"}, 1);
  BOOST_TEST(second->pages.at(0).title == "Missing c");
  BOOST_TEST(second->more);
  auto third = store->ListWanted({.link_count = 2, .title = "Missing c"}, 1);
  BOOST_TEST(third->pages.at(0).title == "Missing a");
  BOOST_TEST(!third->more);
  // Writing a wanted page takes it off the list.
  BOOST_REQUIRE(Save("Missing b", 0, "here now").ok());
  BOOST_TEST(store->ListWanted({}, 10)->pages.at(0).title == "Missing c");
  BOOST_TEST(store->ListWanted({}, 10)->pages.size() == 2u);
}

BOOST_AUTO_TEST_CASE(orphans_are_pages_no_other_page_links_to) {
  BOOST_REQUIRE(Save("Front", 0, "x", {"Linked"}).ok());
  BOOST_REQUIRE(Save("Linked", 0, "x", {"Linked"}).ok());
  BOOST_REQUIRE(Save("lonely", 0, "x", {"lonely"}).ok());  // only itself
  BOOST_REQUIRE(Save("Alone", 0, "x").ok());
  using V = std::vector<std::string>;
  BOOST_TEST((Titles(store->ListOrphans("", "Front", 10)) == V{"Alone", "lonely"}));
  BOOST_TEST((Titles(store->ListOrphans("", "", 10)) == V{"Alone", "Front", "lonely"}));
  BOOST_TEST((Titles(store->ListOrphans("Alone", "Front", 10)) == V{"lonely"}));
  BOOST_TEST(store->ListOrphans("", "Front", 1)->more);
  // Once linked, no longer an orphan; unlinked again, one again.
  BOOST_REQUIRE(Save("Front", 1, "now [[Alone]] too", {"Linked", "Alone"}).ok());
  BOOST_TEST((Titles(store->ListOrphans("", "Front", 10)) == V{"lonely"}));
  BOOST_REQUIRE(Save("Front", 2, "x again", {"Linked"}).ok());
  BOOST_TEST((Titles(store->ListOrphans("", "Front", 10)) == V{"Alone", "lonely"}));
}

BOOST_AUTO_TEST_CASE(reopening_keeps_everything_and_schema_version) {
  BOOST_REQUIRE(Save("P", 0, "kept").ok());
  Reopen();
  BOOST_TEST(store->Find(Name("P"), std::nullopt)->revision.text == "kept");
  BOOST_TEST(database.SchemaVersion() == database.LatestSchemaVersion());
}

BOOST_AUTO_TEST_CASE(concurrent_writer_processes_lose_nothing) {
  // Four processes, each with its own connection opened after fork, save
  // on top of whatever is latest. BEGIN IMMEDIATE (SQLite) or the page's
  // row and key locks (PostgreSQL) make every attempt either land or see
  // a conflict; none may fail with "locked" or "busy". Each waits up to
  // two minutes for the others' locks, not the product's 5 s: under load
  // (four copies of this case at once, load 30-48) a writer waited out 5 s
  // of the others' turns in 4 runs of 12 ("database is locked"), which is
  // the busy timeout's answer, not a lost save. A lock-upgrade deadlock is
  // answered at once, whatever the timeout, and still fails here.
  store.reset();
  storage.reset();
  constexpr int kProcs = 4, kSaves = 50;
  std::vector<pid_t> pids;
  for (int p = 0; p < kProcs; ++p) {
    pid_t pid = fork();
    if (pid == 0) {
      auto mine = OpenStorage(StorageOptions{.data_dir = database.dir().path(),
                                             .database = database.url(),
                                             .busy_timeout_ms = 120000,
                                             .statement_timeout_ms = 120000});
      if (!mine.ok()) _exit(10);
      auto s = (*mine)->OpenPages(nullptr);
      if (!s.ok()) _exit(11);
      PageName name = *PageName::Parse("Shared");
      int landed = 0;
      while (landed < kSaves) {
        auto cur = (*s)->Find(name, std::nullopt);
        int64_t base = cur.ok() ? cur->revision.rev : 0;
        auto saved = (*s)->Save(Edit{.name = name,
                                     .base_rev = base,
                                     .text = std::to_string(p) + ":" +
                                             std::to_string(landed),
                                     .summary = "",
                                     .author = "p",
                                     .created_at = 0,
                                     .links = {}});
        if (saved.ok()) {
          ++landed;
        } else if (!saved.status().IsConflict()) {
          fprintf(stderr, "writer %d: %s\n", p, saved.status().message().c_str());
          _exit(12);
        }
      }
      _exit(0);
    }
    pids.push_back(pid);
  }
  for (pid_t pid : pids) {
    int status = 0;
    waitpid(pid, &status, 0);
    BOOST_TEST((WIFEXITED(status) && WEXITSTATUS(status) == 0));
  }
  Reopen();
  auto history = store->ListHistory(Name("Shared"), std::nullopt, 1000);
  BOOST_REQUIRE(history.ok());
  BOOST_TEST(history->latest_rev == kProcs * kSaves);
  BOOST_TEST(history->revisions.size() == size_t{kProcs * kSaves});
}

// Two processes create, at the same moments, pages whose names differ
// only in letter case: each time one page is made and the other save is
// refused, never both (SQLite's one writer at a time; on PostgreSQL, the
// lock on the names' key, since a page not made yet has no row to lock).
BOOST_AUTO_TEST_CASE(concurrent_creators_of_one_name_in_two_cases_make_one_page) {
  store.reset();
  storage.reset();
  constexpr int kRounds = 100;
  testing::RunProcessesTogether(2, [&](int index, const std::function<void()>& start) {
    const std::string first = index == 0 ? "T" : "t";
    auto mine = database.Open();
    if (!mine.ok()) return 10;
    auto s = (*mine)->OpenPages(nullptr);
    if (!s.ok()) return 11;
    start();
    for (int i = 0; i < kRounds; ++i) {
      auto saved = (*s)->Save(Edit{.name = *PageName::Parse(first + "win " + std::to_string(i)),
                                   .base_rev = 0,
                                   .text = first,
                                   .author = "p",
                                   .created_at = 0});
      if (!saved.ok() && !saved.status().IsInvalid() && !saved.status().IsConflict()) {
        return 13;
      }
    }
    return 0;
  });
  BOOST_TEST(database.Column("SELECT count(*) FROM page").at(0) == std::to_string(kRounds));
}

// The confirmation mail limit (issue 20), kept beside the pages on each
// engine: two in ten minutes, five a day, per account; the waits it gives
// end when a mail leaves the window. Its clock is the caller's, so a day
// passes here in no time.
BOOST_AUTO_TEST_CASE(confirmation_mail_is_limited_per_account) {
  database.Exec("INSERT INTO account (name, name_key, password_hash, created_at) "
                "VALUES ('mallory', 'mallory', 'h', 0), ('victor', 'victor', 'h', 0)");
  const int64_t mallory =
      std::stoll(database.Column("SELECT id FROM account WHERE name_key = 'mallory'").at(0));
  const int64_t victor =
      std::stoll(database.Column("SELECT id FROM account WHERE name_key = 'victor'").at(0));
  auto watches = storage->OpenWatches();
  BOOST_REQUIRE(watches.ok());
  auto claim = [&](int64_t user, int64_t at) {
    auto wait = (*watches)->ConfirmationMailWait(user, at, /*claim=*/true);
    BOOST_REQUIRE_MESSAGE(wait.ok(), wait.status().message());
    return *wait;
  };
  const int64_t t = 1700000000;
  BOOST_TEST(claim(mallory, t) == 0);
  BOOST_TEST(claim(mallory, t + 1) == 0);  // a mistyped address put right
  BOOST_TEST(claim(mallory, t + 2) == 598);
  BOOST_TEST(claim(mallory, t + 599) == 1);
  BOOST_TEST(*(*watches)->ConfirmationMailWait(mallory, t + 2, /*claim=*/false) == 598);
  BOOST_TEST(claim(victor, t + 2) == 0);  // another account's own limit
  BOOST_TEST(claim(mallory, t + 600) == 0);
  BOOST_TEST(claim(mallory, t + 1300) == 0);
  BOOST_TEST(claim(mallory, t + 2000) == 0);  // the fifth of the day
  BOOST_TEST(claim(mallory, t + 3000) == 86400 - 3000);
  BOOST_TEST(claim(mallory, t + 86399) == 1);
  BOOST_TEST(claim(mallory, t + 86400) == 0);
  // A refused claim counts nothing; sends older than a day are dropped.
  BOOST_TEST(database.Column("SELECT count(*) FROM confirmation_mail WHERE account_id = " +
                             std::to_string(mallory)).at(0) == "5");
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace wikid
