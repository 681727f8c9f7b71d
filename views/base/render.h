// Rendering a whole HTML page (the layout around one content template), and
// the one place where a model Status becomes an HTTP status.
#pragma once

#include <ctemplate/template.h>

#include <string>

#include "model/base/log.h"  // LogError, for every handler
#include "model/base/status.h"
#include "views/base/context.h"
#include "views/http/http.h"

namespace wikid {

// A page being built: the layout dictionary and, inside it, the content
// template's dictionary for a fill function to fill.
class HtmlPage {
 public:
  // `content_template` is a file in views/templates, e.g. "page.tpl".
  HtmlPage(const std::string& title, const std::string& content_template);
  ctemplate::TemplateDictionary* content() { return content_; }
  // Asks search engines not to index it (edit forms, old revisions).
  void NoIndex() { layout_.ShowSection("NOINDEX"); }
  // Announces the Atom feed at `url` (a local path) to browsers and feed
  // readers, with <link rel="alternate">.
  void Feed(const std::string& url, const std::string& title);
  // Expands the layout; a template failure becomes a logged 500.
  Response Render(Context& ctx, int status);

 private:
  ctemplate::TemplateDictionary layout_;
  ctemplate::TemplateDictionary* content_;  // owned by layout_
};

// One-time notices after a change ("Your edit was saved."), shown once on
// the page the change's redirect leads to. A cookie, `KIND:PATH`, lives a
// minute; FindViewer (router.cc) reads it only for a logged-in viewer and
// only on PATH, and HtmlPage::Render shows it and clears it. Why a cookie
// and logged-in views only: their HTML is made per request anyway (the
// header names the viewer), no tier keeps it whole and nginx's fast path
// never answers a request with a session cookie, so the notice costs no
// cache hit and cannot reach another reader; the page's address stays
// the same (no ?flag to repeat on reload, bookmark or share, or to make
// the view miss its caches). Anonymous editors get none: their views are
// the shared ones.
inline constexpr char kNoticeCookie[] = "wikid_notice";
// Adds the notice `kind` (one of the kinds render.cc knows: saved, moved,
// profile, password, restored, protected, unprotected, deleted, undeleted,
// uploaded, watched, unwatched, revoked, promoted, demoted, disabled,
// enabled, flushed, retried, first-admin) to
// `redirect`, for the page its Location names, if `ctx`'s viewer is
// logged in. The page is shown with a 200, or a 410 (a deletion's).
void AddNotice(Response& redirect, const Request& req, const Context& ctx,
               std::string_view kind);
// The same for a redirect that logs the browser in (it carries the new
// session's cookie): its viewer is anonymous, the next request's is not.
void AddNoticeForNewSession(Response& redirect, const Request& req, std::string_view kind);
// A 303 to `location` with the notice `kind` (AddNotice).
Response SeeOtherWithNotice(const Request& req, const Context& ctx, std::string location,
                            std::string_view kind);
// The kind named by `req`'s notice cookie if it is meant for `path` (the
// request's, encoded as Viewer::path), else empty.
std::string NoticeFor(const Request& req, std::string_view path);

// The anti-forgery token for a form shown in answer to `req`.
CsrfToken FormToken(const Request& req, const Context& ctx);

// `response` with a Retry-After header of `seconds` (429s and 503s).
Response WithRetryAfter(Response response, int64_t seconds);

// "/_user/NAME": a user's profile.
std::string ProfileUrl(const std::string& user_name);

// "/_diff/NAME?from=N&to=M" for the page at URL path `page_path` ("/NAME").
std::string DiffUrl(const std::string& page_path, int64_t from, int64_t to);

// The HTTP status for a model Status: NotFound 404, Conflict 409, Invalid
// 400, Forbidden 403, TooComplex 422, Unsupported 415, Busy and
// Unavailable 503, Internal 500.
int HttpStatusFor(const Status& status);

// An error page for `status`. Internal errors are logged with their detail
// and shown to the user only as a generic sentence.
Response ErrorPage(Context& ctx, const Status& status);
Response ErrorPage(Context& ctx, int http_status, const std::string& message);

// An error in the form the path's clients read: JSON under /_api/, the
// HTML error page elsewhere. For errors found before a handler runs (a
// body over the limit, a bad encoding, no such route or method).
Response ErrorFor(Context& ctx, std::string_view path, int status,
                  const std::string& message);

// What a POST without a valid anti-forgery token is told.
inline constexpr char kForgedMessage[] =
    "This form's security token is missing or does not match this browser "
    "(the form may be old, or cookies may be off). Nothing was changed; "
    "please submit the form again.";

// A form shown before the viewer logged in (in another tab), posted after:
// its token was for the browser before the login, and a logged-in form
// needs the session's. The refusal shows the form again with the session's.
inline constexpr char kLoggedInSinceMessage[] =
    "You logged in after this form was shown, so it needed a new security "
    "token. Nothing was saved yet: what you typed is below, in a form that has "
    "the new token. Check it and submit it again.";

// What a non-admin is told about a protected page.
inline constexpr char kProtectedMessage[] =
    "This page is protected: only the wiki's admins may change it.";

// What someone not logged in is told when a form needs a login.
inline constexpr char kLoginToEditMessage[] =
    "You need to log in to edit pages on this wiki. Nothing was saved; your "
    "text is below. Log in (in another tab, so you keep this one) and save "
    "again: the form comes back once more with a new security token, and "
    "saving it then saves your text.";
inline constexpr char kLoginNeededMessage[] =
    "You need to log in to do this. Nothing was changed.";

// What a request is told when its login could not be checked (the
// database cannot be reached).
inline constexpr char kCannotTellWhoMessage[] =
    "The wiki's database cannot be reached just now, so your login cannot be "
    "checked. Nothing was changed; please try again in a moment.";

// How long a 503 asks a client to wait (Retry-After) when no handler
// said: the database or its disk refused, which is seldom long.
inline constexpr int64_t kUnavailableRetrySeconds = 5;


}  // namespace wikid
