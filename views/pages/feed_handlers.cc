#include "views/pages/feed_handlers.h"

#include "views/fill/feed_fill.h"
#include "views/base/render.h"

namespace wikid {
namespace {

Response AtomResponse(Context& ctx, const ctemplate::TemplateDictionary& dict) {
  auto xml = ctx.templates.Expand("feed.atom.tpl", dict);
  if (!xml.ok()) {
    LogError(xml.status().message());
    return Response::PlainText(500,
                               "Internal error: the feed could not be made.");
  }
  Response response;
  response.content_type = "application/atom+xml; charset=utf-8";
  // The XML declaration must be the document's first bytes; the template's
  // pragma line leaves a newline before it.
  size_t start = xml->find('<');
  response.body = xml->substr(start == std::string::npos ? 0 : start);
  return response;
}

}  // namespace

Response RecentFeed(const Request&, Context& ctx, std::string_view) {
  auto recent =
      ctx.stores.pages.ListRecentChanges(std::nullopt, ctx.site.recent_page_size);
  if (!recent.ok()) return ErrorPage(ctx, recent.status());
  const std::string& base = ctx.site.public_url;
  FeedIds ids(base);
  FeedHeader header{.id = ids.Feed("recent"),
                    .title = ctx.site.site_name + ": recent changes",
                    .self_url = base + "/_recent.atom",
                    .html_url = base + "/_recent",
                    .site_name = ctx.site.site_name,
                    .now = ctx.now()};
  ctemplate::TemplateDictionary dict("feed");
  FillFeed(header, recent->changes, ids, base, &dict);
  return AtomResponse(ctx, dict);
}

Response HistoryFeed(const Request&, Context& ctx, std::string_view rest) {
  auto name = PageName::Parse(rest);
  if (!name.ok()) return ErrorPage(ctx, name.status());
  auto history =
      ctx.stores.pages.ListHistory(*name, std::nullopt, ctx.site.history_page_size);
  if (!history.ok()) return ErrorPage(ctx, history.status());
  std::vector<Change> changes;
  for (const Revision& r : history->revisions) {
    changes.push_back(Change{.title = history->title,
                             .rev = r.rev,
                             .revision_id = r.id,
                             .author = r.author,
                             .author_is_account = r.author_is_account,
                             .created_at = r.created_at,
                             .summary = r.summary,
                             .size_change = r.size_change});
  }
  const std::string& base = ctx.site.public_url;
  FeedIds ids(base);
  FeedHeader header{
      .id = ids.Feed("page/" + PercentEncodePath(history->title)),
      .title = ctx.site.site_name + ": history of " + history->title,
      .self_url = base + "/_history" + name->UrlPath() + ".atom",
      .html_url = base + "/_history" + name->UrlPath(),
      .site_name = ctx.site.site_name,
      .now = ctx.now()};
  ctemplate::TemplateDictionary dict("feed");
  FillFeed(header, changes, ids, base, &dict);
  return AtomResponse(ctx, dict);
}

}  // namespace wikid
