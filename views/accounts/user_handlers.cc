#include "views/accounts/user_handlers.h"

#include <charconv>

#include "model/accounts/profile.h"
#include "model/text/mailbox.h"
#include "views/fill/account_fill.h"
#include "views/accounts/account_handlers.h"
#include "views/base/render.h"
#include "views/accounts/watch_handlers.h"

namespace wikid {
namespace {

// The viewer's own account if `rest` names it (in any letter case), else
// the reason they may not use this form.
Result<User> OwnAccount(Context& ctx, std::string_view rest) {
  auto name = UserName::Parse(rest);
  if (!name.ok()) return Status::NotFound("There is no such user.");
  if (!ctx.viewer.logged_in() ||
      AsciiLower(ctx.viewer.user->name) != name->key()) {
    return Status::Forbidden("Only the owner of this account may change it.");
  }
  return *ctx.viewer.user;
}

Response ProfileForm(const Request& req, Context& ctx,
                     const std::string& user_name,
                     const ProfileFormState& state, int status) {
  HtmlPage page("Edit your profile", "profile_edit.tpl");
  page.NoIndex();
  FillProfileForm(user_name, state, FormToken(req, ctx).token, page.content());
  return page.Render(ctx, status);
}

ProfileFormState PostedProfile(const Request& req, std::string error) {
  return ProfileFormState{.display_name = req.FormText("display_name"),
                          .bio = NormaliseNewlines(req.FormText("bio")),
                          .email = req.FormText("email"),
                          .watch_created = req.FormText("watch_created") == "1",
                          .error = std::move(error)};
}

Response PasswordForm(const Request& req, Context& ctx,
                      const std::string& user_name, const std::string& error,
                      int status) {
  HtmlPage page("Change your password", "password.tpl");
  page.NoIndex();
  FillPasswordForm(user_name, error, FormToken(req, ctx).token, page.content());
  return page.Render(ctx, status);
}

}  // namespace

Response ShowProfile(const Request& req, Context& ctx, std::string_view rest) {
  auto name = UserName::Parse(rest);
  if (!name.ok()) return ErrorPage(ctx, 404, "There is no such user.");
  auto user = ctx.stores.users.Find(*name);
  if (!user.ok()) return ErrorPage(ctx, user.status());
  std::optional<int64_t> before;
  if (const std::string* text = req.Query("before")) {
    before = PositiveNumber(*text);
    if (!before) {
      return ErrorPage(ctx, 400,
                       "The parameter 'before' must be a revision id.");
    }
  }
  auto contributions = ctx.stores.pages.ListContributions(
      user->id, before, ctx.site.contributions_page_size);
  if (!contributions.ok()) return ErrorPage(ctx, contributions.status());
  // The same safe renderer as page text. Wiki links in a bio are not
  // checked against the pages that exist (that would cost a query per
  // link on every profile view): they all render as ordinary links.
  std::string bio_html =
      user->bio.empty()
          ? ""
          : ctx.markdown.ToHtml(user->bio, std::nullopt)
                .value_or(kTooComplexNotice);
  bool own = ctx.viewer.logged_in() && ctx.viewer.user->id == user->id;
  HtmlPage page(ShownName(*user), "profile.tpl");
  if (before) page.NoIndex();
  FillProfile(*user, bio_html, *contributions, !before,
              ctx.site.contributions_page_size, own, page.content());
  if (own && !user->email.empty()) FillEmailState(*user, ctx, page.content());
  return page.Render(ctx, 200);
}

Response ShowProfileForm(const Request& req, Context& ctx,
                         std::string_view rest) {
  auto user = OwnAccount(ctx, rest);
  if (!user.ok()) return ErrorPage(ctx, user.status());
  ProfileFormState state{.display_name = user->display_name,
                         .bio = user->bio,
                         .email = user->email,
                         .watch_created = user->watch_created};
  return ProfileForm(req, ctx, user->name, state, 200);
}

// POST /_user/NAME/_edit. A refusal keeps everything typed.
Response SaveProfile(const Request& req, Context& ctx, std::string_view rest) {
  auto user = OwnAccount(ctx, rest);
  if (!user.ok()) return ErrorPage(ctx, user.status());
  ProfileFormState state = PostedProfile(req, "");
  for (const Status& s : {CheckDisplayName(state.display_name),
                          CheckBio(state.bio), CheckEmail(state.email)}) {
    if (!s.ok()) {
      state.error = s.message();
      return ProfileForm(req, ctx, user->name, state, 400);
    }
  }
  // A new address gets a confirmation mail, within the account's limit
  // (WatchMail::SendConfirmation): past it, nothing is saved yet.
  const bool new_address = !state.email.empty() && state.email != user->email;
  if (new_address) {
    auto wait = ctx.stores.watches.ConfirmationMailWait(user->id, ctx.now(), /*claim=*/false);
    if (!wait.ok()) return ErrorPage(ctx, wait.status());
    if (*wait > 0) {
      state.error = WatchMail::WaitMessage(*wait);
      return WithRetryAfter(ProfileForm(req, ctx, user->name, state, 429), *wait);
    }
  }
  Status saved = ctx.stores.users.SetProfile(user->id, state.display_name, state.bio,
                                      state.email);
  if (!saved.ok()) {
    int status = HttpStatusFor(saved);
    if (status >= 500) LogError("profile not saved: " + saved.message());
    state.error = "Your profile could not be saved now; please try again.";
    return ProfileForm(req, ctx, user->name, state, status);
  }
  // The watch setting and a new address's confirmation mail (issue 20)
  // follow the profile's own write: if either fails, the profile is saved
  // and says so (the address shows as unconfirmed, with a button to send
  // the link again).
  if (state.watch_created != user->watch_created) {
    if (Status s = ctx.stores.watches.SetWatchCreated(user->id, state.watch_created); !s.ok()) {
      return ErrorPage(ctx, s);
    }
  }
  if (new_address) {
    User changed = *user;
    changed.email = state.email;
    auto wait = ctx.watch_mail.SendConfirmation(changed, ctx.now());
    if (!wait.ok()) return ErrorPage(ctx, wait.status());
    if (*wait > 0) {  // another request took the turn meanwhile
      return WithRetryAfter(ErrorPage(ctx, 429,
                                      "Your profile is saved, but the link to confirm the "
                                      "new address was not sent. " +
                                          WatchMail::WaitMessage(*wait)),
                            *wait);
    }
  }
  Response response = Response::SeeOther("/_user/" + user->name);
  AddNotice(response, req, ctx, "profile");
  return response;
}

Response RefuseProfile(const Request& req, Context& ctx, std::string_view rest,
                       int status, const std::string& message) {
  auto name = UserName::Parse(rest);
  if (!name.ok()) return ErrorPage(ctx, status, message);
  return ProfileForm(req, ctx, name->name(), PostedProfile(req, message),
                     status);
}

Response ShowPasswordForm(const Request& req, Context& ctx,
                          std::string_view rest) {
  auto user = OwnAccount(ctx, rest);
  if (!user.ok()) return ErrorPage(ctx, user.status());
  return PasswordForm(req, ctx, user->name, "", 200);
}

// POST /_user/NAME/_password (Accounts::ChangePassword: guesses at the
// current password count against the account's login throttle).
Response ChangePassword(const Request& req, Context& ctx,
                        std::string_view rest) {
  auto user = OwnAccount(ctx, rest);
  if (!user.ok()) return ErrorPage(ctx, user.status());
  AccountAnswer answer = ctx.security.accounts.ChangePassword(
      *user, req.FormText("current"), req.FormText("password"),
      req.FormText("password2"), ctx.now());
  if (answer.kind == AccountAnswer::Kind::kFailed) return ErrorPage(ctx, answer.failure);
  if (!answer.ok()) {
    return AccountRefusal(
        answer, PasswordForm(req, ctx, user->name, answer.message, HttpStatusFor(answer)));
  }
  // Every session ended; this browser gets a fresh one.
  Response response = StartSession(req, ctx, *user, ProfileUrl(user->name));
  AddNotice(response, req, ctx, "password");
  return response;
}

namespace {

Response TokenPage(const Request& req, Context& ctx, const User& user,
                   const TokenPageState& state, int status) {
  auto tokens = ctx.stores.tokens.List(user.id);
  if (!tokens.ok()) return ErrorPage(ctx, tokens.status());
  HtmlPage page("API tokens", "tokens.tpl");
  page.NoIndex();
  FillTokens(user.name, *tokens, state, FormToken(req, ctx).token,
             page.content());
  Response response = page.Render(ctx, status);
  // The page may show a new token: no cache anywhere may keep it.
  response.headers.emplace_back("Cache-Control", "no-store");
  return response;
}

}  // namespace

Response ShowTokens(const Request& req, Context& ctx, std::string_view rest) {
  auto user = OwnAccount(ctx, rest);
  if (!user.ok()) return ErrorPage(ctx, user.status());
  return TokenPage(req, ctx, *user, TokenPageState{}, 200);
}

Response ChangeTokens(const Request& req, Context& ctx, std::string_view rest) {
  auto user = OwnAccount(ctx, rest);
  if (!user.ok()) return ErrorPage(ctx, user.status());
  TokenPageState state;
  if (req.FormText("action") == "revoke") {
    auto id = PositiveNumber(req.FormText("id"));
    if (!id) return ErrorPage(ctx, 400, "Say which token to revoke.");
    Status revoked = ctx.stores.tokens.Revoke(user->id, *id);
    if (!revoked.ok()) return ErrorPage(ctx, revoked);
    return SeeOtherWithNotice(req, ctx, ProfileUrl(user->name) + "/_tokens", "revoked");
  }
  const std::string& label = req.FormText("label");
  auto issued = ctx.stores.tokens.Issue(user->id, label, ctx.now());
  if (!issued.ok()) {
    const Status& refused = issued.status();
    if (!refused.IsInvalid() && !refused.IsConflict()) return ErrorPage(ctx, refused);
    state.error = refused.message();
    state.typed_label = label;
    return TokenPage(req, ctx, *user, state, refused.IsConflict() ? 409 : 400);
  }
  state.issued = std::move(*issued);
  state.issued_label = label;
  return TokenPage(req, ctx, *user, state, 200);
}

}  // namespace wikid
