#include "views/pages/diff_handlers.h"

#include "views/pages/delete_handlers.h"

#include "model/text/text_diff.h"
#include "views/fill/diff_fill.h"
#include "views/pages/page_handlers.h"
#include "views/base/render.h"

namespace wikid {

Response ShowDiff(const Request& req, Context& ctx, std::string_view rest) {
  auto name = PageName::Parse(rest);
  if (!name.ok()) return ErrorPage(ctx, name.status());
  auto to = RevisionParam(req, "to");
  if (!to.ok()) return ErrorPage(ctx, to.status());
  // 0 is a revision here: the empty text before the page existed.
  auto from = OffsetParam(req, "from");
  if (!from.ok()) return ErrorPage(ctx, from.status());
  auto newer = ctx.stores.pages.Find(*name, *to);
  if (newer.status().IsNotFound()) {
    if (auto other = OtherCaseRedirect(req, ctx, "/_diff", *name)) return std::move(*other);
    if (auto deleted = DeletedPage(req, ctx, *name)) return std::move(*deleted);
  }
  if (!newer.ok()) return ErrorPage(ctx, newer.status());
  int64_t from_rev = req.Query("from") ? *from : newer->revision.rev - 1;
  std::optional<Revision> older;
  if (from_rev > 0) {
    auto found = ctx.stores.pages.Find(*name, from_rev);
    if (!found.ok()) return ErrorPage(ctx, found.status());
    older = std::move(found->revision);
  }
  TextDiff diff = DiffTexts(older ? older->text : "", newer->revision.text);
  HtmlPage page("Changes to " + newer->title, "diff.tpl");
  page.NoIndex();
  FillDiffPage(*name, older, newer->revision, newer->latest_rev, diff,
               page.content());
  return page.Render(ctx, 200);
}

Response ShowRaw(const Request& req, Context& ctx, std::string_view rest) {
  auto name = PageName::Parse(rest);
  if (!name.ok()) return ErrorPage(ctx, name.status());
  auto rev = RevisionParam(req, "rev");
  if (!rev.ok()) return ErrorPage(ctx, rev.status());
  auto found = ctx.stores.pages.Find(*name, *rev);
  if (found.status().IsNotFound()) {
    if (auto other = OtherCaseRedirect(req, ctx, "/_raw", *name)) return std::move(*other);
    if (auto deleted = DeletedPage(req, ctx, *name)) return std::move(*deleted);
  }
  if (!found.ok()) return ErrorPage(ctx, found.status());
  Response response;
  response.content_type = "text/plain; charset=utf-8";
  response.body = std::move(found->revision.text);
  return response;
}

}  // namespace wikid
