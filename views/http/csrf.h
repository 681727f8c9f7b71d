// Protection against cross-site request forgery for every form that
// changes state.
//
// A form token is a keyed hash (the site's newest secret key, shared by
// every host through the database: model/accounts/site_keys.h) of what
// identifies the browser to the wiki:
//  - for a logged-in viewer, the session token, so a form is valid only in
//    the session that showed it: another session's token, or a token from
//    before the login, is refused;
//  - for everyone else, a random pre-session cookie (wikid_csrf: HttpOnly,
//    SameSite=Lax, Secure over HTTPS) set the first time a form is shown.
// A forged POST from another site carries the cookies but cannot know the
// hash; a cookie planted by a sibling subdomain is useless without the key.
// Comparison is constant-time. A token signed with the key before the
// newest still verifies, so a rotation does not break forms already shown.
#pragma once

#include <string>

#include "model/accounts/site_keys.h"
#include "views/http/http.h"

namespace wikid {

inline constexpr char kCsrfCookie[] = "wikid_csrf";
inline constexpr char kCsrfField[] = "csrf";

// The token a form should carry, and the cookie to set if the browser had
// none yet.
struct CsrfToken {
  std::string token;
  std::string set_cookie;  // a Set-Cookie header value, or empty

  // Adds the Set-Cookie header to `response` if one is needed.
  void ApplyTo(Response& response) const;
};

class Csrf {
 public:
  // `keys` (the Wiki's) must outlive it.
  explicit Csrf(SiteKeys& keys);

  // The token for forms shown in answer to `req`. `session_token` is the
  // viewer's login session, or empty for a viewer who is not logged in.
  CsrfToken TokenFor(const Request& req, const std::string& session_token) const;

  // The token for forms shown in login session `session_token` (never
  // needs a cookie).
  std::string ForSession(const std::string& session_token) const;

  // True if `req` carries the form token that TokenFor gives for the same
  // session (or, without one, the same pre-session cookie).
  bool Verify(const Request& req, const std::string& session_token) const;

  // True if `req` carries the token of a form shown before a login, to
  // this browser's pre-session cookie. Never enough to act on for a
  // logged-in viewer: the cookie is not __Host- (wikid also runs over
  // plain HTTP, where that prefix is refused), so a sibling subdomain can
  // plant one whose token it knows. Only says why Verify failed, so the
  // refusal can say so (router.cc).
  bool FromBeforeLogin(const Request& req) const;

 private:
  bool Signs(const Request& req, std::string_view domain, const std::string& secret) const;
  std::string Sign(std::string_view domain, const std::string& secret,
                   const std::string& key) const;
  SiteKeys& keys_;
  bool usable_ = false;  // libsodium started
};

}  // namespace wikid
