#include "views/pages/help_handlers.h"

#include "views/base/render.h"

namespace wikid {

Response ShowHelp(const Request&, Context& ctx, std::string_view) {
  auto text = ctx.templates.Text("help.md");
  if (!text.ok()) return ErrorPage(ctx, text.status());
  // Ours, short and linear: within any budget (a test renders it).
  auto html = ctx.markdown.ToHtml(*text, std::nullopt);
  if (!html.ok()) return ErrorPage(ctx, html.status());
  HtmlPage page("Editing help", "help.tpl");
  page.content()->SetValue("BODY_HTML", *html);
  return page.Render(ctx, 200);
}

}  // namespace wikid
