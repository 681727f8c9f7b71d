#include "views/link_handlers.h"

#include "views/link_fill.h"
#include "views/render.h"

namespace wikid {

Response ShowBacklinks(const Request& req, Context& ctx,
                       std::string_view rest) {
  auto name = PageName::Parse(rest);
  if (!name.ok()) return ErrorPage(ctx, name.status());
  std::string after = req.QueryText("after");
  auto list = ctx.stores.pages.ListBacklinks(*name, after, ctx.site.pages_page_size);
  if (!list.ok()) return ErrorPage(ctx, list.status());
  HtmlPage page("What links to " + name->title(), "link_list.tpl");
  FillBacklinks(*name, *list, after, page.content());
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
