// UserName: the rules for account names. Names are unique regardless of
// letter case, so every comparison goes through key().
#pragma once

#include <string>
#include <string_view>

#include "model/base/status.h"

namespace wikid {

// `s` with A-Z turned into a-z: user names are unique regardless of case.
std::string AsciiLower(std::string_view s);

class UserName {
 public:
  static constexpr size_t kMinLength = 3;
  static constexpr size_t kMaxLength = 32;

  // 3 to 32 of the ASCII letters, digits, '-', '_' and '.'; starting with
  // a letter or digit; not a reserved word (admin, root, system, wikid,
  // anonymous, ...). Invalid names the rule broken.
  static Result<UserName> Parse(std::string_view text);

  // As typed: "Alice".
  const std::string& name() const { return name_; }
  // Lowercased: names are unique regardless of case ("alice").
  std::string key() const;

 private:
  explicit UserName(std::string name) : name_(std::move(name)) {}
  std::string name_;
};

}  // namespace wikid
