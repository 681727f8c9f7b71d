#include "views/pages/move_handlers.h"

#include "model/text/characters.h"
#include "views/pages/page_handlers.h"
#include "views/base/render.h"

namespace wikid {
namespace {

// What the mover typed, kept through a refusal.
struct MoveForm {
  std::string to;
  std::string reason;
  bool leave_redirect = true;
};

Response MoveFormPage(Context& ctx, const std::string& title, const PageName& name,
                      const MoveForm& form, const std::string& message, int status) {
  HtmlPage page("Move " + title, "move.tpl");
  page.NoIndex();
  ctemplate::TemplateDictionary* d = page.content();
  d->SetValue("TITLE", title);
  d->SetValue("PAGE_URL", name.UrlPath());
  d->SetValue("ACTION_URL", "/_move" + name.UrlPath());
  d->SetValue("CSRF_TOKEN", ctx.security.csrf.ForSession(ctx.viewer.session_token));
  d->SetValue("TO", form.to);
  d->SetValue("REASON", form.reason);
  if (form.leave_redirect) d->ShowSection("REDIRECT_CHECKED");
  if (!message.empty()) d->SetValueAndShowSection("MESSAGE", message, "ERROR");
  return page.Render(ctx, status);
}

// The reason is kept as part of a revision's summary: one line, short,
// nothing invisible. A message, or empty when it will do.
std::string ReasonProblem(const SiteConfig& site, const std::string& reason) {
  if (reason.size() > site.max_summary_bytes / 2 ||
      reason.find_first_of("\r\n") != std::string::npos) {
    return "The reason must be one line of at most " +
           std::to_string(site.max_summary_bytes / 2) + " bytes.";
  }
  if (auto unwanted = FindUnwantedCharacter(reason, /*multiline=*/false)) {
    return "The reason holds the invisible character " + CodePointName(unwanted->code_point) +
           ", which no page or feed can show; please remove it.";
  }
  return "";
}

}  // namespace

Response ShowMoveForm(const Request& req, Context& ctx, std::string_view rest) {
  auto name = PageName::Parse(rest);
  if (!name.ok()) return ErrorPage(ctx, name.status());
  auto page = ctx.stores.pages.Find(*name, std::nullopt);
  if (page.status().IsNotFound()) {
    if (auto other = OtherCaseRedirect(req, ctx, "/_move", *name)) return std::move(*other);
  }
  if (!page.ok()) return ErrorPage(ctx, page.status());
  return MoveFormPage(ctx, page->title, *name, MoveForm{.to = page->title}, "", 200);
}

Response MovePage(const Request& req, Context& ctx, std::string_view rest) {
  auto name = PageName::Parse(rest);
  if (!name.ok()) return ErrorPage(ctx, name.status());
  const MoveForm form{.to = req.FormText("to"),
                      .reason = req.FormText("reason"),
                      .leave_redirect = req.FormText("redirect") == "1"};
  auto to = PageName::Parse(form.to);
  if (!to.ok()) return MoveFormPage(ctx, name->title(), *name, form, to.status().message(), 400);
  if (std::string problem = ReasonProblem(ctx.site, form.reason); !problem.empty()) {
    return MoveFormPage(ctx, name->title(), *name, form, problem, 400);
  }
  const auto& user = ctx.viewer.user;
  auto moved = ctx.writes.Move(PageMove{.from = *name,
                                        .to = *to,
                                        .reason = form.reason,
                                        .leave_redirect = form.leave_redirect,
                                        .author = user ? user->name : req.client_address,
                                        .account_id = user ? user->id : 0,
                                        .may_edit_protected = ctx.viewer.is_admin(),
                                        .created_at = ctx.now()});
  const Status& status = moved.status();
  if (status.IsConflict() || status.code() == Status::Code::kInvalid ||
      status.code() == Status::Code::kForbidden) {
    return MoveFormPage(ctx, name->title(), *name, form, status.message(),
                        HttpStatusFor(status));
  }
  if (!moved.ok()) return ErrorPage(ctx, status);
  return SeeOtherWithNotice(req, ctx, to->UrlPath(), "moved");
}

}  // namespace wikid
