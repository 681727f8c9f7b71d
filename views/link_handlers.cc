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
  auto from = OffsetParam(req, "from");
  if (!from.ok()) return ErrorPage(ctx, from.status());
  auto wanted = ctx.stores.pages.ListWanted(*from, ctx.site.pages_page_size);
  if (!wanted.ok()) return ErrorPage(ctx, wanted.status());
  HtmlPage page("Wanted pages", "link_list.tpl");
  FillWanted(*wanted, *from, ctx.site.pages_page_size, page.content());
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
