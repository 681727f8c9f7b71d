#include "model/user.h"

#include <sodium.h>

#include <algorithm>
#include <array>

namespace wikid {
namespace {

// Names that would read as the wiki speaking, or clash with its routes.
constexpr std::array<std::string_view, 14> kReserved = {
    "admin", "administrator", "root", "system", "wikid", "anonymous",
    "nobody", "moderator", "support", "signup", "login", "logout",
    "user", "users"};

bool NameChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
         (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.';
}

}  // namespace

std::string AsciiLower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) {
    return static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  });
  return out;
}

Result<UserName> UserName::Parse(std::string_view text) {
  if (text.size() < kMinLength || text.size() > kMaxLength) {
    return Status::Invalid("A user name must be 3 to 32 characters long.");
  }
  if (!std::all_of(text.begin(), text.end(), NameChar)) {
    return Status::Invalid(
        "A user name may use only the letters a-z and A-Z, digits, '-', '_' "
        "and '.'.");
  }
  char first = text.front();
  if (first == '-' || first == '_' || first == '.') {
    return Status::Invalid("A user name must start with a letter or a digit.");
  }
  if (std::find(kReserved.begin(), kReserved.end(), AsciiLower(text)) != kReserved.end()) {
    return Status::Invalid("That user name is reserved; please choose another.");
  }
  return UserName(std::string(text));
}

std::string UserName::key() const { return AsciiLower(name_); }

const char* RoleName(Role role) { return role == Role::kAdmin ? "admin" : "user"; }

Result<Role> ParseRole(std::string_view text) {
  if (text == "admin") return Role::kAdmin;
  if (text == "user") return Role::kUser;
  return Status::Invalid("A role is 'user' or 'admin'.");
}

Status CheckPassword(std::string_view password) {
  if (password.size() < kMinPasswordBytes) {
    return Status::Invalid("A password must be at least 8 characters long.");
  }
  if (password.size() > kMaxPasswordBytes) {
    return Status::Invalid("A password may be at most 1024 bytes long.");
  }
  return Status::Ok();
}

Result<std::string> HashPassword(std::string_view password) {
  if (Status s = CheckPassword(password); !s.ok()) return s;
  if (sodium_init() < 0) return Status::Internal("libsodium failed to start");
  char hash[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str(hash, password.data(), password.size(),
                        crypto_pwhash_OPSLIMIT_INTERACTIVE,
                        crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0) {
    // Only when the memory cannot be had.
    return Status::Unavailable("The server is too busy to set a password now.");
  }
  return std::string(hash);
}

bool VerifyPassword(const std::string& hash, std::string_view password) {
  if (password.size() > kMaxPasswordBytes || sodium_init() < 0) return false;
  return crypto_pwhash_str_verify(hash.c_str(), password.data(), password.size()) == 0;
}

bool VerifyAgainstDummyHash(std::string_view password) {
  // The hash of a random password nobody kept, with the same limits as
  // HashPassword: verifying against it costs exactly what a real check does.
  static const std::string kDummy =
      "$argon2id$v=19$m=65536,t=2,p=1$ge5j4oqVCNILK0iREfUuqw$"
      "5YdEKNDLK3Fd3rIGlprclzJAWxjICQAtKkeC7yh11Fo";
  std::string_view bounded = password.substr(0, kMaxPasswordBytes);
  [[maybe_unused]] bool matched = VerifyPassword(kDummy, bounded);
  return false;
}

Status CheckMailbox(std::string_view address) {
  const Status bad = Status::Invalid(
      "That email address does not look right: it should be like "
      "name@example.org, without spaces.");
  if (address.empty()) return bad;
  if (address.size() > kMaxEmailBytes) {
    return Status::Invalid("An email address may be at most 254 characters long.");
  }
  size_t at = address.find('@');
  if (at == 0 || at == std::string_view::npos || at + 1 == address.size() ||
      address.find('@', at + 1) != std::string_view::npos) {
    return bad;
  }
  for (unsigned char c : address) {
    if (c <= 0x20 || c == 0x7f || c == '<' || c == '>' || c == '"' || c == ',' ||
        c == ';' || c == '(' || c == ')' || c == '[' || c == ']' || c == '\\') {
      return bad;
    }
  }
  std::string_view domain = address.substr(at + 1);
  if (domain.front() == '.' || domain.back() == '.' ||
      domain.find("..") != std::string_view::npos) {
    return bad;
  }
  return Status::Ok();
}

Status CheckEmail(std::string_view email) {
  if (email.empty()) return Status::Ok();
  if (Status s = CheckMailbox(email); !s.ok()) return s;
  // A person's address has a domain with a dot (example.org, not
  // localhost): what someone typed at signup is most likely a typo else.
  if (email.substr(email.find('@') + 1).find('.') == std::string_view::npos) {
    return Status::Invalid(
        "That email address does not look right: it should be like "
        "name@example.org, without spaces.");
  }
  return Status::Ok();
}

Status CheckDisplayName(std::string_view display_name) {
  if (display_name.size() > kMaxDisplayNameBytes) {
    return Status::Invalid("A display name may be at most 64 bytes long.");
  }
  for (unsigned char c : display_name) {
    if (c < 0x20 || c == 0x7f) {
      return Status::Invalid("A display name is one line, without control characters.");
    }
  }
  return Status::Ok();
}

Status CheckBio(std::string_view bio) {
  if (bio.size() > kMaxBioBytes) {
    return Status::Invalid("A bio may be at most 4096 bytes long.");
  }
  return Status::Ok();
}

bool PasswordNeedsRehash(const std::string& hash) {
  return crypto_pwhash_str_needs_rehash(hash.c_str(), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                                        crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0;
}

}  // namespace wikid
