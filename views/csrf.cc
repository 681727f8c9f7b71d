#include "views/csrf.h"

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

Csrf::Csrf(std::string key) : key_(std::move(key)) {
  if (sodium_init() < 0) key_.clear();
}

std::string Csrf::Sign(std::string_view domain, const std::string& secret) const {
  std::string input;
  input.reserve(domain.size() + secret.size());
  input += domain;
  input += secret;
  unsigned char mac[crypto_auth_BYTES];
  crypto_auth(mac, reinterpret_cast<const unsigned char*>(input.data()), input.size(),
              reinterpret_cast<const unsigned char*>(key_.data()));
  return Base64Url(mac, sizeof mac);
}

std::string Csrf::ForSession(const std::string& session_token) const {
  return Sign(kSessionDomain, session_token);
}

CsrfToken Csrf::TokenFor(const Request& req, const std::string& session_token) const {
  if (!session_token.empty()) return {ForSession(session_token), ""};
  auto it = req.cookies.find(kCsrfCookie);
  if (it != req.cookies.end() && IsTokenShaped(it->second)) {
    return {Sign(kBrowserDomain, it->second), ""};
  }
  std::string cookie = NewToken();
  // No Max-Age: a browser-session cookie, like the form it protects.
  std::string header = std::string(kCsrfCookie) + "=" + cookie +
                       "; Path=/; HttpOnly; SameSite=Lax";
  if (req.https) header += "; Secure";
  return {Sign(kBrowserDomain, cookie), header};
}

bool Csrf::Verify(const Request& req, const std::string& session_token) const {
  const std::string* token = req.Form(kCsrfField);
  if (token == nullptr || key_.size() != crypto_auth_KEYBYTES) return false;
  std::string expected;
  if (!session_token.empty()) {
    expected = ForSession(session_token);
  } else {
    auto cookie = req.cookies.find(kCsrfCookie);
    if (cookie == req.cookies.end() || !IsTokenShaped(cookie->second)) return false;
    expected = Sign(kBrowserDomain, cookie->second);
  }
  return token->size() == expected.size() &&
         sodium_memcmp(token->data(), expected.data(), expected.size()) == 0;
}

}  // namespace wikid
