// C1 (ack, then never older) and M6 (flush under load): once a save has
// been acknowledged, no view that starts afterwards, on any worker, shows
// an older revision, while memcached is flushed under the readers' feet
// and a failpoint makes every cache fill arrive 300 ms late. The same
// checker against the deliberately unsafe fill (a plain set) must find
// stale views: that is the proof the checker can fail. The race it finds
// them in is arranged, not awaited (StraddleASave).
//
// The same across hosts: separate wikids (masters with shared memory of
// their own) sharing one database and one memcached, saves and reads
// spread over them; its control gives each host version numbers of its
// own, as before they lived in memcached (model/cache/versions.h).
//
// The suite runs it small (40 edits). scripts/soak runs it at the size of
// the reliability matrix (WIKID_C1_EDITS=500, WIKID_C1_MIN_READS=20000).
#define BOOST_TEST_MODULE consistency
#include <boost/test/unit_test.hpp>

#include <atomic>
#include <cstdlib>
#include <functional>
#include <future>
#include <mutex>
#include <regex>
#include <set>
#include <thread>

#include "model/cache/memcache.h"
#include "tests/support/memcached_server.h"
#include "tests/support/stale_reads.h"
#include "tests/support/temp_dir.h"
#include "tests/support/test_images.h"
#include "tests/support/test_wiki.h"

namespace wikid::testing {
namespace {

using namespace std::chrono_literals;

// A size from the environment (scripts/soak), or the suite's default.
int Setting(const char* name, int fallback) {
  const char* text = std::getenv(name);
  return text != nullptr ? std::atoi(text) : fallback;
}

using Outcome = StaleReadOutcome;

// One wikid, or several "hosts" (each its own master, workers and shared
// memory, and its own nginx) on one database and one memcached.
struct Hosts {
  TempDir shared;
  MemcachedServer memcached;
  std::vector<std::unique_ptr<TestWiki>> wikis;
  Hosts(int count, TestWikiOptions options) {
    options.memcached_address = memcached.address();
    if (count > 1) options.database = shared.File("wiki.db");
    for (int i = 0; i < count; ++i) wikis.push_back(std::make_unique<TestWiki>(options));
  }
  // Host i, round the hosts.
  TestWiki& operator[](int i) { return *wikis[i % wikis.size()]; }
};

Outcome Race(int hosts = 1) {
  TestWikiOptions options{.workers = hosts > 1 ? 2 : 4};
  options.env["WIKID_FAILPOINTS"] = "render_before_cache_fill=300";
  Hosts wikis(hosts, options);
  // Each save on the next host.
  auto save = [&](int base) {
    return wikis[base].Post("/_edit/Contended",
                            {{"text", "text of revision " + std::to_string(base + 1)},
                             {"base_rev", std::to_string(base)}});
  };
  BOOST_REQUIRE(save(0).status == 303);

  StaleReadChecker checker(
      4, [&](int r) { return wikis[r].Get("/Contended"); }, /*first=*/1);
  std::atomic<bool> done = false;
  std::vector<std::thread> threads;
  // M6: flush_all every 250 ms, so readers keep missing and filling.
  threads.emplace_back([&] {
    Memcache flusher(PatientCacheOptions({wikis.memcached.address()}));
    while (!done) {
      flusher.FlushAll();
      std::this_thread::sleep_for(250ms);
    }
  });
  const int edits = Setting("WIKID_C1_EDITS", 40);
  const auto spacing = std::chrono::milliseconds(Setting("WIKID_C1_SPACING_MS", 60));
  for (int base = 1; base < edits; ++base) {
    if (save(base).status == 303) checker.Acknowledged(base + 1);
    std::this_thread::sleep_for(spacing);  // spacing, not a wait for anything
  }
  // How many reads the edits overlapped is the machine's speed: the
  // readers go on until there are enough, from more than one worker (for
  // at most five minutes, for the soak's sizes on a loaded machine).
  const int min_reads = Setting("WIKID_C1_MIN_READS", 200);
  BOOST_TEST(WaitUntil(
      [&] { return checker.reads() > min_reads && checker.workers_seen() >= 2; }, 300s));
  done = true;
  for (auto& t : threads) t.join();
  return checker.Stop();
}

void CheckNoneOlder(const Outcome& o) {
  BOOST_TEST_MESSAGE(o.reads << " reads, " << o.acknowledged
                                   << " revisions, " << o.workers_seen << " workers, "
                                   << o.stale << " stale, " << o.went_back
                                   << " went back, " << o.failed << " failed");
  BOOST_TEST(o.acknowledged == Setting("WIKID_C1_EDITS", 40));
  BOOST_TEST(o.reads > Setting("WIKID_C1_MIN_READS", 200));
  BOOST_TEST(o.workers_seen >= 2);
  BOOST_TEST(o.failed == 0);
  BOOST_TEST(o.stale == 0);
  BOOST_TEST(o.went_back == 0);
}

BOOST_AUTO_TEST_CASE(after_an_acknowledged_save_no_view_is_older) { CheckNoneOlder(Race()); }

BOOST_AUTO_TEST_CASE(after_an_acknowledged_save_no_view_on_any_host_is_older) {
  CheckNoneOlder(Race(/*hosts=*/2));
}

// The plainest case across hosts, with its control: a page viewed on one
// host (so that host keeps its view, in memcached and in its workers'
// copies), saved on another, then viewed on the first again.
int StaleViewsAfterSavesElsewhere(bool host_versions) {
  TestWikiOptions options{.workers = 2};
  if (host_versions) options.env["WIKID_UNSAFE_HOST_VERSIONS"] = "1";
  Hosts wikis(2, options);
  int stale = 0;
  for (int rev = 0; rev < 10; ++rev) {
    TestWiki& saver = wikis[rev];
    TestWiki& reader = wikis[rev + 1];
    // The reader's workers all hold the current revision and recent
    // changes (so a view it kept from before could be served)...
    for (int i = 0; i < 4 && rev > 0; ++i) {
      BOOST_TEST(ShownRevision(reader.Get("/Shared")) == rev);
      BOOST_TEST(reader.Get("/_recent").body.find("save " + std::to_string(rev)) !=
                 std::string::npos);
    }
    BOOST_REQUIRE(saver.Post("/_edit/Shared", {{"text", "revision " + std::to_string(rev + 1)},
                                               {"base_rev", std::to_string(rev)},
                                               {"summary", "save " + std::to_string(rev + 1)}})
                      .status == 303);
    // ...and the save is acknowledged: every view there starts after it.
    for (int i = 0; i < 4; ++i) stale += ShownRevision(reader.Get("/Shared")) != rev + 1;
    stale += reader.Get("/_recent").body.find("save " + std::to_string(rev + 1)) ==
             std::string::npos;
  }
  return stale;
}

BOOST_AUTO_TEST_CASE(a_save_on_one_host_is_seen_at_once_on_another) {
  BOOST_TEST(StaleViewsAfterSavesElsewhere(false) == 0);
}

BOOST_AUTO_TEST_CASE(host_versions_are_caught_by_the_same_checker) {
  // The control: numbers each host keeps for itself serve the other
  // host's views of before the save.
  BOOST_TEST(StaleViewsAfterSavesElsewhere(true) > 0);
}

// The race above, arranged instead of awaited: a view that read the page
// before a save, held by the failpoint between its read and its fill
// until the save is acknowledged. What does a view begun after the save
// show? (The race's checker: stale if older than the acknowledged save.)
// A run of the race above finds such views by luck, and a heavily loaded
// machine has had runs with none.
struct Straddle {
  bool arranged = false;  // it happened as described (else: see the log)
  int acknowledged = 0;   // the save acknowledged while the view was held
  int held_view = 0;      // the revision the held view showed
  int shown = 0;          // the revision a view begun after that shows
};

// How long the failpoint holds a view at most: far longer than a save
// takes even on a loaded machine. An attempt whose save took longer
// proves nothing (the fill may have come first) and is made again. The
// test lets the view go as soon as the save is acknowledged, so the
// hold costs no time of its own (HeldFailpoints, tests/support/test_wiki.h).
constexpr auto kHold = 30s;
constexpr char kFill[] = "render_before_cache_fill";

Straddle StraddleASave(bool unsafe_fill) {
  TestWikiOptions options{.workers = 4, .memcached = true};
  HeldFailpoints holds;
  holds.Release(kFill);  // only the views the attempts hold below
  options.env.merge(holds.Env(
      kFill, static_cast<int>(std::chrono::milliseconds(kHold).count())));
  if (unsafe_fill) options.env["WIKID_UNSAFE_CACHE_FILL"] = "1";
  TestWiki wiki{options};
  Memcache flusher(PatientCacheOptions({wiki.memcached().address()}));
  const std::string held = "failpoint render_before_cache_fill: holding";
  int rev = 0;
  auto save = [&] {
    BOOST_REQUIRE(wiki.Post("/_edit/Contended",
                            {{"text", "text of revision " + std::to_string(rev + 1)},
                             {"base_rev", std::to_string(rev)}})
                      .status == 303);
    ++rev;
  };
  Straddle straddle;
  for (int attempt = 0; attempt < 3 && !straddle.arranged; ++attempt) {
    // The save stores its views for every worker...
    save();
    // ...and a new page makes them stale, moving every page's links
    // counter, and they are flushed (the unsafe fill trusts any copy in
    // memcached): the next view of Contended, on any worker, finds no
    // copy and reads SQLite, where the failpoint holds it, with what it
    // read, until its fill.
    BOOST_REQUIRE(wiki.Post("/_edit/New_Page_" + std::to_string(attempt),
                            {{"text", "new"}, {"base_rev", "0"}})
                      .status == 303);
    BOOST_REQUIRE(flusher.FlushAll() == CacheStatus::kOk);
    holds.Rearm(kFill);
    const auto began = std::chrono::steady_clock::now();
    TestWiki::HeldView view = wiki.StartHeldView("/Contended", held);
    if (!view.held) {  // it found a current copy after all
      BOOST_TEST_MESSAGE("attempt " << attempt << ": the view was not held");
      continue;
    }
    save();  // acknowledged while the view is held
    const bool in_time = std::chrono::steady_clock::now() - began < kHold;
    holds.Release(kFill);
    // The held view's fill, whatever became of it, is over when it answers.
    const int held_view = ShownRevision(view.response.get());
    const int acknowledged = rev;
    BOOST_TEST_MESSAGE("attempt " << attempt << ": held view " << held_view
                                  << ", acknowledged " << acknowledged << " in time "
                                  << in_time);
    if (!in_time || held_view != acknowledged - 1) continue;
    straddle = Straddle{.arranged = true,
                        .acknowledged = acknowledged,
                        .held_view = held_view,
                        .shown = ShownRevision(wiki.Get("/Contended"))};
  }
  return straddle;
}

BOOST_AUTO_TEST_CASE(a_fill_held_across_a_save_is_never_served) {
  Straddle straddle = StraddleASave(false);
  BOOST_REQUIRE(straddle.arranged);
  BOOST_TEST(straddle.shown == straddle.acknowledged);
}

BOOST_AUTO_TEST_CASE(the_unsafe_fill_is_caught_by_the_same_checker) {
  // The control shows the checker can fail: the plain set of the held
  // view's fill replaces the save's copy in memcached, and the next view
  // trusts it.
  Straddle straddle = StraddleASave(true);
  BOOST_REQUIRE(straddle.arranged);
  BOOST_TEST(straddle.shown < straddle.acknowledged);  // stale...
  BOOST_TEST(straddle.shown == straddle.held_view);    // ...the held view's
}

// --- Monotonic reads: a save held between its commit and its settle ---

// A save of revision 2 held by a failpoint after its commit, before its
// version numbers move and nginx's entries go: a reader whose view reads
// the database (the page's history) sees 2 revisions. How many of its
// next views of the page, from nginx's fast path, a worker's copy,
// memcached or the database, show an older one? (PageWrites marks the
// numbers in flight before the commit: model/cache/versions.h.)
constexpr char kSettle[] = "edit_before_invalidate";

int ViewsGoingBackDuringAHeldSave(bool unsafe_no_marks) {
  TestWikiOptions options{.workers = 3, .memcached = true, .fast_path = true};
  HeldFailpoints holds;
  options.env.merge(
      holds.Env(kSettle, static_cast<int>(std::chrono::milliseconds(kHold).count())));
  if (unsafe_no_marks) options.env["WIKID_UNSAFE_NO_IN_FLIGHT"] = "1";
  TestWiki wiki{options};
  // The editor reads too (another tab, while its save is under way): one
  // account fewer to make.
  Browser* reader = &wiki.Editor();
  BOOST_REQUIRE(wiki.Save("Held", 0, "revision 1").status == 303);  // made: not held
  // Every tier holds revision 1: nginx's entry, memcached, the workers'
  // copies.
  BOOST_REQUIRE(FromNginx(wiki.ViewUntilFast("/Held")));
  for (int i = 0; i < 6; ++i) BOOST_REQUIRE(ShownRevision(reader->Get("/Held")) == 1);
  const std::string held = std::string("failpoint ") + kSettle + ": holding";
  const size_t holding = wiki.LogCount(held);
  auto saved = std::async(std::launch::async, [&] { return wiki.Save("Held", 1, "revision 2"); });
  BOOST_REQUIRE(WaitUntil([&] { return wiki.LogCount(held) > holding; }, 60s));
  const auto began = std::chrono::steady_clock::now();
  int back = 0;
  auto latest = [](const HttpResponse& history) {
    static const std::regex shown("(\\d+) revisions, newest first");
    std::smatch m;
    return std::regex_search(history.body, m, shown) ? std::stoi(m[1]) : 0;
  };
  // Anonymous (nginx's fast path, then wikid), then logged in (wikid).
  BOOST_REQUIRE(latest(wiki.Get("/_history/Held")) == 2);
  for (int i = 0; i < 6; ++i) back += ShownRevision(wiki.Get("/Held")) != 2;
  BOOST_REQUIRE(latest(reader->Get("/_history/Held")) == 2);
  for (int i = 0; i < 6; ++i) back += ShownRevision(reader->Get("/Held")) != 2;
  // Views made while the save was held prove nothing if it was let go.
  BOOST_REQUIRE(std::chrono::steady_clock::now() - began < kHold);
  BOOST_REQUIRE(wiki.LogCount(held) == holding + 1);
  holds.Release(kSettle);
  BOOST_TEST(saved.get().status == 303);
  BOOST_TEST(ShownRevision(wiki.Get("/Held")) == 2);
  BOOST_TEST(ShownRevision(reader->Get("/Held")) == 2);
  BOOST_TEST_MESSAGE(back << " of 12 views older than the history the reader saw");
  return back;
}

BOOST_AUTO_TEST_CASE(a_reader_who_saw_a_commit_never_gets_the_revision_before) {
  BOOST_TEST(ViewsGoingBackDuringAHeldSave(false) == 0);
}

BOOST_AUTO_TEST_CASE(without_the_mark_in_flight_views_go_back) {
  // The control: numbers that move only after the commit leave every
  // tier's copy of revision 1 current until then.
  BOOST_TEST(ViewsGoingBackDuringAHeldSave(true) > 0);
}

// --- Monotonic reads: an upload held between its commit and its settle ---

// The same for a file's new revision, which changes the pages that embed
// it (the image's size and address): a page showing Pic.png at 30 pixels
// high in every tier; a revision 60 high held by a failpoint after its
// commit (FileWrites marks the embedding pages in flight before it). A
// reader who has seen revision 2 on the file page (read from the
// database): how many of its next views of the page show the image of
// before?
constexpr char kUploadSettle[] = "upload_before_invalidate";

int EmbedsGoingBackDuringAHeldUpload(bool unsafe_no_marks) {
  TestWikiOptions options{.workers = 3, .memcached = true, .fast_path = true};
  HeldFailpoints holds;
  options.env.merge(
      holds.Env(kUploadSettle, static_cast<int>(std::chrono::milliseconds(kHold).count())));
  if (unsafe_no_marks) options.env["WIKID_UNSAFE_NO_IN_FLIGHT"] = "1";
  TestWiki wiki{options};
  auto upload = [](Browser& by, const std::string& bytes, int64_t base_rev) {
    return by.PostMultipart(
        "/_upload", {{"name", "Pic.png"}, {"summary", ""}, {"base_rev", std::to_string(base_rev)}},
        FormFilePart{.filename = "Pic.png", .content_type = "image/png", .bytes = bytes});
  };
  auto height = [](const HttpResponse& view) {
    static const std::regex img("<img [^>]*height=\"(\\d+)\"");
    std::smatch m;
    return std::regex_search(view.body, m, img) ? std::stoi(m[1]) : 0;
  };
  Browser& uploader = wiki.Editor();
  wiki.CreateUser("Reader", "reader password");
  Browser reader(wiki);
  BOOST_REQUIRE(reader.LogIn("Reader", "reader password").status == 303);
  holds.Release(kUploadSettle);  // the first revision is not held
  BOOST_REQUIRE(upload(uploader, RealPng(40, 30), 0).status == 303);
  BOOST_REQUIRE(wiki.Save("Shows_Pic", 0, "The picture: [[File:Pic.png|pic]]\n").status == 303);
  holds.Rearm(kUploadSettle);
  // Every tier holds the page with revision 1's size: nginx's entry,
  // memcached, the workers' copies.
  BOOST_REQUIRE(height(wiki.ViewUntilFast("/Shows_Pic")) == 30);
  for (int i = 0; i < 6; ++i) BOOST_REQUIRE(height(reader.Get("/Shows_Pic")) == 30);
  const std::string held = std::string("failpoint ") + kUploadSettle + ": holding";
  const size_t holding = wiki.LogCount(held);
  auto uploaded = std::async(std::launch::async,
                             [&] { return upload(uploader, RealPng(40, 60), 1).status; });
  BOOST_REQUIRE(WaitUntil([&] { return wiki.LogCount(held) > holding; }, 60s));
  const auto began = std::chrono::steady_clock::now();
  int back = 0;
  const std::string seen = "Revision 2: image/png, 40 × 60 pixels";
  // Anonymous (nginx's fast path, then wikid), then logged in (wikid).
  BOOST_REQUIRE(wiki.Get("/_file-page/Pic.png").body.find(seen) != std::string::npos);
  for (int i = 0; i < 6; ++i) back += height(wiki.Get("/Shows_Pic")) != 60;
  BOOST_REQUIRE(reader.Get("/_file-page/Pic.png").body.find(seen) != std::string::npos);
  for (int i = 0; i < 6; ++i) back += height(reader.Get("/Shows_Pic")) != 60;
  // Views made while the upload was held prove nothing if it was let go.
  BOOST_REQUIRE(std::chrono::steady_clock::now() - began < kHold);
  BOOST_REQUIRE(wiki.LogCount(held) == holding + 1);
  holds.Release(kUploadSettle);
  BOOST_TEST(uploaded.get() == 303);
  BOOST_TEST(height(wiki.Get("/Shows_Pic")) == 60);
  BOOST_TEST(height(reader.Get("/Shows_Pic")) == 60);
  BOOST_TEST_MESSAGE(back << " of 12 views older than the file page the reader saw");
  return back;
}

BOOST_AUTO_TEST_CASE(a_reader_who_saw_an_upload_never_gets_the_pages_of_before) {
  BOOST_TEST(EmbedsGoingBackDuringAHeldUpload(false) == 0);
}

BOOST_AUTO_TEST_CASE(without_the_mark_in_flight_pages_show_the_file_of_before) {
  // The control: numbers that move only after the commit leave every
  // tier's copy of the page with revision 1's image current until then.
  BOOST_TEST(EmbedsGoingBackDuringAHeldUpload(true) > 0);
}

}  // namespace
}  // namespace wikid::testing
