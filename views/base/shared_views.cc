#include "views/base/shared_views.h"

#include <vector>

#include "model/page_writes.h"

namespace wikid {

bool SharedAnonymousRequest(const Request& req, const Context& ctx,
                            const PageName& name, bool front) {
  return !ctx.viewer.logged_in() && req.query.empty() &&
         (req.method == Method::kGet || req.method == Method::kHead) &&
         req.path == PageViewPath(name, front);
}

std::optional<Response> FindAnonymousView(Context& ctx, const PageName& name, bool front,
                                          const Stamp& stamp, int64_t* rev) {
  const LocalViews::Entry* kept = ctx.caches.anonymous_views.Find(PageViewPath(name, front), stamp);
  if (kept == nullptr) return std::nullopt;
  *rev = kept->order;
  Response response;
  response.body = kept->payload;
  response.headers.emplace_back("X-Cache", "hit");
  return response;
}

void StoreAnonymousView(Context& ctx, const PageName& name, bool front, const Stamp& stamp,
                       int64_t rev, const Response& response) {
  if (response.status != 200 || response.content_type != Response().content_type) {
    return;
  }
  for (const auto& header : response.headers) {
    if (header.first != "X-Cache") return;
  }
  ctx.caches.anonymous_views.Store(PageViewPath(name, front), response.body, stamp, rev);
}

bool CountFastPathMiss(const Request& req, Context& ctx, const Response& response) {
  if (!req.fast_path_miss || !ctx.caches.fast_path.enabled()) return false;
  // nginx flags every unmarked view so, even while its switch is off
  // (nginx/fast-path.conf): only a miss while this host's fast path
  // serves is one (FastPath::Store skips the others' fills).
  if (!ctx.caches.fast_path.serving()) return true;
  ctx.caches.fast_path.shared().misses.fetch_add(1);
  for (const auto& [header, value] : response.headers) {
    if (header == "X-Cache" && value == "hit")
      ctx.caches.fast_path.shared().miss_hits.fetch_add(1);
  }
  return true;
}

void StoreFastView(const Request& req, Context& ctx, const PageName& name,
                   bool front, int64_t rev, const Response& response,
                   const std::function<bool()>& still_current) {
  if (!CountFastPathMiss(req, ctx, response)) return;
  if (response.status != 200 || !SharedAnonymousRequest(req, ctx, name, front)) return;
  auto entry = ctx.caches.fast_path.EntryFor(PageViewPath(name, front));
  if (!entry) return;
  ctx.caches.fast_path.Store(*entry, rev, response.body, still_current);
}

Result<std::vector<std::string>> FastPathEntries(PageReader& pages,
                                                 const FastPath& fast,
                                                 int limit, bool* more) {
  std::vector<std::string> entries;
  if (auto entry = fast.EntryFor("/")) entries.push_back(*entry);
  auto list = pages.ListPages("", limit);
  if (!list.ok()) return list.status();
  for (const auto& listed : list->pages) {
    auto name = PageName::Parse(listed.title);
    if (!name.ok()) continue;
    if (auto entry = fast.EntryFor(PageViewPath(*name, false)))
      entries.push_back(*entry);
  }
  *more = list->more;
  return entries;
}

}  // namespace wikid
