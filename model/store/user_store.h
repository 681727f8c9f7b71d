// UserStore: the storage interface for accounts (SqliteUserStore is the
// one engine today, as for pages). One per worker; not thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "model/base/status.h"
#include "model/store/user.h"
#include "model/text/user_name.h"

namespace wikid {

// A window of the account list, by name.
struct UserList {
  std::vector<User> users;
  bool more = false;  // accounts exist after the last one listed
};

// The account UserStore::Create writes, before the engine gives it an id.
inline User NewUser(const UserName& name, const std::string& password_hash, Role role,
                    const std::string& email, int64_t created_at) {
  return User{.name = name.name(),
              .password_hash = password_hash,
              .email = email,
              .role = role,
              .created_at = created_at};
}

class UserStore {
 public:
  virtual ~UserStore() = default;

  // A new account. Conflict if the name is taken in any letter case.
  virtual Result<User> Create(const UserName& name, const std::string& password_hash,
                              Role role, const std::string& email,
                              int64_t created_at) = 0;
  // The wiki's first admin (the first-run setup, views/accounts/setup_handlers.h):
  // as Create with Role::kAdmin, but Forbidden, with nothing written,
  // if an admin exists (AnyAdmin), checked in the insert's transaction, so
  // that of two setups at once one makes an admin and the other is refused.
  virtual Result<User> CreateFirstAdmin(const UserName& name,
                                        const std::string& password_hash,
                                        const std::string& email, int64_t created_at) = 0;
  // The account called `name` in any letter case, or NotFound.
  virtual Result<User> Find(const UserName& name) = 0;
  // Up to `limit` accounts in order of their lowercased names, after the
  // name `after` (from the start when empty).
  virtual Result<UserList> List(const std::string& after, int limit) = 0;
  // Whether an account that is neither disabled nor a plain user exists:
  // until one does, a wiki offers its first-run setup (views/accounts/setup_handlers.h).
  virtual Result<bool> AnyAdmin() = 0;
  // Each NotFound if there is no account `user_id`.
  virtual Status SetPassword(int64_t user_id, const std::string& password_hash) = 0;
  virtual Status SetRole(int64_t user_id, Role role) = 0;
  virtual Status SetDisabled(int64_t user_id, bool disabled) = 0;
  // The fields the owner edits on the profile form, already checked.
  virtual Status SetProfile(int64_t user_id, const std::string& display_name,
                            const std::string& bio, const std::string& email) = 0;
};

}  // namespace wikid
