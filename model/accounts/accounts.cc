#include "model/accounts/accounts.h"

#include <vector>

#include "model/accounts/password.h"
#include "model/base/log.h"
#include "model/base/time_text.h"
#include "model/text/mailbox.h"
#include "model/text/user_name.h"

namespace wikid {
namespace {

using Kind = AccountAnswer::Kind;

// The one answer to every failed login, whether the name exists or not.
constexpr char kWrongLoginMessage[] =
    "The user name or the password is wrong. (Names are not case-sensitive; "
    "passwords are.)";

// When every process that may hash a password is already hashing one.
constexpr char kSetUpAlreadyMessage[] =
    "Another setup made this wiki's first admin a moment ago. Log in, or ask that admin.";
constexpr char kHashingBusyMessage[] =
    "The wiki is busy checking other passwords right now. Nothing was "
    "changed; please try again in a moment.";

constexpr char kOverlongPasswordMessage[] =
    "A password is at most 1024 bytes long.";

AccountAnswer Refused(Kind kind, std::string message, int64_t retry_after = 0) {
  return AccountAnswer{
      .kind = kind, .message = std::move(message), .retry_after = retry_after};
}

AccountAnswer Failed(Status failure, std::string message = "") {
  if (message.empty()) message = failure.message();
  return AccountAnswer{.kind = Kind::kFailed,
                       .message = std::move(message),
                       .failure = std::move(failure)};
}

AccountAnswer Busy() { return Refused(Kind::kBusy, kHashingBusyMessage, 1); }

AccountAnswer Accepted(User user) {
  return AccountAnswer{.kind = Kind::kOk, .user = std::move(user)};
}

std::string LoginRetryMessage(int64_t seconds) {
  return "Too many failed logins for this name or from this address. Please "
         "wait " + FormatWait(seconds) + " and try again.";
}

}  // namespace

AccountAnswer Accounts::SignUp(std::string_view name_text,
                               std::string_view password,
                               std::string_view confirmation,
                               std::string_view email, int64_t now, Role role) {
  auto name = UserName::Parse(name_text);
  if (!name.ok()) return Refused(Kind::kInvalid, name.status().message());
  if (Status s = CheckPassword(password); !s.ok())
    return Refused(Kind::kInvalid, s.message());
  if (password != confirmation) {
    return Refused(Kind::kInvalid, "The two passwords are not the same.");
  }
  if (Status s = CheckEmail(email); !s.ok())
    return Refused(Kind::kInvalid, s.message());
  HashSlot slot(hash_slots_, hash_slot_count_);
  if (!slot.held()) return Busy();
  auto hash = HashPassword(password);
  if (!hash.ok()) return Failed(Status::Unavailable(hash.status().message()));
  auto user = role == Role::kAdmin
                  ? users_.CreateFirstAdmin(*name, *hash, std::string(email), now)
                  : users_.Create(*name, *hash, role, std::string(email), now);
  if (user.status().IsForbidden()) return Refused(Kind::kForbidden, kSetUpAlreadyMessage);
  if (user.status().IsConflict())
    return Refused(Kind::kTaken, user.status().message());
  if (!user.ok()) {
    return Failed(user.status(),
                  "Your account could not be created now. Please try again.");
  }
  return Accepted(std::move(*user));
}

AccountAnswer Accounts::LogIn(std::string_view typed_name,
                              std::string_view password,
                              std::string_view client_address, int64_t now) {
  if (password.size() > kMaxPasswordBytes)
    return Refused(Kind::kInvalid, kOverlongPasswordMessage);
  const LoginKey key = LoginThrottle::Key(typed_name, client_address);
  auto wait = throttle_.RetryAfter(key, now);
  if (!wait.ok()) return Failed(wait.status());
  if (*wait > 0)
    return Refused(Kind::kThrottled, LoginRetryMessage(*wait), *wait);
  HashSlot slot(hash_slots_, hash_slot_count_);
  if (!slot.held()) return Busy();
  std::optional<User> user;
  if (auto name = UserName::Parse(typed_name); name.ok()) {
    auto found = users_.Find(*name);
    if (found.ok()) {
      user = std::move(*found);
    } else if (!found.status().IsNotFound()) {
      return Failed(found.status());
    }
  }
  bool verified = user ? VerifyPassword(user->password_hash, password)
                       : VerifyAgainstDummyHash(password);
  if (!verified) {
    if (Status s = throttle_.RecordFailure(key, now); !s.ok()) {
      LogError("login throttle not recorded: " + s.message());
    }
    return Refused(Kind::kForbidden, kWrongLoginMessage);
  }
  if (user->disabled) {
    return Refused(Kind::kForbidden,
                   "This account is disabled. Ask one of the wiki's admins if "
                   "you think this is a mistake.");
  }
  if (Status s = throttle_.Forget(key); !s.ok()) {
    LogWarning("login throttle not cleared: " + s.message());
  }
  if (PasswordNeedsRehash(user->password_hash)) {
    // Best effort: the login stands whether or not the upgrade is stored.
    if (auto hash = HashPassword(password); hash.ok()) {
      if (Status s = users_.SetPassword(user->id, *hash); !s.ok()) {
        LogWarning("password hash not upgraded: " + s.message());
      }
    }
  }
  return Accepted(std::move(*user));
}

AccountAnswer Accounts::ChangePassword(const User& user,
                                       std::string_view current,
                                       std::string_view password,
                                       std::string_view confirmation,
                                       int64_t now) {
  if (current.size() > kMaxPasswordBytes)
    return Refused(Kind::kInvalid, kOverlongPasswordMessage);
  // The account's own count; the address does not matter here.
  const LoginKey key{.name = LoginThrottle::NameScope(user.name)};
  auto wait = throttle_.RetryAfter(key, now);
  if (!wait.ok()) return Failed(wait.status());
  if (*wait > 0) {
    return Refused(Kind::kThrottled,
                   "Too many wrong passwords. Please wait " + FormatWait(*wait) +
                       " and try again.",
                   *wait);
  }
  HashSlot slot(hash_slots_, hash_slot_count_);
  if (!slot.held()) return Busy();
  if (!VerifyPassword(user.password_hash, current)) {
    if (Status s = throttle_.RecordFailure(key, now); !s.ok()) {
      LogError("login throttle not recorded: " + s.message());
    }
    return Refused(Kind::kForbidden, "The current password is wrong.");
  }
  if (Status s = CheckPassword(password); !s.ok())
    return Refused(Kind::kInvalid, s.message());
  if (password != confirmation) {
    return Refused(Kind::kInvalid, "The two new passwords are not the same.");
  }
  auto hash = HashPassword(password);
  if (!hash.ok()) return Failed(hash.status());
  if (Status s = users_.SetPassword(user.id, *hash); !s.ok()) return Failed(s);
  // Every session ends, the asking browser's too.
  if (Status s = sessions_.EndAll(user.id); !s.ok()) return Failed(s);
  return Accepted(user);
}

Result<std::string> Accounts::StartSession(const User& user,
                                           std::string_view previous_token,
                                           int64_t now, int64_t ttl_seconds) {
  if (!previous_token.empty()) {
    if (Status s = sessions_.End(std::string(previous_token)); !s.ok())
      return s;
  }
  return sessions_.Start(user.id, now, ttl_seconds);
}

}  // namespace wikid
