// Issue 23's hostile inputs, through nginx: text that cmark-gfm cannot
// parse in bounded time is refused within the render budget with the text
// kept, the worker that tried is replaced without distrusting the caches,
// and the inputs our own [[link]] scan made quadratic save normally.
#define BOOST_TEST_MODULE hardening_http
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <future>
#include <string>
#include <thread>

#include "tests/support/test_wiki.h"

namespace wikid::testing {
namespace {

using namespace std::chrono_literals;

std::string Repeat(std::string_view unit, size_t bytes) {
  std::string out;
  while (out.size() < bytes) out += unit;
  return out;
}

bool Contains(const HttpResponse& r, std::string_view needle) {
  return r.body.find(needle) != std::string::npos;
}

bool IsWorker(const TestWiki& wiki, pid_t pid) {
  auto pids = wiki.WorkerPids();
  return std::find(pids.begin(), pids.end(), pid) != pids.end();
}

// cmark-gfm 0.29.0.gfm.6 is quadratic in each of these (issue 23's
// report, and views/markup/markdown.h): measured here at 4 s, 8 s and 4 s, over
// ten times the 300 ms budget below, at a fraction of the page limit.
const std::pair<const char*, std::string> kOverBudget[] = {
    {"images in brackets", Repeat("![[]()", 250 << 10)},
    {"autolinks", Repeat("www.a_", 128 << 10)},
    {"a table 30,000 columns wide",
     Repeat("|a", 60000) + "\n" + Repeat("|-", 60000) + "\n" + Repeat("|b", 60000) + "\n"},
};

BOOST_AUTO_TEST_CASE(text_past_the_render_budget_is_refused_and_kept) {
  TestWiki wiki{TestWikiOptions{.memcached = true,
                                .fast_path = true,
                                .extra_args = {"--render-budget-ms", "300"}}};
  BOOST_REQUIRE(wiki.Save("Home", 0, "home").status == 303);
  BOOST_REQUIRE(wiki.WaitForFastPath(30s));
  const std::string generation = wiki.ServingGeneration();
  for (const auto& [what, body] : kOverBudget) {
    BOOST_TEST_CONTEXT(what) {
      const std::string text = "first line stays\n\n" + body;
      for (const char* action : {"preview", "save"}) {
        HttpResponse r = wiki.Post("/_edit/Hostile",
                                   {{"text", text}, {"base_rev", "0"}, {"action", action}});
        BOOST_TEST(r.status == 422, action << " " << r.status << " " << r.body.substr(0, 300));
        BOOST_TEST(Contains(r, "needs too long to render"), action);
        BOOST_TEST((TextareaText(r.body) == text), action);
        // The worker whose rendering still runs is replaced, and the
        // caches stay trusted: no fast-path suspension.
        pid_t worker = std::stoi(r.Header("x-wikid-worker"));
        BOOST_TEST(wiki.WaitForReplacement(worker, 2), action);
      }
      BOOST_TEST(wiki.Get("/Hostile").status == 404);
    }
  }
  BOOST_TEST(wiki.ServingGeneration() == generation);
  BOOST_TEST(wiki.WikidLog().find("asked to be replaced") != std::string::npos);
  BOOST_TEST(wiki.WikidLog().find("died") == std::string::npos, wiki.WikidLog());
  // The JSON API says the same, as JSON.
  HttpResponse made = wiki.Editor().Post("/_user/Tester/_tokens",
                                         {{"action", "issue"}, {"label", "bot"}});
  size_t at = made.body.find("<code class=\"token\">");
  BOOST_REQUIRE(at != std::string::npos);
  HttpResponse api = wiki.Request(
      "PUT", "/_api/page/Hostile",
      "{\"text\": \"" + Repeat("www.a_", 128 << 10) + "\"}",
      {"Content-Type: application/json", "If-None-Match: *",
       "Authorization: Bearer " + made.body.substr(at + 20, 43)});
  BOOST_TEST(api.status == 422, api.body.substr(0, 200));
  BOOST_TEST(api.Header("content-type") == "application/json; charset=utf-8");
}

// A revision saved before saves were bounded (written here straight into
// the database) shows a notice instead of its text, and the notice is kept
// like any rendering: the next view neither renders nor replaces a worker.
BOOST_AUTO_TEST_CASE(an_old_revision_past_the_budget_shows_a_notice) {
  TestWiki wiki{TestWikiOptions{.memcached = true,
                                .extra_args = {"--render-budget-ms", "300"}}};
  BOOST_REQUIRE(wiki.Save("Old", 0, "harmless then").status == 303);
  BOOST_REQUIRE(wiki.StopWikid(30s) == 0);
  // "www.a_" 30,000 times: 3 s for cmark-gfm 0.29.0.gfm.6.
  if (wiki.engine() == Engine::kSqlite) {
    wiki.Exec("UPDATE revision SET text = replace(hex(zeroblob(30000)), '00', 'www.a_')");
    // The search index reads texts through a view (schema 16): it must be
    // told of a text changed behind its back.
    wiki.Exec("INSERT INTO page_search (page_search) VALUES ('rebuild')");
  } else {
    // PostgreSQL's index keeps its own vectors, never rereading the text.
    wiki.Exec("UPDATE revision SET text = repeat('www.a_', 30000)");
  }
  // Its rendering from the save is gone with memcached's contents.
  wiki.memcached().Stop();
  wiki.memcached().Start();
  wiki.StartWikid();
  HttpResponse first = wiki.Get("/Old");
  BOOST_TEST(first.status == 200);
  BOOST_TEST(Contains(first, "too complex to show"));
  pid_t worker = std::stoi(first.Header("x-wikid-worker"));
  BOOST_TEST(wiki.WaitForReplacement(worker, 2));
  HttpResponse again = wiki.Get("/Old");
  BOOST_TEST(again.status == 200);
  BOOST_TEST(Contains(again, "too complex to show"));
  BOOST_TEST(again.Header("x-wikid-renders") == "0");
  BOOST_TEST(IsWorker(wiki, std::stoi(again.Header("x-wikid-worker"))));
}

// The responses nginx makes itself carry wikid's security headers and its
// error page (they carried none); wikid's own carry each header once.
BOOST_AUTO_TEST_CASE(nginx_errors_carry_the_security_headers) {
  TestWiki wiki{TestWikiOptions{.nginx_max_body = "64k",
                                .extra_args = {"--max-body-bytes", "65536",
                                               "--max-page-bytes", "60000"}}};
  BOOST_REQUIRE(wiki.Save("Home", 0, "home").status == 303);
  auto headers_once = [](const HttpResponse& r) {
    for (const char* name : {"x-content-type-options", "x-frame-options",
                             "content-security-policy", "referrer-policy"}) {
      if (r.headers.count(name) != 1) return std::string(name);
    }
    return std::string();
  };
  HttpResponse page = wiki.Get("/Home");
  BOOST_TEST(page.status == 200);
  BOOST_TEST(headers_once(page) == "");
  // Refused before any location: a NUL in the path.
  HttpResponse nul = wiki.Get("/a%00b");
  BOOST_TEST(nul.status == 400);
  BOOST_TEST(headers_once(nul) == "");
  BOOST_TEST(Contains(nul, "could not answer"));
  // A method nginx does not serve, and a static file that is not there.
  HttpResponse trace = wiki.Request("TRACE", "/Home", "", {});
  BOOST_TEST(trace.status == 405);
  BOOST_TEST(headers_once(trace) == "");
  HttpResponse missing = wiki.Get("/_static/nope.css");
  BOOST_TEST(missing.status == 404);
  BOOST_TEST(headers_once(missing) == "");
  // A body past nginx's limit: refused by nginx before wikid reads it.
  HttpResponse big = wiki.PostRaw("/_edit/Big", "text=" + std::string(100000, 'b'),
                                  "application/x-www-form-urlencoded");
  BOOST_TEST(big.status == 413);
  BOOST_TEST(headers_once(big) == "");
  // wikid gone: nginx answers 502 itself.
  BOOST_REQUIRE(wiki.StopWikid(30s) == 0);
  HttpResponse down = wiki.Get("/Home");
  BOOST_TEST(down.status == 502);
  BOOST_TEST(headers_once(down) == "");
  BOOST_TEST(Contains(down, "could not answer"));
  HttpResponse down_edit = wiki.Get("/_edit/Home");
  BOOST_TEST(down_edit.status == 502);
  BOOST_TEST(headers_once(down_edit) == "");
}

// The default options, for the cases below, which ask for nothing else
// (their own pages; no budget, no stopped process): one wiki for them all.
TestWikiOptions Plain() { return TestWikiOptions{}; }

BOOST_AUTO_TEST_SUITE(default_options, *boost::unit_test::fixture<SuiteWiki<Plain>>())

// Issue 23's inputs that were slow in wikid's own [[link]] scan (13 s,
// 5 s and 17 s then) save, show and preview at the default budget.
BOOST_AUTO_TEST_CASE(what_was_quadratic_in_our_link_scan_saves) {
  TestWiki& wiki = *SuiteWiki<Plain>::wiki;
  const std::pair<const char*, std::string> inputs[] = {
      {"Closers", Repeat("]]", 256 << 10)},
      {"Opened_once", "[[a" + Repeat("]]", 256 << 10)},
      {"Nested_links", Repeat("[[a ", 100 << 10) + Repeat("]] ", 100 << 10)},
  };
  for (const auto& [name, text] : inputs) {
    BOOST_TEST_CONTEXT(name) {
      HttpResponse preview = wiki.Post(std::string("/_edit/") + name,
                                       {{"text", text}, {"base_rev", "0"}, {"action", "preview"}});
      BOOST_TEST(preview.status == 200);
      BOOST_TEST(wiki.Save(name, 0, text).status == 303);
      BOOST_TEST(wiki.Get(std::string("/") + name).status == 200);
    }
  }
}

// Issue 23's search stall: one edit that saved a word 40,000 times made
// each search for it take seconds (SQLite's snippet() and highlight() are
// quadratic in a page's matches) and anyone may search. Such a page saves,
// previews and is found with the right answers; what a search shows of it
// is a bounded excerpt, not the page marked 40,000 times; and health probes
// through nginx answer all the while the searches run. (How fast: the
// benchmarks; here, what is answered.)
BOOST_AUTO_TEST_CASE(a_page_of_one_word_forty_thousand_times_is_saved_previewed_and_found) {
  TestWiki& wiki = *SuiteWiki<Plain>::wiki;
  const std::string text = Repeat("stallword ", 40000 * 10);  // 400 KB, 40,000 words
  HttpResponse preview =
      wiki.Post("/_edit/Repeated", {{"text", text}, {"base_rev", "0"}, {"action", "preview"}});
  BOOST_TEST(preview.status == 200);
  BOOST_TEST(Contains(preview, "stallword stallword"));
  BOOST_REQUIRE(wiki.Save("Repeated", 0, text).status == 303);
  BOOST_REQUIRE(wiki.Save("Other", 0, "one stallword here").status == 303);

  std::atomic<bool> searching = true;
  std::atomic<int> probes = 0, probes_ok = 0;
  std::thread prober([&] {
    do {  // at least once, however soon the searches end
      ++probes;
      probes_ok += wiki.Get("/_health").status == 200;
    } while (searching);
  });
  std::vector<std::future<HttpResponse>> searches;
  for (const char* path : {"/_search?q=stallword", "/_search?q=stall*",
                           "/_search?q=%22stallword+stallword%22", "/_api/search?q=stallword"}) {
    for (int i = 0; i < 3; ++i) {
      searches.push_back(std::async(std::launch::async, [&wiki, path] { return wiki.Get(path); }));
    }
  }
  for (auto& search : searches) {
    HttpResponse found = search.get();
    BOOST_TEST(found.status == 200);
    BOOST_TEST(Contains(found, "Repeated"));
    // An excerpt: the answer is a few KB, not the 400 KB page marked up.
    BOOST_TEST(found.body.size() < 30000u);
  }
  searching = false;
  prober.join();
  BOOST_TEST(probes_ok == probes);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace wikid::testing
