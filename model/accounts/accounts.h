// Accounts: the rules of signing up, logging in and changing a password,
// in one place, answering what views/ must say: ok, a rule broken, too
// many failures (throttled), every hash slot busy, or forbidden.
//
// The order of the checks is the policy:
// - Length limits come first, so an overlong password is refused before
//   anything is hashed or counted.
// - The throttle is asked before any hashing, so a flood of guesses costs
//   an indexed lookup each, not an argon2id hash.
// - A hash slot is taken before the name is looked up, so a busy answer
//   says nothing about the name; a busy answer counts as no failure.
// - A name that does not exist is hashed against a dummy, counted and
//   answered exactly like a wrong password, so neither the answer nor its
//   timing tells which names exist; "disabled" is told only to someone who
//   knows the password.
// - A success clears the name's failures (never the address's) and
//   upgrades a hash made with older limits.
//
// One per process (Wiki::Open); not thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "model/accounts/hash_slots.h"
#include "model/base/status.h"
#include "model/store/login_throttle.h"
#include "model/store/session_store.h"
#include "model/store/user_store.h"

namespace wikid {

struct AccountAnswer {
  enum class Kind {
    kOk,         // `user` is who it is
    kInvalid,    // a rule was broken (name, password, email): `message`
    kTaken,      // signup: the name is taken in some letter case
    kThrottled,  // too many failures lately: wait `retry_after` seconds
    kBusy,       // every hash slot is in use: try again in `retry_after`
    kForbidden,  // a wrong name or password, or a disabled account
    kFailed,     // storage failed: `failure`, logged by whoever shows it
  };
  Kind kind = Kind::kOk;
  std::string message;       // for the person, for every kind but kOk
  int64_t retry_after = 0;   // seconds, for kThrottled and kBusy
  Status failure;            // for kFailed
  std::optional<User> user;  // for kOk

  bool ok() const { return kind == Kind::kOk; }
};

class Accounts {
 public:
  // All must outlive it. At most `hash_slot_count` processes hash at once
  // (HashSlots::SlotsFor the number of workers).
  Accounts(UserStore& users, SessionStore& sessions, LoginThrottle& throttle,
           HashSlots& hash_slots, int hash_slot_count)
      : users_(users),
        sessions_(sessions),
        throttle_(throttle),
        hash_slots_(hash_slots),
        hash_slot_count_(hash_slot_count) {}

  // A new account with `role` (user, but admin for a wiki's first-run
  // setup), made at `now`: its name, password (typed twice alike) and
  // email each checked, the password hashed. An admin only while none
  // exists (UserStore::CreateFirstAdmin): kForbidden otherwise.
  AccountAnswer SignUp(std::string_view name, std::string_view password,
                       std::string_view confirmation, std::string_view email,
                       int64_t now, Role role = Role::kUser);

  // Whether `password` proves the account `typed_name` (any letter case),
  // tried from `client_address`.
  AccountAnswer LogIn(std::string_view typed_name, std::string_view password,
                      std::string_view client_address, int64_t now);

  // The owner of `user` changes its password: `current` must be right
  // (guesses count against the account's login throttle, so a stolen
  // session cannot be used to find the password) and the new one typed
  // twice alike. Every session of the account ends; start a new one for
  // the browser that asked.
  AccountAnswer ChangePassword(const User& user, std::string_view current,
                               std::string_view password,
                               std::string_view confirmation, int64_t now);

  // Logs `user` in: ends `previous_token`'s session, if any (a token
  // planted before the login is worth nothing afterwards), and returns the
  // token of a new one lasting `ttl_seconds`.
  Result<std::string> StartSession(const User& user,
                                   std::string_view previous_token, int64_t now,
                                   int64_t ttl_seconds);

 private:
  UserStore& users_;
  SessionStore& sessions_;
  LoginThrottle& throttle_;
  HashSlots& hash_slots_;
  int hash_slot_count_;
};

}  // namespace wikid
