// ApiTokenStore: tokens that let a program use the JSON API as an account
// (Authorization: Bearer TOKEN). Random 256-bit tokens, shown to their
// owner once and kept only as hashes, like sessions; unlike sessions they
// do not expire, and end only when revoked (or the account is disabled).
// One per worker; not thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "model/base/status.h"
#include "model/store/user.h"

namespace wikid {

// A token as its owner sees it in the list: never the token itself.
struct ApiTokenInfo {
  int64_t id = 0;
  std::string label;
  int64_t created_at = 0;
};

struct NewApiToken {
  int64_t id = 0;
  std::string token;  // shown once, never stored
};

// Longest label accepted, in bytes.
inline constexpr size_t kMaxTokenLabelBytes = 100;
// Most tokens one account may hold: its list is one page, and a script
// that issues a token per run without revoking any stops here, with a
// message, instead of growing that page without end.
inline constexpr int64_t kMaxTokensPerAccount = 50;

// Ok, or Invalid (with a message for the owner) when `label` is empty,
// longer than kMaxTokenLabelBytes or not one line: what Issue checks
// first on every engine.
Status CheckTokenLabel(const std::string& label);

class ApiTokenStore {
 public:
  virtual ~ApiTokenStore() = default;

  // A new token for `account_id`. Invalid if the label is empty, longer
  // than kMaxTokenLabelBytes or not one line; Conflict if the account
  // holds kMaxTokensPerAccount already (counted in the same statement as
  // the insert, so two requests at once cannot pass it together).
  virtual Result<NewApiToken> Issue(int64_t account_id,
                                    const std::string& label, int64_t now) = 0;
  // The account's tokens, newest first.
  virtual Result<std::vector<ApiTokenInfo>> List(int64_t account_id) = 0;
  // Ends token `id` of `account_id`. NotFound if it has no such token.
  virtual Status Revoke(int64_t account_id, int64_t id) = 0;
  // The enabled account `token` belongs to, or NotFound. One query.
  virtual Result<User> Find(const std::string& token) = 0;
};

}  // namespace wikid
