// Context: what every handler may use. The worker builds one, with its
// long-lived parts, once; the router copies it for each request (a dozen
// references) and fills in who is asking, so per-request state travels
// with the request instead of living in a long-lived object.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "model/accounts/accounts.h"
#include "model/file_writes.h"
#include "model/page_writes.h"
#include "model/wiki.h"
#include "views/http/csrf.h"
#include "views/markup/markdown.h"
#include "views/base/templates.h"

namespace wikid {

// Who may save pages.
enum class EditPolicy {
  kUsers,   // only logged-in users (the default)
  kAnyone,  // anyone; anonymous revisions record the client address
};

// Who may read /_metrics (views/metrics_handlers.h).
enum class MetricsAccess {
  kLoopback,  // requests from this machine's own addresses (the default)
  kAdmins,    // logged-in admins, from anywhere
  kOff,       // nobody: 404
};

// The settings handlers need. Filled from the command line and config file
// by fcgi/config.cc, which documents and range-checks each one.
struct SiteConfig {
  std::string site_name = "wikid";
  std::string front_page = "Main Page";  // what "/" shows
  // The wiki's address as readers reach it, no '/' at the end: for the
  // absolute links and ids of feeds (and mail). --public-url.
  std::string public_url = "http://127.0.0.1:8080";
  size_t max_page_bytes = 1 << 20;       // longest page text accepted
  size_t max_summary_bytes = 500;        // longest edit summary accepted
  size_t max_upload_bytes = 10 << 20;    // largest file accepted
  int64_t max_image_pixels = 100'000'000;  // largest image (width x height)
  int files_page_size = 100;             // files per page of /_files
  int64_t render_budget_ms = 2000;       // CPU time one Markdown parse may take
  int history_page_size = 50;            // revisions per history page
  int pages_page_size = 100;             // pages per page of the page list
  int recent_page_size = 50;             // changes per page of /_recent
  int front_recent_size = 10;            // changes shown on the front page
  int users_page_size = 50;              // accounts per page of /_admin/users
  int contributions_page_size = 50;      // revisions per page of a profile
  int search_page_size = 20;             // hits per page of /_search
  EditPolicy edit_policy = EditPolicy::kUsers;
  MetricsAccess metrics_access = MetricsAccess::kLoopback;  // --metrics
  bool signup_enabled = true;            // /_signup takes new accounts
  int64_t session_seconds = 30 * 86400;  // a login lasts this long
  // TokenHash of the one-time token of /_setup (views/accounts/setup_handlers.h),
  // which the master made at start because the wiki had no admin; empty:
  // none, /_setup is refused. Not an option: never read from a file.
  std::string setup_token_hash;
  // The file that holds the setup link (DATA/setup-link): the token works
  // only while it stands, and the setup that makes the first admin removes
  // it, so the link is spent for every worker (and a reload) at once, even
  // if every admin is later demoted. Set with setup_token_hash.
  std::string setup_link_path;
  // Whether the operator named the mail server (--smtp-url); if not, wikid
  // tries the default, smtp://127.0.0.1:25, and admins are told so.
  bool mail_configured = true;
};

// Who is asking: found from the session cookie by the router, once per
// request, before any handler runs.
struct Viewer {
  std::optional<User> user;   // logged in as; empty for anonymous
  std::string session_token;  // the cookie's token when logged in
  std::string path;           // the request's path, encoded, for "log in" links
  // A one-time notice waiting for this view (kNoticeCookie, render.h):
  // its kind, or empty. Only ever set for a logged-in viewer.
  std::string notice;
  // The session or API token could not be looked up (the database failed):
  // who asks is not known, which is not the same as anonymous.
  bool unknown = false;
  bool logged_in() const { return user.has_value(); }
  bool is_admin() const { return user && user->role == Role::kAdmin; }
};

// What keeps accounts and forms safe.
struct Security {
  const Csrf& csrf;
  Accounts& accounts;  // signup, login and password rules (model/accounts)
};

// What every handler may use, in groups, so a helper's signature can say
// which part it needs. Borrowed references: the worker (or a test) owns
// everything through its Wiki and Site (views/site.h), which outlive every
// request. `now` returns unix seconds (injected so tests can fix time).
struct Context {
  const SiteConfig& site;
  Stores stores;  // model/store: pages, accounts, the outbox
  Caches caches;  // model/cache: the views kept in front of the stores
  PageWrites& writes;  // every change to pages (model/page_writes.h)
  FileWrites& file_writes;  // every upload, and this host's copies of them
  Security security;
  Templates& templates;
  Markdown& markdown;
  // The host's counters for /_metrics, shared by every worker
  // (model/base/process_metrics.h): handlers count saves and logins.
  ProcessMetrics& metrics;
  // The watchers' mail and the signed links it carries (issue 20).
  WatchMail& watch_mail;
  std::function<void()> wake_mailer;  // after queued mail committed
  std::function<int64_t()> now;
  Viewer viewer;  // per request: set by the router in its copy
};

}  // namespace wikid
