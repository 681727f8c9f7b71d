#include "views/pages/delete_handlers.h"

#include <charconv>

#include "views/base/page_saves.h"
#include "views/base/render.h"
#include "views/fill/page_fill.h"

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

// Who deleted, when and why: everyone may see it.
void FillDeletion(ctemplate::TemplateDictionary* d, const PageDeletion& deletion) {
  d->SetValue("TIME", FormatTime(deletion.deleted_at));
  d->SetValue("BY", deletion.deleted_by);
  d->SetValue("BY_URL", ProfileUrl(deletion.deleted_by));
  if (deletion.reason.empty()) {
    d->ShowSection("NO_REASON");
  } else {
    d->AddSectionDictionary("REASON")->SetValue("TEXT", deletion.reason);
  }
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
  return SeeOtherWithNotice(req, ctx, name->UrlPath(), "deleted");
}

// POST /_undelete/NAME with page_id: each deletion of a name is undone
// on its own (a name may be deleted, written again and deleted again), so
// the form names the deleted page it brings back.
Response UndeletePage(const Request& req, Context& ctx, std::string_view rest) {
  auto name = PageName::Parse(rest);
  if (!name.ok()) return ErrorPage(ctx, name.status());
  PageDeletionRequest request = RequestBy(req, ctx, *name);
  const std::string page_id = req.FormText("page_id");
  auto [end, error] = std::from_chars(page_id.data(), page_id.data() + page_id.size(),
                                      request.page_id);
  if (page_id.empty() || error != std::errc() || end != page_id.data() + page_id.size() ||
      request.page_id <= 0) {
    return ErrorPage(ctx, Status::Invalid("Which deleted page to bring back is missing: use "
                                          "an Undelete button of the deleted page's view."));
  }
  auto title = ctx.writes.Undelete(request);
  if (!title.ok()) return ErrorPage(ctx, title.status());
  auto restored = PageName::Parse(*title);
  if (!restored.ok()) return ErrorPage(ctx, restored.status());
  return SeeOtherWithNotice(req, ctx, restored->UrlPath(), "undeleted");
}

std::optional<Response> DeletedPage(const Request& req, Context& ctx, const PageName& name) {
  // A page of that name (in any case) stands: a missing revision of it is
  // not the deleted page's.
  auto standing = ctx.stores.pages.Resolve(name);
  if (!standing.ok() || *standing) return std::nullopt;
  const bool admin = ctx.viewer.is_admin();
  auto deletions = ctx.stores.pages.FindDeletions(name, admin ? kDeletedHistoryShown : 0);
  if (!deletions.ok() || deletions->empty()) return std::nullopt;
  const PageDeletion& d = deletions->front();
  HtmlPage page(d.title + " (deleted)", "deleted.tpl");
  page.NoIndex();
  ctemplate::TemplateDictionary* c = page.content();
  c->SetValue("TITLE", d.title);
  c->SetValue("EDIT_URL", "/_edit" + name.UrlPath());
  FillDeletion(c, d);
  if (!admin) return page.Render(ctx, 410);
  // Every deletion of the name, each with its own Undelete (by page id).
  ctemplate::TemplateDictionary* a = c->AddSectionDictionary("ADMIN");
  if (deletions->size() > 1) {
    a->AddSectionDictionary("SEVERAL")->SetIntValue("COUNT",
                                                    static_cast<long>(deletions->size()));
  }
  const std::string token = FormToken(req, ctx).token;
  for (const PageDeletion& each : *deletions) {
    ctemplate::TemplateDictionary* row = a->AddSectionDictionary("DELETION");
    FillDeletion(row, each);
    auto deleted_name = PageName::Parse(each.title);
    row->SetValue("TITLE", each.title);
    row->SetValue("UNDELETE_URL",
                  "/_undelete" + (deleted_name.ok() ? deleted_name->UrlPath() : name.UrlPath()));
    row->SetValue("CSRF_TOKEN", token);
    row->SetIntValue("PAGE_ID", static_cast<long>(each.page_id));
    row->SetIntValue("REVISIONS", static_cast<long>(each.revisions));
    row->SetIntValue("LAST_REV", static_cast<long>(each.last.rev));
    row->SetValue("LAST_TIME", FormatTime(each.last.created_at));
    row->SetValue("LAST_AUTHOR", each.last.author);
    if (!each.last.summary.empty()) {
      row->AddSectionDictionary("LAST_SUMMARY")->SetValue("TEXT", each.last.summary);
    }
    if (&each == &deletions->front()) row->ShowSection("OPEN");
    row->SetValue("TEXT", each.text);
    for (const Revision& r : each.history) {
      ctemplate::TemplateDictionary* rev = row->AddSectionDictionary("REVISION");
      rev->SetIntValue("REV", static_cast<long>(r.rev));
      rev->SetValue("TIME", FormatTime(r.created_at));
      rev->SetValue("AUTHOR", r.author);
      if (!r.summary.empty()) rev->AddSectionDictionary("SUMMARY")->SetValue("TEXT", r.summary);
    }
  }
  return page.Render(ctx, 410);
}

}  // namespace wikid
