// SessionStore: login sessions that every worker shares through SQLite,
// so a login on one worker is known to all and survives restarts.
//
// A session is a random 256-bit token (libsodium) that lives only in the
// browser's cookie; the store keeps a BLAKE2b hash of it, so neither a
// copy of the database nor a leaked backup can be replayed as a login.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "model/database.h"
#include "model/user.h"

namespace wikid {

class SessionStore {
 public:
  // Prepares its statements once. `db` must outlive it.
  static Result<std::unique_ptr<SessionStore>> Create(Database& db);

  // Starts a session for `account_id` valid until now + ttl, and deletes
  // the sessions that expired by `now`. Returns the token for the cookie
  // (43 URL-safe characters); it is not stored.
  Result<std::string> Start(int64_t account_id, int64_t now, int64_t ttl_seconds);

  // The account whose unexpired session `token` is, or NotFound (also for
  // a disabled account or a malformed token).
  Result<User> Find(const std::string& token, int64_t now);

  // Ends one session (logout). Not an error if it was already gone.
  Status End(const std::string& token);
  // Ends every session of an account (password change, disabling).
  Status EndAll(int64_t account_id);

 private:
  explicit SessionStore(Database& db) : db_(db) {}

  Database& db_;
  std::unique_ptr<Statement> insert_;
  std::unique_ptr<Statement> find_;
  std::unique_ptr<Statement> end_;
  std::unique_ptr<Statement> prune_;
  std::unique_ptr<Statement> end_all_;
};

}  // namespace wikid
