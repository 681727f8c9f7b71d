#include "views/accounts/account_handlers.h"

#include "views/fill/account_fill.h"
#include "views/base/render.h"

namespace wikid {
namespace {

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

}  // namespace

Response AccountRefusal(const AccountAnswer& answer, Response form) {
  if (answer.kind == AccountAnswer::Kind::kFailed && form.status >= 500) {
    LogError("account: " + answer.failure.message());
  }
  return answer.retry_after > 0 ? WithRetryAfter(std::move(form), answer.retry_after)
                                 : form;
}

int HttpStatusFor(const AccountAnswer& answer) {
  switch (answer.kind) {
    case AccountAnswer::Kind::kOk: return 200;
    case AccountAnswer::Kind::kInvalid: return 400;
    case AccountAnswer::Kind::kTaken: return 409;
    case AccountAnswer::Kind::kThrottled: return 429;
    case AccountAnswer::Kind::kBusy: return 503;
    case AccountAnswer::Kind::kForbidden: return 403;
    case AccountAnswer::Kind::kFailed: return HttpStatusFor(answer.failure);
  }
  return 500;
}

// Logs `user` in (Accounts::StartSession: the browser's old session ends)
// and sends the browser on.
Response StartSession(const Request& req, Context& ctx, const User& user,
                      std::string_view next) {
  auto old = req.cookies.find(kSessionCookie);
  auto token = ctx.security.accounts.StartSession(
      user, old != req.cookies.end() ? old->second : "", ctx.now(),
      ctx.site.session_seconds);
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
  AccountAnswer answer = ctx.security.accounts.SignUp(
      req.FormText("name"), req.FormText("password"), req.FormText("password2"),
      req.FormText("email"), ctx.now());
  if (!answer.ok()) {
    return AccountRefusal(answer,
                          SignupForm(req, ctx, answer.message, HttpStatusFor(answer)));
  }
  return StartSession(req, ctx, *answer.user, req.FormText("next"));
}

Response RefuseSignup(const Request& req, Context& ctx, std::string_view,
                      int status, const std::string& message) {
  return SignupForm(req, ctx, message, status);
}

Response ShowLoginForm(const Request& req, Context& ctx, std::string_view) {
  AccountFormState state{.next = req.QueryText("next")};
  return AccountForm(req, ctx, "Log in", "login.tpl", state, 200);
}

// POST /_login: Accounts::LogIn says whether the password is right, and
// answers a name that does not exist exactly like a wrong password.
Response LogIn(const Request& req, Context& ctx, std::string_view) {
  AccountAnswer answer = ctx.security.accounts.LogIn(
      req.FormText("name"), req.FormText("password"), req.client_address, ctx.now());
  if (answer.kind == AccountAnswer::Kind::kFailed) return ErrorPage(ctx, answer.failure);
  if (answer.kind == AccountAnswer::Kind::kForbidden) ProcessMetrics::Add(ctx.metrics.login_failures);
  if (answer.kind == AccountAnswer::Kind::kThrottled) {
    ProcessMetrics::Add(ctx.metrics.login_throttled);
  }
  if (!answer.ok()) {
    return AccountRefusal(answer,
                          LoginForm(req, ctx, answer.message, HttpStatusFor(answer)));
  }
  return StartSession(req, ctx, *answer.user, req.FormText("next"));
}

Response RefuseLogin(const Request& req, Context& ctx, std::string_view,
                     int status, const std::string& message) {
  return LoginForm(req, ctx, message, status);
}

Response LogOut(const Request& req, Context& ctx, std::string_view) {
  if (ctx.viewer.logged_in()) {
    if (Status s = ctx.stores.sessions.End(ctx.viewer.session_token); !s.ok()) {
      return ErrorPage(ctx, s);
    }
  }
  Response response = Response::SeeOther("/");
  response.headers.emplace_back("Set-Cookie", ClearedSessionCookie(req.https));
  return response;
}

}  // namespace wikid
