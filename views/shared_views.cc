#include "views/shared_views.h"

#include <algorithm>
#include <vector>

namespace wikid {
namespace {

// A new page linked from more pages than this suspends the fast path
// instead (restoring it starts a new, empty generation), rather than make
// the save wait for thousands of deletes.
constexpr int kMaxBacklinkDeletes = 2000;
constexpr int kBacklinkBatch = 500;

}  // namespace

std::string FastPathOf(const PageName& name, bool front) {
  return front ? "/" : "/" + name.UrlName();
}

bool SharedAnonymousRequest(const Request& req, const Context& ctx,
                            const PageName& name, bool front) {
  return !ctx.viewer.logged_in() && req.query.empty() &&
         (req.method == Method::kGet || req.method == Method::kHead) &&
         req.path == FastPathOf(name, front);
}

std::optional<Response> FindAnonymousView(Context& ctx, const PageName& name, bool front,
                                          const Stamp& stamp, int64_t* rev) {
  const LocalViews::Entry* kept = ctx.caches.anonymous_views.Find(FastPathOf(name, front), stamp);
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
  ctx.caches.anonymous_views.Store(FastPathOf(name, front), response.body, stamp, rev);
}

bool CountFastPathMiss(const Request& req, Context& ctx, const Response& response) {
  if (!req.fast_path_miss || !ctx.caches.fast_path.enabled()) return false;
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
  auto entry = ctx.caches.fast_path.EntryFor(FastPathOf(name, front));
  if (!entry) return;
  ctx.caches.fast_path.Store(*entry, rev, response.body, still_current);
}

Result<std::vector<std::string>> FastPathEntries(PageStore& pages,
                                                 const FastPath& fast,
                                                 int limit, bool* more) {
  std::vector<std::string> entries;
  if (auto entry = fast.EntryFor("/")) entries.push_back(*entry);
  auto list = pages.ListPages("", limit);
  if (!list.ok()) return list.status();
  for (const auto& listed : list->pages) {
    auto name = PageName::Parse(listed.title);
    if (!name.ok()) continue;
    if (auto entry = fast.EntryFor(FastPathOf(*name, false)))
      entries.push_back(*entry);
  }
  *more = list->more;
  return entries;
}

void InvalidateViews(Context& ctx, const PageName& name, bool created) {
  ctx.caches.page_cache.Invalidate(name.title(), created);
  if (!ctx.caches.fast_path.enabled()) return;
  std::vector<std::string> entries;
  for (bool front : {false, true}) {
    if (auto entry = ctx.caches.fast_path.EntryFor(FastPathOf(name, front)))
      entries.push_back(*entry);
  }
  if (created) {
    std::string after;
    int listed = 0;
    while (true) {
      auto linking = ctx.stores.pages.ListBacklinks(name, after, kBacklinkBatch);
      if (!linking.ok()) {
        ctx.caches.fast_path.Suspend(
            "the pages linking to a new page could not be listed");
        return;
      }
      for (const auto& entry : linking->pages) {
        auto other = PageName::Parse(entry.title);
        if (!other.ok()) continue;
        if (auto entry = ctx.caches.fast_path.EntryFor(FastPathOf(*other, false)))
          entries.push_back(*entry);
      }
      listed += static_cast<int>(linking->pages.size());
      if (!linking->more || linking->pages.empty()) break;
      if (listed >= kMaxBacklinkDeletes) {
        ctx.caches.fast_path.Suspend("a new page is linked from over " +
                              std::to_string(kMaxBacklinkDeletes) + " pages");
        return;
      }
      after = linking->pages.back().title;
    }
  }
  ctx.caches.fast_path.Invalidate(entries);
}

}  // namespace wikid
