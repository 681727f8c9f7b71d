#include "views/pages/delete_handlers.h"

#include "views/fill/page_fill.h"
#include "views/base/page_saves.h"
#include "views/base/render.h"

namespace wikid {
namespace {

// How many revisions of a deleted page an admin sees on its 410 page.
constexpr int kDeletedHistoryShown = 100;

// A reason follows an edit summary's rules (one line, no invisible
// characters, at most max_summary_bytes): CheckEdit's, said of a reason.
std::optional<std::string> ReasonProblem(const SiteConfig& site, const std::string& reason) {
  auto problem = CheckEdit(site, /*base_rev=*/1, "x", reason);
  if (!problem) return std::nullopt;
  std::string message = problem->message;
  if (message.starts_with("The summary")) message.replace(4, 7, "reason");
  return message;
}

Response DeleteForm(const Request& req, Context& ctx, const PageName& name,
                    int64_t revisions, const std::string& reason,
                    const std::string& message, int status) {
  HtmlPage page("Delete " + name.title() + "?", "delete.tpl");
  page.NoIndex();
  ctemplate::TemplateDictionary* d = page.content();
  d->SetValue("TITLE", name.title());
  d->SetValue("PAGE_URL", name.UrlPath());
  d->SetValue("ACTION_URL", "/_delete" + name.UrlPath());
  d->SetValue("CSRF_TOKEN", FormToken(req, ctx).token);
  d->SetValue("REASON", reason);
  d->SetIntValue("REVISIONS", static_cast<long>(revisions));
  d->SetIntValue("MAX_REASON", static_cast<long>(ctx.site.max_summary_bytes));
  if (!message.empty()) d->AddSectionDictionary("ERROR")->SetValue("MESSAGE", message);
  return page.Render(ctx, status);
}

PageDeletionRequest RequestBy(const Request& req, Context& ctx, const PageName& name) {
  return PageDeletionRequest{.name = name,
                             .reason = req.FormText("reason"),
                             .author = ctx.viewer.user ? ctx.viewer.user->name : "",
                             .account_id = ctx.viewer.user ? ctx.viewer.user->id : 0,
                             .at = ctx.now()};
}

}  // namespace

Response ShowDeleteForm(const Request& req, Context& ctx, std::string_view rest) {
  auto name = PageName::Parse(rest);
  if (!name.ok()) return ErrorPage(ctx, name.status());
  auto page = ctx.stores.pages.Find(*name, std::nullopt);
  if (page.status().IsNotFound()) {
    if (auto deleted = DeletedPage(req, ctx, *name)) return std::move(*deleted);
  }
  if (!page.ok()) return ErrorPage(ctx, page.status());
  if (page->title != name->title()) {
    return Response::Found("/_delete" + PageName::Parse(page->title)->UrlPath());
  }
  return DeleteForm(req, ctx, *name, page->latest_rev, "", "", 200);
}

Response DeletePage(const Request& req, Context& ctx, std::string_view rest) {
  auto name = PageName::Parse(rest);
  if (!name.ok()) return ErrorPage(ctx, name.status());
  PageDeletionRequest request = RequestBy(req, ctx, *name);
  if (auto problem = ReasonProblem(ctx.site, request.reason)) {
    auto page = ctx.stores.pages.Find(*name, std::nullopt);
    return DeleteForm(req, ctx, *name, page.ok() ? page->latest_rev : 0, request.reason,
                      *problem, 400);
  }
  if (Status s = ctx.writes.Delete(request); !s.ok()) return ErrorPage(ctx, s);
  return Response::SeeOther(name->UrlPath());
}

Response UndeletePage(const Request& req, Context& ctx, std::string_view rest) {
  auto name = PageName::Parse(rest);
  if (!name.ok()) return ErrorPage(ctx, name.status());
  auto title = ctx.writes.Undelete(RequestBy(req, ctx, *name));
  if (!title.ok()) return ErrorPage(ctx, title.status());
  auto restored = PageName::Parse(*title);
  if (!restored.ok()) return ErrorPage(ctx, restored.status());
  return Response::SeeOther(restored->UrlPath());
}

std::optional<Response> DeletedPage(const Request& req, Context& ctx, const PageName& name) {
  // A page of that name (in any case) stands: a missing revision of it is
  // not the deleted page's.
  auto standing = ctx.stores.pages.Resolve(name);
  if (!standing.ok() || *standing) return std::nullopt;
  const bool admin = ctx.viewer.is_admin();
  auto deletion = ctx.stores.pages.FindDeletion(name, admin ? kDeletedHistoryShown : 0);
  if (!deletion.ok() || !*deletion) return std::nullopt;
  const PageDeletion& d = **deletion;
  HtmlPage page(d.title + " (deleted)", "deleted.tpl");
  page.NoIndex();
  ctemplate::TemplateDictionary* c = page.content();
  c->SetValue("TITLE", d.title);
  c->SetValue("TIME", FormatTime(d.deleted_at));
  c->SetValue("BY", d.deleted_by);
  c->SetValue("BY_URL", ProfileUrl(d.deleted_by));
  c->SetValue("EDIT_URL", "/_edit" + name.UrlPath());
  if (d.reason.empty()) {
    c->ShowSection("NO_REASON");
  } else {
    c->AddSectionDictionary("REASON")->SetValue("TEXT", d.reason);
  }
  if (admin) {
    ctemplate::TemplateDictionary* a = c->AddSectionDictionary("ADMIN");
    auto deleted_name = PageName::Parse(d.title);
    a->SetValue("TITLE", d.title);
    a->SetValue("UNDELETE_URL",
                "/_undelete" + (deleted_name.ok() ? deleted_name->UrlPath() : name.UrlPath()));
    a->SetValue("CSRF_TOKEN", FormToken(req, ctx).token);
    a->SetIntValue("REVISIONS", static_cast<long>(d.revisions));
    a->SetValue("TEXT", d.text);
    for (const Revision& r : d.history) {
      ctemplate::TemplateDictionary* row = a->AddSectionDictionary("REVISION");
      row->SetIntValue("REV", static_cast<long>(r.rev));
      row->SetValue("TIME", FormatTime(r.created_at));
      row->SetValue("AUTHOR", r.author);
      if (!r.summary.empty()) row->AddSectionDictionary("SUMMARY")->SetValue("TEXT", r.summary);
    }
  }
  return page.Render(ctx, 410);
}

}  // namespace wikid
