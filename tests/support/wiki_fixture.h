// WikiFixture: the router and handlers in-process, with Requests built by
// hand, a real SQLite file and the real templates, no socket and no
// memcached. For unit tests of handlers (router_test, accounts_test).
#pragma once

#include <boost/test/unit_test.hpp>
#include <memory>
#include <string>

#include "model/database.h"
#include "model/login_throttle.h"
#include "model/outbox.h"
#include "model/session_store.h"
#include "model/sqlite_page_store.h"
#include "model/user_store.h"
#include "tests/support/temp_dir.h"
#include "views/account_handlers.h"
#include "views/csrf.h"
#include "views/router.h"

namespace wikid::testing {

struct WikiFixture {
  TempDir dir;
  std::unique_ptr<Database> db;
  // Mail goes to the one extra recipient watch@example.org (and admins).
  std::unique_ptr<Outbox> outbox;
  int mailer_wakeups = 0;
  std::unique_ptr<SqlitePageStore> pages;
  std::unique_ptr<SqliteUserStore> users;
  std::unique_ptr<SessionStore> sessions;
  std::unique_ptr<ApiTokenStore> tokens;
  std::unique_ptr<LoginThrottle> throttle;
  SiteConfig site;
  Templates templates{std::string(WIKID_SOURCE_DIR) + "/views/templates",
                      false};
  Markdown markdown;
  Memcache no_cache{CacheOptions{}};
  RenderCache renders{no_cache};
  CacheState* cache_state = CacheState::CreatePrivate();
  HashSlots* hash_slots = HashSlots::CreatePrivate();
  StampedCache views{no_cache, 0};
  PageCache page_cache{views, *cache_state};
  RecentCache recent{views, *cache_state, 0};
  FastPathShared* fast_shared = FastPathShared::CreatePrivate();
  FastPath fast_path{no_cache, *fast_shared, *cache_state, dir.File("fast-path-on"), false};
  LocalViews anonymous_views{1 << 20};
  Csrf csrf{std::string(32, 'k')};
  std::string cookie = std::string(43, 'c');  // this browser's CSRF cookie
  std::string session;                        // its login session, if any
  std::string client_address = "192.0.2.1";
  int64_t clock = 1700000000;
  std::unique_ptr<Context> ctx;

  // `policy`: the page tests here predate accounts and edit anonymously;
  // the accounts tests use the wiki's default.
  // `busy_timeout_ms`: how long a save waits for another writer's lock.
  explicit WikiFixture(EditPolicy policy = EditPolicy::kAnyone,
                       int busy_timeout_ms = 5000) {
    db = std::move(*Database::Open(dir.File("wikid.db"),
                                   Database::Options{.busy_timeout_ms = busy_timeout_ms}));
    MailSettings mail;
    mail.extra_recipients = {"watch@example.org"};
    outbox = std::move(*Outbox::Create(*db, mail));
    pages = std::move(*SqlitePageStore::Create(*db, outbox.get()));
    users = std::move(*SqliteUserStore::Create(*db, outbox.get()));
    sessions = std::move(*SessionStore::Create(*db));
    tokens = std::move(*ApiTokenStore::Create(*db));
    throttle = std::move(*LoginThrottle::Create(*db, ThrottlePolicy{}));
    BOOST_REQUIRE(templates.LoadAll().ok());
    site.history_page_size = 3;
    site.edit_policy = policy;
    ctx = std::make_unique<Context>(
        Context{site, *pages, *users, *sessions, *tokens, *throttle, *hash_slots, templates, markdown,
                no_cache, views, renders, page_cache, recent, fast_path, anonymous_views, csrf,
                *outbox,
                [this] { ++mailer_wakeups; }, [this] { return clock; }});
  }

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
    req.form.emplace(kCsrfField, csrf.TokenFor(req, session).token);
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

}  // namespace wikid::testing
