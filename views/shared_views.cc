#include "views/shared_views.h"

#include <algorithm>
#include <vector>

namespace wikid {
namespace {

// A new page linked from more pages than this suspends the fast path
// instead (restoring it clears every entry), rather than make the save
// wait for thousands of deletes.
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

void StoreFastView(const Request& req, Context& ctx, const PageName& name,
                   bool front, int64_t rev, const Response& response,
                   const std::function<bool()>& still_current) {
  if (!req.fast_path_miss || !ctx.caches.fast_path.enabled()) return;
  ctx.caches.fast_path.shared().misses.fetch_add(1);
  for (const auto& [header, value] : response.headers) {
    if (header == "X-Cache" && value == "hit")
      ctx.caches.fast_path.shared().miss_hits.fetch_add(1);
  }
  if (response.status != 200 || !SharedAnonymousRequest(req, ctx, name, front)) return;
  auto key = ctx.caches.fast_path.KeyFor(FastPathOf(name, front));
  if (!key) return;
  ctx.caches.fast_path.Store(*key, rev, response.body, still_current);
}

Result<std::vector<std::string>> FastPathKeys(PageStore& pages,
                                              const FastPath& fast,
                                              size_t limit, bool* more) {
  constexpr int kListBatch = 1000;
  std::vector<std::string> keys;
  if (auto key = fast.KeyFor("/")) keys.push_back(*key);
  std::string after;
  size_t listed = 0;
  if (more != nullptr) *more = false;
  while (true) {
    int batch =
        limit == 0
            ? kListBatch
            : static_cast<int>(std::min<size_t>(kListBatch, limit - listed));
    auto list = pages.ListPages(after, batch);
    if (!list.ok()) return list.status();
    for (const auto& entry : list->pages) {
      auto name = PageName::Parse(entry.title);
      if (!name.ok()) continue;
      if (auto key = fast.KeyFor(FastPathOf(*name, false)))
        keys.push_back(*key);
    }
    listed += list->pages.size();
    if (!list->more || list->pages.empty()) return keys;
    if (limit != 0 && listed >= limit) {
      if (more != nullptr) *more = true;
      return keys;
    }
    after = list->pages.back().title;
  }
}

void InvalidateViews(Context& ctx, const PageName& name, bool created) {
  ctx.caches.page_cache.Invalidate(name.title(), created);
  if (!ctx.caches.fast_path.enabled()) return;
  std::vector<std::string> keys;
  for (bool front : {false, true}) {
    if (auto key = ctx.caches.fast_path.KeyFor(FastPathOf(name, front)))
      keys.push_back(*key);
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
        if (auto key = ctx.caches.fast_path.KeyFor(FastPathOf(*other, false)))
          keys.push_back(*key);
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
  ctx.caches.fast_path.Invalidate(keys);
}

}  // namespace wikid
