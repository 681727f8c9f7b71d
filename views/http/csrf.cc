#include "views/http/csrf.h"

#include <sodium.h>

#include "model/base/token.h"

namespace wikid {
namespace {

// The inputs of the two kinds of token are told apart, so a session token
// can never be replayed as a pre-session cookie or the other way round.
constexpr std::string_view kSessionDomain = "session:";
constexpr std::string_view kBrowserDomain = "browser:";

}  // namespace

void CsrfToken::ApplyTo(Response& response) const {
  if (!set_cookie.empty()) response.headers.emplace_back("Set-Cookie", set_cookie);
}

Csrf::Csrf(SiteKeys& keys) : keys_(keys) { usable_ = sodium_init() >= 0; }

std::string Csrf::Sign(std::string_view domain, const std::string& secret,
                       const std::string& key) const {
  std::string input;
  input.reserve(domain.size() + secret.size());
  input += domain;
  input += secret;
  unsigned char mac[crypto_auth_BYTES];
  crypto_auth(mac, reinterpret_cast<const unsigned char*>(input.data()), input.size(),
              reinterpret_cast<const unsigned char*>(key.data()));
  return Base64Url(mac, sizeof mac);
}

std::string Csrf::ForSession(const std::string& session_token) const {
  return Sign(kSessionDomain, session_token, keys_.Signing());
}

CsrfToken Csrf::TokenFor(const Request& req, const std::string& session_token) const {
  if (!session_token.empty()) return {ForSession(session_token), ""};
  auto it = req.cookies.find(kCsrfCookie);
  if (it != req.cookies.end() && IsTokenShaped(it->second)) {
    return {Sign(kBrowserDomain, it->second, keys_.Signing()), ""};
  }
  std::string cookie = NewToken();
  // No Max-Age: a browser-session cookie, like the form it protects.
  std::string header = std::string(kCsrfCookie) + "=" + cookie +
                       "; Path=/; HttpOnly; SameSite=Lax";
  if (req.https) header += "; Secure";
  return {Sign(kBrowserDomain, cookie, keys_.Signing()), header};
}

bool Csrf::Verify(const Request& req, const std::string& session_token) const {
  if (session_token.empty()) return FromBeforeLogin(req);
  return Signs(req, kSessionDomain, session_token);
}

bool Csrf::FromBeforeLogin(const Request& req) const {
  auto cookie = req.cookies.find(kCsrfCookie);
  if (cookie == req.cookies.end() || !IsTokenShaped(cookie->second)) return false;
  return Signs(req, kBrowserDomain, cookie->second);
}

bool Csrf::Signs(const Request& req, std::string_view domain, const std::string& secret) const {
  const std::string* token = req.Form(kCsrfField);
  if (token == nullptr || !usable_) return false;
  auto signed_by_one = [&] {
    for (const std::string& key : keys_.Verifying()) {
      if (key.size() != crypto_auth_KEYBYTES) continue;
      std::string expected = Sign(domain, secret, key);
      if (token->size() == expected.size() &&
          sodium_memcmp(token->data(), expected.data(), expected.size()) == 0) {
        return true;
      }
    }
    return false;
  };
  // A key this process has not seen yet: rotated, or made on another host
  // since this one read them.
  return signed_by_one() || (keys_.Reload() && signed_by_one());
}

}  // namespace wikid
