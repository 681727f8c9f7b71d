// The wiki over HTTP through a real nginx and wikid with two workers:
// what a browser does, and what a careless or hostile client does.
#define BOOST_TEST_MODULE http
#include <boost/test/unit_test.hpp>

#include <cctype>
#include <regex>
#include <string>

#include "tests/support/html_safety.h"
#include "tests/support/test_wiki.h"

namespace wikid::testing {
namespace {

// One wiki for the whole file: these tests do not disturb the processes.
TestWiki& Wiki() {
  static TestWiki wiki{TestWikiOptions{}};
  return wiki;
}

bool Contains(const HttpResponse& r, std::string_view needle) {
  return r.body.find(needle) != std::string::npos;
}

// Saves `text` on top of `base` and returns the response.
BOOST_AUTO_TEST_SUITE(pages)

BOOST_AUTO_TEST_CASE(create_edit_and_view_old_revision) {
  HttpResponse created = Wiki().Save("Http_Create", 0, "First *version*.", "new");
  BOOST_TEST(created.status == 303);
  BOOST_TEST(created.Header("location").ends_with("/Http_Create"));
  BOOST_TEST(Wiki().Save("Http_Create", 1, "Second version.").status == 303);

  HttpResponse current = Wiki().Get("/Http_Create");
  BOOST_TEST(current.status == 200);
  BOOST_TEST(Contains(current, "Second version."));
  BOOST_TEST(current.Header("content-type") == "text/html; charset=utf-8");

  HttpResponse old = Wiki().Get("/Http_Create?rev=1");
  BOOST_TEST(old.status == 200);
  BOOST_TEST(Contains(old, "First <em>version</em>."));
  BOOST_TEST(Contains(old, "old revision"));
}

BOOST_AUTO_TEST_CASE(preview_keeps_the_text_and_restore_adds_a_revision) {
  HttpResponse preview = Wiki().Post("/_edit/Http_Restore", {{"text", "draft\twith *stars*"},
                                                             {"base_rev", "0"},
                                                             {"action", "preview"}});
  BOOST_TEST(preview.status == 200);
  BOOST_TEST(Contains(preview, "<em>stars</em>"));
  BOOST_TEST(Contains(preview, ">\ndraft\twith *stars*</textarea>"));
  BOOST_TEST(Wiki().Get("/Http_Restore").status == 404);
  BOOST_REQUIRE(Wiki().Save("Http_Restore", 0, "the original").status == 303);
  BOOST_REQUIRE(Wiki().Save("Http_Restore", 1, "vandalised").status == 303);
  BOOST_TEST(Wiki().Editor().Get("/_restore/Http_Restore?rev=1").status == 200);
  HttpResponse restored =
      Wiki().Post("/_restore/Http_Restore", {{"rev", "1"}, {"base_rev", "2"}});
  BOOST_TEST(restored.status == 303);
  // Every worker shows the restored text at once.
  for (int i = 0; i < 4; ++i) BOOST_TEST(Contains(Wiki().Get("/Http_Restore"), "the original"));
  HttpResponse history = Wiki().Get("/_history/Http_Restore");
  BOOST_TEST(Contains(history, "3 revisions"));
  BOOST_TEST(Contains(history, "Restored revision 1"));
}

BOOST_AUTO_TEST_CASE(spaces_and_underscores_name_one_page) {
  BOOST_REQUIRE(Wiki().Save("Two_Words", 0, "same page").status == 303);
  HttpResponse spaced = Wiki().Get("/Two%20Words");
  BOOST_TEST(spaced.status == 200);
  BOOST_TEST(Contains(spaced, "same page"));
}

BOOST_AUTO_TEST_CASE(edit_conflict_is_409_and_keeps_the_text) {
  BOOST_REQUIRE(Wiki().Save("Http_Conflict", 0, "base").status == 303);
  BOOST_REQUIRE(Wiki().Save("Http_Conflict", 1, "theirs").status == 303);
  HttpResponse lost = Wiki().Save("Http_Conflict", 1, "mine & <only> mine");
  BOOST_TEST(lost.status == 409);
  BOOST_TEST(Contains(lost, "mine &amp; &lt;only&gt; mine</textarea>"));
  BOOST_TEST(Contains(Wiki().Get("/Http_Conflict"), "theirs"));
}

BOOST_AUTO_TEST_CASE(history_is_paginated_and_reads_only_what_it_shows) {
  for (int i = 0; i < 60; ++i) {
    BOOST_REQUIRE(Wiki().Save("Http_History", i, "v" + std::to_string(i)).status ==
                  303);
  }
  HttpResponse first = Wiki().Get("/_history/Http_History");
  BOOST_TEST(first.status == 200);
  BOOST_TEST(Contains(first, "?rev=60\""));
  BOOST_TEST(Contains(first, "?rev=11\""));
  BOOST_TEST(!Contains(first, "?rev=10\""));
  BOOST_TEST(Contains(first, "/_history/Http_History?from=10\""));
  BOOST_TEST(first.Header("x-wikid-rows") == "50");
  HttpResponse second = Wiki().Get("/_history/Http_History?from=10");
  BOOST_TEST(Contains(second, "?rev=1\""));
  BOOST_TEST(second.Header("x-wikid-rows") == "10");
}

BOOST_AUTO_TEST_CASE(a_page_view_is_at_most_one_query) {
  BOOST_REQUIRE(Wiki().Save("Http_Budget", 0, "[[Http_Create]] [[Nowhere]]").status ==
                303);
  HttpResponse r = Wiki().Get("/Http_Budget");
  BOOST_TEST(r.status == 200);
  BOOST_TEST(r.Header("x-wikid-queries") == "1");
}

BOOST_AUTO_TEST_CASE(head_answers_like_get_without_a_body) {
  BOOST_REQUIRE(Wiki().Save("Http_Head", 0, "body").status == 303);
  HttpResponse get = Wiki().Get("/Http_Head");
  HttpResponse head = Wiki().Head("/Http_Head");
  BOOST_TEST(head.status == 200);
  BOOST_TEST(head.body.empty());
  BOOST_TEST(head.Header("content-length") == get.Header("content-length"));
  BOOST_TEST(Wiki().Head("/Http_Missing_Page").status == 404);
}

BOOST_AUTO_TEST_CASE(responses_carry_the_security_headers) {
  HttpResponse r = Wiki().Get("/_pages");
  BOOST_TEST(r.Header("x-content-type-options") == "nosniff");
  std::string csp = r.Header("content-security-policy");
  BOOST_TEST(csp.find("frame-ancestors 'none'") != std::string::npos);
  BOOST_TEST(csp.find("unsafe-inline") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(static_files_come_from_nginx) {
  HttpResponse css = Wiki().Get("/_static/style.css");
  BOOST_TEST(css.status == 200);
  BOOST_TEST(css.Header("content-type") == "text/css");
  BOOST_TEST(css.Header("x-content-type-options") == "nosniff");
  BOOST_TEST(css.Header("x-wikid-worker") == "");  // wikid never saw it
  BOOST_TEST(Wiki().Get("/_static/favicon.svg").status == 200);
  BOOST_TEST(Wiki().Get("/_static/nothing.css").status == 404);
  // Pages name the stylesheet by a digest of its content, kept a year.
  std::smatch m;
  const std::string front = Wiki().Get("/_help").body;
  BOOST_REQUIRE(std::regex_search(front, m, std::regex(
      "<link rel=\"stylesheet\" href=\"(/_static/v/[0-9a-f]{16}/style\\.css)\">")));
  HttpResponse versioned = Wiki().Get(m[1]);
  BOOST_TEST(versioned.status == 200);
  BOOST_TEST(versioned.Header("content-type") == "text/css");
  BOOST_TEST(versioned.Header("cache-control") == "public, max-age=31536000, immutable");
  BOOST_TEST(versioned.Header("x-content-type-options") == "nosniff");
  BOOST_TEST(versioned.body == css.body);
  // robots.txt too: crawlers keep out of the /_ views but the readers'.
  HttpResponse robots = Wiki().Get("/robots.txt");
  BOOST_TEST(robots.status == 200);
  BOOST_TEST(robots.Header("content-type").starts_with("text/plain"));
  BOOST_TEST(robots.Header("x-wikid-worker") == "");
  BOOST_TEST(robots.body.find("\nDisallow: /_\n") != std::string::npos, robots.body);
  BOOST_TEST(robots.body.find("\nAllow: /_recent\n") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()

// The query-string form of `text`: every byte but letters and digits as %XX.
std::string EscapeForQuery(const std::string& text) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c)) {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

// X1: hostile text in every field a user controls, checked in every page
// that shows it. Nothing may come out executable.
BOOST_AUTO_TEST_CASE(xss_payloads_never_become_executable) {
  // The check itself must see an injected tag in a real page.
  BOOST_TEST(testing::PageDangers(Wiki().Get("/_pages").body) == "");
  BOOST_TEST(testing::PageDangers(Wiki().Get("/_pages").body + "<script>") != "");
  int n = 0;
  for (const std::string& payload : testing::XssPayloads()) {
    // "Xss N "' onmouseover=x", percent-encoded for the URL.
    std::string name = "Xss_" + std::to_string(n++) + "_%22%27_onmouseover%3Dx";
    auto check = [&](const std::string& path) {
      HttpResponse r = Wiki().Get(path);
      BOOST_TEST_CONTEXT(path << " with " << payload) {
        BOOST_TEST(r.status < 500);
        BOOST_TEST(testing::PageDangers(r.body) == "", r.body);
      }
    };
    HttpResponse saved = Wiki().Save(name, 0, payload, payload);
    BOOST_REQUIRE_MESSAGE(saved.status == 303, name);
    std::string url = saved.Header("location");
    if (url.find("://") != std::string::npos) {
      url = url.substr(url.find('/', url.find("://") + 3));
    }
    check(url);
    check(url + "?rev=1");
    check("/_edit" + url);
    check("/_history" + url);
    check("/_pages");
    check("/_recent");
    // The history and navigation views (issue 6).
    BOOST_REQUIRE(Wiki().Save(name, 1, payload + "\n[[" + payload + "]]", payload).status == 303);
    check("/_diff" + url);
    check("/_diff" + url + "?from=0&to=2");
    check("/_links" + url);
    check("/_wanted");
    check("/_orphans");
    check("/_search?q=" + name);
    check("/_search?q=" + EscapeForQuery(payload));
    for (const char* feed : {"/_recent.atom", "/_history%s.atom"}) {
      std::string path = feed;
      if (path.find("%s") != std::string::npos) path.replace(path.find("%s"), 2, url);
      HttpResponse atom = Wiki().Get(path);
      BOOST_TEST(atom.status == 200, path);
      BOOST_TEST(atom.Header("content-type") == "application/atom+xml; charset=utf-8");
      // XML-escaped: no tag of the payload survives as a tag.
      BOOST_TEST(atom.body.find("<script") == std::string::npos, path);
      BOOST_TEST(atom.body.find("<img") == std::string::npos, path);
      BOOST_TEST(atom.body.find("<svg") == std::string::npos, path);
      BOOST_TEST(atom.body.find("<iframe") == std::string::npos, path);
    }
    // Show changes, and a conflicting save: the payload in the diff and in
    // two textareas at once.
    HttpResponse changes = Wiki().Post("/_edit" + url, {{"text", payload + " changed"},
                                                       {"base_rev", "2"},
                                                       {"action", "changes"}});
    BOOST_TEST(changes.status == 200);
    BOOST_TEST(testing::PageDangers(changes.body) == "");
    HttpResponse conflict = Wiki().Save(name, 0, payload + " again", payload);
    BOOST_TEST(conflict.status == 409);
    BOOST_TEST(testing::PageDangers(conflict.body) == "");
  }
  // And in the query string.
  HttpResponse rev = Wiki().Get("/Xss_0?rev=%3Cscript%3Ealert(1)%3C/script%3E");
  BOOST_TEST(rev.status == 400);
  BOOST_TEST(testing::PageDangers(rev.body) == "");
}

BOOST_AUTO_TEST_SUITE(errors)

BOOST_AUTO_TEST_CASE(missing_page_is_404_with_a_link_to_create_it) {
  HttpResponse r = Wiki().Get("/Nobody_Wrote_This");
  BOOST_TEST(r.status == 404);
  BOOST_TEST(Contains(r, "href=\"/_edit/Nobody_Wrote_This\""));
}

BOOST_AUTO_TEST_CASE(wrong_method_is_405_with_allow) {
  HttpResponse r = Wiki().Post("/Some_Page", {{"a", "b"}});
  BOOST_TEST(r.status == 405);
  BOOST_TEST(r.Header("allow") == "GET, HEAD");
  BOOST_TEST(Wiki().Request("DELETE", "/Some_Page", "", {}).status == 405);
}

BOOST_AUTO_TEST_CASE(bad_names_and_encodings_are_400_with_the_rule) {
  struct Case {
    std::string path;
    std::string says;
  } cases[] = {
      {"/a//b", "//"},
      {"/_edit/_secret", "reserved"},
      {"/Caf%e9", "UTF-8"},
      {"/x?rev=%zz", "percent"},
      {"/x?rev=1&rev=2", "twice"},
      {"/bad%E2%80%AEname", "U+202E"},
      {"/a/../b", ".."},
  };
  for (const Case& c : cases) {
    BOOST_TEST_CONTEXT(c.path) {
      // Logged in, as the edit form asks a login of anyone else first.
      HttpResponse r = Wiki().Editor().Get(c.path);
      BOOST_TEST(r.status == 400);
      BOOST_TEST(Contains(r, c.says));
    }
  }
}

BOOST_AUTO_TEST_CASE(a_body_over_the_limit_is_413) {
  std::string big(3 << 20, 'x');
  HttpResponse r = Wiki().PostRaw("/_edit/Too_Big", "text=" + big,
                                  "application/x-www-form-urlencoded");
  BOOST_TEST(r.status == 413);
  BOOST_TEST(Wiki().Get("/Too_Big").status == 404);
}

BOOST_AUTO_TEST_CASE(a_page_over_the_text_limit_is_413_with_the_text_kept) {
  std::string text((1 << 20) + 1, 'y');
  HttpResponse r = Wiki().Save("Too_Long", 0, text);
  BOOST_TEST(r.status == 413);
  BOOST_TEST(Contains(r, text.substr(0, 1000)));
}

// N2: decoding is strict, and no input is answered with a 500.
BOOST_AUTO_TEST_CASE(strict_decoding_never_truncates_or_crashes) {
  BOOST_TEST(Wiki().Get("/x?rev=%00").status == 400);
  BOOST_TEST(Wiki().Get("/a%00b").status == 400);
  // '+' is a plus in a path and a space in a query.
  BOOST_REQUIRE(Wiki().Save("C++", 0, "plus").status == 303);
  BOOST_TEST(Wiki().Get("/C++").status == 200);
  BOOST_TEST(Wiki().Get("/C%2B%2B").status == 200);
  // A query string far past any sane size: refused by nginx, never a 500.
  // (nginx may answer 414 or just close the connection while curl sends.)
  HttpResponse huge = Wiki().Get("/x?q=" + std::string(10 << 20, 'q'));
  BOOST_TEST((huge.status == 0 || (huge.status >= 400 && huge.status < 500)),
             huge.status);
  BOOST_TEST(Wiki().Get("/_pages").status == 200);
}

BOOST_AUTO_TEST_CASE(a_body_that_is_not_a_form_is_400) {
  HttpResponse r =
      Wiki().PostRaw("/_edit/Json", "{\"text\": 1}", "application/json");
  BOOST_TEST(r.status == 400);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace wikid::testing
