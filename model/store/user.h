// User: an account as the stores keep it, and its role.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "model/base/status.h"

namespace wikid {

enum class Role { kUser, kAdmin };
const char* RoleName(Role role);
Result<Role> ParseRole(std::string_view text);

struct User {
  int64_t id = 0;
  std::string name;
  std::string password_hash;  // argon2id PHC string
  std::string email;          // may be empty
  Role role = Role::kUser;
  bool disabled = false;
  int64_t created_at = 0;
  std::string display_name;  // may be empty: the name is shown then
  std::string bio;           // Markdown, may be empty
  // The email address was confirmed by its mailed link (and has not
  // changed since): watchers' mail may go to it.
  bool email_confirmed = false;
  bool watch_created = true;  // watches the pages it creates
};

// What a profile shows as the person's name: the display name if set.
inline const std::string& ShownName(const User& user) {
  return user.display_name.empty() ? user.name : user.display_name;
}

}  // namespace wikid
