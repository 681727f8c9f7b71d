#include "views/router.h"

#include <algorithm>
#include <exception>
#include <stdexcept>
#include <string>

#include "model/base/failpoint.h"
#include "views/accounts/account_handlers.h"
#include "views/accounts/admin_handlers.h"
#include "views/pages/delete_handlers.h"
#include "views/api_handlers.h"
#include "views/pages/diff_handlers.h"
#include "views/pages/feed_handlers.h"
#include "views/file_handlers.h"
#include "views/pages/link_handlers.h"
#include "views/metrics_handlers.h"
#include "views/pages/move_handlers.h"
#include "views/pages/help_handlers.h"
#include "views/search_handlers.h"
#include "views/accounts/setup_handlers.h"
#include "views/pages/edit_handlers.h"
#include "views/pages/page_handlers.h"
#include "views/accounts/user_handlers.h"
#include "views/accounts/watch_handlers.h"
#include "views/base/render.h"

namespace wikid {

const std::vector<Route>& Routes() {
  using enum Access;
  static const std::vector<Route> kRoutes = {
      {Method::kGet, "/", ShowFrontPage, kAnyone},
      {Method::kGet, "/_pages", ListAllPages, kAnyone},
      {Method::kGet, "/_recent", ListRecent, kAnyone},
      {Method::kGet, "/_recent.atom", RecentFeed, kAnyone},
      {Method::kGet, "/_edit/*", ShowEditForm, kEditor},
      {Method::kPost, "/_edit/*", SaveEdit, kEditor, RefuseEdit},
      {Method::kGet, "/_restore/*", ShowRestore, kEditor},
      {Method::kPost, "/_restore/*", Restore, kEditor},
      {Method::kGet, "/_move/*", ShowMoveForm, kUser},
      {Method::kPost, "/_move/*", MovePage, kUser},
      {Method::kGet, "/_history/*", ShowHistory, kAnyone},
      {Method::kGet, "/_diff/*", ShowDiff, kAnyone},
      {Method::kGet, "/_raw/*", ShowRaw, kAnyone},
      {Method::kGet, "/_links/*", ShowBacklinks, kAnyone},
      {Method::kGet, "/_wanted", ListWantedPages, kAnyone},
      {Method::kGet, "/_orphans", ListOrphanedPages, kAnyone},
      {Method::kGet, "/_search", ShowSearch, kAnyone},
      {Method::kGet, "/_health", Health, kAnyone},
      // Loopback or admins, per --metrics: the handler decides (it may be
      // either, so no access level here says it).
      {Method::kGet, "/_metrics", ShowMetrics, kAnyone},
      {Method::kGet, "/_help", ShowHelp, kAnyone},
      {Method::kGet, "/_signup", ShowSignupForm, kAnyone},
      {Method::kPost, "/_signup", SignUp, kAnyone, RefuseSignup},
      {Method::kGet, "/_login", ShowLoginForm, kAnyone},
      {Method::kPost, "/_login", LogIn, kAnyone, RefuseLogin},
      {Method::kPost, "/_logout", LogOut, kAnyone},
      {Method::kGet, "/_setup", ShowSetupForm, kAnyone},
      {Method::kPost, "/_setup", SetUp, kAnyone, RefuseSetup},
      {Method::kGet, "/_user/*/_edit", ShowProfileForm, kUser},
      {Method::kPost, "/_user/*/_edit", SaveProfile, kUser, RefuseProfile},
      {Method::kGet, "/_user/*/_password", ShowPasswordForm, kUser},
      {Method::kPost, "/_user/*/_password", ChangePassword, kUser},
      {Method::kGet, "/_user/*/_tokens", ShowTokens, kUser},
      {Method::kPost, "/_user/*/_tokens", ChangeTokens, kUser},
      {Method::kPost, "/_user/*/_confirm-email", ResendConfirmation, kUser},
      {Method::kGet, "/_user/*", ShowProfile, kAnyone},
      {Method::kPost, "/_protect/*", SetProtection, kAdmin},
      {Method::kGet, "/_delete/*", ShowDeleteForm, kAdmin},
      {Method::kPost, "/_delete/*", DeletePage, kAdmin},
      {Method::kPost, "/_undelete/*", UndeletePage, kAdmin},
      // Watchlists (issue 20); the mail's two links need no login.
      {Method::kPost, "/_watch/*", ChangeWatch, kUser},
      {Method::kGet, "/_watchlist", ShowWatchlist, kUser},
      {Method::kGet, "/_unwatch", ShowUnwatch, kAnyone},
      {Method::kPost, "/_unwatch", Unwatch, kAnyone},
      {Method::kGet, "/_confirm-email", ConfirmEmail, kAnyone},
      {Method::kGet, "/_admin/users", ListUsers, kAdmin},
      {Method::kPost, "/_admin/users/*", ChangeUser, kAdmin},
      {Method::kGet, "/_admin/mail", ListMail, kAdmin},
      {Method::kPost, "/_admin/mail/*/retry", RetryMail, kAdmin},
      {Method::kGet, "/_admin/cache", ShowCacheAdmin, kAdmin},
      {Method::kPost, "/_admin/cache/flush", FlushCache, kAdmin},
      {Method::kGet, "/_api/page/*", ApiGetPage, kAnyone},
      {Method::kPut, "/_api/page/*", ApiPutPage, kEditor, RefuseApi},
      {Method::kGet, "/_api/recent", ApiRecent, kAnyone},
      {Method::kGet, "/_api/search", ApiSearch, kAnyone},
      {Method::kGet, "/_api/file/*", ApiGetFile, kAnyone},
      {Method::kPut, "/_api/file/*", ApiPutFile, kEditor, RefuseApi, true},
      {Method::kGet, "/_upload", ShowUploadForm, kEditor},
      {Method::kPost, "/_upload", Upload, kEditor, RefuseUpload, true},
      {Method::kGet, "/_files", ListAllFiles, kAnyone},
      {Method::kGet, "/_file/*", ServeFile, kAnyone},
      {Method::kGet, "/_blob/*", ServeBytes, kAnyone},
      {Method::kGet, "/_thumb/*", ServeThumbnail, kAnyone},
      {Method::kGet, "/_file-page/*", ShowFilePage, kAnyone},
      {Method::kPost, "/_file-restore/*", RestoreFile, kEditor},
      {Method::kPost, "/_file-protect/*", ProtectFile, kAdmin},
      {Method::kGet, "/_file-delete/*", ShowFileDeleteForm, kAdmin},
      {Method::kPost, "/_file-delete/*", DeleteFile, kAdmin},
      {Method::kPost, "/_file-undelete/*", UndeleteFile, kAdmin},
      // Every other name starting with '_' is reserved for the wiki.
      {Method::kGet, "/_*", NoSuchRoute, kAnyone},
      {Method::kGet, "/*", ShowPage, kAnyone},
  };
  return kRoutes;
}

bool MatchPattern(std::string_view pattern, std::string_view path,
                  std::string_view* rest) {
  size_t star = pattern.find('*');
  if (star == std::string_view::npos) {
    *rest = {};
    return path == pattern;
  }
  std::string_view prefix = pattern.substr(0, star);
  std::string_view suffix = pattern.substr(star + 1);
  if (!path.starts_with(prefix)) return false;
  std::string_view tail = path.substr(prefix.size());
  if (suffix.empty()) {
    *rest = tail;
    return true;
  }
  if (tail.size() <= suffix.size() || !tail.ends_with(suffix)) return false;
  std::string_view segment = tail.substr(0, tail.size() - suffix.size());
  if (segment.find('/') != std::string_view::npos) return false;
  *rest = segment;
  return true;
}

bool TakesUploads(std::string_view raw_path) {
  for (const Route& route : Routes()) {
    std::string_view rest;
    if (route.takes_files && MatchPattern(route.pattern, raw_path, &rest)) return true;
  }
  return false;
}

namespace {

bool MethodAllows(Method route_method, Method request_method) {
  return route_method == request_method ||
         (route_method == Method::kGet && request_method == Method::kHead);
}

const char* MethodName(Method m) {
  switch (m) {
    case Method::kGet: return "GET, HEAD";
    case Method::kHead: return "HEAD";
    case Method::kPost: return "POST";
    case Method::kPut: return "PUT";
    case Method::kOther: return "";
  }
  return "";
}

Response Route405(Context& ctx, const Request& req, const std::string& allow) {
  Response r = ErrorFor(ctx, req.path, 405,
                        "This address does not accept " + req.method_name +
                            " requests; it accepts " + allow + ".");
  r.headers.emplace_back("Allow", allow);
  return r;
}

// Who is asking: the account of an unexpired session cookie, if any. One
// indexed query for a logged-in viewer, none for anyone else (page views by
// anonymous readers stay free of SQL). A revoked or expired token is simply
// anonymous.
Viewer FindViewer(const Request& req, const Context& ctx) {
  Viewer viewer;
  viewer.path = PercentEncodePath(req.path);
  // Programs using the JSON API may send a token instead of a cookie, and
  // so may a Prometheus server scraping /_metrics as an admin. Only there:
  // an HTML form must keep proving itself with its CSRF token.
  if ((req.path.starts_with("/_api/") || req.path == "/_metrics") &&
      req.authorization.starts_with("Bearer ")) {
    auto user = ctx.stores.tokens.Find(req.authorization.substr(7));
    if (user.ok()) {
      viewer.user = std::move(*user);
    } else if (!user.status().IsNotFound()) {
      LogError("API token lookup failed: " + user.status().message());
      viewer.unknown = true;
    }
    return viewer;
  }
  auto cookie = req.cookies.find(kSessionCookie);
  if (cookie == req.cookies.end()) return viewer;
  auto user = ctx.stores.sessions.Find(cookie->second, ctx.now());
  if (user.ok()) {
    viewer.user = std::move(*user);
    viewer.session_token = cookie->second;
    viewer.notice = NoticeFor(req, viewer.path);
  } else if (!user.status().IsNotFound()) {
    LogError("session lookup failed: " + user.status().message());
    viewer.unknown = true;
    // The form shown again carries this session's token, so that it
    // saves once the database is back.
    viewer.session_token = cookie->second;
  }
  return viewer;
}

bool AccessAllows(Access access, const Context& ctx) {
  switch (access) {
    case Access::kAnyone: return true;
    case Access::kEditor:
      return ctx.site.edit_policy == EditPolicy::kAnyone || ctx.viewer.logged_in();
    case Access::kUser: return ctx.viewer.logged_in();
    case Access::kAdmin: return ctx.viewer.is_admin();
  }
  return false;
}

// `status` (403 unless told) for `route`, told `message`: the route's own
// refusal (which shows the form again with what was typed) if it has one,
// else an error page.
Response Refuse(const Request& req, Context& ctx, const Route& route,
                std::string_view rest, const std::string& message, int status = 403) {
  if (route.on_refused != nullptr) return route.on_refused(req, ctx, rest, status, message);
  return ErrorFor(ctx, req.path, status, message);
}

// A request the route's access level refuses: a GET from someone not
// logged in goes to the login form and comes back afterwards; anything
// else is told why.
Response RefuseAccess(const Request& req, Context& ctx, const Route& route,
                      std::string_view rest) {
  if (!ctx.viewer.logged_in() && route.method == Method::kGet) {
    return Response::SeeOther("/_login?next=" + ctx.viewer.path);
  }
  if (ctx.viewer.logged_in()) {
    return Refuse(req, ctx, route, rest, "Only the wiki's admins may do this.");
  }
  return Refuse(req, ctx, route, rest,
                route.access == Access::kEditor ? kLoginToEditMessage
                                                : kLoginNeededMessage);
}

Response DispatchUnguarded(const Request& req, Context& ctx, size_t* route_index) {
  // Tests prove an unexpected exception becomes a 500 that leaks nothing.
  if (FailpointValue("dispatch_throw") > 0) {
    throw std::runtime_error("failpoint dispatch_throw (secret detail)");
  }
  // The first matching pattern owns the path; later rows with the same
  // pattern add methods to it.
  std::string_view owner;
  std::string allow;
  const std::vector<Route>& routes = Routes();
  for (size_t i = 0; i < routes.size(); ++i) {
    const Route& route = routes[i];
    std::string_view rest;
    if (!owner.empty() && route.pattern != owner) continue;
    if (!MatchPattern(route.pattern, req.path, &rest)) continue;
    // The owner's first row counts a 405; the row that runs, the rest.
    if (owner.empty()) *route_index = i;
    owner = route.pattern;
    if (MethodAllows(route.method, req.method)) {
      *route_index = i;
      // Who asks could not be looked up (the database is down): refused
      // as anonymous, a logged-in editor would be told to log in, and a
      // form's token would not match. What needs to know who asks is
      // refused for now (503, Retry-After), a form shown again with what
      // was typed.
      if (ctx.viewer.unknown &&
          (route.access != Access::kAnyone || route.method == Method::kPost)) {
        return Refuse(req, ctx, route, rest, kCannotTellWhoMessage, 503);
      }
      if (!AccessAllows(route.access, ctx)) return RefuseAccess(req, ctx, route, rest);
      // Before the token: nothing is done with a body cut short, and its
      // token may be past the cut.
      if (req.body_too_large) {
        return Refuse(req, ctx, route, rest,
                      "The form is larger than this wiki takes: a file may be at most " +
                          std::to_string(ctx.site.max_upload_bytes) +
                          " bytes. Nothing was saved.",
                      413);
      }
      if (route.method == Method::kPost &&
          !ctx.security.csrf.Verify(req, ctx.viewer.session_token)) {
        return Refuse(req, ctx, route, rest,
                      ctx.viewer.logged_in() && ctx.security.csrf.FromBeforeLogin(req)
                          ? kLoggedInSinceMessage
                          : kForgedMessage);
      }
      return route.handler(req, ctx, rest);
    }
    if (!allow.empty()) allow += ", ";
    allow += MethodName(route.method);
  }
  if (owner.empty()) return ErrorFor(ctx, req.path, 404, "There is nothing here.");
  return Route405(ctx, req, allow);
}

}  // namespace

Response Dispatch(const Request& req, const Context& worker_ctx, size_t* route,
                  Asker* asker) {
  size_t unused;
  if (route == nullptr) route = &unused;
  *route = Routes().size();
  worker_ctx.templates.BeforeRequest();
  try {
    Context ctx = worker_ctx;
    ctx.viewer = FindViewer(req, worker_ctx);
    if (asker != nullptr && ctx.viewer.user) {
      *asker = Asker{.user_id = ctx.viewer.user->id, .admin = ctx.viewer.is_admin()};
    }
    Response response = DispatchUnguarded(req, ctx, route);
    // Every 503 says when to come back (the database or its disk refused;
    // a form shown again keeps what was typed).
    if (response.status == 503 &&
        std::none_of(response.headers.begin(), response.headers.end(),
                     [](const auto& h) { return h.first == "Retry-After"; })) {
      response = WithRetryAfter(std::move(response), kUnavailableRetrySeconds);
    }
    // Mail queued by this request has committed (or rolled back, and the
    // mailer finds nothing): one wake-up, after the handler, for every
    // route, so no handler can forget it.
    if (ctx.stores.outbox.TakeQueued() && ctx.wake_mailer) ctx.wake_mailer();
    return response;
  } catch (const std::exception& e) {
    LogError("500 for " + req.method_name + " " + req.path + ": " + e.what());
  } catch (...) {
    LogError("500 for " + req.method_name + " " + req.path +
             ": unknown exception");
  }
  return Response::PlainText(500, "Internal error. The details are logged.");
}

}  // namespace wikid
