// The fast path through the real nginx configuration (nginx/wikid.conf and
// nginx/fast-path.conf), four workers and a real memcached: anonymous
// page views answered by nginx from memcached, with the same headers as
// wikid's, never stale after an acknowledged save (C1 on the fast path,
// with its failing control), never for a logged-in reader, for every URL
// spelling of an odd name, and through memcached killed, frozen and
// flushed under load.
#define BOOST_TEST_MODULE fast_path_http
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <boost/test/unit_test.hpp>
#include <functional>
#include <future>
#include <memory>
#include <regex>
#include <thread>
#include <tuple>
#include <utility>

#include "model/cache/memcache.h"
#include "model/cache/versions.h"
#include "model/cache/view_admission.h"
#include "tests/support/fastcgi_client.h"
#include "tests/support/memcached_server.h"
#include "tests/support/temp_dir.h"
#include "tests/support/test_wiki.h"

namespace wikid::testing {
namespace {

using namespace std::chrono_literals;

TestWikiOptions FastPathOptions() {
  return TestWikiOptions{.workers = 4, .memcached = true, .fast_path = true};
}

// A stack of the case's own, for the cases that disturb it.
struct Wiki {
  Wiki() : wiki(FastPathOptions()) { BOOST_REQUIRE(wiki.WaitForFastPath(10s)); }
  TestWiki wiki;
};

// One stack for the suite one_stack below (each stack costs more than a
// CPU-second to start and stop): its cases kill nothing, hold no
// failpoint, use page and account names no other case uses, and what they
// count of the wiki's global state they count from what they read first.
struct SharedWiki {
  SharedWiki() {
    auto started = std::make_unique<TestWiki>(FastPathOptions());
    BOOST_REQUIRE(started->WaitForFastPath(10s));
    wiki = started.release();
  }
  ~SharedWiki() { delete wiki; }
  static inline TestWiki* wiki = nullptr;
};

// What a case of one_stack sees: the suite's stack.
struct OnSharedWiki {
  TestWiki& wiki = *SharedWiki::wiki;
};

// "N of M pages": the views the admins' cache page says nginx can answer
// now, of those it could.
std::pair<int, int> ServableViews(Browser& admin) {
  HttpResponse stats = admin.Get("/_admin/cache");
  BOOST_TEST(stats.status == 200);
  BOOST_TEST(stats.body.find("Serving: nginx answers") != std::string::npos);
  std::smatch counts;
  BOOST_REQUIRE_MESSAGE(
      std::regex_search(stats.body, counts, std::regex("<td>(\\d+) of (\\d+) pages</td>")),
      stats.body);
  return {std::stoi(counts[1]), std::stoi(counts[2])};
}

BOOST_AUTO_TEST_SUITE(one_stack, *boost::unit_test::fixture<SharedWiki>())

BOOST_FIXTURE_TEST_CASE(anonymous_views_come_from_nginx_with_wikids_headers,
                        OnSharedWiki) {
  BOOST_REQUIRE(wiki.Save("Fast_Page", 0, "Served by **nginx**.").status ==
                303);
  // The admins' cache page counts the entries nginx can serve now: here
  // before and after this page's (the other cases' pages are counted
  // too, and their entries stay as they are meanwhile).
  wiki.CreateUser("Keeper", "keeper-password", /*admin=*/true);
  Browser admin(wiki);
  BOOST_REQUIRE(admin.LogIn("Keeper", "keeper-password").status == 303);
  const auto [present_before, possible] = ServableViews(admin);
  HttpResponse first = wiki.Get("/Fast_Page");
  BOOST_REQUIRE(first.status == 200);
  BOOST_TEST(!FromNginx(first));  // wikid answered, and filled the entry
  HttpResponse fast = wiki.ViewUntilFast("/Fast_Page");
  BOOST_REQUIRE(FromNginx(fast));
  // The entry names its key and revision, then is the page wikid served.
  std::string frame = "<!-- wikid fast path: key wikid:fast:" +
                      wiki.ServingGeneration() + ":/Fast_Page revision 1 -->\n";
  BOOST_TEST(fast.body == frame + first.body);
  BOOST_TEST(fast.Header("x-wikid-queries") == "");  // wikid never saw it
  for (const char* name :
       {"content-type", "x-content-type-options", "x-frame-options",
        "content-security-policy", "referrer-policy"}) {
    BOOST_TEST(fast.Header(name) == first.Header(name), name);
    BOOST_TEST(!fast.Header(name).empty(), name);
  }
  BOOST_TEST(fast.Header("accept-ranges") == "");

  HttpResponse head = wiki.Head("/Fast_Page");
  BOOST_TEST(head.status == 200);
  BOOST_TEST(FromNginx(head));
  BOOST_TEST(head.body.empty());
  BOOST_TEST(head.Header("content-length") == std::to_string(fast.body.size()));

  // A query string, an old revision, a POST and the wiki's own routes
  // always reach wikid.
  for (const char* path : {"/Fast_Page?rev=1", "/Fast_Page?merged=1",
                           "/_history/Fast_Page", "/_recent"}) {
    HttpResponse r = wiki.Get(path);
    BOOST_TEST(r.status == 200, path);
    BOOST_TEST(!FromNginx(r), path);
    BOOST_TEST(r.Header("x-wikid-queries") != "", path);
  }
  BOOST_TEST(!FromNginx(
      wiki.PostRaw("/Fast_Page", "a=b", "application/x-www-form-urlencoded")));
  // One more present, of as many.
  const auto [present, of] = ServableViews(admin);
  BOOST_TEST(present == present_before + 1);
  BOOST_TEST(of == possible);
  // A page nobody wrote is never an entry.
  HttpResponse missing = wiki.Get("/Nobody_Wrote_This");
  BOOST_TEST(missing.status == 404);
  BOOST_TEST(wiki.Get("/Nobody_Wrote_This").Header("x-wikid-queries") != "");
}

BOOST_FIXTURE_TEST_CASE(a_logged_in_reader_never_gets_the_shared_page, OnSharedWiki) {
  BOOST_REQUIRE(
      wiki.Save("Shared", 0, "one page for every anonymous reader").status ==
      303);
  BOOST_REQUIRE(FromNginx(wiki.ViewUntilFast("/Shared")));
  wiki.CreateUser("Second", "second-password");
  Browser second(wiki);
  BOOST_REQUIRE(second.LogIn("Second", "second-password").status == 303);
  const std::string tester = "class=\"user\" href=\"/_user/Tester\"";
  const std::string other = "class=\"user\" href=\"/_user/Second\"";
  for (int i = 0; i < 5; ++i) {
    // Each sees their own header, never the shared page or the other's.
    HttpResponse mine = wiki.Editor().Get("/Shared");
    HttpResponse theirs = second.Get("/Shared");
    for (const HttpResponse* r : {&mine, &theirs}) {
      BOOST_TEST(r->status == 200);
      BOOST_TEST(!FromNginx(*r));
      BOOST_TEST(r->body.find("action=\"/_logout\"") != std::string::npos);
      BOOST_TEST(r->body.find("wikid fast path") == std::string::npos);
    }
    BOOST_TEST(mine.body.find(tester) != std::string::npos);
    BOOST_TEST(mine.body.find(other) == std::string::npos);
    BOOST_TEST(theirs.body.find(other) != std::string::npos);
    BOOST_TEST(theirs.body.find(tester) == std::string::npos);
  }
  // ...and what a logged-in reader got never becomes the shared page.
  HttpResponse anonymous = wiki.Get("/Shared");
  BOOST_TEST(FromNginx(anonymous));
  BOOST_TEST(anonymous.body.find("/_logout") == std::string::npos);
  BOOST_TEST(anonymous.body.find("Log in") != std::string::npos);
  // Other cookies do not matter; a session cookie, even a dead one, goes
  // to wikid, which shows it the anonymous page without filling anything.
  BOOST_TEST(FromNginx(wiki.Get("/Shared", {"Cookie: theme=dark"})));
  HttpResponse dead =
      wiki.Get("/Shared", {"Cookie: theme=dark; wikid_session=gone"});
  BOOST_TEST(dead.status == 200);
  BOOST_TEST(!FromNginx(dead));
  BOOST_TEST(dead.body.find("Log in") != std::string::npos);
}

BOOST_FIXTURE_TEST_CASE(
    every_spelling_of_an_odd_name_is_current_or_reaches_wikid, OnSharedWiki) {
  // Spaces, underscores, a letter outside ASCII and a percent sign:
  // "Café 100% sure now".
  const std::string name = "Caf%C3%A9_100%25_sure_now";
  const std::vector<std::string> spellings = {
      "/Caf%C3%A9_100%25_sure_now",        // the canonical URL wikid links to
      "/Caf%c3%a9_100%25_sure_now",        // lower-case hex: the same $uri
      "/Caf%C3%A9%20100%25%20sure%20now",  // spaces
      "/Caf%C3%A9_100%25_sure%5Fnow",      // an encoded underscore
      "/Caf\xc3\xa9_100%25_sure_now",      // raw UTF-8
      "/Caf%C3%A9__100%25_sure_now",       // two underscores: one space
      "/Cafe%CC%81_100%25_sure_now",       // decomposed: NFC makes it the same
  };
  int fast_views = 0;
  for (int rev = 1; rev <= 3; ++rev) {
    BOOST_REQUIRE(
        wiki.Save(name, rev - 1, "text of revision " + std::to_string(rev))
            .status == 303);
    for (int round = 0; round < 3; ++round) {
      for (const std::string& path : spellings) {
        HttpResponse r = wiki.Get(path);
        BOOST_TEST(r.status == 200, path);
        BOOST_TEST(ShownRevision(r) == rev, path << " round " << round);
        if (FromNginx(r)) {
          ++fast_views;
          BOOST_TEST(r.body.find(" revision " + std::to_string(rev) + " -->") !=
                     std::string::npos);
        }
      }
    }
  }
  BOOST_TEST(fast_views > 0);
  BOOST_TEST(FromNginx(wiki.Get(spellings[0])));

  // A name whose key would pass memcached's 250 bytes (a '%' is three
  // bytes in the key) is always wikid's.
  std::string long_path = "/" + std::string(40, 'L');
  for (int i = 0; i < 70; ++i) long_path += "%25";
  BOOST_REQUIRE(wiki.Save(long_path.substr(1), 0, "long").status == 303);
  for (int i = 0; i < 4; ++i) {
    HttpResponse r = wiki.Get(long_path);
    BOOST_TEST(r.status == 200);
    BOOST_TEST(!FromNginx(r));
  }
  // Non-ASCII letters are one byte each in the key: 66 of three bytes
  // (198 of the 200 a name may have) still fit.
  std::string wide_path = "/";
  for (int i = 0; i < 66; ++i) wide_path += "%E2%82%AC";
  BOOST_REQUIRE(wiki.Save(wide_path.substr(1), 0, "wide").status == 303);
  BOOST_TEST(FromNginx(wiki.ViewUntilFast(wide_path)));
}

BOOST_FIXTURE_TEST_CASE(a_new_page_turns_its_links_blue_on_the_fast_path,
                        OnSharedWiki) {
  BOOST_REQUIRE(wiki.Save("Linker", 0, "see [[Linked Later]]").status == 303);
  HttpResponse before = wiki.ViewUntilFast("/Linker");
  BOOST_REQUIRE(FromNginx(before));
  BOOST_TEST(before.body.find("href=\"/_edit/Linked_Later\"") !=
             std::string::npos);
  BOOST_REQUIRE(wiki.Save("Linked_Later", 0, "now it exists").status == 303);
  HttpResponse after = wiki.Get("/Linker");
  BOOST_TEST(after.body.find("href=\"/_edit/Linked_Later\"") ==
             std::string::npos);
  BOOST_TEST(after.body.find("href=\"/Linked_Later\"") != std::string::npos);
}

// wikid's own guards, with nginx's out of the way: requests straight to
// its socket that say "nginx missed" but are not what every anonymous
// reader of that URL gets must never become the entry.
BOOST_FIXTURE_TEST_CASE(only_a_plain_anonymous_view_of_the_exact_url_is_filled,
                        OnSharedWiki) {
  BOOST_REQUIRE(wiki.Save("Guarded_Page", 0, "guarded page").status == 303);
  Memcache cache(PatientCacheOptions({wiki.memcached().address()}));
  auto entry = [&] {
    CacheItem item;
    return cache.Get("fast:" + wiki.ServingGeneration() + ":/Guarded_Page",
                     &item) == CacheStatus::kOk
               ? item.value
               : "";
  };
  auto ask = [&](const std::string& method, const std::string& uri,
                 const std::string& cookie) {
    std::map<std::string, std::string> params = {
        {"REQUEST_METHOD", method},   {"REQUEST_URI", uri},
        {"SCRIPT_NAME", ""},          {"SERVER_PROTOCOL", "HTTP/1.1"},
        {"REMOTE_ADDR", "127.0.0.1"}, {"WIKID_FAST_PATH", "miss"}};
    if (!cookie.empty()) params["HTTP_COOKIE"] = cookie;
    return FastCgiExchange(wiki.socket_path(), FastCgiRequest(params, ""));
  };
  std::string session =
      "wikid_session=" + wiki.Editor().Cookie("wikid_session");
  for (const auto& [method, uri, cookie] :
       std::vector<std::tuple<std::string, std::string, std::string>>{
           {"GET", "/Guarded_Page", session},   // logged in
           {"GET", "/Guarded_Page?rev=1", ""},  // a query
           {"GET", "/Guarded_Page?merged=1", ""},
           {"GET", "/Guarded%20Page", ""},  // other spellings of its name
           {"GET", "/Guarded__Page", ""},
           {"POST", "/Guarded_Page", ""}}) {
    std::string reply = ask(method, uri, cookie);
    BOOST_TEST(!reply.empty(), method << " " << uri);
    BOOST_TEST(entry() == "", method << " " << uri << " filled the entry");
  }
  // The logged-in reply really was the editor's own page.
  BOOST_TEST(ask("GET", "/Guarded_Page", session).find("/_user/Tester") !=
             std::string::npos);
  // And the plain anonymous view is what fills it.
  std::string plain = ask("GET", "/Guarded_Page", "");
  BOOST_TEST(plain.find("Status: 200") != std::string::npos);
  BOOST_TEST(entry().starts_with("<!-- wikid fast path: key wikid:fast:" +
                                 wiki.ServingGeneration() +
                                 ":/Guarded_Page revision 1"));
}

BOOST_FIXTURE_TEST_CASE(
    the_front_page_and_protection_change_at_once_on_the_fast_path, OnSharedWiki) {
  BOOST_REQUIRE(wiki.Save("Main_Page", 0, "welcome").status == 303);
  BOOST_REQUIRE(FromNginx(wiki.ViewUntilFast("/")));
  // A save of another page changes the front page's list of changes.
  BOOST_REQUIRE(wiki.Save("Elsewhere", 0, "another page").status == 303);
  HttpResponse front = wiki.Get("/");
  BOOST_TEST(front.status == 200);
  BOOST_TEST(front.body.find(">Elsewhere</a>") != std::string::npos);
  BOOST_TEST(FromNginx(wiki.ViewUntilFast("/")));
  // Protecting a page changes its view.
  BOOST_REQUIRE(FromNginx(wiki.ViewUntilFast("/Elsewhere")));
  wiki.CreateUser("Protector", "protector-password", /*admin=*/true);
  Browser admin(wiki);
  BOOST_REQUIRE(admin.LogIn("Protector", "protector-password").status == 303);
  BOOST_REQUIRE(admin.Post("/_protect/Elsewhere", {{"protect", "1"}}).status ==
                303);
  HttpResponse page = wiki.Get("/Elsewhere");
  BOOST_TEST(page.body.find("Protected: only admins") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_FIXTURE_TEST_CASE(
    a_worker_killed_suspends_the_fast_path_until_a_new_generation, Wiki) {
  BOOST_REQUIRE(wiki.Save("Survivor", 0, "still here").status == 303);
  BOOST_REQUIRE(FromNginx(wiki.ViewUntilFast("/Survivor")));
  const std::string before = wiki.ServingGeneration();
  const pid_t killed = wiki.WorkerPids().front();
  kill(killed, SIGKILL);
  HttpResponse meanwhile = wiki.Get("/Survivor");
  BOOST_TEST(meanwhile.status == 200);
  // The master turns the switch off at once (the dead worker may have
  // committed a save without deleting its entry), saying why...
  const std::string suspended =
      "fast path suspended: worker " + std::to_string(killed) + " died";
  BOOST_REQUIRE(WaitUntil(
      [&] { return wiki.WikidLog().find(suspended) != std::string::npos; },
      60s));
  // ...and a worker turns it on in a new generation. "off" lasts only
  // until a worker next looks, which may well be before this test does,
  // so the end is what is waited for: the master logs under the lock a
  // restoration takes, so every generation the switch shows from here on
  // was started after that suspension (one started before it, after a
  // doubt of a loaded machine's, is no longer shown).
  BOOST_REQUIRE(wiki.WaitForFastPath(60s, before));
  BOOST_TEST(FromNginx(wiki.ViewUntilFast("/Survivor")));
}

// A worker killed after an edit committed and before it deleted the
// page's entry: the master suspends the fast path, and once it is back,
// what does nginx serve? The entry of the old revision is still in
// memcached, under the generation nginx read before.
struct AfterLostDelete {
  int shown = 0;            // the revision an anonymous view shows
  bool from_nginx = false;  // ...answered by nginx
  bool old_entry_kept = false;
};

AfterLostDelete KillBetweenCommitAndDelete(TestWikiOptions options) {
  options.env["WIKID_FAILPOINTS"] = "edit_before_invalidate=30000";
  // Without the mark before the commit, whose delete would take the entry
  // away already: it stays, as a delete memcached lost would leave it.
  options.env["WIKID_UNSAFE_NO_IN_FLIGHT"] = "1";
  TestWiki wiki{options};
  BOOST_REQUIRE(wiki.WaitForFastPath(10s));
  BOOST_REQUIRE(wiki.Save("Kept", 0, "first text").status == 303);
  BOOST_REQUIRE(FromNginx(wiki.ViewUntilFast("/Kept")));
  // The generation the entry is in.
  const std::string before = wiki.ServingGeneration();
  BOOST_REQUIRE(!before.empty());
  std::thread edit([&] { wiki.Save("Kept", 1, "second text"); });  // never answered
  auto deadline = std::chrono::steady_clock::now() + 20s;
  while (wiki.Scalar("SELECT latest_rev FROM page WHERE name = 'Kept'") != 2 &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(10ms);  // a poll, under the deadline above
  }
  BOOST_REQUIRE(wiki.Scalar("SELECT latest_rev FROM page WHERE name = 'Kept'") == 2);
  for (pid_t pid : wiki.WorkerPids()) kill(pid, SIGKILL);
  edit.join();
  // Suspended by the master, then restored by a new worker: the second
  // "serving" in the log.
  auto restored = [&] {
    std::string log = wiki.WikidLog();
    size_t first = log.find("fast path serving");
    return first != std::string::npos &&
           log.find("fast path serving", first + 1) != std::string::npos;
  };
  deadline = std::chrono::steady_clock::now() + 10s;
  while (!restored() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(10ms);  // a poll, under the deadline above
  }
  BOOST_REQUIRE(restored());
  BOOST_REQUIRE(wiki.WaitForFastPath(10s));

  AfterLostDelete after;
  Memcache cache(PatientCacheOptions({wiki.memcached().address()}));
  CacheItem item;
  after.old_entry_kept =
      cache.Get("fast:" + before + ":/Kept", &item) == CacheStatus::kOk &&
      item.value.find(" revision 1 -->") != std::string::npos;
  HttpResponse view = wiki.Get("/Kept");
  after.shown = ShownRevision(view);
  after.from_nginx = FromNginx(view);
  return after;
}

// Issue 16: a page's first view in a while (here, after a restart, which
// forgets what was viewed) reads SQLite, renders and fills nothing, so on
// a memcached too small for the wiki it evicts nothing; its second view
// fills, and nginx serves the third. The control, --cache-admission
// first-view, fills on the first view; third-view on the third. On a busy
// host (--cache-shed-cpu 0: always) only a hot page fills, from its
// kHotViews-th view lately, and a page whose views a save stored is looked up
// from its first. Each on the same stack, restarted with those options,
// for a page of its own.
BOOST_AUTO_TEST_CASE(a_first_view_fills_nothing_and_the_second_fills) {
  TestWiki wiki(FastPathOptions());
  BOOST_REQUIRE(wiki.WaitForFastPath(10s));
  struct Policy {
    std::vector<std::string> options;  // none: the default
    std::string name;                  // its page's
    int fills_on;                      // the view that fills
  };
  const int hot = static_cast<int>(ViewAdmission::kHotViews);
  for (const Policy& policy :
       {Policy{{}, "Cold_Page", 2}, Policy{{"--cache-admission", "first-view"}, "Cold_Control", 1},
        Policy{{"--cache-admission", "third-view"}, "Cold_Third", 3},
        Policy{{"--cache-shed-cpu", "0"}, "Cold_Busy", hot}}) {
    BOOST_TEST_CONTEXT("page " << policy.name) {
      const std::string path = "/" + policy.name;
      std::string title = policy.name;
      std::replace(title.begin(), title.end(), '_', ' ');
      BOOST_REQUIRE(wiki.Save(policy.name, 0, "Read **rarely**.").status == 303);
      const std::string before = wiki.ServingGeneration();
      BOOST_REQUIRE(wiki.StopWikid(10s) == 0);
      // The page's version number, which a view reads (and makes, when
      // memcached holds none) before it may use a cache: gone, as for a
      // page no one viewed since memcached started.
      Memcache probe(PatientCacheOptions({wiki.memcached().address()}));
      probe.Delete(Versions::PageKey(title));
      auto number_made = [&] {
        CacheItem item;
        return probe.Get(Versions::PageKey(title), &item) == CacheStatus::kOk;
      };
      wiki.StartWikid(policy.options);
      BOOST_REQUIRE(wiki.WaitForFastPath(10s, before));
      for (int view = 1; view <= policy.fills_on + 1; ++view) {
        HttpResponse r = wiki.Get(path);
        BOOST_TEST(r.status == 200);
        BOOST_TEST(ShownRevision(r) == 1);
        if (view == 1) BOOST_TEST(r.Header("x-cache") == "miss");
        // Nginx serves the view after the one that filled...
        BOOST_TEST(FromNginx(r) == (view > policy.fills_on), "view " << view);
        // ...and a view before that one asks memcached nothing about the
        // page: it reads no number, so it makes none.
        BOOST_TEST(number_made() == (view >= policy.fills_on), "view " << view);
      }
      if (policy.name != "Cold_Busy") continue;
      // A save stores its page's views: even on a busy host its first view
      // after it looks for them, and finds them.
      BOOST_REQUIRE(wiki.Save("Busy_Saved", 0, "Saved on a busy host.").status == 303);
      HttpResponse saved = wiki.Get("/Busy_Saved");
      BOOST_TEST(saved.status == 200);
      BOOST_TEST(saved.Header("x-cache") != "miss");
    }
  }
}

// Two hosts (two wikids, each with its own nginx and switch) on one
// database and one memcached (issue 17) serve one generation of entries:
// a page filled through one host's nginx is served by the other's (once
// the other's wikid has seen it there); a save on one host whose delete
// memcached cannot confirm is answered only once the other host's nginx
// is switched off; and the generation that follows serves on both.
BOOST_AUTO_TEST_CASE(every_hosts_nginx_follows_one_shared_state) {
  MemcachedServer memcached;
  TestDatabase shared;
  auto host = [&] {
    return TestWikiOptions{.workers = 2,
                           .memcached_address = memcached.address(),
                           .database_url = shared.url(),
                           .fast_path = true};
  };
  TestWiki a{host()};
  TestWiki b{host()};
  // Both switches at one generation, other than `old`.
  auto agreed = [&](const std::string& old) {
    auto deadline = std::chrono::steady_clock::now() + 10s;
    while (std::chrono::steady_clock::now() < deadline) {
      const std::string on_a = a.FastPathSwitch();
      if (on_a.size() == 16 && on_a != old && on_a == b.FastPathSwitch()) return true;
      std::this_thread::sleep_for(10ms);  // a poll, under the deadline above
    }
    return false;
  };
  BOOST_REQUIRE(agreed(""));
  BOOST_REQUIRE(a.Save("Shared_Page", 0, "first").status == 303);
  BOOST_REQUIRE(FromNginx(a.ViewUntilFast("/Shared_Page")));
  // B's nginx looks up only what B's wikid has marked (fast_path.h,
  // "Markers"): the entry A's worker filled is there, but B's first views
  // go to B's wikid (the first, as a page's first view in a while, asks
  // memcached nothing), which finds it there and marks it; then B's nginx
  // serves it.
  HttpResponse from_b = b.Get("/Shared_Page");
  BOOST_TEST(!FromNginx(from_b));
  BOOST_TEST(ShownRevision(from_b) == 1);
  BOOST_TEST(!FromNginx(b.Get("/Shared_Page")));
  from_b = b.Get("/Shared_Page");
  BOOST_TEST(FromNginx(from_b));  // the entry A's worker filled
  BOOST_TEST(ShownRevision(from_b) == 1);

  const std::string before = a.ServingGeneration();
  Browser writer(b);
  BOOST_REQUIRE(writer.SignUp("Writer", "writer-password").status == 303);
  // Killed: every call fails at once, so nothing but the wait for the
  // other hosts delays the answer.
  memcached.Stop();
  HttpResponse saved = writer.Save("Shared_Page", 1, "second");
  // Answered only once A's nginx no longer reads the old generation.
  const std::string a_when_answered = a.FastPathSwitch();
  memcached.Start();
  BOOST_TEST(saved.status == 303);
  BOOST_TEST(a_when_answered == "off");
  BOOST_TEST(b.WikidLog().find("fast path suspended: memcached did not") !=
             std::string::npos);
  BOOST_REQUIRE(agreed(before));
  BOOST_TEST(ShownRevision(b.Get("/Shared_Page")) == 2);
}

BOOST_AUTO_TEST_CASE(a_restored_fast_path_never_serves_an_older_generation) {
  AfterLostDelete after = KillBetweenCommitAndDelete(FastPathOptions());
  BOOST_TEST(after.old_entry_kept);  // nothing deleted it...
  BOOST_TEST(!after.from_nginx);     // ...and nginx never read it again
  // wikid's own views: the killed worker never moved the page's number,
  // but the master asked the workers to move the numbers every view's
  // stamp holds, so the view cached in memcached before the commit is not
  // served either.
  BOOST_TEST(after.shown == 2);
}

BOOST_AUTO_TEST_CASE(restoring_in_the_same_generation_would_serve_a_stale_view) {
  // The control: a restoration that neither deletes nor moves to a new
  // generation leaves nginx serving the revision the lost delete was for,
  // and the same check sees it.
  TestWikiOptions options = FastPathOptions();
  options.env["WIKID_UNSAFE_FAST_GENERATION"] = "1";
  AfterLostDelete after = KillBetweenCommitAndDelete(options);
  BOOST_TEST(after.old_entry_kept);
  BOOST_TEST(after.shown == 1);
  BOOST_TEST(after.from_nginx);
}

struct Race {
  int acknowledged = 0;
  int reads = 0;
  int from_nginx = 0;
  int stale = 0;   // a view older than a save acknowledged before it began
  int failed = 0;  // non-200 answers
};

// C1 on the fast path: a writer saves the front page in a loop; anonymous
// readers view it as "/" and as "/Main_Page". Every cache fill is delayed
// 300 ms after its read, so a fill that is not checked lands after the
// save it missed. `disturb` runs beside them (flushes, kills...). After
// the last save the readers go on until `enough` says so (it is asked
// about the counts so far), for at most two minutes: how much a reader
// gets done in a given time is the machine's business, not the test's.
//
// Each reader pauses kReadSpacing between views. What the checker needs is
// views around every save, not as many as the machine can serve: each
// save deletes the page's entries, the next view misses and starts a
// (delayed) fill, so a race per save whatever the rate; and a stale entry
// would be served until the next save's delete, 100 ms or more later,
// where each page's two readers look every few tens of ms at most.
// Unpaced, they made some 5,000 views a run, most of the case's CPU time.
constexpr auto kReadSpacing = 20ms;

Race RunRace(TestWiki& wiki, int saves,
             const std::function<void(std::atomic<bool>&)>& disturb,
             const std::function<bool(const Race&)>& enough) {
  auto save = [&](int base) {
    return wiki.Save("Main_Page", base,
                     "front page revision " + std::to_string(base + 1));
  };
  BOOST_REQUIRE(save(0).status == 303);
  std::atomic<int> acknowledged = 1;
  std::atomic<bool> done = false;
  std::atomic<int> reads = 0, from_nginx = 0, stale = 0, failed = 0;
  std::vector<std::thread> threads;
  for (int r = 0; r < 4; ++r) {
    threads.emplace_back([&, r] {
      const std::string path = r % 2 == 0 ? "/" : "/Main_Page";
      // A pace, not a wait for anything: how fast the readers go only
      // sets how many views the race gets, and the case ends on
      // `enough`, a condition on the counts, however slow the machine.
      for (; !done; std::this_thread::sleep_for(kReadSpacing)) {
        int before = acknowledged.load();
        HttpResponse page = wiki.Get(path);
        int rev = ShownRevision(page);
        if (rev == 0) {
          ++failed;
          BOOST_TEST_MESSAGE("failed read: " << page.status << " "
                                             << page.body.substr(0, 200));
          continue;
        }
        ++reads;
        if (FromNginx(page)) ++from_nginx;
        if (rev < before) ++stale;
      }
    });
  }
  threads.emplace_back([&] { disturb(done); });
  for (int base = 1; base <= saves; ++base) {
    if (save(base).status == 303) acknowledged = base + 1;
    std::this_thread::sleep_for(100ms);  // spacing, not a wait for anything
  }
  auto so_far = [&] {
    return Race{acknowledged, reads, from_nginx, stale, failed};
  };
  BOOST_TEST(WaitUntil([&] { return enough(so_far()); }, 120s));
  done = true;
  for (auto& t : threads) t.join();
  return so_far();
}

void Nothing(std::atomic<bool>&) {}

BOOST_AUTO_TEST_CASE(after_an_acknowledged_save_nginx_serves_nothing_older) {
  TestWikiOptions options = FastPathOptions();
  options.env["WIKID_FAILPOINTS"] = "render_before_cache_fill=300";
  TestWiki wiki{options};
  BOOST_REQUIRE(wiki.WaitForFastPath(10s));
  // Enough nginx answers to show the fast path served during the race.
  Race race = RunRace(wiki, 30, Nothing,
                      [](const Race& r) { return r.from_nginx > 100; });
  BOOST_TEST_MESSAGE("checked fill: " << race.reads << " reads, "
                                      << race.from_nginx << " from nginx, "
                                      << race.stale << " stale");
  BOOST_TEST(race.acknowledged == 31);
  BOOST_TEST(race.failed == 0);
  BOOST_TEST(race.stale == 0);
  BOOST_TEST(race.from_nginx > 100);
}

// The race above, arranged instead of awaited: a view that read a page
// before a save, held by the failpoint between its read and its fill
// until the save is acknowledged. What does a view begun after the save
// show? (The race's checker: stale if older than the acknowledged save.)
struct Straddle {
  bool arranged = false;  // it happened as described (else: see the log)
  int acknowledged = 0;   // the save acknowledged while the view was held
  int held_view = 0;      // the revision the held view showed
  int shown = 0;          // the revision a view begun after that shows
  bool from_nginx = false;
};

// How long the failpoint holds a view at most: far longer than a save
// takes even on a loaded machine. An attempt whose save took longer
// proves nothing (the fill may have come first) and is made again. The
// test lets the view go as soon as the save is acknowledged, so the
// hold costs no time of its own (HeldFailpoints, tests/support/test_wiki.h).
constexpr auto kHold = 30s;
constexpr char kFill[] = "render_before_cache_fill";

Straddle StraddleASave(TestWikiOptions options) {
  HeldFailpoints holds;
  holds.Release(kFill);  // only the views the attempts hold below
  options.env.merge(holds.Env(
      kFill, static_cast<int>(std::chrono::milliseconds(kHold).count())));
  TestWiki wiki{options};
  BOOST_REQUIRE(wiki.WaitForFastPath(60s));
  const std::string held = "failpoint render_before_cache_fill: holding";
  int rev = 0;
  auto save = [&] {
    BOOST_REQUIRE(wiki.Save("Straddled", rev, "revision " + std::to_string(rev + 1))
                      .status == 303);
    ++rev;
  };
  Straddle straddle;
  for (int attempt = 0; attempt < 3 && !straddle.arranged; ++attempt) {
    // Its entry is deleted (and nothing views it again before the held
    // view); its views are stored for wikid...
    save();
    // ...and made stale by a new page, which moves every page's links
    // counter: the next view of Straddled, on any worker, finds none of
    // wikid's copies current and reads SQLite, where the failpoint holds
    // it, with what it read, until its fill.
    BOOST_REQUIRE(wiki.Save("New_Page_" + std::to_string(attempt), 0, "new").status ==
                  303);
    const std::string generation = wiki.ServingGeneration();
    holds.Rearm(kFill);
    const auto began = std::chrono::steady_clock::now();
    TestWiki::HeldView view = wiki.StartHeldView("/Straddled", held);
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
    HttpResponse after = wiki.Get("/Straddled");
    // The fast path served one generation throughout (a restoration always
    // starts a new one): a loaded machine's suspension in between would
    // hide an unchecked fill.
    const bool one_generation = wiki.ServingGeneration() == generation;
    BOOST_TEST_MESSAGE("attempt " << attempt << ": held view " << held_view
                                  << ", acknowledged " << acknowledged << " in time "
                                  << in_time << ", one generation " << one_generation);
    if (!in_time || !one_generation || held_view != acknowledged - 1) continue;
    straddle = Straddle{.arranged = true,
                        .acknowledged = acknowledged,
                        .held_view = held_view,
                        .shown = ShownRevision(after),
                        .from_nginx = FromNginx(after)};
  }
  return straddle;
}

BOOST_AUTO_TEST_CASE(a_fill_held_across_a_save_is_refused) {
  Straddle straddle = StraddleASave(FastPathOptions());
  BOOST_REQUIRE(straddle.arranged);
  BOOST_TEST(straddle.shown == straddle.acknowledged);
}

BOOST_AUTO_TEST_CASE(the_unchecked_fill_is_caught_by_the_same_checker) {
  // The control: fills made with a plain set and no check (the design
  // model/cache/fast_path.h replaces) leave nginx serving views older than
  // acknowledged saves, and the race's checker sees them: the held view's
  // fill lands after the save's delete, every time.
  TestWikiOptions options = FastPathOptions();
  options.env["WIKID_UNSAFE_FAST_FILL"] = "1";
  Straddle straddle = StraddleASave(options);
  BOOST_REQUIRE(straddle.arranged);
  BOOST_TEST(straddle.shown < straddle.acknowledged);  // stale...
  BOOST_TEST(straddle.shown == straddle.held_view);    // ...the held view's
  BOOST_TEST(straddle.from_nginx);
}

BOOST_AUTO_TEST_CASE(
    memcached_flushed_frozen_and_killed_under_load_costs_no_view) {
  // The products' waits for memcached (50 ms in wikid, 30 ms in nginx):
  // what a frozen server costs a reader is what this test bounds.
  TestWikiOptions options = FastPathOptions();
  options.memcached_timeout_ms = 50;
  options.nginx_memcached_timeout_ms = 30;
  TestWiki wiki{options};
  BOOST_REQUIRE(wiki.WaitForFastPath(10s));
  std::atomic<int> slow = 0;
  std::atomic<bool> disturbed = false;
  Race race = RunRace(wiki, 40, [&](std::atomic<bool>& done) {
    Memcache flusher(PatientCacheOptions({wiki.memcached().address()}));
    auto pause = [&](auto duration) {
      for (auto until = std::chrono::steady_clock::now() + duration;
           !done && std::chrono::steady_clock::now() < until;) {
        std::this_thread::sleep_for(10ms);
      }
    };
    pause(500ms);
    for (int i = 0; i < 3 && !done; ++i) {  // M6: flushed
      flusher.FlushAll();
      pause(200ms);
    }
    wiki.memcached().Pause();  // M2: hung
    auto frozen_at = std::chrono::steady_clock::now();
    for (int i = 0; i < 10; ++i) {
      // Answered while memcached is still frozen: wikid gave up waiting
      // for it (its 50 ms timeouts, then its breaker) and read SQLite.
      // What each view costs on a loaded machine is the machine's; the
      // bound only catches a view that waited on memcached for good (a
      // view that waits past curl's 30 s fails as a non-200 anyway).
      auto start = std::chrono::steady_clock::now();
      HttpResponse r = wiki.Get("/");
      if (r.status != 200 || std::chrono::steady_clock::now() - start > 15s)
        ++slow;
    }
    pause(1500ms - (std::chrono::steady_clock::now() - frozen_at));
    wiki.memcached().Resume();
    pause(1s);
    wiki.memcached().Stop();  // M1: killed
    pause(1s);
    wiki.memcached().Start();  // M3: back, empty
    disturbed = true;
  }, [&](const Race&) { return disturbed.load(); });  // readers throughout
  BOOST_TEST_MESSAGE("disturbed: " << race.reads << " reads, "
                                   << race.from_nginx << " from nginx, "
                                   << race.stale << " stale");
  BOOST_TEST(race.acknowledged == 41);
  BOOST_TEST(race.failed == 0);
  BOOST_TEST(race.stale == 0);
  BOOST_TEST(slow == 0);  // a frozen memcached stopped no view
  // Once memcached is back, the fast path comes back by itself.
  BOOST_REQUIRE(wiki.WaitForFastPath(60s));
  HttpResponse back = wiki.ViewUntilFast("/Main_Page");
  BOOST_TEST(FromNginx(back));
  BOOST_TEST(ShownRevision(back) == 41);
}

}  // namespace
}  // namespace wikid::testing
