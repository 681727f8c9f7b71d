// The router and the page handlers, in-process: Requests built by hand,
// a real SQLite file and the real templates, no socket.
#define BOOST_TEST_MODULE router
#include <boost/test/unit_test.hpp>

#include <algorithm>

#include "tests/support/wiki_fixture.h"

namespace wikid {
namespace {

using testing::WikiFixture;

BOOST_AUTO_TEST_SUITE(routes)

BOOST_AUTO_TEST_CASE(no_pattern_hides_a_later_route) {
  // For each route, a path made from its own pattern must be owned by it:
  // an earlier, broader prefix would make it unreachable.
  const auto& routes = Routes();
  for (const Route& route : routes) {
    std::string path(route.pattern);
    std::replace(path.begin(), path.end(), '*', 'x');
    for (const Route& earlier : routes) {
      std::string_view rest;
      if (MatchPattern(earlier.pattern, path, &rest)) {
        BOOST_TEST(earlier.pattern == route.pattern, path);
        break;
      }
    }
  }
}

BOOST_FIXTURE_TEST_CASE(every_post_route_refuses_a_post_without_csrf_token,
                        WikiFixture) {
  int post_routes = 0;
  for (const Route& route : Routes()) {
    if (route.method != Method::kPost) continue;
    ++post_routes;
    Request forged;
    forged.method = Method::kPost;
    forged.method_name = "POST";
    forged.path = std::string(route.pattern);
    std::replace(forged.path.begin(), forged.path.end(), '*', 'x');
    forged.client_address = "127.0.0.1";
    forged.form = {{"text", "t"}, {"base_rev", "0"}};
    BOOST_TEST(Dispatch(forged, *ctx).status == 403, route.pattern);
  }
  BOOST_TEST(post_routes >= 2);
}

BOOST_FIXTURE_TEST_CASE(operator_pages_are_for_admins_only, WikiFixture) {
  // Not logged in: off to the login form, and back here afterwards.
  Response anonymous = Get("/_admin/cache");
  BOOST_TEST(anonymous.status == 303);
  BOOST_TEST(Header(anonymous, "Location") == "/_login?next=/_admin/cache");
  LogInAs("plainuser", Role::kUser);
  BOOST_TEST(Get("/_admin/cache").status == 403);
  LogInAs("theadmin", Role::kAdmin);
  Response page = Get("/_admin/cache");
  BOOST_TEST(page.status == 200);
  BOOST_TEST(Contains(page, "No memcached is configured"));
  BOOST_TEST(Contains(page, "name=\"csrf\""));
}

BOOST_FIXTURE_TEST_CASE(wrong_method_is_405_with_allow, WikiFixture) {
  Response r = Post("/Some_Page", {});
  BOOST_TEST(r.status == 405);
  BOOST_TEST(Header(r, "Allow") == "GET, HEAD");
  r = Post("/", {});
  BOOST_TEST(r.status == 405);
  Request put;
  put.method = Method::kOther;
  put.method_name = "PUT";
  put.path = "/_edit/X";
  r = Dispatch(put, *ctx);
  BOOST_TEST(r.status == 405);
  BOOST_TEST(Header(r, "Allow") == "GET, HEAD, POST");
}

BOOST_FIXTURE_TEST_CASE(head_is_answered_like_get, WikiFixture) {
  Request head;
  head.method = Method::kHead;
  head.method_name = "HEAD";
  head.path = "/_pages";
  BOOST_TEST(Dispatch(head, *ctx).status == 200);
}

BOOST_FIXTURE_TEST_CASE(unknown_reserved_name_is_404, WikiFixture) {
  BOOST_TEST(Get("/_nothing").status == 404);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_FIXTURE_TEST_SUITE(pages, WikiFixture)

BOOST_AUTO_TEST_CASE(missing_page_is_404_offering_to_create_it) {
  Response r = Get("/New_Page");
  BOOST_TEST(r.status == 404);
  BOOST_TEST(Contains(r, "href=\"/_edit/New_Page\""));
}

BOOST_AUTO_TEST_CASE(save_redirects_and_page_shows_rendered_text) {
  Response saved = Save("Main_Page", 0, "# Hello\r\n\r\nSome *text*.");
  BOOST_TEST(saved.status == 303);
  BOOST_TEST(Header(saved, "Location") == "/Main_Page");
  Response page = Get("/");
  BOOST_TEST(page.status == 200);
  // The heading's "Edit" link opens its section of the revision shown.
  BOOST_TEST(Contains(page, "<h1 id=\"hello\">\nHello <span class=\"section-edit\"><a "
                            "href=\"/_edit/Main_Page?rev=1&amp;section=1\">Edit"));
  BOOST_TEST(Contains(page, "<em>text</em>"));
  BOOST_TEST(page.content_type == "text/html; charset=utf-8");
}

// The editing help ships with wikid (views/templates/help.md) and is
// rendered as page text is; the edit form links it.
BOOST_AUTO_TEST_CASE(the_editing_help_is_a_rendered_page_the_edit_form_links) {
  Response help = Get("/_help");
  BOOST_TEST(help.status == 200);
  BOOST_TEST(Contains(help, "<title>Editing help"));
  BOOST_TEST(Contains(help, "<nav class=\"toc\""));
  BOOST_TEST(Contains(help, "<h2 id=\"links\">"));
  // Its examples are shown as typed, not made into links.
  BOOST_TEST(Contains(help, "<code>[[Page name|the text shown]]</code>"));
  BOOST_TEST(Contains(help, "<code>[[Page name#Getting started]]</code>"));
  BOOST_TEST(Contains(help, "<table>"));
  BOOST_TEST(Contains(help, "<code>```</code>"));
  BOOST_TEST(Contains(help, "<del>struck out</del>"));
  Response form = Get("/_edit/Some_Page");
  BOOST_TEST(Contains(form, "<a href=\"/_help\" target=\"_blank\" rel=\"noopener\">"));
}

BOOST_AUTO_TEST_CASE(old_revision_is_marked_and_links_to_current) {
  BOOST_REQUIRE(Save("P", 0, "first").status == 303);
  BOOST_REQUIRE(Save("P", 1, "second").status == 303);
  Response old = Get("/P", {{"rev", "1"}});
  BOOST_TEST(old.status == 200);
  BOOST_TEST(Contains(old, "first"));
  BOOST_TEST(Contains(old, "old revision"));
  BOOST_TEST(Contains(old, "href=\"/P\""));
  BOOST_TEST(!Contains(Get("/P"), "old revision"));
  BOOST_TEST(Get("/P", {{"rev", "3"}}).status == 404);
  BOOST_TEST(Get("/P", {{"rev", "x"}}).status == 400);
  BOOST_TEST(Get("/P", {{"rev", "0"}}).status == 400);
}

BOOST_AUTO_TEST_CASE(conflict_is_409_with_the_users_text_intact) {
  BOOST_REQUIRE(Save("P", 0, "base").status == 303);
  BOOST_REQUIRE(Save("P", 1, "theirs").status == 303);
  Response r = Save("P", 1, "mine <b>& yours</b>");
  BOOST_TEST(r.status == 409);
  BOOST_TEST(Contains(r, ">\nmine &lt;b&gt;&amp; yours&lt;/b&gt;</textarea>"));
  BOOST_TEST(Contains(r, ">\ntheirs</textarea>"));
  // The form is now based on the current revision, so saving it works.
  BOOST_TEST(Contains(r, "name=\"base_rev\" value=\"2\""));
}

BOOST_AUTO_TEST_CASE(the_edit_form_keeps_newlines_and_tabs) {
  BOOST_REQUIRE(Save("P", 0, "line one\n\n\tindented\nlast").status == 303);
  Response form = Get("/_edit/P");
  BOOST_TEST(Contains(form, ">\nline one\n\n\tindented\nlast</textarea>"));
  Response conflict = Save("P", 0, "mine\nsecond line");
  BOOST_TEST(conflict.status == 409);
  BOOST_TEST(Contains(conflict, ">\nmine\nsecond line</textarea>"));
  BOOST_TEST(Contains(conflict, ">\nline one\n\n\tindented\nlast</textarea>"));
}

BOOST_AUTO_TEST_CASE(too_long_text_is_413_and_kept) {
  site.max_page_bytes = 10;
  Response r = Save("P", 0, "0123456789X");
  BOOST_TEST(r.status == 413);
  BOOST_TEST(Contains(r, ">\n0123456789X</textarea>"));
  BOOST_TEST(Get("/P").status == 404);
}

BOOST_AUTO_TEST_CASE(bad_form_values_are_400_with_the_text_kept) {
  Response r = Post("/_edit/P", {{"text", "kept"}, {"base_rev", "x"}});
  BOOST_TEST(r.status == 400);
  BOOST_TEST(Contains(r, ">\nkept</textarea>"));
  BOOST_TEST(Post("/_edit/P", {{"text", "t"}}).status == 400);
  BOOST_TEST(Save("P", 0, "  \n").status == 400);
}

// Issue 23: a control character or noncharacter is refused at save, named
// with its line, and the text comes back as typed.
BOOST_AUTO_TEST_CASE(invisible_characters_are_refused_naming_the_line) {
  Response text = Save("P", 0, "fine\nand \x1B[31m red");
  BOOST_TEST(text.status == 400);
  BOOST_TEST(Contains(text, "Line 2 of the text holds the invisible character U+001B"));
  BOOST_TEST(Contains(text, ">\nfine\nand \x1B[31m red</textarea>"));
  Response summary = Post("/_edit/P", {{"text", "ok"}, {"base_rev", "0"},
                                       {"summary", "odd \xEF\xBF\xBE"}});
  BOOST_TEST(summary.status == 400);
  BOOST_TEST(Contains(summary, "The summary holds the invisible character U+FFFE"));
  BOOST_TEST(Save("P", 0, "tabs\tand\nlines are fine").status == 303);
}

BOOST_AUTO_TEST_CASE(a_post_without_a_valid_csrf_token_is_403_and_keeps_text) {
  Response missing = Post("/_edit/P", {{"text", "typed"}, {"base_rev", "0"},
                                       {kCsrfField, ""}});
  BOOST_TEST(missing.status == 403);
  BOOST_TEST(Contains(missing, ">\ntyped</textarea>"));
  // A token made for another browser's cookie does not fit this one.
  Request other;
  other.cookies[kCsrfCookie] = std::string(43, 'o');
  Response stolen = Post("/_edit/P", {{"text", "typed"}, {"base_rev", "0"},
                                      {kCsrfField, csrf->TokenFor(other, "").token}});
  BOOST_TEST(stolen.status == 403);
  Request no_cookie;
  no_cookie.method = Method::kPost;
  no_cookie.method_name = "POST";
  no_cookie.path = "/_edit/P";
  no_cookie.form = {{"text", "t"}, {"base_rev", "0"}, {kCsrfField, "x"}};
  Response r = Dispatch(no_cookie, *ctx);
  BOOST_TEST(r.status == 403);
  // The form that comes back gives this browser a cookie to try again with.
  BOOST_TEST(Header(r, "Set-Cookie").starts_with("wikid_csrf="));
  BOOST_TEST(Header(r, "Set-Cookie").find("HttpOnly; SameSite=Lax") !=
             std::string::npos);
  BOOST_TEST(Get("/P").status == 404);
}

BOOST_AUTO_TEST_CASE(invalid_page_name_is_400_naming_the_rule) {
  Response r = Get("/a//b");
  BOOST_TEST(r.status == 400);
  BOOST_TEST(Contains(r, "//"));
  BOOST_TEST(Save("a/", 0, "x").status == 400);
}

BOOST_AUTO_TEST_CASE(wiki_links_show_whether_the_page_exists) {
  BOOST_REQUIRE(Save("Target", 0, "here").status == 303);
  BOOST_REQUIRE(Save("P", 0, "[[Target]] and [[Elsewhere]]").status == 303);
  Response r = Get("/P");
  BOOST_TEST(Contains(r, "href=\"/Target\""));
  BOOST_TEST(Contains(r, "href=\"/_edit/Elsewhere\""));
}

BOOST_AUTO_TEST_CASE(history_pages_link_newer_and_older) {
  int64_t rev = 0;
  for (int i = 0; i < 7; ++i) {
    BOOST_REQUIRE(Save("P", rev, "v" + std::to_string(i)).status == 303);
    ++rev;
  }
  Response first = Get("/_history/P");
  BOOST_TEST(first.status == 200);
  BOOST_TEST(Contains(first, "href=\"/P?rev=7\""));
  BOOST_TEST(!Contains(first, "href=\"/P?rev=4\""));
  BOOST_TEST(Contains(first, "href=\"/_history/P?from=4\""));
  BOOST_TEST(!Contains(first, "Newer revisions"));
  Response middle = Get("/_history/P", {{"from", "4"}});
  BOOST_TEST(Contains(middle, "href=\"/P?rev=2\""));
  BOOST_TEST(Contains(middle, "href=\"/_history/P?from=7\""));
  BOOST_TEST(Contains(middle, "href=\"/_history/P?from=1\""));
  BOOST_TEST(Get("/_history/Nope").status == 404);
}

BOOST_AUTO_TEST_CASE(recent_changes_are_newest_first_and_paginated) {
  site.recent_page_size = 2;
  BOOST_REQUIRE(Save("A", 0, "a1").status == 303);
  BOOST_REQUIRE(Save("B", 0, "b1").status == 303);
  BOOST_REQUIRE(Save("A", 1, "a2").status == 303);
  Response first = Get("/_recent");
  BOOST_TEST(first.status == 200);
  size_t a2 = first.body.find("href=\"/A?rev=2\"");
  size_t b1 = first.body.find("href=\"/B?rev=1\"");
  BOOST_TEST((a2 != std::string::npos && b1 != std::string::npos && a2 < b1));
  BOOST_TEST(!Contains(first, "href=\"/A?rev=1\""));
  BOOST_TEST(Contains(first, "2 pages, 3 revisions"));
  BOOST_TEST(Contains(first, "href=\"/_recent?before=2\""));
  Response older = Get("/_recent", {{"before", "2"}});
  BOOST_TEST(Contains(older, "href=\"/A?rev=1\""));
  BOOST_TEST(!Contains(older, "Older changes"));
  BOOST_TEST(Get("/_recent", {{"before", "x"}}).status == 400);
}

// Revision ids have gaps (a deleted page's revisions; ids PostgreSQL
// skipped): with the first revision ever deleted, a full window of the
// rest is the last one, so neither /_recent nor the API offers an older
// one (an empty window, once); with one more revision, both do.
BOOST_AUTO_TEST_CASE(recent_changes_offer_older_only_when_there_is_one) {
  site.recent_page_size = 2;
  BOOST_REQUIRE(Save("Gone", 0, "g1").status == 303);  // revision id 1
  BOOST_REQUIRE(Save("B", 0, "b1").status == 303);
  BOOST_REQUIRE(Save("C", 0, "c1").status == 303);
  BOOST_REQUIRE(pages->Delete(PageDeletionRequest{.name = *PageName::Parse("Gone"),
                                                  .author = "admin",
                                                  .at = clock})
                    .ok());
  Response first = Get("/_recent");
  BOOST_TEST(Contains(first, "href=\"/B?rev=1\""));
  BOOST_TEST(!Contains(first, "/_recent?before="), first.body);
  BOOST_TEST(Get("/_api/recent").body.find("\"next\":null") != std::string::npos);
  BOOST_REQUIRE(Save("D", 0, "d1").status == 303);
  BOOST_TEST(Contains(Get("/_recent"), "href=\"/_recent?before=3\""));
  BOOST_TEST(Get("/_api/recent").body.find("\"next\":\"/_api/recent?before=3\"") !=
             std::string::npos);
  BOOST_TEST(!Contains(Get("/_recent", {{"before", "3"}}), "/_recent?before="));
}

BOOST_AUTO_TEST_CASE(the_front_page_shows_recent_changes_and_counts) {
  BOOST_REQUIRE(Save("Main_Page", 0, "Welcome").status == 303);
  BOOST_REQUIRE(Post("/_edit/Other", {{"text", "x"}, {"base_rev", "0"},
                                      {"summary", "made <Other>"}})
                    .status == 303);
  Response front = Get("/");
  BOOST_TEST(Contains(front, "Welcome"));
  BOOST_TEST(Contains(front, "Recent changes"));
  BOOST_TEST(Contains(front, "made &lt;Other&gt;"));
  BOOST_TEST(Contains(front, "2 pages, 2 revisions"));
  BOOST_TEST(!Contains(Get("/Main_Page"), "2 pages, 2 revisions"));
}

// What every anonymous reader gets is kept whole by the worker
// (views/base/shared_views.h): served again without SQL or templates, and never
// after a change it does not show.
BOOST_FIXTURE_TEST_CASE(an_anonymous_view_is_kept_whole_until_the_page_changes,
                        testing::CachedWikiFixture) {
  BOOST_REQUIRE(Save("Kept", 0, "first text, [[Later]]").status == 303);
  Response first = Get("/Kept");
  BOOST_TEST(Contains(first, "first text"));
  BOOST_TEST(Contains(first, "href=\"/_edit/Later\""));
  int64_t queries = Queries();
  Response again = Get("/Kept");
  BOOST_TEST(Queries() == queries);
  BOOST_TEST(Header(again, "X-Cache") == "hit");
  BOOST_TEST(again.body == first.body);
  BOOST_TEST(anonymous_views->counters().hits == 1);
  // The page it links to is created: the link is no longer shown missing.
  BOOST_REQUIRE(Save("Later", 0, "now here").status == 303);
  Response linked = Get("/Kept");
  BOOST_TEST(Contains(linked, "href=\"/Later\""));
  BOOST_TEST(Header(linked, "X-Cache") == "miss");
  // The page itself is saved again.
  BOOST_REQUIRE(Save("Kept", 1, "second text").status == 303);
  Response after = Get("/Kept");
  BOOST_TEST(Contains(after, "second text"));
  BOOST_TEST(!Contains(after, "first text"));
}

BOOST_FIXTURE_TEST_CASE(the_kept_front_page_shows_a_save_of_any_page,
                        testing::CachedWikiFixture) {
  BOOST_REQUIRE(Save("Main_Page", 0, "Welcome").status == 303);
  Get("/");
  BOOST_TEST(Header(Get("/"), "X-Cache") == "hit");
  BOOST_REQUIRE(Post("/_edit/Other", {{"text", "x"}, {"base_rev", "0"},
                                      {"summary", "made other"}})
                    .status == 303);
  Response front = Get("/");
  BOOST_TEST(Contains(front, "made other"));
  BOOST_TEST(Contains(front, "2 pages, 2 revisions"));
}

BOOST_FIXTURE_TEST_CASE(only_what_every_anonymous_reader_gets_is_kept,
                        testing::CachedWikiFixture) {
  BOOST_REQUIRE(Save("Kept", 0, "text").status == 303);
  Get("/Kept");
  BOOST_REQUIRE(Header(Get("/Kept"), "X-Cache") == "hit");
  const int64_t hits = anonymous_views->counters().hits;
  // Not for a reader with a query or of an old revision (the page's view
  // in memcached may serve them: only whole responses are kept here).
  BOOST_TEST(Header(Get("/Kept", {{"rev", "1"}}), "X-Cache") != "hit");
  Get("/Kept", {{"merged", "1"}});
  Get("/Kept", {{"x", "1"}});
  BOOST_TEST(anonymous_views->counters().hits == hits);
  // Not for a logged-in reader, whose header is theirs alone; and what
  // they got is not kept for anyone else.
  LogInAs("Alice", Role::kUser);
  Response theirs = Get("/Kept");
  BOOST_TEST(Contains(theirs, "Alice"));
  BOOST_TEST(anonymous_views->counters().hits == hits);
  session.clear();
  Response anonymous = Get("/Kept");
  BOOST_TEST(!Contains(anonymous, "Alice"));
  BOOST_TEST(anonymous_views->counters().hits == hits + 1);
}

BOOST_AUTO_TEST_CASE(page_list_links_every_page) {
  BOOST_REQUIRE(Save("Café", 0, "x").status == 303);
  Response r = Get("/_pages");
  BOOST_TEST(r.status == 200);
  BOOST_TEST(Contains(r, "href=\"/Caf%C3%A9\""));
}

BOOST_AUTO_TEST_CASE(preview_renders_the_text_above_the_form_and_saves_nothing) {
  BOOST_REQUIRE(Save("Target", 0, "exists").status == 303);
  Response r = Post("/_edit/Draft", {{"text", "Some *bold*\r\nidea [[Target]] [[Missing]]"},
                                      {"base_rev", "0"},
                                      {"summary", "kept summary"},
                                      {"action", "preview"}});
  BOOST_TEST(r.status == 200);
  BOOST_TEST(Contains(r, "Preview (not saved yet)"));
  BOOST_TEST(Contains(r, "<em>bold</em>"));
  BOOST_TEST(Contains(r, "href=\"/Target\""));         // exists
  BOOST_TEST(Contains(r, "href=\"/_edit/Missing\""));  // does not
  BOOST_TEST(Contains(r, ">\nSome *bold*\nidea [[Target]] [[Missing]]</textarea>"));
  BOOST_TEST(Contains(r, "value=\"kept summary\""));
  BOOST_TEST(Get("/Draft").status == 404);
  // And the same form then saves.
  BOOST_TEST(Post("/_edit/Draft", {{"text", "Some *bold*"}, {"base_rev", "0"},
                                    {"action", "save"}}).status == 303);
}

BOOST_AUTO_TEST_CASE(restore_asks_then_saves_the_old_text_as_a_new_revision) {
  Save("Story", 0, "first text");
  Save("Story", 1, "second text");
  BOOST_TEST(Contains(Get("/Story", {{"rev", "1"}}), "href=\"/_restore/Story?rev=1\""));
  BOOST_TEST(Contains(Get("/_history/Story"), "href=\"/_restore/Story?rev=1\""));
  BOOST_TEST(!Contains(Get("/_history/Story"), "href=\"/_restore/Story?rev=2\""));
  Response confirm = Get("/_restore/Story", {{"rev", "1"}});
  BOOST_TEST(confirm.status == 200);
  BOOST_TEST(Contains(confirm, "name=\"base_rev\" value=\"2\""));
  BOOST_TEST(Contains(confirm, "<span class=\"text\"><del>second</del> text</span>"));
  BOOST_TEST(Get("/_restore/Story").status == 400);
  BOOST_TEST(Get("/_restore/Story", {{"rev", "9"}}).status == 404);
  Response done = Post("/_restore/Story", {{"rev", "1"}, {"base_rev", "2"}});
  BOOST_TEST(done.status == 303);
  auto page = pages->Find(*PageName::Parse("Story"), std::nullopt);
  BOOST_TEST(page->revision.rev == 3);
  BOOST_TEST(page->revision.text == "first text");
  BOOST_TEST(page->revision.summary == "Restored revision 1");
  BOOST_TEST(Contains(Get("/Story"), "first text"));
  // Someone saved after the confirmation was shown: asked again.
  Response stale = Post("/_restore/Story", {{"rev", "2"}, {"base_rev", "2"}});
  BOOST_TEST(stale.status == 409);
  BOOST_TEST(Contains(stale, "name=\"base_rev\" value=\"3\""));
  BOOST_TEST(pages->Find(*PageName::Parse("Story"), std::nullopt)->latest_rev == 3);
  BOOST_TEST(Post("/_restore/Story", {{"rev", "x"}, {"base_rev", "3"}}).status == 400);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace wikid
