#include "views/pages/link_handlers.h"

#include "model/text/redirect.h"
#include "views/fill/link_fill.h"
#include "views/base/render.h"

namespace wikid {
namespace {

// The longest text a redirect made by a move has ("#REDIRECT [[" and a
// name of PageName::kMaxBytes); a longer latest revision is not read.
constexpr int64_t kMaxRedirectBytes = 256;

// Which of `list` (pages linking to `name`) are redirects to it, each with
// a window of the pages linking to it. A redirect is told by its latest
// revision's size (one row of its history) before its text is read, so a
// window costs a lookup a listed page and a read a short one.
Result<std::map<std::string, PageList>> RedirectsAmong(Context& ctx, const PageName& name,
                                                       const PageList& list) {
  std::map<std::string, PageList> redirects;
  const std::string key = PageKey(name.title());
  for (const PageListEntry& entry : list.pages) {
    auto linking = PageName::Parse(entry.title);
    if (!linking.ok()) continue;
    auto latest = ctx.stores.pages.ListHistory(*linking, std::nullopt, 1);
    if (!latest.ok()) return latest.status();
    if (latest->revisions.empty() || latest->revisions[0].size > kMaxRedirectBytes) continue;
    auto page = ctx.stores.pages.Find(*linking, std::nullopt);
    if (!page.ok()) return page.status();
    auto target = RedirectTarget(page->revision.text);
    if (!target || PageKey(*target) != key) continue;
    auto via = ctx.stores.pages.ListBacklinks(*linking, "", ctx.site.pages_page_size);
    if (!via.ok()) return via.status();
    redirects.emplace(entry.title, std::move(*via));
  }
  return redirects;
}

}  // namespace

Response ShowBacklinks(const Request& req, Context& ctx,
                       std::string_view rest) {
  auto name = PageName::Parse(rest);
  if (!name.ok()) return ErrorPage(ctx, name.status());
  std::string after = req.QueryText("after");
  auto list = ctx.stores.pages.ListBacklinks(*name, after, ctx.site.pages_page_size);
  if (!list.ok()) return ErrorPage(ctx, list.status());
  auto redirects = RedirectsAmong(ctx, *name, *list);
  if (!redirects.ok()) return ErrorPage(ctx, redirects.status());
  HtmlPage page("What links to " + name->title(), "link_list.tpl");
  FillBacklinks(*name, *list, after, *redirects, page.content());
  return page.Render(ctx, 200);
}

Response ListWantedPages(const Request& req, Context& ctx, std::string_view) {
  // The cursor: after the page `after`, linked from `links` pages (the
  // last of the window before).
  WantedCursor after;
  if (const std::string* links = req.Query("links")) {
    auto count = PositiveNumber(*links);
    if (!count) {
      return ErrorPage(ctx, Status::Invalid("The parameter 'links' must be a number (1, 2...)."));
    }
    after = WantedCursor{.link_count = *count, .title = req.QueryText("after")};
  }
  auto wanted = ctx.stores.pages.ListWanted(after, ctx.site.pages_page_size);
  if (!wanted.ok()) return ErrorPage(ctx, wanted.status());
  HtmlPage page("Wanted pages", "link_list.tpl");
  FillWanted(*wanted, after, page.content());
  return page.Render(ctx, 200);
}

Response ListOrphanedPages(const Request& req, Context& ctx, std::string_view) {
  std::string after = req.QueryText("after");
  auto list = ctx.stores.pages.ListOrphans(after, ctx.site.front_page,
                                    ctx.site.pages_page_size);
  if (!list.ok()) return ErrorPage(ctx, list.status());
  HtmlPage page("Orphaned pages", "link_list.tpl");
  FillOrphans(*list, after, page.content());
  return page.Render(ctx, 200);
}

}  // namespace wikid
