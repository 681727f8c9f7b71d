#include "views/csrf.h"

#include <sodium.h>

#include "model/token.h"

namespace wikid {
void CsrfToken::ApplyTo(Response& response) const {
  if (!set_cookie.empty()) response.headers.emplace_back("Set-Cookie", set_cookie);
}

Csrf::Csrf(std::string key) : key_(std::move(key)) {
  if (sodium_init() < 0) key_.clear();
}

std::string Csrf::Sign(const std::string& cookie) const {
  unsigned char mac[crypto_auth_BYTES];
  crypto_auth(mac, reinterpret_cast<const unsigned char*>(cookie.data()),
              cookie.size(),
              reinterpret_cast<const unsigned char*>(key_.data()));
  return Base64Url(mac, sizeof mac);
}

CsrfToken Csrf::TokenFor(const Request& req) const {
  auto it = req.cookies.find(kCsrfCookie);
  if (it != req.cookies.end() && IsTokenShaped(it->second)) {
    return {Sign(it->second), ""};
  }
  std::string cookie = NewToken();
  // No Max-Age: a browser-session cookie, like the form it protects.
  std::string header = std::string(kCsrfCookie) + "=" + cookie +
                       "; Path=/; HttpOnly; SameSite=Lax";
  if (req.https) header += "; Secure";
  return {Sign(cookie), header};
}

bool Csrf::Verify(const Request& req) const {
  auto cookie = req.cookies.find(kCsrfCookie);
  const std::string* token = req.Form(kCsrfField);
  if (cookie == req.cookies.end() || token == nullptr ||
      !IsTokenShaped(cookie->second) || key_.size() != crypto_auth_KEYBYTES) {
    return false;
  }
  std::string expected = Sign(cookie->second);
  return token->size() == expected.size() &&
         sodium_memcmp(token->data(), expected.data(), expected.size()) == 0;
}

}  // namespace wikid
