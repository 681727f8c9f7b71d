// The JSON API in-process: pages with ETags, the If-Match cycle of PUT
// (200, 201, 412, 428), JSON errors, recent changes and search, and API
// tokens (made on the profile, shown once, revocable, only for /_api/).
#define BOOST_TEST_MODULE api
#include <boost/test/unit_test.hpp>
#include <nlohmann/json.hpp>

#include "model/base/token.h"
#include "tests/support/wiki_fixture.h"

namespace wikid {
namespace {

using Json = nlohmann::json;
using testing::WikiFixture;

// The default edit policy: only logged-in users (or tokens) may PUT.
struct ApiFixture : WikiFixture {
  ApiFixture() : WikiFixture(EditPolicy::kUsers) {}

  Response Put(const std::string& path, const std::string& body,
               const std::string& if_match = "",
               const std::string& if_none_match = "",
               const std::string& content_type = "application/json",
               const std::string& authorization = "") {
    Request req = Base(Method::kPut, path);
    req.method_name = "PUT";
    req.body = body;
    req.content_type = content_type;
    req.if_match = if_match;
    req.if_none_match = if_none_match;
    req.authorization = authorization;
    return Dispatch(req, *ctx);
  }
  static Json Body(const Response& r) {
    Json json = Json::parse(r.body, nullptr, false);
    BOOST_REQUIRE_MESSAGE(!json.is_discarded(), "not JSON: " << r.body);
    return json;
  }
  static std::string Error(const Response& r) {
    Json json = Body(r);
    BOOST_REQUIRE(json.contains("error"));
    BOOST_TEST(json["error"]["status"] == r.status);
    return json["error"]["message"].get<std::string>();
  }
};

std::string Text(const std::string& text, const std::string& summary = "") {
  return Json{{"text", text}, {"summary", summary}}.dump();
}

BOOST_FIXTURE_TEST_SUITE(api, ApiFixture)

BOOST_AUTO_TEST_CASE(put_follows_the_if_match_cycle) {
  LogInAs("Robot", Role::kUser);
  Response missing = Put("/_api/page/Api_Page", Text("x"));
  BOOST_TEST(missing.status == 428);
  BOOST_TEST(Error(missing).find("If-Match") != std::string::npos);
  BOOST_TEST(missing.content_type == "application/json; charset=utf-8");

  Response created = Put("/_api/page/Api_Page",
                         Text("first\r\ntext", "made by a robot"), "", "*");
  BOOST_TEST(created.status == 201);
  BOOST_TEST(Header(created, "ETag") == "\"r1\"");
  Json page = Body(created);
  BOOST_TEST(page["name"] == "Api Page");
  BOOST_TEST(page["revision"] == 1);
  BOOST_TEST(page["text"] == "first\ntext");
  BOOST_TEST(page["author"] == "Robot");
  BOOST_TEST(page["summary"] == "made by a robot");

  // Creating it again: it exists, so the precondition fails.
  BOOST_TEST(Put("/_api/page/Api_Page", Text("again"), "", "*").status == 412);

  Response updated = Put("/_api/page/Api_Page", Text("second"), "\"r1\"");
  BOOST_TEST(updated.status == 200);
  BOOST_TEST(Header(updated, "ETag") == "\"r2\"");
  BOOST_TEST(Body(updated)["revision"] == 2);

  // Based on r1 again: the page moved on; nothing is written.
  Response stale = Put("/_api/page/Api_Page", Text("lost?"), "\"r1\"");
  BOOST_TEST(stale.status == 412);
  BOOST_TEST(Header(stale, "ETag") == "\"r2\"");
  BOOST_TEST(Error(stale).find("revision 2") != std::string::npos);
  BOOST_TEST(
      pages->Find(*PageName::Parse("Api Page"), std::nullopt)->revision.text ==
      "second");
  BOOST_TEST(Put("/_api/page/Api_Page", Text("x"), "W/\"r2\"").status == 412);
  BOOST_TEST(Put("/_api/page/Api_Page", Text("x"), "\"v2\"").status == 412);

  // GET gives the same ETag back.
  Response got = Get("/_api/page/Api_Page");
  BOOST_TEST(got.status == 200);
  BOOST_TEST(Header(got, "ETag") == "\"r2\"");
  BOOST_TEST(Body(got)["html"].get<std::string>().find("second") !=
             std::string::npos);
  Response old = Get("/_api/page/Api_Page", {{"rev", "1"}});
  BOOST_TEST(Header(old, "ETag") == "\"r1\"");
  BOOST_TEST(Body(old)["text"] == "first\ntext");
  BOOST_TEST(Body(old)["latest_revision"] == 2);
}

BOOST_AUTO_TEST_CASE(bad_requests_get_json_errors_with_the_right_status) {
  LogInAs("Robot", Role::kUser);
  BOOST_TEST(Put("/_api/page/P", Text("x"), "", "*", "text/plain").status ==
             415);
  BOOST_TEST(Put("/_api/page/P", "{not json", "", "*").status == 400);
  BOOST_TEST(Put("/_api/page/P", "[1, 2]", "", "*").status == 400);
  BOOST_TEST(Put("/_api/page/P", "{\"text\": 5}", "", "*").status == 400);
  BOOST_TEST(Put("/_api/page/P", "{\"text\": \"x\", \"summary\": []}", "", "*")
                 .status == 400);
  BOOST_TEST(Put("/_api/page/P", Text("   "), "", "*").status == 400);
  // Ill-formed UTF-8 inside a JSON string, and a body nested a million deep
  // (nlohmann parses and frees it without recursion): refused, no crash.
  BOOST_TEST(Put("/_api/page/P", "{\"text\": \"\xff\"}", "", "*").status == 400);
  BOOST_TEST(Put("/_api/page/P", std::string(1000000, '[') + std::string(1000000, ']'), "",
                 "*").status == 400);
  BOOST_TEST(Put("/_api/page/P", "{\"x\": " + std::string(100000, '[') +
                                     std::string(100000, ']') + ", \"text\": \"deep\"}",
                 "", "*").status == 201);
  site.max_page_bytes = 5;
  Response big = Put("/_api/page/P", Text("too long"), "", "*");
  BOOST_TEST(big.status == 413);
  BOOST_TEST(Error(big).find("at most 5 bytes") != std::string::npos);
  Response no_page = Get("/_api/page/Nowhere");
  BOOST_TEST(no_page.status == 404);
  BOOST_TEST(!Error(no_page).empty());
  BOOST_TEST(Get("/_api/page/_bad").status == 400);
  // No such route or method: still JSON.
  BOOST_TEST(!Error(Get("/_api/nothing")).empty());
  Response wrong_method = Post("/_api/recent", {});
  BOOST_TEST(wrong_method.status == 405);
  BOOST_TEST(Error(wrong_method).find("GET") != std::string::npos);
  BOOST_TEST(Header(wrong_method, "Allow") == "GET, HEAD");
  BOOST_TEST(Get("/_api/page/P", {{"rev", "x"}}).status == 400);
}

BOOST_AUTO_TEST_CASE(writing_needs_a_login_or_a_token_and_follows_protection) {
  Response anonymous = Put("/_api/page/P", Text("x"), "", "*");
  BOOST_TEST(anonymous.status == 401);
  BOOST_TEST(Header(anonymous, "WWW-Authenticate") == "Bearer realm=\"wikid\"");
  BOOST_TEST(Error(anonymous).find("Bearer") != std::string::npos);
  // Reads need nothing.
  BOOST_REQUIRE(users
                    ->Create(*UserName::Parse("Owner"),
                             *HashPassword("password-of-Owner"), Role::kUser,
                             "", clock)
                    .ok());
  auto owner = users->Find(*UserName::Parse("Owner"));
  auto token = tokens->Issue(owner->id, "my script", clock);
  BOOST_REQUIRE(token.ok());
  Response with_token = Put("/_api/page/P", Text("by token"), "", "*",
                            "application/json", "Bearer " + token->token);
  BOOST_TEST(with_token.status == 201);
  BOOST_TEST(Body(with_token)["author"] == "Owner");
  BOOST_TEST(Put("/_api/page/P", Text("x"), "\"r1\"", "", "application/json",
                 "Bearer wrong")
                 .status == 401);
  // A token works only for the API: a form post with it is anonymous.
  Request form = Base(Method::kGet, "/_edit/P");
  form.authorization = "Bearer " + token->token;
  BOOST_TEST(Dispatch(form, *ctx).status == 303);  // off to the login form
  // Protected pages stay for admins.
  BOOST_REQUIRE(pages->SetProtected(*PageName::Parse("P"), true).ok());
  Response protected_page = Put("/_api/page/P", Text("y"), "\"r1\"", "",
                                "application/json", "Bearer " + token->token);
  BOOST_TEST(protected_page.status == 403);
  // Revoked or disabled: no longer anyone.
  BOOST_REQUIRE(tokens->Revoke(owner->id, token->id).ok());
  BOOST_TEST(Put("/_api/page/Q", Text("x"), "", "*", "application/json",
                 "Bearer " + token->token)
                 .status == 401);
  auto second = tokens->Issue(owner->id, "another", clock);
  BOOST_REQUIRE(users->SetDisabled(owner->id, true).ok());
  BOOST_TEST(Put("/_api/page/Q", Text("x"), "", "*", "application/json",
                 "Bearer " + second->token)
                 .status == 401);
}

BOOST_AUTO_TEST_CASE(recent_and_search_page_like_the_html_views) {
  LogInAs("Robot", Role::kUser);
  site.recent_page_size = 2;
  site.search_page_size = 2;
  for (const char* name : {"One", "Two", "Three"}) {
    BOOST_REQUIRE(
        Put(std::string("/_api/page/") + name, Text("shared word"), "", "*")
            .status == 201);
  }
  Json recent = Body(Get("/_api/recent"));
  BOOST_REQUIRE_EQUAL(recent["changes"].size(), 2u);
  BOOST_TEST(recent["changes"][0]["name"] == "Three");
  BOOST_TEST(recent["changes"][0]["diff_url"] == "/_diff/Three?from=0&to=1");
  BOOST_TEST(recent["revision_count"] == 3);
  BOOST_REQUIRE(recent["next"].is_string());
  std::string next = recent["next"];
  Json older =
      Body(Get("/_api/recent", {{"before", next.substr(next.find('=') + 1)}}));
  BOOST_REQUIRE_EQUAL(older["changes"].size(), 1u);
  BOOST_TEST(older["changes"][0]["name"] == "One");
  BOOST_TEST(older["next"].is_null());

  Json found = Body(Get("/_api/search", {{"q", "shared"}}));
  BOOST_TEST(found["total"] == 3);
  BOOST_TEST(found["hits"].size() == 2u);
  BOOST_TEST(found["hits"][0]["snippet"] == "shared word");  // marks removed
  BOOST_TEST(found["next"] == "/_api/search?q=shared&from=2");
  Json rest = Body(Get("/_api/search", {{"q", "shared"}, {"from", "2"}}));
  BOOST_TEST(rest["hits"].size() == 1u);
  BOOST_TEST(rest["next"].is_null());
  Response garbage = Get("/_api/search", {{"q", "***"}});
  BOOST_TEST(garbage.status == 400);
  BOOST_TEST(Error(garbage) == "Type a word or a number to search for.");
  // Paged no deeper than the store serves (issue 16): past it, a clear 400
  // that says what to do, answered before anything is read.
  BOOST_TEST(Get("/_api/search", {{"q", "shared"}, {"from", std::to_string(kMaxSearchOffset)}})
                 .status == 200);
  // As cheap as a request refused for a malformed `from` (the session
  // lookup only).
  int64_t queries = Queries();
  BOOST_TEST(Get("/_api/search", {{"q", "shared"}, {"from", "x"}}).status == 400);
  const int64_t refused_cost = Queries() - queries;
  queries = Queries();
  Response deep = Get("/_api/search", {{"q", "shared"}, {"from", "99980"}});
  BOOST_TEST(deep.status == 400);
  BOOST_TEST(Error(deep).find("add words to narrow the search") != std::string::npos);
  BOOST_TEST(Queries() - queries == refused_cost);
}

BOOST_AUTO_TEST_CASE(tokens_are_made_on_the_profile_shown_once_and_revoked) {
  LogInAs("Maker", Role::kUser);
  Response made = Post("/_user/Maker/_tokens",
                       {{"action", "issue"}, {"label", "backup <script>"}});
  BOOST_TEST(made.status == 200);
  BOOST_TEST(Header(made, "Cache-Control") == "no-store");
  size_t at = made.body.find("<code class=\"token\">");
  BOOST_REQUIRE(at != std::string::npos);
  std::string token = made.body.substr(at + 20, kTokenChars);
  BOOST_TEST(IsTokenShaped(token));
  BOOST_TEST(Contains(made, "backup &lt;script&gt;"));
  // Listed by name afterwards, never shown again.
  Response list = Get("/_user/Maker/_tokens");
  BOOST_TEST(Contains(list, "backup &lt;script&gt;"));
  BOOST_TEST(!Contains(list, token));
  // It works, as Maker.
  Response put = Put("/_api/page/Made", Text("x"), "", "*", "application/json",
                     "Bearer " + token);
  BOOST_TEST(put.status == 201);
  // Nobody else sees or revokes Maker's tokens.
  auto maker = users->Find(*UserName::Parse("Maker"));
  int64_t id = tokens->List(maker->id)->at(0).id;
  LogInAs("Other", Role::kUser);
  BOOST_TEST(Get("/_user/Maker/_tokens").status == 403);
  BOOST_TEST(Post("/_user/Maker/_tokens",
                  {{"action", "revoke"}, {"id", std::to_string(id)}})
                 .status == 403);
  LogInAs("Maker", Role::kUser);
  BOOST_TEST(Post("/_user/Maker/_tokens", {{"action", "issue"}, {"label", ""}})
                 .status == 400);
  Response revoked = Post("/_user/Maker/_tokens",
                          {{"action", "revoke"}, {"id", std::to_string(id)}});
  BOOST_TEST(revoked.status == 303);
  BOOST_TEST(Contains(Get("/_user/Maker/_tokens"), "You have no tokens."));
  BOOST_TEST(Put("/_api/page/Made", Text("y"), "\"r1\"", "", "application/json",
                 "Bearer " + token)
                 .status == 401);
}

// An account holds at most kMaxTokensPerAccount tokens: the next is
// refused with a message and the label kept, and revoking one makes room.
BOOST_AUTO_TEST_CASE(an_account_holds_a_bounded_number_of_tokens) {
  LogInAs("Collector", Role::kUser);
  auto collector = users->Find(*UserName::Parse("Collector"));
  for (int64_t i = 0; i < kMaxTokensPerAccount; ++i) {
    BOOST_REQUIRE(tokens->Issue(collector->id, "run " + std::to_string(i), clock).ok());
  }
  Response refused =
      Post("/_user/Collector/_tokens", {{"action", "issue"}, {"label", "one more"}});
  BOOST_TEST(refused.status == 409);
  BOOST_TEST(Contains(refused, "revoke one it no longer needs"));
  BOOST_TEST(Contains(refused, "value=\"one more\""));
  BOOST_TEST(tokens->List(collector->id)->size() == static_cast<size_t>(kMaxTokensPerAccount));
  // Another account's count is its own.
  LogInAs("Neighbour", Role::kUser);
  BOOST_TEST(Post("/_user/Neighbour/_tokens", {{"action", "issue"}, {"label", "mine"}}).status ==
             200);
  LogInAs("Collector", Role::kUser);
  const int64_t oldest = tokens->List(collector->id)->back().id;
  BOOST_REQUIRE(Post("/_user/Collector/_tokens",
                     {{"action", "revoke"}, {"id", std::to_string(oldest)}})
                    .status == 303);
  BOOST_TEST(Post("/_user/Collector/_tokens", {{"action", "issue"}, {"label", "one more"}})
                 .status == 200);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace wikid
