// The router: one table maps method and path to a handler.
//
// Each row is a method, a path pattern, a handler and the access it needs.
// The router finds who is asking (the session cookie), then checks access
// and, for every POST, the CSRF token before any handler runs, answers 405
// with an
// Allow header when the path is known but the method is not, treats HEAD
// as GET, and holds the only catch-all for exceptions, so one bad request
// becomes a logged 500 instead of a dead worker.
#pragma once

#include <string_view>
#include <vector>

#include "views/base/context.h"
#include "views/http/http.h"

namespace wikid {

// Who may use a route.
enum class Access {
  kAnyone,
  kEditor,  // may save pages: per SiteConfig::edit_policy
  kUser,    // logged in
  kAdmin,   // logged in with the admin role
};

// `rest` is the part of the path after the pattern's prefix (for "/_edit/*"
// and the path "/_edit/Main_Page", "Main_Page").
using Handler = Response (*)(const Request& req, Context& ctx,
                             std::string_view rest);
using Refusal = Response (*)(const Request& req, Context& ctx,
                             std::string_view rest, int status,
                             const std::string& message);

struct Route {
  Method method;  // kGet also answers HEAD
  // "/x" matches exactly "/x"; "/x/*" matches "/x/" followed by anything
  // (the rest may be empty only if the pattern is "/*"); "/x/*/y" matches
  // "/x/", one non-empty segment without '/', then "/y" (the rest is the
  // segment).
  std::string_view pattern;
  Handler handler;
  Access access;
  // POST and PUT routes only: answers a request the router refuses (its access
  // level is not met, or its CSRF token is missing or wrong) with `status`
  // and `message`, e.g. by showing the form again with what was typed. The
  // handler itself never runs for such a request. Null: a plain error page.
  Refusal on_refused = nullptr;
  // POST and PUT routes only: the body may carry a file, up to
  // SiteConfig::max_upload_bytes (and some form fields) rather than
  // --max-body-bytes (TakesUploads).
  bool takes_files = false;
};

// The wiki's routes, in match order: the first row whose pattern matches
// decides which methods the path allows.
const std::vector<Route>& Routes();

// Who a request came from, as the router found out, for the worker's
// request log line and its Server-Timing (admins only).
struct Asker {
  int64_t user_id = 0;  // 0: anonymous (or a request that failed before)
  bool admin = false;
};

// Finds the handler for `req` and runs it, with a copy of `ctx` that knows
// who is asking. Never throws. `route`, if given, is set to the index in
// Routes() of the row that answered (for a 405, the path's first row), or
// Routes().size() when no row matched: /_metrics counts requests by it.
// `asker`, if given, is set to who was asking (before the handler ran: a
// login's own request is anonymous).
Response Dispatch(const Request& req, const Context& ctx, size_t* route = nullptr,
                  Asker* asker = nullptr);

// Whether a request to `raw_path` (its path as sent, before decoding) may
// carry a file, so the worker keeps a body as large as an upload.
bool TakesUploads(std::string_view raw_path);

// Room for an upload form's other fields beside its file.
inline constexpr size_t kUploadFormBytes = 64 << 10;

// Exposed for tests: does `pattern` match `path`, and what is the rest?
bool MatchPattern(std::string_view pattern, std::string_view path,
                  std::string_view* rest);

}  // namespace wikid
