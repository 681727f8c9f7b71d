#include "views/accounts/setup_handlers.h"

#include <unistd.h>

#include <cerrno>
#include <optional>

#include "model/base/failpoint.h"
#include "model/base/files.h"
#include "model/base/log.h"
#include "model/base/token.h"
#include "views/fill/account_fill.h"
#include "views/accounts/account_handlers.h"
#include "views/base/render.h"

namespace wikid {
namespace {

constexpr char kNoSetupMessage[] =
    "This setup link is not valid. The one that works is in the file setup-link in wikid's "
    "data folder, written when wikid last started (scripts/run prints it); or make the first "
    "admin with: wikid user create NAME --admin.";
constexpr char kSetUpAlreadyMessage[] =
    "This wiki has an admin already: the setup link works only until the first one is made. "
    "Log in, or ask one of its admins.";

// The setup form with what was typed (never the passwords).
Response SetupForm(const Request& req, Context& ctx, const std::string& token,
                   std::string error, int status) {
  HtmlPage page("Make the first admin", "setup.tpl");
  page.NoIndex();
  CsrfToken csrf = FormToken(req, ctx);
  AccountFormState state{.name = req.FormText("name"),
                         .email = req.FormText("email"),
                         .error = std::move(error)};
  FillAccountForm(state, csrf.token, /*signup_enabled=*/true, page.content());
  page.content()->SetValue("SETUP_TOKEN", token);
  Response response = page.Render(ctx, status);
  csrf.ApplyTo(response);
  return response;
}

// Why `token` may not set the wiki up, or nothing.
std::optional<Response> Refusal(Context& ctx, std::string_view token) {
  if (!AwaitsFirstAdmin(ctx)) return ErrorPage(ctx, 404, kSetUpAlreadyMessage);
  // Hashes compared, not tokens: how long the comparison takes says
  // nothing about the token.
  if (ctx.site.setup_token_hash.empty() || !IsTokenShaped(token) ||
      TokenHash(token) != ctx.site.setup_token_hash || !Exists(ctx.site.setup_link_path)) {
    return ErrorPage(ctx, 403, kNoSetupMessage);
  }
  return std::nullopt;
}

}  // namespace

bool AwaitsFirstAdmin(Context& ctx) {
  auto any = ctx.stores.users.AnyAdmin();
  if (!any.ok()) LogError("setup: " + any.status().message());
  return any.ok() && !*any;
}

Response ShowSetupForm(const Request& req, Context& ctx, std::string_view) {
  const std::string token = req.QueryText("token");
  if (auto refused = Refusal(ctx, token)) return std::move(*refused);
  return SetupForm(req, ctx, token, "", 200);
}

Response SetUp(const Request& req, Context& ctx, std::string_view) {
  const std::string token = req.FormText("token");
  if (auto refused = Refusal(ctx, token)) return std::move(*refused);
  // Tests hold two setups here at once: only the sign-up's transaction
  // (UserStore::CreateFirstAdmin) decides which one makes the admin.
  FailpointHold("setup_before_signup");
  AccountAnswer answer = ctx.security.accounts.SignUp(
      req.FormText("name"), req.FormText("password"), req.FormText("password2"),
      req.FormText("email"), ctx.now(), Role::kAdmin);
  if (!answer.ok()) {
    return AccountRefusal(answer,
                          SetupForm(req, ctx, token, answer.message, HttpStatusFor(answer)));
  }
  LogInfo("setup: made the first admin, " + answer.user->name);
  // The link is spent: its file goes, and with it the token, for every
  // worker (Refusal checks the file).
  if (unlink(ctx.site.setup_link_path.c_str()) != 0 && errno != ENOENT) {
    LogError("setup: " + ErrnoMessage("cannot remove " + ctx.site.setup_link_path));
  }
  Response response = StartSession(req, ctx, *answer.user, "/_admin/users");
  if (response.status == 303) AddNoticeForNewSession(response, req, "first-admin");
  return response;
}

Response RefuseSetup(const Request& req, Context& ctx, std::string_view, int status,
                     const std::string& message) {
  return SetupForm(req, ctx, req.FormText("token"), message, status);
}

}  // namespace wikid
