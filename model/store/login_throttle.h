// LoginThrottle: how many logins failed lately, per account name tried and
// per client address, shared by all workers through the database, and how
// long an attempt must wait because of them.
//
// What it keeps out, and what it must not (issue 21; OWASP's
// Authentication and Credential Stuffing cheat sheets):
//
// - Guessing one account's password, from anywhere (brute force, or a
//   botnet on one account): counted per account name, whatever the
//   address. The first `free_failures_per_name` failures cost nothing (a
//   person mistypes); each one after that makes the next attempt wait,
//   the wait doubling from `first_delay_seconds` up to
//   `max_delay_seconds` (OWASP: an exponential lockout rather than a
//   fixed one, so a real user is slowed for seconds and a guesser for
//   hours: about a dozen guesses an hour once the cap is reached).
//   Failures older than `name_window_seconds` are forgotten; the right
//   password clears the name. The delay is bounded on purpose: a
//   permanent lock would let anyone lock anyone out.
// - Password spraying (a few common passwords against many names from one
//   place): counted per client address as the number of *distinct* names
//   that failed from it in `address_window_seconds`. At
//   `max_names_per_address` the address is clearly spraying and every
//   attempt from it waits until names age out. `max_failures_per_address`
//   is a backstop on all failures from it (it only matters when the names
//   limit is raised: the per-name delays keep each name to about ten
//   failures in the window).
// - What it must not do: lock out an office. Many people share an address
//   behind NAT, so failures against one name never count against the
//   others: five wrong passwords for alice slow alice's name only, and
//   bob's right password from the same address logs in unless the address
//   is spraying. The address is the client's own behind trusted proxies
//   (views/http/client_address.h, --trusted-proxies), not the balancer's.
// - Not done here: OWASP's stronger answers to credential stuffing
//   (multi-factor authentication, breached-password checks, CAPTCHAs)
//   are outside what this wiki offers; a distributed spray from many
//   addresses is only slowed per name.
//
// Callers check before hashing, so a refused attempt costs a few indexed
// lookups instead of an argon2id hash: a login flood cannot occupy every
// worker with hashing. Names that do not exist are counted exactly like
// real ones, so the throttle never tells which names exist.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "model/base/status.h"

namespace wikid {

struct ThrottlePolicy {
  // Per account name, from anywhere.
  int free_failures_per_name = 5;
  int64_t first_delay_seconds = 30;
  int64_t max_delay_seconds = 15 * 60;
  int64_t name_window_seconds = 60 * 60;
  // Per client address: distinct names that failed from it, and all its
  // failures (fcgi/config.cc lets the operator change both).
  int max_names_per_address = 20;
  int max_failures_per_address = 300;
  int64_t address_window_seconds = 15 * 60;

  // How long after its newest failure a name with `failures` failures in
  // its window must wait: 0 for the free ones, then doubling up to the cap.
  int64_t NameDelay(int64_t failures) const;
  // How long a failure is kept at all (the longer window).
  int64_t KeepSeconds() const;
};

// What one attempt counts against: the account name tried and, for a
// login, the client's address ("" for a password change, where the
// account is known and the address does not matter).
struct LoginKey {
  std::string name;     // LoginThrottle::NameScope
  std::string address;  // LoginThrottle::AddressScope, or ""
};

class LoginThrottle {
 public:
  explicit LoginThrottle(ThrottlePolicy policy) : policy_(policy) {}
  virtual ~LoginThrottle() = default;

  // The scope strings for an account name (any letter case counts as one)
  // and for a client address.
  static std::string NameScope(std::string_view typed_name);
  static std::string AddressScope(std::string_view client_address);
  static LoginKey Key(std::string_view typed_name, std::string_view client_address);

  // Seconds until an attempt for `key` is allowed again; 0 when it is
  // allowed now. The longest of the name's delay and the address's.
  Result<int64_t> RetryAfter(const LoginKey& key, int64_t now);

  // Counts one failure at `now` against the name and (with the name it
  // tried) the address, and prunes failures older than KeepSeconds(), in
  // one transaction.
  virtual Status RecordFailure(const LoginKey& key, int64_t now) = 0;

  // Forgets the failures of `key`'s name, its own and those counted
  // against addresses: after a successful login it is neither throttled
  // nor a name sprayed at. Other names' failures stay.
  virtual Status Forget(const LoginKey& key) = 0;

  const ThrottlePolicy& policy() const { return policy_; }

 protected:
  // How many rows a question found and the time it asks about.
  struct Count {
    int64_t count = 0;
    int64_t at = 0;
  };
  // The name scope's failures after `since`: how many, and the newest.
  virtual Result<Count> NameFailures(const std::string& scope, int64_t since) = 0;
  // The newest `limit` failures of an address after `since`: how many
  // (at most `limit`), and the oldest of them.
  virtual Result<Count> NewestFailures(const std::string& scope, int64_t since,
                                       int64_t limit) = 0;
  // The names that failed from an address after `since`, each at its
  // newest failure there, newest first: whether there are `n` (count 1 or
  // 0), and when the n-th of them failed.
  virtual Result<Count> NthNewestName(const std::string& scope, int64_t since, int64_t n) = 0;

 private:
  ThrottlePolicy policy_;
};

}  // namespace wikid
