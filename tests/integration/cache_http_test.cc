// Rendered pages shared through memcached, through nginx with four
// workers: hits after the first view, every save visible at once on every
// worker, links that change colour when their page appears, one render for
// a burst of views, and a memcached that dies or hangs costs nothing but
// speed (M1, M2, C4 in the reliability matrix).
#define BOOST_TEST_MODULE cache_http
#include <boost/test/unit_test.hpp>

#include <atomic>
#include <set>
#include <future>
#include <thread>

#include "model/cache/memcache.h"
#include "model/cache/view_admission.h"
#include "tests/support/test_wiki.h"

namespace wikid::testing {
namespace {

using namespace std::chrono_literals;

bool Contains(const HttpResponse& r, std::string_view s) {
  return r.body.find(s) != std::string::npos;
}

TestWikiOptions Cached() { return TestWikiOptions{.workers = 4, .memcached = true}; }

// For a test that freezes memcached: wikid waits for it as long as it does
// in production (50 ms), so a frozen server costs what it would there.
TestWikiOptions FrozenLater() {
  TestWikiOptions options = Cached();
  options.memcached_timeout_ms = 50;
  return options;
}

// The save publishes the new view, so even the first view skips SQLite;
// after a flush the first view reads SQLite and the next ones do not.
BOOST_AUTO_TEST_CASE(views_come_from_the_cache_without_sql) {
  // Without the workers' own copies, so every view goes to memcached.
  TestWikiOptions options = Cached();
  options.extra_args = {"--local-cache-bytes", "0"};
  TestWiki wiki{options};
  BOOST_REQUIRE(wiki.Save("Cached", 0, "Some *text*").status == 303);
  HttpResponse first = wiki.Get("/Cached");
  BOOST_TEST(first.Header("x-cache") == "hit");
  BOOST_TEST(first.Header("x-wikid-queries") == "0");
  BOOST_TEST(first.Header("x-wikid-renders") == "0");
  BOOST_TEST(Contains(first, "<em>text</em>"));

  MemcachedServer& mc = wiki.memcached();
  mc.Stop();
  mc.Start();  // empty now
  // Views read SQLite (and fill the cache) until views hit again, once the
  // workers have reconnected.
  int sql_views = 0;
  HttpResponse warm;
  for (int i = 0; i < 200 && warm.Header("x-cache") != "hit"; ++i) {
    warm = wiki.Get("/Cached");
    sql_views += warm.Header("x-wikid-queries") == "1";
    if (warm.Header("x-cache") != "hit") std::this_thread::sleep_for(25ms);
  }
  BOOST_TEST(sql_views > 0);
  BOOST_TEST(warm.Header("x-cache") == "hit");
  BOOST_TEST(warm.Header("x-wikid-queries") == "0");
  BOOST_TEST(warm.body == first.body);
}

// A browser logged in as an admin, created from the command line.
std::unique_ptr<Browser> Admin(TestWiki& wiki) {
  wiki.CreateUser("Operator", "operator-password", /*admin=*/true);
  auto admin = std::make_unique<Browser>(wiki);
  BOOST_REQUIRE(admin->LogIn("Operator", "operator-password").status == 303);
  return admin;
}

// One Cached() wiki for the cases that need nothing of their own (their
// own pages; none stops, freezes or restarts memcached). The case that
// flushes memcached may share it, as every other case here writes the
// pages it then reads.
BOOST_AUTO_TEST_SUITE(on_one_wiki, *boost::unit_test::fixture<SuiteWiki<Cached>>())

BOOST_AUTO_TEST_CASE(every_save_is_visible_at_once_on_every_worker) {
  TestWiki& wiki = *SuiteWiki<Cached>::wiki;
  for (int rev = 1; rev <= 30; ++rev) {
    std::string text = "content of revision " + std::to_string(rev) + ".";
    BOOST_REQUIRE(wiki.Save("Fresh", rev - 1, text).status == 303);
    // Several readers at once, so several workers answer.
    std::vector<std::future<HttpResponse>> reads;
    for (int i = 0; i < 4; ++i) {
      reads.push_back(std::async(std::launch::async, [&] { return wiki.Get("/Fresh"); }));
    }
    for (auto& r : reads) {
      HttpResponse page = r.get();
      BOOST_TEST(Contains(page, text), "revision " << rev);
    }
  }
}

BOOST_AUTO_TEST_CASE(a_link_changes_as_soon_as_its_page_exists) {
  TestWiki& wiki = *SuiteWiki<Cached>::wiki;
  BOOST_REQUIRE(wiki.Save("Linker", 0, "See [[Later]].").status == 303);
  for (int i = 0; i < 8; ++i) {
    BOOST_TEST(Contains(wiki.Get("/Linker"), "href=\"/_edit/Later\""));
  }
  BOOST_REQUIRE(wiki.Save("Later", 0, "now here").status == 303);
  for (int i = 0; i < 8; ++i) {
    HttpResponse page = wiki.Get("/Linker");
    BOOST_TEST(Contains(page, "href=\"/Later\""));
    BOOST_TEST(!Contains(page, "/_edit/Later"));
  }
}

// C4: a burst of views of a page no one has rendered yet renders it once.
BOOST_AUTO_TEST_CASE(a_burst_of_views_renders_once) {
  TestWiki& wiki = *SuiteWiki<Cached>::wiki;
  std::string text;
  // Long enough (18 KB, over 16 KiB) that a miss claims its rendering
  // (render_cache.h).
  for (int i = 0; i < 600; ++i) text += "## Heading " + std::to_string(i) + "\n\nSome *text*.\n\n";
  BOOST_REQUIRE(wiki.Save("Herd", 0, text).status == 303);
  std::atomic<bool> go = false;
  std::vector<std::future<HttpResponse>> views;
  for (int i = 0; i < 50; ++i) {
    views.push_back(std::async(std::launch::async, [&] {
      while (!go) std::this_thread::yield();
      return wiki.Get("/Herd");
    }));
  }
  go = true;
  int ok = 0, rendered = 0;
  for (auto& v : views) {
    HttpResponse r = v.get();
    ok += r.status == 200 && Contains(r, "Heading 599");
    rendered += std::stoi(r.Header("x-wikid-renders"));
  }
  BOOST_TEST(ok == 50);
  BOOST_TEST(rendered <= 1);
}

// C3: after each acknowledged save, the front page lists it, whichever
// worker answers, though the front page is cached.
BOOST_AUTO_TEST_CASE(the_front_page_always_lists_the_last_acknowledged_save) {
  TestWiki& wiki = *SuiteWiki<Cached>::wiki;
  BOOST_REQUIRE(wiki.Save("Main_Page", 0, "Welcome").status == 303);
  std::vector<int64_t> revs(10, 0);
  int misses = 0, hits = 0;
  for (int edit = 0; edit < 50; ++edit) {
    int page = edit % 10;
    std::string summary = "edit-" + std::to_string(edit) + "-done";
    HttpResponse saved = wiki.Post(
        "/_edit/Page_" + std::to_string(page),
        {{"text", summary}, {"base_rev", std::to_string(revs[page])}, {"summary", summary}});
    BOOST_REQUIRE(saved.status == 303);
    ++revs[page];
    for (int i = 0; i < 20; ++i) {
      HttpResponse front = wiki.Get("/");
      misses += !Contains(front, summary);
      hits += front.Header("x-cache") == "hit";
    }
  }
  BOOST_TEST(misses == 0);
  BOOST_TEST(hits > 500);  // most views came whole from the cache
}

// The admins' page shows memcached's own statistics and empties it.
BOOST_AUTO_TEST_CASE(the_cache_page_shows_statistics_and_flushes) {
  TestWiki& wiki = *SuiteWiki<Cached>::wiki;
  BOOST_REQUIRE(wiki.Save("Counted", 0, "x").status == 303);
  // Only for admins: a plain user is refused.
  BOOST_TEST(wiki.Editor().Get("/_admin/cache").status == 403);
  auto admin = Admin(wiki);
  HttpResponse stats = admin->Get("/_admin/cache");
  BOOST_TEST(stats.status == 200);
  BOOST_TEST(Contains(stats, wiki.memcached().address()));
  for (const char* name : {"uptime", "curr_items", "get_hits", "get_misses", "evictions"}) {
    BOOST_TEST(Contains(stats, std::string("<th>") + name + "</th>"), name);
  }
  BOOST_TEST(!Contains(stats, "<th>curr_items</th><td>0</td>"));
  // The test wikis never shed (TestWiki: --cache-shed-cpu off): no word
  // of it (a busy host's is below).
  BOOST_TEST(!Contains(stats, "class=\"shedding\""));
  Memcache probe(PatientCacheOptions({wiki.memcached().address()}));
  BOOST_REQUIRE(probe.Set("probe", "here") == CacheStatus::kOk);
  // Without the form's token the flush is refused.
  BOOST_TEST(admin->PostWithoutToken("/_admin/cache/flush", {{"confirm", "yes"}}).status ==
             403);
  CacheItem item;
  BOOST_TEST((probe.Get("probe", &item) == CacheStatus::kOk));
  // The button asks first; only its confirmation empties memcached.
  HttpResponse asked = admin->Post("/_admin/cache/flush", {});
  BOOST_TEST(asked.status == 200);
  BOOST_TEST(Contains(asked, "Empty every memcached server?"));
  BOOST_TEST((probe.Get("probe", &item) == CacheStatus::kOk));
  HttpResponse flushed = admin->Post("/_admin/cache/flush", {{"confirm", "yes"}});
  BOOST_TEST(flushed.status == 303);
  BOOST_TEST((probe.Get("probe", &item) == CacheStatus::kMiss));
  // Said once, on the page the flush leads to.
  BOOST_TEST(flushed.Header("location").ends_with("/_admin/cache"));
  BOOST_TEST(Contains(admin->Get("/_admin/cache"), "was emptied"));
  BOOST_TEST(!Contains(admin->Get("/_admin/cache"), "was emptied"));
  BOOST_TEST(wiki.Get("/Counted").status == 200);
}

BOOST_AUTO_TEST_SUITE_END()

// Two cases that freeze memcached share one FrozenLater() wiki: each
// resumes it before it ends (with no REQUIRE while it is frozen), and the
// one that needs warm caches waits for them rather than assume the other
// left them so.
BOOST_AUTO_TEST_SUITE(frozen_later, *boost::unit_test::fixture<SuiteWiki<FrozenLater>>())

// Each worker's own copies of a hot page are checked against the version
// numbers in memcached on every use (model/cache/versions.h): a save on
// any host may have moved them. So while memcached cannot answer, no copy
// is trusted and every view reads SQLite; a save made then (its numbers
// unconfirmed: the cache epoch advances) retires the copies for good, even
// once memcached answers again with what it held before.
BOOST_AUTO_TEST_CASE(workers_own_copies_are_never_older_than_a_save) {
  TestWiki& wiki = *SuiteWiki<FrozenLater>::wiki;
  BOOST_REQUIRE(wiki.Save("Hot", 0, "first version").status == 303);
  // Until every worker has served it whole from the cache (a worker's
  // breaker may still be open for a moment after the other case froze
  // memcached). Requests in parallel: one at a time, the same idle worker
  // tends to win every accept.
  std::set<std::string> warmed;
  BOOST_REQUIRE(WaitUntil(
      [&] {
        std::vector<std::future<HttpResponse>> views;
        for (int i = 0; i < 8; ++i) {
          views.push_back(std::async(std::launch::async, [&] { return wiki.Get("/Hot"); }));
        }
        for (auto& v : views) {
          HttpResponse view = v.get();
          if (view.Header("x-cache") == "hit") warmed.insert(view.Header("x-wikid-worker"));
        }
        return warmed.size() == 4u;
      },
      60s));
  BOOST_REQUIRE(wiki.Get("/Hot").Header("x-cache") == "hit");
  wiki.memcached().Pause();  // the numbers cannot be read now
  int hits = 0;
  for (int i = 0; i < 16; ++i) {
    HttpResponse page = wiki.Get("/Hot");
    hits += page.Header("x-cache") == "hit";
    BOOST_TEST(Contains(page, "first version"));
  }
  BOOST_TEST(hits == 0);
  const size_t epochs = wiki.LogCount("cache epoch advanced");  // before, on this wiki
  BOOST_TEST(wiki.Save("Hot", 1, "second version").status == 303);
  BOOST_TEST(wiki.LogCount("cache epoch advanced") > epochs);
  for (int i = 0; i < 16; ++i) {
    HttpResponse page = wiki.Get("/Hot");
    BOOST_TEST(Contains(page, "second version"));
  }
  wiki.memcached().Resume();
  for (int i = 0; i < 16; ++i) {
    HttpResponse page = wiki.Get("/Hot");
    BOOST_TEST(Contains(page, "second version"));
  }
}

// M2: memcached frozen (SIGSTOP): views go on from SQLite.
BOOST_AUTO_TEST_CASE(a_hung_memcached_costs_no_request) {
  TestWiki& wiki = *SuiteWiki<FrozenLater>::wiki;
  BOOST_REQUIRE(wiki.Save("Patient", 0, "text").status == 303);
  wiki.memcached().Pause();
  int ok = 0;
  for (int i = 0; i < 40; ++i) ok += wiki.Get("/Patient").status == 200;
  wiki.memcached().Resume();
  BOOST_TEST(ok == 40);
}

BOOST_AUTO_TEST_SUITE_END()

// Issue 16: on a busy host (--cache-shed-cpu 0: always busy) a page's
// views read the database and use no cache until it is read often (its
// kHotViews-th view lately), and the admins' page says so and counts the
// views shed. The page is saved before a restart, which forgets what was
// viewed (and moves every page's numbers: the save's views are stale).
BOOST_AUTO_TEST_CASE(a_busy_host_uses_the_caches_for_pages_read_often) {
  TestWikiOptions options = Cached();
  options.workers = 1;  // the admins' page shows this worker's count
  options.extra_args = {"--cache-shed-cpu", "0"};
  TestWiki wiki{options};
  BOOST_REQUIRE(wiki.Save("Busy_Host", 0, "Read *often*.").status == 303);
  BOOST_REQUIRE(wiki.StopWikid(10s) == 0);
  wiki.StartWikid();
  const int hot = static_cast<int>(ViewAdmission::kHotViews);
  for (int view = 1; view <= hot + 1; ++view) {
    HttpResponse r = wiki.Get("/Busy_Host");
    BOOST_TEST(r.status == 200);
    BOOST_TEST(Contains(r, "<em>often</em>"));
    // The hot view fills and the next is a hit; with CPU to spare the
    // second would fill.
    BOOST_TEST(r.Header("x-cache") == (view <= hot ? "miss" : "hit"), "view " << view);
  }
  HttpResponse stats = Admin(wiki)->Get("/_admin/cache");
  BOOST_TEST(Contains(stats, "From 0% on, only pages read often fill memcached"));
  // Every admitted view before the hot one: the second on.
  BOOST_TEST(Contains(stats, "which would have filled with CPU to spare: " +
                                 std::to_string(hot - 2) + "."));
}

// M3: a memcached that accepts connections and never answers, from the
// start: wikid starts, serves every view from SQLite, and says so.
BOOST_AUTO_TEST_CASE(a_black_hole_memcached_costs_no_request) {
  BlackHole hole;
  TestWiki wiki{TestWikiOptions{.workers = 2,
                                .extra_args = {"--memcached", hole.address()}}};
  BOOST_REQUIRE(wiki.Save("Through", 0, "still here").status == 303);
  int ok = 0;
  for (int i = 0; i < 30; ++i) ok += Contains(wiki.Get("/Through"), "still here");
  BOOST_TEST(ok == 30);
  HttpResponse stats = Admin(wiki)->Get("/_admin/cache");
  BOOST_TEST(Contains(stats, "(not answering)"), stats.status << stats.body.substr(0, 3000));
  BOOST_TEST(wiki.Get("/_health").body == "ok\n");
}

// M1: memcached killed under use, then restarted empty.
BOOST_AUTO_TEST_CASE(memcached_killed_and_restarted_costs_no_request) {
  TestWiki wiki{Cached()};
  BOOST_REQUIRE(wiki.Save("Sturdy", 0, "one").status == 303);
  for (int i = 0; i < 8; ++i) wiki.Get("/Sturdy");
  wiki.memcached().Stop();
  int ok = 0;
  for (int i = 0; i < 40; ++i) ok += wiki.Get("/Sturdy").status == 200;
  BOOST_TEST(ok == 40);
  BOOST_REQUIRE(wiki.Save("Sturdy", 1, "two").status == 303);
  wiki.memcached().Start();
  // Until each worker's breaker and libmemcached retry let it back in,
  // pages come from SQLite; then from the cache again. Never stale.
  bool hit = false;
  for (int i = 0; i < 1200 && !hit; ++i) {  // a minute at most
    HttpResponse page = wiki.Get("/Sturdy");
    BOOST_TEST(page.status == 200);
    BOOST_TEST(Contains(page, "two"));
    hit = page.Header("x-cache") == "hit";
    if (!hit) std::this_thread::sleep_for(50ms);
  }
  BOOST_TEST(hit);
}

BOOST_AUTO_TEST_CASE(without_memcached_every_view_is_a_miss_and_still_works) {
  TestWiki wiki{TestWikiOptions{}};
  BOOST_REQUIRE(wiki.Save("Plain", 0, "text").status == 303);
  for (int i = 0; i < 4; ++i) {
    HttpResponse page = wiki.Get("/Plain");
    BOOST_TEST(page.status == 200);
    BOOST_TEST(page.Header("x-cache") == "miss");
  }
}

}  // namespace
}  // namespace wikid::testing
