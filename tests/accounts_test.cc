// Accounts in-process: signup, login and logout, sessions and their
// cookies, the edit policy, CSRF tied to the session, throttling, roles,
// protection and profiles. Requests are built by hand (WikiFixture); the
// same behaviours are checked through nginx in accounts_http_test.
#define BOOST_TEST_MODULE accounts
#include <sodium.h>
#include <unistd.h>

#include <boost/test/unit_test.hpp>

#include "tests/support/html_safety.h"
#include "tests/support/wiki_fixture.h"

namespace wikid {
namespace {

struct AccountsFixture : testing::WikiFixture {
  AccountsFixture() : WikiFixture(EditPolicy::kUsers) {}

  Response SignUp(const std::string& name, const std::string& password,
                  const std::string& email = "") {
    return Post("/_signup", {{"name", name},
                             {"email", email},
                             {"password", password},
                             {"password2", password}});
  }
  Response LogIn(const std::string& name, const std::string& password,
                 const std::string& next = "") {
    return Post("/_login",
                {{"name", name}, {"password", password}, {"next", next}});
  }
  // Keeps the session a response's Set-Cookie starts or ends.
  void Remember(const Response& r) {
    std::string cookie = Header(r, "Set-Cookie");
    std::string prefix = std::string(kSessionCookie) + "=";
    if (!cookie.starts_with(prefix)) return;
    session = cookie.substr(prefix.size(), cookie.find(';') - prefix.size());
  }
  // The text of the first element with class="error".
  static std::string ErrorText(const Response& r) {
    size_t at = r.body.find("class=\"error\"");
    if (at == std::string::npos) return "";
    size_t start = r.body.find('>', at) + 1;
    return r.body.substr(start, r.body.find('<', start) - start);
  }
};

BOOST_AUTO_TEST_SUITE(redirects)

BOOST_AUTO_TEST_CASE(only_local_paths_are_redirect_targets) {
  // A6, after the query string was decoded once.
  for (const char* evil :
       {"//evil.test", "/\\evil.test", "http://evil.test",
        "javascript:alert(1)", "/\r\nSet-Cookie:x", "", "evil", "/_logout",
        "/_login?next=/x", "\\\\evil.test", "/ok\x7f"}) {
    BOOST_TEST(SafeRedirectTarget(evil) == "/", evil);
  }
  BOOST_TEST(SafeRedirectTarget("/Main_Page") == "/Main_Page");
  BOOST_TEST(SafeRedirectTarget("/_history/A B") == "/_history/A%20B");
  // Whatever survives is encoded: the Location header holds URL characters.
  BOOST_TEST(SafeRedirectTarget("/%2F%2Fevil.test") == "/%252F%252Fevil.test");
  BOOST_TEST(SafeRedirectTarget("/caf\xc3\xa9") == "/caf%C3%A9");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_FIXTURE_TEST_SUITE(signup_and_login, AccountsFixture)

BOOST_AUTO_TEST_CASE(signup_logs_in_with_a_session_cookie_of_the_right_flags) {
  Response r = SignUp("Alice", "a long password", "alice@example.org");
  BOOST_TEST(r.status == 303);
  BOOST_TEST(Header(r, "Location") == "/");
  std::string cookie = Header(r, "Set-Cookie");
  BOOST_TEST(cookie.starts_with("wikid_session="));
  BOOST_TEST(cookie.find("; Path=/") != std::string::npos);
  BOOST_TEST(cookie.find("; HttpOnly") != std::string::npos);
  BOOST_TEST(cookie.find("; SameSite=Lax") != std::string::npos);
  BOOST_TEST(cookie.find("Secure") == std::string::npos);  // plain HTTP
  Remember(r);
  Response front = Get("/_pages");
  BOOST_TEST(Contains(front, "href=\"/_user/Alice\""));
  BOOST_TEST(Contains(front, "action=\"/_logout\""));
  auto stored = users->Find(*UserName::Parse("alice"));
  BOOST_REQUIRE(stored.ok());
  BOOST_TEST(stored->email == "alice@example.org");
  // argon2id at the cost in force (this suite runs at the least cost:
  // tests/CMakeLists.txt; user_test checks the real one).
  BOOST_TEST(stored->password_hash.starts_with("$argon2id$v=19$"));
  BOOST_TEST(!PasswordNeedsRehash(stored->password_hash));
}

BOOST_AUTO_TEST_CASE(the_session_cookie_is_secure_over_https) {
  Request req = Base(Method::kPost, "/_signup");
  req.https = true;
  req.form = {{"name", "Sam"},
              {"password", "a long password"},
              {"password2", "a long password"}};
  req.form.emplace(kCsrfField, csrf->TokenFor(req, "").token);
  Response r = Dispatch(req, *ctx);
  BOOST_TEST(r.status == 303);
  BOOST_TEST(Header(r, "Set-Cookie").ends_with("; Secure"));
}

BOOST_AUTO_TEST_CASE(signup_errors_name_the_rule_and_keep_what_was_typed) {
  struct Case {
    const char* name;
    const char* password;
    const char* password2;
    const char* email;
    int status;
    const char* message;
  };
  SignUp("Taken", "a long password");
  session.clear();
  for (const Case& c : {
           Case{"ab", "a long password", "a long password", "", 400, "3 to 32"},
           Case{"bad name", "a long password", "a long password", "", 400,
                "may use only"},
           Case{"admin", "a long password", "a long password", "", 400,
                "reserved"},
           Case{"newname", "short", "short", "", 400, "at least 8"},
           Case{"newname", "a long password", "another one", "", 400,
                "not the same"},
           Case{"newname", "a long password", "a long password", "not-an-email",
                400, "does not look right"},
           Case{"TAKEN", "a long password", "a long password", "", 409,
                "already taken"},
       }) {
    Response r = Post("/_signup", {{"name", c.name},
                                   {"email", c.email},
                                   {"password", c.password},
                                   {"password2", c.password2}});
    BOOST_TEST_CONTEXT(c.name << " / " << c.message) {
      BOOST_TEST(r.status == c.status);
      BOOST_TEST(ErrorText(r).find(c.message) != std::string::npos);
      BOOST_TEST(Contains(r, std::string("value=\"") + c.name + "\""));
      if (*c.email)
        BOOST_TEST(Contains(r, std::string("value=\"") + c.email + "\""));
      BOOST_TEST(!Contains(r, c.password));
      BOOST_TEST(Header(r, "Set-Cookie").find("wikid_session") ==
                 std::string::npos);
    }
  }
}

BOOST_AUTO_TEST_CASE(signup_can_be_turned_off) {
  site.signup_enabled = false;
  BOOST_TEST(Get("/_signup").status == 403);
  BOOST_TEST(SignUp("Alice", "a long password").status == 403);
  BOOST_TEST(!users->Find(*UserName::Parse("Alice")).ok());
  BOOST_TEST(!Contains(Get("/_login"), "href=\"/_signup"));
}

BOOST_AUTO_TEST_CASE(login_issues_a_new_token_and_ends_the_old_one) {
  SignUp("Alice", "a long password");
  Remember(SignUp("Alice", "a long password"));  // 409, no cookie: unchanged
  Remember(LogIn("alice", "a long password"));
  std::string planted = session;
  BOOST_REQUIRE(!planted.empty());
  Response r = LogIn("ALICE", "a long password", "/Some_Page");
  BOOST_TEST(r.status == 303);
  BOOST_TEST(Header(r, "Location") == "/Some_Page");
  Remember(r);
  BOOST_TEST(session != planted);
  BOOST_TEST(sessions->Find(planted, clock).status().IsNotFound());
  BOOST_TEST(sessions->Find(session, clock).ok());
}

BOOST_AUTO_TEST_CASE(logout_ends_the_session_and_clears_the_cookie) {
  Remember(SignUp("Alice", "a long password"));
  std::string token = session;
  Response r = Post("/_logout", {});
  BOOST_TEST(r.status == 303);
  BOOST_TEST(
      Header(r, "Set-Cookie").starts_with("wikid_session=; Path=/; Max-Age=0"));
  BOOST_TEST(sessions->Find(token, clock).status().IsNotFound());
  // The old cookie, replayed, is nobody: editing asks for a login.
  BOOST_TEST(Get("/_edit/P").status == 303);
}

BOOST_AUTO_TEST_CASE(a_wrong_password_and_an_unknown_name_get_the_same_answer) {
  SignUp("Alice", "a long password");
  session.clear();
  Response wrong = LogIn("Alice", "not the password");
  Response unknown = LogIn("Nobody", "not the password");
  Response invalid = LogIn("x", "not the password");
  BOOST_TEST(wrong.status == 403);
  BOOST_TEST(unknown.status == 403);
  BOOST_TEST(invalid.status == 403);
  BOOST_TEST(ErrorText(wrong) == ErrorText(unknown));
  BOOST_TEST(ErrorText(wrong) == ErrorText(invalid));
  BOOST_TEST(!ErrorText(wrong).empty());
  BOOST_TEST(Header(wrong, "Set-Cookie").find("wikid_session") ==
             std::string::npos);
}

BOOST_AUTO_TEST_CASE(
    the_sixth_attempt_is_429_for_real_and_unknown_names_alike) {
  SignUp("Alice", "a long password");
  session.clear();
  for (const char* name : {"Alice", "Nobody"}) {
    // Each name from its own address, so only the name's count matters.
    client_address = std::string("198.51.100.") + (name[0] == 'A' ? "1" : "2");
    for (int i = 0; i < 5; ++i)
      BOOST_TEST(LogIn(name, "wrong password").status == 403);
    Response refused = LogIn(name, "a long password");  // even the right one
    BOOST_TEST_CONTEXT(name) {
      BOOST_TEST(refused.status == 429);
      BOOST_TEST(std::stoi(Header(refused, "Retry-After")) > 0);
      BOOST_TEST(std::stoi(Header(refused, "Retry-After")) <= 900);
      BOOST_TEST(ErrorText(refused).find("Too many failed logins") !=
                 std::string::npos);
    }
  }
  // After the window, the right password works again.
  client_address = "198.51.100.1";
  clock += 901;
  BOOST_TEST(LogIn("Alice", "a long password").status == 303);
}

BOOST_AUTO_TEST_CASE(an_address_trying_many_names_is_throttled) {
  SignUp("Bob", "a long password");
  session.clear();
  // One name short of spraying (as the store counts them; a hash each
  // through the handler would only cost time)...
  const int names = throttle->policy().max_names_per_address;
  for (int i = 0; i < names - 2; ++i) {
    BOOST_REQUIRE(throttle->RecordFailure(LoginThrottle::Key("name" + std::to_string(i),
                                                             client_address),
                                          clock).ok());
  }
  BOOST_TEST(LogIn("another", "wrong password").status == 403);
  // ...where the right password of a name that did not fail still works.
  BOOST_TEST(LogIn("Bob", "a long password").status == 303);
  session.clear();
  BOOST_TEST(LogIn("one more", "wrong password").status == 403);
  // Now every login from there waits, the right one too, and says until when.
  Response refused = LogIn("Bob", "a long password");
  BOOST_TEST(refused.status == 429);
  BOOST_TEST(std::stoi(Header(refused, "Retry-After")) == 900);
  BOOST_TEST(ErrorText(refused).find("from this address. Please wait 15 minutes") !=
             std::string::npos);
}

BOOST_AUTO_TEST_CASE(when_every_hash_slot_is_busy_logins_wait_without_a_hash) {
  SignUp("Alice", "a long password");
  session.clear();
  // Another live process (the test's parent) holds the only slot (the
  // fixture's wiki lets one process hash at a time).
  BOOST_REQUIRE(hash_slots->TryAcquire(1, getppid()));
  for (const char* name : {"Alice", "Nobody"}) {
    Response r = LogIn(name, "a long password");
    BOOST_TEST(r.status == 503, name);
    BOOST_TEST(Header(r, "Retry-After") == "1");
    BOOST_TEST(ErrorText(r).find("busy") != std::string::npos);
  }
  BOOST_TEST(SignUp("Bob", "a long password").status == 503);
  // A busy answer is not a failure: nothing is counted against the name.
  BOOST_TEST(
      *throttle->RetryAfter({LoginThrottle::NameScope("Alice")}, clock) == 0);
  hash_slots->Release(getppid());
  BOOST_TEST(LogIn("Alice", "a long password").status == 303);
}

BOOST_AUTO_TEST_CASE(an_overlong_password_is_refused_before_hashing) {
  Response r = LogIn("Alice", std::string(1025, 'p'));
  BOOST_TEST(r.status == 400);
  // Not counted as a failure either: nothing was tried.
  BOOST_TEST(
      *throttle->RetryAfter({LoginThrottle::NameScope("Alice")}, clock) == 0);
  BOOST_TEST(SignUp("Alice", std::string(1025, 'p')).status == 400);
}

BOOST_AUTO_TEST_CASE(a1_an_old_parameter_hash_is_upgraded_at_login) {
  // The OWASP minimum (19 MiB, 2 passes): valid, but weaker than ours.
  char weak[crypto_pwhash_STRBYTES];
  const std::string password = "a long password";
  BOOST_REQUIRE(crypto_pwhash_str(weak, password.data(), password.size(), 2,
                                  19 * 1024 * 1024) == 0);
  auto user =
      users->Create(*UserName::Parse("Old"), weak, Role::kUser, "", clock);
  BOOST_REQUIRE(user.ok());
  BOOST_REQUIRE(PasswordNeedsRehash(weak));
  BOOST_TEST(LogIn("Old", password).status == 303);
  std::string upgraded = users->Find(*UserName::Parse("Old"))->password_hash;
  BOOST_TEST(upgraded != std::string(weak));
  BOOST_TEST(!PasswordNeedsRehash(upgraded));
  BOOST_TEST(VerifyPassword(upgraded, password));
}

BOOST_AUTO_TEST_CASE(login_goes_only_to_local_paths) {
  SignUp("Alice", "a long password");
  session.clear();
  for (const char* next : {"//evil.test", "http://evil.test", "/\\evil.test"}) {
    Response r = LogIn("Alice", "a long password", next);
    BOOST_TEST(Header(r, "Location") == "/", next);
  }
  // The form carries the target through, escaped.
  Response form = Get("/_login", {{"next", "/\"><script>x</script>"}});
  BOOST_TEST(!Contains(form, "<script>x"));
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_FIXTURE_TEST_SUITE(editing, AccountsFixture)

BOOST_AUTO_TEST_CASE(
    anonymous_edits_are_refused_under_the_users_policy_keeping_text) {
  Response form = Get("/_edit/New_Page");
  BOOST_TEST(form.status == 303);
  BOOST_TEST(Header(form, "Location") == "/_login?next=/_edit/New_Page");
  Response r = Save("New_Page", 0, "typed\n  text");
  BOOST_TEST(r.status == 403);
  BOOST_TEST(Contains(r, ">\ntyped\n  text</textarea>"));
  BOOST_TEST(Contains(r, "log in"));
  BOOST_TEST(Get("/New_Page").status == 404);
}

BOOST_AUTO_TEST_CASE(revisions_record_the_account_and_link_its_profile) {
  Remember(SignUp("Alice", "a long password"));
  BOOST_TEST(Save("P", 0, "hello").status == 303);
  BOOST_TEST(Save("P", 1, "hello again").status == 303);
  // The old revision's notice names its author with a link, too.
  Response old = Get("/P", {{"rev", "1"}});
  BOOST_TEST(Contains(
      old,
      "saved 2023-11-14 22:13 UTC by <a href=\"/_user/Alice\">Alice</a>."));
  Response view = Get("/P");
  BOOST_TEST(Contains(view, "<a href=\"/_user/Alice\">Alice</a>"));
  BOOST_TEST(
      Contains(Get("/_history/P"), "<a href=\"/_user/Alice\">Alice</a>"));
  BOOST_TEST(Contains(Get("/_recent"), "<a href=\"/_user/Alice\">Alice</a>"));
  auto page = pages->Find(*PageName::Parse("P"), std::nullopt);
  BOOST_TEST(page->revision.author == "Alice");
  BOOST_TEST(page->revision.author_is_account);
}

BOOST_AUTO_TEST_CASE(anyone_policy_records_the_address_without_a_profile_link) {
  site.edit_policy = EditPolicy::kAnyone;
  BOOST_TEST(Save("P", 0, "hello").status == 303);
  Response view = Get("/P");
  BOOST_TEST(Contains(view, "by 192.0.2.1"));
  BOOST_TEST(!Contains(view, "/_user/192.0.2.1"));
}

BOOST_AUTO_TEST_CASE(
    a_token_from_another_session_or_from_before_login_is_refused) {
  Remember(SignUp("Alice", "a long password"));
  std::string alice = session;
  LogInAs("bob", Role::kUser);
  std::string bobs_token =
      csrf->TokenFor(Base(Method::kPost, "/"), session).token;
  session = alice;
  Response stolen =
      Post("/_edit/P",
           {{"text", "typed"}, {"base_rev", "0"}, {kCsrfField, bobs_token}});
  BOOST_TEST(stolen.status == 403);
  BOOST_TEST(Contains(stolen, ">\ntyped</textarea>"));
  std::string anonymous_token =
      csrf->TokenFor(Base(Method::kPost, "/"), "").token;
  BOOST_TEST(Post("/_edit/P", {{"text", "typed"},
                               {"base_rev", "0"},
                               {kCsrfField, anonymous_token}})
                 .status == 403);
  BOOST_TEST(Post("/_logout", {{kCsrfField, bobs_token}}).status == 403);
  BOOST_TEST(sessions->Find(alice, clock).ok());
}

BOOST_AUTO_TEST_CASE(a_protected_page_is_editable_only_by_admins) {
  LogInAs("boss", Role::kAdmin);
  BOOST_TEST(Save("P", 0, "first").status == 303);
  Response view = Get("/P");
  BOOST_TEST(Contains(view, "action=\"/_protect/P\""));
  BOOST_TEST(Post("/_protect/P", {{"protect", "1"}}).status == 303);
  BOOST_TEST(Contains(Get("/P"), "Protected"));
  LogInAs("plain", Role::kUser);
  BOOST_TEST(!Contains(Get("/P"), "action=\"/_protect/P\""));
  BOOST_TEST(Post("/_protect/P", {{"protect", "0"}}).status == 403);
  BOOST_TEST(Get("/_edit/P").status == 403);
  Response refused = Save("P", 1, "vandal\ttext");
  BOOST_TEST(refused.status == 403);
  BOOST_TEST(Contains(refused, ">\nvandal\ttext</textarea>"));
  BOOST_TEST(pages->Find(*PageName::Parse("P"), std::nullopt)->latest_rev == 1);
  LogInAs("boss", Role::kAdmin);
  BOOST_TEST(Save("P", 1, "second").status == 303);
  BOOST_TEST(Post("/_protect/P", {{"protect", "0"}}).status == 303);
  LogInAs("plain", Role::kUser);
  BOOST_TEST(Save("P", 2, "third").status == 303);
}

BOOST_AUTO_TEST_CASE(restore_follows_the_edit_policy_and_protection) {
  LogInAs("boss", Role::kAdmin);
  Save("Rules", 0, "one");
  Save("Rules", 1, "two");
  Post("/_protect/Rules", {{"protect", "1"}});
  LogInAs("plain", Role::kUser);
  BOOST_TEST(
      Post("/_restore/Rules", {{"rev", "1"}, {"base_rev", "2"}}).status == 403);
  session.clear();
  BOOST_TEST(Get("/_restore/Rules", {{"rev", "1"}}).status ==
             303);  // to the login
  BOOST_TEST(
      Post("/_restore/Rules", {{"rev", "1"}, {"base_rev", "2"}}).status == 403);
  LogInAs("boss", Role::kAdmin);
  BOOST_TEST(
      Post("/_restore/Rules", {{"rev", "1"}, {"base_rev", "2"}}).status == 303);
  auto page = pages->Find(*PageName::Parse("Rules"), std::nullopt);
  BOOST_TEST(page->revision.author == "boss");
  BOOST_TEST(page->revision.text == "one");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_FIXTURE_TEST_SUITE(admins, AccountsFixture)

BOOST_AUTO_TEST_CASE(the_user_list_is_for_admins_and_paginated) {
  site.users_page_size = 2;
  for (const char* name : {"carol", "alice", "Bob"}) {
    users->Create(*UserName::Parse(name), "h", Role::kUser, "", clock);
  }
  LogInAs("plain", Role::kUser);
  BOOST_TEST(Get("/_admin/users").status == 403);
  LogInAs("zed", Role::kAdmin);
  Response first = Get("/_admin/users");
  BOOST_TEST(first.status == 200);
  BOOST_TEST(Contains(first, ">alice<"));
  BOOST_TEST(Contains(first, ">Bob<"));
  BOOST_TEST(!Contains(first, ">carol<"));
  BOOST_TEST(Contains(first, "href=\"/_admin/users?after=Bob\""));
  Response second = Get("/_admin/users", {{"after", "Bob"}});
  BOOST_TEST(Contains(second, ">carol<"));
  BOOST_TEST(Contains(second, ">plain<"));
  BOOST_TEST(!Contains(second, ">alice<"));
}

BOOST_AUTO_TEST_CASE(promote_demote_and_disable_take_effect_at_once) {
  LogInAs("plain", Role::kUser);
  std::string plain_session = session;
  LogInAs("boss", Role::kAdmin);
  // Promote and disable ask first: the button's POST changes nothing and
  // answers with a form that posts the same action with confirm=yes.
  for (const char* action : {"promote", "disable"}) {
    Response asked = Post("/_admin/users/plain", {{"action", action}});
    BOOST_TEST(asked.status == 200, action);
    BOOST_TEST(Contains(asked, "name=\"confirm\" value=\"yes\""), action);
    BOOST_TEST(Contains(asked, "name=\"action\" value=\"" + std::string(action) + "\""));
    BOOST_TEST(Contains(asked, "href=\"/_admin/users\">Cancel</a>"), action);
    auto plain = users->Find(*UserName::Parse("plain"));
    BOOST_TEST((plain->role == Role::kUser && !plain->disabled), action);
  }
  BOOST_TEST(Post("/_admin/users/plain", {{"action", "promote"}, {"confirm", "yes"}}).status ==
             303);
  BOOST_TEST((users->Find(*UserName::Parse("plain"))->role == Role::kAdmin));
  BOOST_TEST(Post("/_admin/users/plain", {{"action", "demote"}}).status == 303);
  BOOST_TEST(Post("/_admin/users/plain", {{"action", "disable"}, {"confirm", "yes"}}).status ==
             303);
  BOOST_TEST(Post("/_admin/users/boss", {{"action", "disable"}, {"confirm", "yes"}}).status ==
             400);
  BOOST_TEST(Post("/_admin/users/plain", {{"action", "explode"}}).status ==
             400);
  // The disabled account's session is gone, and it cannot log in again.
  BOOST_TEST(sessions->Find(plain_session, clock).status().IsNotFound());
  session = plain_session;
  BOOST_TEST(Get("/_edit/P").status == 303);
  session.clear();
  Response login = LogIn("plain", "password-of-plain");
  BOOST_TEST(login.status == 403);
  BOOST_TEST(ErrorText(login).find("disabled") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_FIXTURE_TEST_SUITE(profiles, AccountsFixture)

BOOST_AUTO_TEST_CASE(
    a_profile_shows_name_bio_join_date_edits_and_contributions) {
  Remember(SignUp("Alice", "a long password"));
  BOOST_TEST(Post("/_user/Alice/_edit", {{"display_name", "Alice Liddell"},
                                         {"bio", "I *like* [[Rabbits]]."},
                                         {"email", "a@example.org"}})
                 .status == 303);
  Save("One", 0, "1");
  Save("Two", 0, "2");
  Save("Two", 1, "2b");
  site.contributions_page_size = 2;
  Response profile = Get("/_user/alice");
  BOOST_TEST(profile.status == 200);
  BOOST_TEST(Contains(profile, "<h1>Alice Liddell</h1>"));
  BOOST_TEST(Contains(profile, "<em>like</em>"));
  BOOST_TEST(Contains(profile, "3 edits"));
  BOOST_TEST(Contains(profile, "Joined 2023-11-14"));
  BOOST_TEST(Contains(profile, "href=\"/Two?rev=2\""));
  BOOST_TEST(Contains(profile, "href=\"/Two?rev=1\""));
  BOOST_TEST(!Contains(profile, "href=\"/One?rev=1\""));
  BOOST_TEST(Contains(profile, "/_user/Alice?before="));
  BOOST_TEST(Get("/_user/Nobody").status == 404);
}

BOOST_AUTO_TEST_CASE(only_the_owner_edits_a_profile) {
  users->Create(*UserName::Parse("alice"), "h", Role::kUser, "", clock);
  BOOST_TEST(Get("/_user/alice/_edit").status == 303);  // to the login form
  LogInAs("mallory", Role::kUser);
  BOOST_TEST(Get("/_user/alice/_edit").status == 403);
  BOOST_TEST(Post("/_user/alice/_edit", {{"display_name", "pwned"}}).status ==
             403);
  BOOST_TEST(users->Find(*UserName::Parse("alice"))->display_name == "");
}

BOOST_AUTO_TEST_CASE(profile_errors_keep_what_was_typed) {
  LogInAs("alice", Role::kUser);
  Response r = Post("/_user/alice/_edit", {{"display_name", "ok"},
                                           {"bio", "line one\r\nline\ttwo"},
                                           {"email", "broken@"}});
  BOOST_TEST(r.status == 400);
  BOOST_TEST(Contains(r, ">\nline one\nline\ttwo</textarea>"));
  BOOST_TEST(Contains(r, "value=\"broken@\""));
  // A control character in the bio: refused, naming it, and kept.
  Response bell = Post("/_user/alice/_edit", {{"display_name", "ok"},
                                              {"bio", "one\nding\x07"}});
  BOOST_TEST(bell.status == 400);
  BOOST_TEST(Contains(bell, "Line 2 of the bio holds the invisible character U+0007"));
  BOOST_TEST(Contains(bell, ">\none\nding\x07</textarea>"));
  Response forged =
      Post("/_user/alice/_edit", {{"display_name", "kept"}, {kCsrfField, "x"}});
  BOOST_TEST(forged.status == 403);
  BOOST_TEST(Contains(forged, "value=\"kept\""));
}

BOOST_AUTO_TEST_CASE(html_in_display_names_and_bios_is_inert) {
  LogInAs("alice", Role::kUser);
  for (const std::string& payload : testing::XssPayloads()) {
    BOOST_TEST_CONTEXT(payload) {
      auto form =
          Post("/_user/alice/_edit",
               {{"display_name", payload.substr(0, 64)}, {"bio", payload}});
      if (form.status != 303) {
        BOOST_TEST(form.status == 400);  // control characters in a name
        continue;
      }
      for (const char* path :
           {"/_user/alice", "/_user/alice/_edit", "/_pages"}) {
        Response r = Get(path);
        BOOST_TEST(testing::HtmlIsInert(r.body), path);
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(
    changing_the_password_asks_for_the_current_one_and_ends_sessions) {
  Remember(SignUp("Alice", "a long password"));
  std::string first = session;
  Remember(LogIn("Alice", "a long password"));  // a second browser, say
  std::string second = session;
  BOOST_TEST(Post("/_user/Alice/_password", {{"current", "wrong"},
                                             {"password", "a new password"},
                                             {"password2", "a new password"}})
                 .status == 403);
  Response changed =
      Post("/_user/Alice/_password", {{"current", "a long password"},
                                      {"password", "a new password"},
                                      {"password2", "a new password"}});
  BOOST_TEST(changed.status == 303);
  Remember(changed);
  BOOST_TEST(session != second);
  BOOST_TEST(sessions->Find(first, clock).status().IsNotFound());
  BOOST_TEST(sessions->Find(second, clock).status().IsNotFound());
  BOOST_TEST(sessions->Find(session, clock).ok());
  session.clear();
  BOOST_TEST(LogIn("Alice", "a long password").status == 403);
  BOOST_TEST(LogIn("Alice", "a new password").status == 303);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace wikid
