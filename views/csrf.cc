#include "views/csrf.h"

#include <sodium.h>

namespace wikid {
namespace {

std::string Base64Url(const unsigned char* data, size_t size) {
  std::string out(sodium_base64_encoded_len(
                      size, sodium_base64_VARIANT_URLSAFE_NO_PADDING),
                  '\0');
  sodium_bin2base64(out.data(), out.size(), data, size,
                    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  out.resize(out.size() - 1);  // the terminating NUL
  return out;
}

// Cookies we made are 43 base64url characters; anything else is ignored
// and replaced.
bool LooksLikeOurCookie(const std::string& value) {
  if (value.size() != 43) return false;
  for (char c : value) {
    bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
              (c >= '0' && c <= '9') || c == '-' || c == '_';
    if (!ok) return false;
  }
  return true;
}

}  // namespace

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
  if (it != req.cookies.end() && LooksLikeOurCookie(it->second)) {
    return {Sign(it->second), ""};
  }
  unsigned char raw[32];
  randombytes_buf(raw, sizeof raw);
  std::string cookie = Base64Url(raw, sizeof raw);
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
      !LooksLikeOurCookie(cookie->second) || key_.size() != crypto_auth_KEYBYTES) {
    return false;
  }
  std::string expected = Sign(cookie->second);
  return token->size() == expected.size() &&
         sodium_memcmp(token->data(), expected.data(), expected.size()) == 0;
}

}  // namespace wikid
