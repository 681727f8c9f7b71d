#include "model/store/login_throttle.h"

#include "model/text/user_name.h"

namespace wikid {

int ThrottlePolicy::LimitFor(const std::string& scope) const {
  return scope.starts_with("addr:") ? max_failures_per_address
                                    : max_failures_per_name;
}

std::string LoginThrottle::NameScope(std::string_view typed_name) {
  // Bounded, so a megabyte of "name" is not stored; longer names are
  // never valid anyway.
  return "name:" + AsciiLower(typed_name.substr(0, 64));
}

std::string LoginThrottle::AddressScope(std::string_view client_address) {
  return "addr:" + std::string(client_address.substr(0, 64));
}

}  // namespace wikid
