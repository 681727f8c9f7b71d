// LoginThrottle: how many logins failed lately, per account name tried and
// per client address, shared by all workers through the database.
//
// After `max_failures_per_name` failures within `window_seconds` against
// one account name, or `max_failures_per_address` from one client
// address, further attempts are refused until the oldest of those
// failures leaves the window (a sliding window: a patient attacker gets
// that many guesses per window, whatever the number of workers).
// Callers check before hashing, so a refused attempt costs one indexed
// lookup instead of an argon2id hash: a login flood cannot occupy every
// worker with hashing.
//
// Scopes for names that do not exist are counted exactly like real ones,
// so the throttle never tells which names exist.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "model/base/status.h"

namespace wikid {

struct ThrottlePolicy {
  int max_failures_per_name = 5;
  // A wiki whose users share an address (an office behind NAT) may want
  // more; fcgi/config.cc lets the operator say so.
  int max_failures_per_address = 5;
  int64_t window_seconds = 15 * 60;

  // How many failures `scope` (made by the functions below) may have.
  int LimitFor(const std::string& scope) const;
};

class LoginThrottle {
 public:
  virtual ~LoginThrottle() = default;

  // The scope strings for an account name (any letter case counts as one)
  // and for a client address.
  static std::string NameScope(std::string_view typed_name);
  static std::string AddressScope(std::string_view client_address);

  // Seconds until an attempt against all of `scopes` (made by NameScope
  // and AddressScope) is allowed again; 0 when it is allowed now.
  virtual Result<int64_t> RetryAfter(const std::vector<std::string>& scopes,
                                     int64_t now) = 0;

  // Counts one failure at `now` against each of `scopes`, and prunes
  // failures older than the window, in one transaction.
  virtual Status RecordFailure(const std::vector<std::string>& scopes,
                               int64_t now) = 0;

  // Forgets the failures against `scope` (a successful login clears its
  // account's count; the address's count stays).
  virtual Status Forget(const std::string& scope) = 0;
};

}  // namespace wikid
