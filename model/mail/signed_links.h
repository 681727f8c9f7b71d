// SignedLinks: the links in the watchers' mail that act without a login,
// each carrying a keyed MAC (libsodium's crypto_auth, HMAC-SHA-512-256)
// under the site's secret keys (model/accounts/site_keys.h, handed in as
// LinkKeys: model/mail does not reach model/accounts), so nobody can make
// one for another account, page or address:
//  - unwatch: one account's watch of one page (the unsubscribe link);
//  - confirm: one account's address, until a time (the confirmation link).
// Each kind signs a different domain, so a token of one kind is never a
// token of the other. Tokens signed with the key before the newest still
// verify, so a rotation does not break the mail already sent.
//
// One per process; not thread-safe.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace wikid {

// The site's keys, as SiteKeys gives them.
struct LinkKeys {
  std::function<const std::string&()> signing;  // the newest
  std::function<const std::vector<std::string>&()> verifying;  // newest first
  // After a token matched no key: reads the keys again (rate-limited by
  // SiteKeys); true if they changed.
  std::function<bool()> reload;
};

class SignedLinks {
 public:
  explicit SignedLinks(LinkKeys keys);

  // How long a confirmation link works.
  static constexpr int64_t kConfirmSeconds = 7 * 86400;

  std::string UnwatchToken(int64_t user_id, int64_t page_id) const;
  bool CheckUnwatch(int64_t user_id, int64_t page_id, std::string_view token) const;

  // For `email` of `user_id`, valid until `expires` (unix seconds; the
  // caller compares it with now: an expired link says so, a forged one
  // fails here).
  std::string ConfirmToken(int64_t user_id, std::string_view email, int64_t expires) const;
  bool CheckConfirm(int64_t user_id, std::string_view email, int64_t expires,
                    std::string_view token) const;

 private:
  bool Check(const std::string& input, std::string_view token) const;
  LinkKeys keys_;
  bool usable_ = false;  // libsodium started
};

}  // namespace wikid
