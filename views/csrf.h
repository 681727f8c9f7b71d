// Protection against cross-site request forgery for every form that
// changes state.
//
// Until accounts exist, the token is tied to the browser instead of a
// session: a random cookie (wikid_csrf: HttpOnly, SameSite=Lax, Secure over
// HTTPS) and, in each form, a keyed hash of that cookie made with the
// site's secret key. A forged POST from another site carries the cookie
// but cannot know the hash; a cookie planted by a sibling subdomain is
// useless without the key. Comparison is constant-time.
#pragma once

#include <string>

#include "views/http.h"

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
  // `key` is the site's secret key (kSecretKeyBytes bytes).
  explicit Csrf(std::string key);

  // The token for forms shown in answer to `req`.
  CsrfToken TokenFor(const Request& req) const;

  // True if `req` carries a form token that matches its cookie.
  bool Verify(const Request& req) const;

 private:
  std::string Sign(const std::string& cookie) const;
  std::string key_;
};

}  // namespace wikid
