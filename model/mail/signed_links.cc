#include "model/mail/signed_links.h"

#include <sodium.h>

#include "model/base/token.h"

namespace wikid {
namespace {

// The MAC's input for each kind: a domain, then the fields with a
// separator no number or address holds, so no two inputs run together.
std::string UnwatchInput(int64_t user_id, int64_t page_id) {
  return "unwatch\n" + std::to_string(user_id) + "\n" + std::to_string(page_id);
}

std::string ConfirmInput(int64_t user_id, std::string_view email, int64_t expires) {
  return "confirm-email\n" + std::to_string(user_id) + "\n" + std::string(email) + "\n" +
         std::to_string(expires);
}

std::string Mac(const std::string& input, const std::string& key) {
  unsigned char mac[crypto_auth_BYTES];
  crypto_auth(mac, reinterpret_cast<const unsigned char*>(input.data()), input.size(),
              reinterpret_cast<const unsigned char*>(key.data()));
  return Base64Url(mac, sizeof mac);
}

}  // namespace

SignedLinks::SignedLinks(LinkKeys keys) : keys_(std::move(keys)) {
  usable_ = sodium_init() >= 0;
}

std::string SignedLinks::UnwatchToken(int64_t user_id, int64_t page_id) const {
  return Mac(UnwatchInput(user_id, page_id), keys_.signing());
}

bool SignedLinks::CheckUnwatch(int64_t user_id, int64_t page_id,
                               std::string_view token) const {
  return Check(UnwatchInput(user_id, page_id), token);
}

std::string SignedLinks::ConfirmToken(int64_t user_id, std::string_view email,
                                      int64_t expires) const {
  return Mac(ConfirmInput(user_id, email, expires), keys_.signing());
}

bool SignedLinks::CheckConfirm(int64_t user_id, std::string_view email, int64_t expires,
                               std::string_view token) const {
  return Check(ConfirmInput(user_id, email, expires), token);
}

bool SignedLinks::Check(const std::string& input, std::string_view token) const {
  if (!usable_) return false;
  auto signed_by_one = [&] {
    for (const std::string& key : keys_.verifying()) {
      if (key.size() != crypto_auth_KEYBYTES) continue;
      std::string expected = Mac(input, key);
      if (token.size() == expected.size() &&
          sodium_memcmp(token.data(), expected.data(), expected.size()) == 0) {
        return true;
      }
    }
    return false;
  };
  // A key this process has not seen yet: rotated, or made on another host.
  return signed_by_one() || (keys_.reload && keys_.reload() && signed_by_one());
}

}  // namespace wikid
