// WikiFixture: the router and handlers in-process, with Requests built by
// hand, a real SQLite file and the real templates, no socket and no
// memcached (CachedWikiFixture: with one), built by the same factories as
// a worker's (Wiki::Open and Site::Open). For unit tests of handlers
// (router_test, accounts_test).
#pragma once

#include <boost/test/unit_test.hpp>
#include <memory>
#include <string>

#include "model/accounts/password.h"
#include "model/wiki.h"
#include "tests/support/memcached_server.h"
#include "tests/support/temp_dir.h"
#include "views/accounts/account_handlers.h"
#include "views/http/csrf.h"
#include "views/router.h"
#include "views/site.h"

namespace wikid::testing {

struct WikiFixture {
  TempDir dir;
  SiteConfig site;
  int mailer_wakeups = 0;
  std::string cookie = std::string(43, 'c');  // this browser's CSRF cookie
  std::string session;                        // its login session, if any
  std::string client_address = "192.0.2.1";
  int64_t clock = 1700000000;
  std::unique_ptr<Wiki> wiki;
  std::unique_ptr<Site> web;
  // Shorthands for what the tests reach into.
  PageStore* pages;
  UserStore* users;
  SessionStore* sessions;
  ApiTokenStore* tokens;
  LoginThrottle* throttle;
  HashSlots* hash_slots;
  LocalViews* anonymous_views;
  const Csrf* csrf;  // the Site's: the tokens its forms carry
  Context* ctx;

  // `policy`: the page tests here predate accounts and edit anonymously;
  // the accounts tests use the wiki's default.
  // `busy_timeout_ms`: how long a save waits for another writer's lock.
  // `memcached`: the server's address, or none.
  explicit WikiFixture(EditPolicy policy = EditPolicy::kAnyone,
                       int busy_timeout_ms = 5000, const std::string& memcached = "")
      : wiki(OpenWiki(dir, busy_timeout_ms, memcached)) {
    site.history_page_size = 3;
    site.edit_policy = policy;
    auto opened = Site::Open(site, *wiki, std::string(WIKID_SOURCE_DIR) + "/views/templates",
                             false, [this] { ++mailer_wakeups; }, [this] { return clock; });
    BOOST_REQUIRE(opened.ok());
    web = std::move(*opened);
    const Stores& stores = wiki->stores();
    pages = &wiki->page_store();
    users = &stores.users;
    sessions = &stores.sessions;
    tokens = &stores.tokens;
    throttle = &stores.throttle;
    hash_slots = &wiki->hash_slots();
    anonymous_views = &wiki->caches().anonymous_views;
    ctx = &web->context();
    csrf = &ctx->security.csrf;
  }

  // Mail goes to the one extra recipient watch@example.org (and admins).
  // Whole anonymous pages are kept as a worker keeps them (which takes
  // memcached: what they are checked against lives there).
  static std::unique_ptr<Wiki> OpenWiki(const TempDir& dir, int busy_timeout_ms,
                                        const std::string& memcached) {
    WikiOptions options;
    if (!memcached.empty()) {
      options.cache.servers = {memcached};
      // Seconds: memcached's speed on a loaded machine is not tested here.
      options.cache.connect_timeout_ms = 10'000;
      options.cache.poll_timeout_ms = 10'000;
    }
    options.storage = {.data_dir = dir.path(), .busy_timeout_ms = busy_timeout_ms};
    // Uploaded files' copies, as a worker keeps them for nginx.
    options.file_cache_dir = dir.File("files");
    options.mail.extra_recipients = {"watch@example.org"};
    options.anonymous_view_bytes = 1 << 20;
    options.hash_slot_count = 1;  // one process may hash a password at once
    auto wiki = Wiki::Open(options);
    BOOST_REQUIRE(wiki.ok());
    return std::move(*wiki);
  }

  // Statements run on the wiki's connection so far.
  int64_t Queries() const { return wiki->stores().storage.counters().queries; }

  Request Base(Method method, std::string path) const {
    Request req;
    req.method = method;
    req.method_name = method == Method::kPost ? "POST" : "GET";
    req.path = std::move(path);
    req.cookies[kCsrfCookie] = cookie;
    if (!session.empty()) req.cookies[kSessionCookie] = session;
    req.client_address = client_address;
    return req;
  }
  Response Get(std::string path, FormFields query = {}) {
    Request req = Base(Method::kGet, std::move(path));
    req.query = std::move(query);
    return Dispatch(req, *ctx);
  }
  // A POST from this browser, with its cookies and the form token unless
  // `form` brings its own.
  Response Post(std::string path, FormFields form) {
    Request req = Base(Method::kPost, std::move(path));
    req.form = std::move(form);
    req.form.emplace(kCsrfField, csrf->TokenFor(req, session).token);
    return Dispatch(req, *ctx);
  }
  Response Save(const std::string& name, int64_t base,
                const std::string& text) {
    return Post(
        "/_edit/" + name,
        {{"text", text}, {"base_rev", std::to_string(base)}, {"summary", "s"}});
  }
  // Creates the account (password "password-of-NAME", a cheap stored hash
  // would not verify, so it is a real one) and logs this browser in.
  User LogInAs(const std::string& name, Role role) {
    auto user = users->Find(*UserName::Parse(name));
    if (!user.ok()) {
      user =
          users->Create(*UserName::Parse(name),
                        *HashPassword("password-of-" + name), role, "", clock);
    }
    BOOST_REQUIRE(user.ok());
    session = *sessions->Start(user->id, clock, 3600);
    return *user;
  }
  static std::string Header(const Response& r, const std::string& name) {
    for (const auto& [n, v] : r.headers) {
      if (n == name) return v;
    }
    return "";
  }
  static bool Contains(const Response& r, std::string_view needle) {
    return r.body.find(needle) != std::string::npos;
  }
};

// A WikiFixture with a real memcached of its own, for what the caches do.
struct MemcachedOfItsOwn {
  MemcachedServer memcached;
};
struct CachedWikiFixture : MemcachedOfItsOwn, WikiFixture {
  CachedWikiFixture() : WikiFixture(EditPolicy::kAnyone, 5000, memcached.address()) {}
};

}  // namespace wikid::testing
