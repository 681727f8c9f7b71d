#include "views/accounts/watch_handlers.h"

#include "model/base/log.h"
#include "views/fill/page_fill.h"
#include "views/base/render.h"

namespace wikid {
namespace {

// What a link from the mail names, or why it is refused: 400 for a link
// cut short or mangled, 403 for one whose token does not match.
struct UnwatchLink {
  int64_t user_id = 0;
  int64_t page_id = 0;
  std::string token;
};

constexpr char kBadUnwatch[] =
    "This link to stop watching a page is not valid: it was changed or cut short. Use the "
    "link exactly as it came in the mail, or log in and use the Unwatch button on the page.";

Result<UnwatchLink> ReadUnwatchLink(const Request& req, Context& ctx, bool form) {
  auto field = [&](std::string_view name) -> const std::string& {
    return form ? req.FormText(name) : req.QueryText(name);
  };
  auto user = PositiveNumber(field("user"));
  auto page = PositiveNumber(field("page"));
  if (!user || !page || field("token").empty()) return Status::Invalid(kBadUnwatch);
  UnwatchLink link{.user_id = *user, .page_id = *page, .token = field("token")};
  if (!ctx.watch_mail.links().CheckUnwatch(link.user_id, link.page_id, link.token)) {
    return Status::Forbidden(kBadUnwatch);
  }
  return link;
}

// A short page that says what happened (message.tpl's kind).
Response Notice(Context& ctx, const std::string& title, const std::string& message,
                int status) {
  HtmlPage page(title, "watch_notice.tpl");
  page.NoIndex();
  page.content()->SetValue("TITLE", title);
  page.content()->SetValue("MESSAGE", message);
  return page.Render(ctx, status);
}

}  // namespace

void FillWatchButton(Context& ctx, const PageName& name, bool viewed, std::string_view back,
                     ctemplate::TemplateDictionary* d) {
  if (!ctx.viewer.logged_in()) return;
  const int64_t user_id = ctx.viewer.user->id;
  auto state = ctx.stores.watches.Find(user_id, name);
  if (!state.ok()) {
    LogError("watch state not read: " + state.status().message());
    return;
  }
  if (!*state) return;
  if (viewed && (*state)->notified) {
    // The one write, for a watcher mailed since their last view.
    if (Status s = ctx.stores.watches.Viewed(user_id, (*state)->page_id); !s.ok()) {
      LogError("watcher's visit not recorded: " + s.message());
    }
  }
  // Per viewer, like the header: filled for this request only.
  ctemplate::TemplateDictionary* watch = d->AddSectionDictionary("WATCH");
  watch->SetValue("WATCH_URL", "/_watch" + name.UrlPath());
  watch->SetValue("WATCH_BACK", std::string(back));
  watch->SetValue("CSRF_TOKEN", ctx.security.csrf.ForSession(ctx.viewer.session_token));
  watch->ShowSection((*state)->watching ? "WATCHING" : "NOT_WATCHING");
}

void FillEmailState(const User& user, Context& ctx, ctemplate::TemplateDictionary* d) {
  ctemplate::TemplateDictionary* state = d->AddSectionDictionary("EMAIL_STATE");
  state->SetValue("EMAIL", user.email);
  state->SetValue("RESEND_URL", "/_user/" + user.name + "/_confirm-email");
  state->SetValue("CSRF_TOKEN", ctx.security.csrf.ForSession(ctx.viewer.session_token));
  state->ShowSection(user.email_confirmed ? "CONFIRMED" : "UNCONFIRMED");
}

Response ChangeWatch(const Request& req, Context& ctx, std::string_view rest) {
  auto name = PageName::Parse(rest);
  if (!name.ok()) return ErrorPage(ctx, name.status());
  const std::string& watch = req.FormText("watch");
  if (watch != "0" && watch != "1") {
    return ErrorPage(ctx, 400, "The field 'watch' must be 1 or 0.");
  }
  const int64_t user_id = ctx.viewer.user->id;
  auto state = ctx.stores.watches.Find(user_id, *name);
  if (!state.ok()) return ErrorPage(ctx, state.status());
  if (!*state) return ErrorPage(ctx, 404, "There is no page " + name->title() + " to watch.");
  Status s = watch == "1" ? ctx.stores.watches.Watch(user_id, (*state)->page_id)
                          : ctx.stores.watches.Unwatch(user_id, (*state)->page_id);
  if (!s.ok()) return ErrorPage(ctx, s);
  return SeeOtherWithNotice(
      req, ctx, req.FormText("back") == "history" ? "/_history" + name->UrlPath() : name->UrlPath(),
      watch == "1" ? "watched" : "unwatched");
}

Response ShowWatchlist(const Request& req, Context& ctx, std::string_view) {
  auto before = RevisionParam(req, "before");
  if (!before.ok()) return ErrorPage(ctx, before.status());
  const int size = ctx.site.recent_page_size;
  auto listed = ctx.stores.watches.List(ctx.viewer.user->id, *before, size);
  if (!listed.ok()) return ErrorPage(ctx, listed.status());
  auto window = RenderRecentWindow(ctx.templates, RecentChanges{.changes = listed->changes});
  if (!window.ok()) return ErrorPage(ctx, window.status());
  HtmlPage page("Your watchlist", "watchlist.tpl");
  page.NoIndex();
  page.content()->SetValue("CHANGE_LIST_HTML", window->list_html);
  if (before->has_value()) page.content()->ShowSection("NEWEST");
  if (listed->capped) {
    page.content()->AddSectionDictionary("CAPPED")->SetIntValue(
        "MAX", WatchStore::kMaxWatchedPages);
  }
  if (listed->more && !listed->changes.empty()) {
    page.content()->SetValueAndShowSection(
        "URL", "/_watchlist?before=" + std::to_string(listed->changes.back().revision_id),
        "OLDER");
  }
  return page.Render(ctx, 200);
}

Response ShowUnwatch(const Request& req, Context& ctx, std::string_view) {
  auto link = ReadUnwatchLink(req, ctx, /*form=*/false);
  if (!link.ok()) return ErrorPage(ctx, link.status());
  auto title = ctx.stores.watches.PageTitle(link->page_id);
  if (!title.ok()) return ErrorPage(ctx, title.status());
  HtmlPage page("Stop watching " + *title, "unwatch.tpl");
  page.NoIndex();
  CsrfToken csrf = FormToken(req, ctx);
  ctemplate::TemplateDictionary* d = page.content();
  d->SetValue("TITLE", *title);
  d->SetValue("CSRF_TOKEN", csrf.token);
  d->SetIntValue("USER_ID", link->user_id);
  d->SetIntValue("PAGE_ID", link->page_id);
  d->SetValue("TOKEN", link->token);
  Response response = page.Render(ctx, 200);
  csrf.ApplyTo(response);
  return response;
}

Response Unwatch(const Request& req, Context& ctx, std::string_view) {
  auto link = ReadUnwatchLink(req, ctx, /*form=*/true);
  if (!link.ok()) return ErrorPage(ctx, link.status());
  auto title = ctx.stores.watches.PageTitle(link->page_id);
  if (!title.ok()) return ErrorPage(ctx, title.status());
  if (Status s = ctx.stores.watches.Unwatch(link->user_id, link->page_id); !s.ok()) {
    return ErrorPage(ctx, s);
  }
  return Notice(ctx, "No longer watched",
                "You no longer watch " + *title + ", and get no more mail about it.", 200);
}

Response ConfirmEmail(const Request& req, Context& ctx, std::string_view) {
  constexpr char kBad[] =
      "This confirmation link is not valid: it was changed or cut short, or the account's "
      "address has changed since it was sent. Log in and ask for a new link on your profile.";
  auto name = UserName::Parse(req.QueryText("name"));
  auto expires = PositiveNumber(req.QueryText("expires"));
  const std::string& token = req.QueryText("token");
  if (!name.ok() || !expires || token.empty()) return ErrorPage(ctx, 400, kBad);
  auto user = ctx.stores.users.Find(*name);
  if (user.status().IsNotFound()) return ErrorPage(ctx, 403, kBad);
  if (!user.ok()) return ErrorPage(ctx, user.status());
  if (user->email.empty() ||
      !ctx.watch_mail.links().CheckConfirm(user->id, user->email, *expires, token)) {
    return ErrorPage(ctx, 403, kBad);
  }
  if (*expires < ctx.now()) {
    return ErrorPage(ctx, 410,
                     "This confirmation link has expired. Log in and ask for a new one on "
                     "your profile.");
  }
  if (Status s = ctx.stores.watches.ConfirmEmail(user->id, user->email); !s.ok()) {
    return ErrorPage(ctx, s.IsConflict() ? 403 : HttpStatusFor(s),
                     s.IsConflict() ? std::string(kBad) : s.message());
  }
  return Notice(ctx, "Address confirmed",
                "The address " + user->email + " of " + user->name +
                    " is confirmed: mail about the pages you watch will go to it.",
                200);
}

Response ResendConfirmation(const Request&, Context& ctx, std::string_view rest) {
  auto name = UserName::Parse(rest);
  if (!name.ok() || AsciiLower(ctx.viewer.user->name) != name->key()) {
    return ErrorPage(ctx, 403, "Only the owner of this account may change it.");
  }
  const User& user = *ctx.viewer.user;
  if (user.email.empty()) {
    return ErrorPage(ctx, 400, "Your account has no email address to confirm: add one first.");
  }
  if (user.email_confirmed) return Response::SeeOther("/_user/" + user.name);
  auto wait = ctx.watch_mail.SendConfirmation(user, ctx.now());
  if (!wait.ok()) return ErrorPage(ctx, wait.status());
  if (*wait > 0) {
    return WithRetryAfter(
        Notice(ctx, "Confirmation not sent", WatchMail::WaitMessage(*wait), 429), *wait);
  }
  return Notice(ctx, "Confirmation sent",
                "A link to confirm " + user.email + " is on its way; it works for " +
                    std::to_string(SignedLinks::kConfirmSeconds / 86400) + " days.",
                200);
}

}  // namespace wikid
