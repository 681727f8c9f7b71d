// Handlers for accounts: signing up, logging in and out.
//
// A login is a session (model/store/session_store.h) whose random token lives in
// the wikid_session cookie: HttpOnly, SameSite=Lax, Path=/, Secure when the
// request came over HTTPS. A new token is issued at every login, so a
// token planted before it is worth nothing (no session fixation), and the
// token the browser had is ended.
#pragma once

#include <string>
#include <string_view>

#include "views/base/context.h"
#include "views/http/http.h"

namespace wikid {

inline constexpr char kSessionCookie[] = "wikid_session";

// GET /_signup?next=PATH.
Response ShowSignupForm(const Request& req, Context& ctx, std::string_view);
// POST /_signup: name, email (optional), password, password2, next.
Response SignUp(const Request& req, Context& ctx, std::string_view);
// The signup form again with what was typed (never the password).
Response RefuseSignup(const Request& req, Context& ctx, std::string_view,
                      int status, const std::string& message);
// GET /_login?next=PATH.
Response ShowLoginForm(const Request& req, Context& ctx, std::string_view);
// POST /_login: name, password, next. Throttled before any hashing.
Response LogIn(const Request& req, Context& ctx, std::string_view);
Response RefuseLogin(const Request& req, Context& ctx, std::string_view,
                     int status, const std::string& message);
// POST /_logout: ends the session and clears the cookie.
Response LogOut(const Request& req, Context& ctx, std::string_view);

// The HTTP status of an account answer: kInvalid 400, kTaken 409,
// kThrottled 429, kBusy 503, kForbidden 403, kFailed its failure's.
int HttpStatusFor(const AccountAnswer& answer);

// `form` (showing why `answer` is not ok, with HttpStatusFor(answer)),
// with Retry-After when the answer says when to try again; a storage
// failure behind a 5xx is logged.
Response AccountRefusal(const AccountAnswer& answer, Response form);

// Logs `user` in: ends the session the browser had (a token planted
// before the login is worth nothing afterwards), starts a new one and sends
// the browser to SafeRedirectTarget(next) with its cookie.
Response StartSession(const Request& req, Context& ctx, const User& user,
                      std::string_view next);

// Where to send a browser after login: `next` if it is a local path
// (exactly one leading '/', no backslash, no control characters, not an
// account route such as /_logout), else "/". The result is percent-encoded
// for a Location header. `next` is the decoded form field.
std::string SafeRedirectTarget(std::string_view next);

// Set-Cookie values for a new session and for ending one.
std::string SessionCookie(const std::string& token, int64_t max_age_seconds,
                          bool https);
std::string ClearedSessionCookie(bool https);

}  // namespace wikid
