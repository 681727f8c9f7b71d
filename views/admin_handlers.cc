#include "views/admin_handlers.h"

#include <unistd.h>

#include <cstdio>

#include "views/render.h"

namespace wikid {
namespace {

void FillKind(ctemplate::TemplateDictionary* d, const char* name, int64_t local,
              int64_t hits, int64_t misses, int64_t stale) {
  ctemplate::TemplateDictionary* row = d->AddSectionDictionary("KIND");
  row->SetValue("NAME", name);
  row->SetIntValue("LOCAL", static_cast<long>(local));
  row->SetIntValue("HITS", static_cast<long>(hits));
  row->SetIntValue("MISSES", static_cast<long>(misses));
  row->SetIntValue("STALE", static_cast<long>(stale));
  int64_t total = local + hits + misses + stale;
  char ratio[16] = "-";
  if (total > 0) {
    std::snprintf(ratio, sizeof ratio, "%.1f%%", 100.0 * (local + hits) / total);
  }
  row->SetValue("RATIO", ratio);
}

}  // namespace

Response ShowCacheAdmin(const Request& req, Context& ctx, std::string_view) {
  HtmlPage page("Cache", "admin_cache.tpl");
  page.NoIndex();
  ctemplate::TemplateDictionary* d = page.content();
  if (!ctx.cache.enabled()) d->ShowSection("DISABLED");
  for (const ServerStats& server : ctx.cache.GetStats()) {
    ctemplate::TemplateDictionary* s = d->AddSectionDictionary("SERVER");
    s->SetValue("NAME", server.server);
    if (!server.reachable) s->ShowSection("DOWN");
    for (const auto& [key, value] : server.values) {
      ctemplate::TemplateDictionary* stat = s->AddSectionDictionary("STAT");
      stat->SetValue("KEY", key);
      stat->SetValue("VALUE", value);
    }
  }
  if (req.Query("flushed") != nullptr) d->ShowSection("FLUSHED");
  d->SetIntValue("PID", getpid());
  const StampedCacheCounters& views = ctx.views.counters();
  FillKind(d, "Page views and landing views", views.local_hits, views.hits,
           views.misses, views.stale);
  const RenderCounters& renders = ctx.renders.counters();
  FillKind(d, "Rendered revisions", 0, renders.hits + renders.waited_hits,
           renders.renders, 0);
  const CacheCounters& calls = ctx.cache.counters();
  d->SetIntValue("ERRORS", static_cast<long>(calls.errors));
  d->SetIntValue("SKIPPED", static_cast<long>(calls.skipped));
  d->SetIntValue("TOO_BIG", static_cast<long>(calls.too_big));
  CsrfToken csrf = ctx.csrf.TokenFor(req);
  d->SetValue("CSRF_TOKEN", csrf.token);
  Response response = page.Render(ctx, 200);
  csrf.ApplyTo(response);
  return response;
}

Response Health(const Request&, Context&, std::string_view) {
  return Response::PlainText(200, "ok");
}

Response FlushCache(const Request&, Context& ctx, std::string_view) {
  if (ctx.cache.enabled() && ctx.cache.FlushAll() != CacheStatus::kOk) {
    return ErrorPage(ctx, 503, "memcached could not be emptied: a server did "
                               "not answer. Nothing is served stale either way.");
  }
  return Response::SeeOther("/_admin/cache?flushed=1");
}

}  // namespace wikid
