// SessionStore: login sessions that every worker shares through the
// database, so a login on one worker is known to all and survives restarts.
//
// A session is a random 256-bit token (model/base/token.h) that lives only
// in the browser's cookie; the store keeps a BLAKE2b hash of it, so neither
// a copy of the database nor a leaked backup can be replayed as a login.
// One per worker; not thread-safe.
#pragma once

#include <cstdint>
#include <string>

#include "model/base/status.h"
#include "model/store/user.h"

namespace wikid {

class SessionStore {
 public:
  virtual ~SessionStore() = default;

  // Starts a session for `account_id` valid until now + ttl, and deletes
  // the sessions that expired by `now`. Returns the token for the cookie
  // (43 URL-safe characters); it is not stored.
  virtual Result<std::string> Start(int64_t account_id, int64_t now,
                                    int64_t ttl_seconds) = 0;

  // The account whose unexpired session `token` is, or NotFound (also for
  // a disabled account or a malformed token).
  virtual Result<User> Find(const std::string& token, int64_t now) = 0;

  // Ends one session (logout). Not an error if it was already gone.
  virtual Status End(const std::string& token) = 0;
  // Ends every session of an account (password change, disabling).
  virtual Status EndAll(int64_t account_id) = 0;
};

}  // namespace wikid
