#include "model/store/user.h"

namespace wikid {

const char* RoleName(Role role) {
  return role == Role::kAdmin ? "admin" : "user";
}

Result<Role> ParseRole(std::string_view text) {
  if (text == "admin") return Role::kAdmin;
  if (text == "user") return Role::kUser;
  return Status::Invalid("A role is 'user' or 'admin'.");
}

}  // namespace wikid
