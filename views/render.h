// Rendering a whole HTML page (the layout around one content template), and
// the one place where a model Status becomes an HTTP status.
#pragma once

#include <ctemplate/template.h>

#include <string>

#include "model/base/log.h"  // LogError, for every handler
#include "model/base/status.h"
#include "views/context.h"
#include "views/http.h"

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

// What a non-admin is told about a protected page.
inline constexpr char kProtectedMessage[] =
    "This page is protected: only the wiki's admins may change it.";

// What someone not logged in is told when a form needs a login.
inline constexpr char kLoginToEditMessage[] =
    "You need to log in to edit pages on this wiki. Nothing was saved; your "
    "text is below. Log in (in another tab, so you keep this one) and save "
    "again.";
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
