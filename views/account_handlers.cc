#include "views/account_handlers.h"

#include "model/user.h"
#include "views/account_fill.h"
#include "views/render.h"

namespace wikid {
namespace {

// The one answer to every failed login, whether the name exists or not.
constexpr char kWrongLoginMessage[] =
    "The user name or the password is wrong. (Names are not case-sensitive; "
    "passwords are.)";

// The signup or login form (`tpl`) with `state`, answered with `status`.
Response AccountForm(const Request& req, Context& ctx, const char* title,
                     const char* tpl, const AccountFormState& state,
                     int status) {
  HtmlPage page(title, tpl);
  page.NoIndex();
  CsrfToken csrf = FormToken(req, ctx);
  FillAccountForm(state, csrf.token, ctx.site.signup_enabled, page.content());
  Response response = page.Render(ctx, status);
  csrf.ApplyTo(response);
  return response;
}

AccountFormState PostedAccountForm(const Request& req, std::string error) {
  return AccountFormState{.name = req.FormText("name"),
                          .email = req.FormText("email"),
                          .next = req.FormText("next"),
                          .error = std::move(error)};
}

Response SignupForm(const Request& req, Context& ctx, std::string error,
                    int status) {
  return AccountForm(req, ctx, "Sign up", "signup.tpl",
                     PostedAccountForm(req, std::move(error)), status);
}

Response LoginForm(const Request& req, Context& ctx, std::string error,
                   int status) {
  AccountFormState state = PostedAccountForm(req, std::move(error));
  state.email.clear();
  return AccountForm(req, ctx, "Log in", "login.tpl", state, status);
}

std::string RetryMessage(int64_t seconds) {
  int64_t minutes = (seconds + 59) / 60;
  return "Too many failed logins for this name or from this address. Please "
         "wait " +
         std::to_string(minutes) + (minutes == 1 ? " minute" : " minutes") +
         " and try again.";
}

}  // namespace

// Logs `user` in: ends the session the browser had (a token planted
// before the login is worth nothing afterwards), starts a new one and
// sends the browser on.
Response StartSession(const Request& req, Context& ctx, const User& user,
                      std::string_view next) {
  if (auto old = req.cookies.find(kSessionCookie); old != req.cookies.end()) {
    if (Status s = ctx.sessions.End(old->second); !s.ok())
      return ErrorPage(ctx, s);
  }
  auto token = ctx.sessions.Start(user.id, ctx.now(), ctx.site.session_seconds);
  if (!token.ok()) return ErrorPage(ctx, token.status());
  Response response = Response::SeeOther(SafeRedirectTarget(next));
  response.headers.emplace_back(
      "Set-Cookie", SessionCookie(*token, ctx.site.session_seconds, req.https));
  return response;
}

std::string SafeRedirectTarget(std::string_view next) {
  auto local = [&] {
    if (next.size() < 1 || next.size() > 2000 || next[0] != '/') return false;
    if (next.size() > 1 && (next[1] == '/' || next[1] == '\\')) return false;
    for (unsigned char c : next) {
      if (c < 0x20 || c == 0x7f || c == '\\') return false;
    }
    // Coming back to an account form after logging in would loop or log
    // out again.
    for (std::string_view route : {"/_logout", "/_login", "/_signup"}) {
      if (next.starts_with(route)) return false;
    }
    return true;
  };
  // Encoded again, so the Location header holds only URL characters.
  return local() ? PercentEncodePath(next) : "/";
}

std::string SessionCookie(const std::string& token, int64_t max_age_seconds,
                          bool https) {
  std::string cookie = std::string(kSessionCookie) + "=" + token +
                       "; Path=/; Max-Age=" + std::to_string(max_age_seconds) +
                       "; HttpOnly; SameSite=Lax";
  if (https) cookie += "; Secure";
  return cookie;
}

std::string ClearedSessionCookie(bool https) {
  std::string cookie = std::string(kSessionCookie) +
                       "=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax";
  if (https) cookie += "; Secure";
  return cookie;
}

Response ShowSignupForm(const Request& req, Context& ctx, std::string_view) {
  AccountFormState state{.next = req.QueryText("next")};
  return AccountForm(req, ctx, "Sign up", "signup.tpl", state,
                     ctx.site.signup_enabled ? 200 : 403);
}

// POST /_signup. Every refusal names the rule and keeps the name and
// email typed; the passwords are never sent back.
Response SignUp(const Request& req, Context& ctx, std::string_view) {
  if (!ctx.site.signup_enabled) {
    return SignupForm(req, ctx, "Signup is turned off on this wiki.", 403);
  }
  auto name = UserName::Parse(req.FormText("name"));
  if (!name.ok()) return SignupForm(req, ctx, name.status().message(), 400);
  const std::string& password = req.FormText("password");
  if (Status s = CheckPassword(password); !s.ok()) {
    return SignupForm(req, ctx, s.message(), 400);
  }
  if (password != req.FormText("password2")) {
    return SignupForm(req, ctx, "The two passwords are not the same.", 400);
  }
  const std::string& email = req.FormText("email");
  if (Status s = CheckEmail(email); !s.ok()) {
    return SignupForm(req, ctx, s.message(), 400);
  }
  HashSlot slot(ctx.hash_slots, ctx.site.password_hash_slots);
  if (!slot.held())
    return WithRetryAfter(SignupForm(req, ctx, kHashingBusyMessage, 503), 1);
  auto hash = HashPassword(password);
  if (!hash.ok()) return SignupForm(req, ctx, hash.status().message(), 503);
  auto user = ctx.users.Create(*name, *hash, Role::kUser, email, ctx.now());
  if (user.status().IsConflict()) {
    return SignupForm(req, ctx, user.status().message(), 409);
  }
  if (!user.ok())
    return SignupForm(req, ctx,
                      "Your account could not be created "
                      "now. Please try again.",
                      HttpStatusFor(user.status()));
  return StartSession(req, ctx, *user, req.FormText("next"));
}

Response RefuseSignup(const Request& req, Context& ctx, std::string_view,
                      int status, const std::string& message) {
  return SignupForm(req, ctx, message, status);
}

Response ShowLoginForm(const Request& req, Context& ctx, std::string_view) {
  AccountFormState state{.next = req.QueryText("next")};
  return AccountForm(req, ctx, "Log in", "login.tpl", state, 200);
}

// POST /_login. The throttle is asked before any hashing, so a flood of
// guesses costs an indexed lookup each, not an argon2id hash. A name that
// does not exist is hashed against a dummy, counted and answered exactly
// like a wrong password, so neither the answer nor its timing tells which
// names exist.
Response LogIn(const Request& req, Context& ctx, std::string_view) {
  const std::string& typed_name = req.FormText("name");
  const std::string& password = req.FormText("password");
  if (password.size() > kMaxPasswordBytes) {
    return LoginForm(req, ctx, "A password is at most 1024 bytes long.", 400);
  }
  const std::vector<std::string> scopes = {
      LoginThrottle::NameScope(typed_name),
      LoginThrottle::AddressScope(req.client_address)};
  const int64_t now = ctx.now();
  auto wait = ctx.throttle.RetryAfter(scopes, now);
  if (!wait.ok()) return ErrorPage(ctx, wait.status());
  if (*wait > 0) {
    return WithRetryAfter(LoginForm(req, ctx, RetryMessage(*wait), 429), *wait);
  }
  // Taken before the name is looked up, so a busy answer says nothing
  // about the name either.
  HashSlot slot(ctx.hash_slots, ctx.site.password_hash_slots);
  if (!slot.held())
    return WithRetryAfter(LoginForm(req, ctx, kHashingBusyMessage, 503), 1);
  std::optional<User> user;
  if (auto name = UserName::Parse(typed_name); name.ok()) {
    auto found = ctx.users.Find(*name);
    if (found.ok()) {
      user = std::move(*found);
    } else if (!found.status().IsNotFound()) {
      return ErrorPage(ctx, found.status());
    }
  }
  bool verified = user ? VerifyPassword(user->password_hash, password)
                       : VerifyAgainstDummyHash(password);
  if (!verified) {
    if (Status s = ctx.throttle.RecordFailure(scopes, now); !s.ok()) {
      LogError("login throttle not recorded: " + s.message());
    }
    return LoginForm(req, ctx, kWrongLoginMessage, 403);
  }
  // Told only to someone who knows the password.
  if (user->disabled) {
    return LoginForm(req, ctx,
                     "This account is disabled. Ask one of the wiki's "
                     "admins if you think this is a mistake.",
                     403);
  }
  if (Status s = ctx.throttle.Forget(scopes[0]); !s.ok()) {
    LogError("login throttle not cleared: " + s.message());
  }
  if (PasswordNeedsRehash(user->password_hash)) {
    // Best effort: the login stands whether or not the upgrade is stored.
    if (auto hash = HashPassword(password); hash.ok()) {
      if (Status s = ctx.users.SetPassword(user->id, *hash); !s.ok()) {
        LogError("password hash not upgraded: " + s.message());
      }
    }
  }
  return StartSession(req, ctx, *user, req.FormText("next"));
}

Response RefuseLogin(const Request& req, Context& ctx, std::string_view,
                     int status, const std::string& message) {
  return LoginForm(req, ctx, message, status);
}

Response LogOut(const Request& req, Context& ctx, std::string_view) {
  if (ctx.viewer.logged_in()) {
    if (Status s = ctx.sessions.End(ctx.viewer.session_token); !s.ok()) {
      return ErrorPage(ctx, s);
    }
  }
  Response response = Response::SeeOther("/");
  response.headers.emplace_back("Set-Cookie", ClearedSessionCookie(req.https));
  return response;
}

}  // namespace wikid
