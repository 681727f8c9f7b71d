#include "model/store/login_throttle.h"

#include <algorithm>

#include "model/text/user_name.h"

namespace wikid {

int64_t ThrottlePolicy::NameDelay(int64_t failures) const {
  if (failures < free_failures_per_name) return 0;
  int64_t delay = first_delay_seconds;
  for (int64_t i = free_failures_per_name; i < failures && delay < max_delay_seconds; ++i) {
    delay *= 2;
  }
  return std::min(delay, max_delay_seconds);
}

int64_t ThrottlePolicy::KeepSeconds() const {
  return std::max(name_window_seconds, address_window_seconds);
}

std::string LoginThrottle::NameScope(std::string_view typed_name) {
  // Bounded, so a megabyte of "name" is not stored; longer names are
  // never valid anyway.
  return "name:" + AsciiLower(typed_name.substr(0, 64));
}

std::string LoginThrottle::AddressScope(std::string_view client_address) {
  return "addr:" + std::string(client_address.substr(0, 64));
}

LoginKey LoginThrottle::Key(std::string_view typed_name, std::string_view client_address) {
  return LoginKey{.name = NameScope(typed_name), .address = AddressScope(client_address)};
}

Result<int64_t> LoginThrottle::RetryAfter(const LoginKey& key, int64_t now) {
  int64_t wait = 0;
  // The name: its delay runs from its newest failure.
  auto name = NameFailures(key.name, now - policy_.name_window_seconds);
  if (!name.ok()) return name.status();
  if (const int64_t delay = policy_.NameDelay(name->count); delay > 0) {
    wait = std::max(wait, name->at + delay - now);
  }
  if (key.address.empty()) return wait;
  // The address: refused while either of its counts is at its limit,
  // until the failure that keeps it there leaves the window.
  const int64_t since = now - policy_.address_window_seconds;
  auto until_gone = [&](int64_t at) {
    return std::max<int64_t>(1, at + policy_.address_window_seconds - now);
  };
  auto all = NewestFailures(key.address, since, policy_.max_failures_per_address);
  if (!all.ok()) return all.status();
  if (all->count >= policy_.max_failures_per_address) wait = std::max(wait, until_gone(all->at));
  auto names = NthNewestName(key.address, since, policy_.max_names_per_address);
  if (!names.ok()) return names.status();
  if (names->count > 0) wait = std::max(wait, until_gone(names->at));
  return wait;
}

}  // namespace wikid
