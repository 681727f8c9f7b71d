#include "views/pages/page_handlers.h"

#include <optional>

#include "model/base/failpoint.h"
#include "model/text/redirect.h"
#include "views/pages/delete_handlers.h"
#include "views/pages/feed_handlers.h"
#include "views/fill/page_fill.h"
#include "views/base/page_saves.h"
#include "views/base/render.h"
#include "views/accounts/setup_handlers.h"
#include "views/base/shared_views.h"
#include "views/accounts/watch_handlers.h"

namespace wikid {
namespace {

Response MissingPage(const Request& req, Context& ctx, const PageName& name,
                     const std::string& message) {
  // A deleted page is gone, not missing (issue 20): 410, saying why.
  if (auto deleted = DeletedPage(req, ctx, name)) return std::move(*deleted);
  HtmlPage page(name.title(), "missing.tpl");
  page.NoIndex();
  page.content()->SetValue("TITLE", name.title());
  page.content()->SetValue("MESSAGE", message);
  page.content()->SetValue("EDIT_URL", "/_edit" + name.UrlPath());
  return page.Render(ctx, 404);
}

// What FillPage needs, from a cached view (the text itself is not kept).
PageRevision FromCached(const CachedPage& cached) {
  PageRevision page;
  page.title = cached.title;
  page.latest_rev = cached.rev;
  page.revision.id = cached.revision_id;
  page.revision.rev = cached.rev;
  page.revision.author = cached.author;
  page.revision.author_is_account = cached.author_is_account;
  page.is_protected = cached.is_protected;
  page.revision.created_at = cached.created_at;
  return page;
}

// The part of `stamp` a view of the whole site depends on.
std::optional<Stamp> SiteStamp(const std::optional<Stamp>& stamp) {
  if (!stamp) return std::nullopt;
  return Stamp{.epoch = stamp->epoch, .site = stamp->site};
}

// A window of recent changes, rendered: from the shared cache while no
// save has happened since it was made, else from SQLite (and then shared).
// `stamp`: the site's, read before SQLite is (none: no cache is used).
Result<RecentWindow> Recent(Context& ctx, std::optional<int64_t> before_id,
                            int limit, bool* cached, const std::optional<Stamp>& stamp) {
  // In development mode the template may change under any request.
  const bool keep = !ctx.templates.reloads();
  if (auto window = keep ? ctx.caches.recent.Find(before_id, limit, stamp) : std::nullopt) {
    *cached = true;
    return *window;
  }
  *cached = false;
  auto recent = ctx.stores.pages.ListRecentChanges(before_id, limit);
  if (!recent.ok()) return recent.status();
  auto window = RenderRecentWindow(ctx.templates, *recent);
  if (window.ok() && keep) ctx.caches.recent.Store(before_id, limit, *window, stamp);
  return window;
}

// "/" while the front page does not exist (a new wiki): a welcome that
// says how to start, with the recent changes and counts the front page
// would show. A 200, since the site is there; never cached (it is shown
// only until the first save of the front page, and says whether an admin
// exists yet).
Response WelcomePage(const Request& req, Context& ctx, const PageName& name,
                     const std::optional<Stamp>& site_stamp) {
  HtmlPage page("Welcome", "welcome.tpl");
  ctemplate::TemplateDictionary* d = page.content();
  d->SetValue("SITE_NAME", ctx.site.site_name);
  d->SetValue("EDIT_URL", "/_edit" + name.UrlPath());
  if (!ctx.viewer.logged_in() && ctx.site.edit_policy == EditPolicy::kUsers) {
    ctemplate::TemplateDictionary* login = d->AddSectionDictionary("LOGIN_FIRST");
    login->SetValue("SIGNUP_URL", "/_signup?next=" + PercentEncodePath(req.path));
    login->SetValue("LOGIN_URL", "/_login?next=" + PercentEncodePath(req.path));
  }
  if (AwaitsFirstAdmin(ctx)) d->ShowSection("FIRST_ADMIN");
  bool cached = false;
  auto recent = Recent(ctx, std::nullopt, ctx.site.front_recent_size, &cached, site_stamp);
  if (!recent.ok()) return ErrorPage(ctx, recent.status());
  FillRecentChanges(*recent, d);
  Response response = page.Render(ctx, 200);
  response.headers.emplace_back("X-Cache", "miss");
  return response;
}

// The page a link to a title leads to, read from the store (two reads),
// for FollowRedirect.
RedirectLookup StoreLookup(Context& ctx) {
  return [&ctx](const std::string& title) -> std::optional<RedirectHop> {
    auto name = PageName::Parse(title);
    if (!name.ok()) return std::nullopt;
    auto resolved = ctx.stores.pages.Resolve(*name);
    if (!resolved.ok() || !*resolved) return std::nullopt;
    auto resolved_name = PageName::Parse(**resolved);
    if (!resolved_name.ok()) return std::nullopt;
    auto found = ctx.stores.pages.Find(*resolved_name, std::nullopt);
    if (!found.ok()) return std::nullopt;
    return RedirectHop{found->title, RedirectTarget(found->revision.text)};
  };
}

// Whether page `from` is a redirect that leads a reader to `here`, so that
// "Redirected from" tells the truth: ?redirectfrom= is in the address,
// anyone can write any name there. Up to six reads, only for a view with
// that query string (never the fast path's, nor a cached view's).
bool RedirectsHere(Context& ctx, const PageName& from, const std::string& here) {
  const RedirectLookup lookup = StoreLookup(ctx);
  auto hop = lookup(from.title());
  if (!hop || !hop->target) return false;
  auto arrived = FollowRedirect(hop->title, *hop->target, lookup);
  return arrived && PageKey(*arrived) == PageKey(here);
}

// X-Cache says whether the view came whole from the cache (no SQL). The
// front page also shows the newest changes and the site's counts.
Response PageView(const Request& req, Context& ctx, const PageName& name,
                  const PageRevision& found, const std::string& body, bool cached,
                  bool front, const std::optional<Stamp>& site_stamp) {
  HtmlPage page(found.title, "page.tpl");
  if (!found.is_latest()) page.NoIndex();
  FillPage(found, name, body, page.content());
  // Per viewer: a protected page offers Edit to admins only (anonymous
  // readers, the only ones a shared view is made for, are never admins).
  if (!found.is_protected || ctx.viewer.is_admin()) page.content()->ShowSection("CAN_EDIT");
  if (ctx.viewer.is_admin() && found.is_latest()) {
    // Per viewer, like the header: filled for this request only.
    ctemplate::TemplateDictionary* admin =
        page.content()->AddSectionDictionary("ADMIN_ACTIONS");
    admin->SetValue("PROTECT_URL", "/_protect" + name.UrlPath());
    admin->SetValue("CSRF_TOKEN",
                    ctx.security.csrf.ForSession(ctx.viewer.session_token));
    admin->ShowSection(found.is_protected ? "CAN_UNPROTECT" : "CAN_PROTECT");
    admin->SetValue("DELETE_URL", "/_delete" + name.UrlPath());
  }
  // A redirect followed here (RedirectFrom): per request, like MERGED.
  if (const std::string* from = req.Query("redirectfrom")) {
    if (auto from_name = PageName::Parse(*from);
        from_name.ok() && RedirectsHere(ctx, *from_name, found.title)) {
      ctemplate::TemplateDictionary* notice =
          page.content()->AddSectionDictionary("REDIRECTED_FROM");
      notice->SetValue("FROM", from_name->title());
      notice->SetValue("FROM_URL", from_name->UrlPath() + "?redirect=no");
    }
  }
  // A redirect page shown as it is (?redirect=no, or one not followed).
  if (auto target = RedirectTarget(found.revision.text)) {
    ctemplate::TemplateDictionary* notice = page.content()->AddSectionDictionary("IS_REDIRECT");
    notice->SetValue("TARGET", *target);
    notice->SetValue("TARGET_URL", UrlPathOfTitle(*target));
  }
  if (found.is_latest()) FillWatchButton(ctx, name, /*viewed=*/true, "page", page.content());
  // After a merged save (SaveEdit redirects here with ?merged=REV): per
  // request, like the header, so never part of a cached view.
  auto merged = PositiveNumber(req.QueryText("merged"));
  if (merged && *merged >= 2 && *merged <= found.latest_rev) {
    ctemplate::TemplateDictionary* notice = page.content()->AddSectionDictionary("MERGED");
    notice->SetIntValue("MERGED_REV", *merged);
    notice->SetValue("MERGED_DIFF_URL", DiffUrl(name.UrlPath(), *merged - 1, *merged));
  }
  if (front && found.is_latest()) {
    bool recent_cached = false;
    auto recent = Recent(ctx, std::nullopt, ctx.site.front_recent_size, &recent_cached,
                         site_stamp);
    if (!recent.ok()) return ErrorPage(ctx, recent.status());
    cached = cached && recent_cached;
    FillRecentChanges(*recent, page.content()->AddSectionDictionary("FRONT"));
  }
  Response response = page.Render(ctx, 200);
  response.headers.emplace_back("X-Cache", cached ? "hit" : "miss");
  return response;
}

// Where a reader of redirect page `page` (to `target`) is sent: a 302 to
// the page FollowRedirect arrives at (model/text/redirect.h), marked
// ?redirectfrom=, which is never followed again (so a loop sends a reader
// round at most once); nullopt to show the redirect page itself: asked
// not to follow (?redirect=no, the link back from the notice), arrived
// from another redirect, or leading nowhere. A few reads of the store,
// uncached, and never cached itself (a 302, and the way depends on other
// pages): redirects are rare, and their views are always current.
std::optional<Response> RedirectFrom(const Request& req, Context& ctx, const PageRevision& page,
                                     const std::string& target) {
  if (req.QueryText("redirect") == "no" || req.Query("redirectfrom") != nullptr) {
    return std::nullopt;
  }
  auto arrived = FollowRedirect(page.title, target, StoreLookup(ctx));
  if (!arrived) return std::nullopt;
  auto from = PageName::Parse(page.title);
  if (!from.ok()) return std::nullopt;
  return Response::Found(UrlPathOfTitle(*arrived) +
                         "?redirectfrom=" + PercentEncodePath(from->UrlName()));
}

// A view of a page: the one place that says where it comes from, in this
// order (as LevelDB's DBImpl::Get reads the memtable, then the immutable
// one, then the tables), each tier consulted only under the stamp read
// first, so none can answer with a view older than an acknowledged save:
//   0. the stamp: the page's, links' and (front page) site's version
//      numbers and the cache epoch, one memcached round trip
//      (model/cache/versions.h); none readable, no tier but SQLite.
//   1. this worker's copy of the whole response, for an anonymous reader
//      of the latest revision (views/base/shared_views.h): no memcached value,
//      no template.
//   2. the page's view in memcached (PageCache), filled in the template
//      for this reader.
//   3. SQLite, then the rendered revision from memcached (RenderCache) or
//      the renderer, filling tiers 2 and 1 and nginx's fast-path entry
//      (when nginx asked) under the stamp of step 0.
// A page seldom viewed skips tiers 1 and 2 and fills nothing; while the
// host is busy, so does one neither hot nor known cached, and one known
// cached that tiers 1 and 2 miss fills nothing (model/cache/
// view_admission.h). An old revision (?rev=) starts at 3.
Response ShowNamedPage(const Request& req, Context& ctx, const PageName& name,
                       bool front) {
  auto rev = RevisionParam(req, "rev");
  if (!rev.ok()) return ErrorPage(ctx, rev.status());
  // A page's first view in a while uses no shared cache: it reads SQLite,
  // renders, and fills nothing (model/cache/view_admission.h).
  const CacheUse use = *rev ? CacheUse::kFill : ctx.caches.admission.Admit(name.title());
  const bool admitted = use != CacheUse::kNone;
  // The stamp is taken before SQLite is read, so a view made from this
  // read is never served after a save that this read might have missed:
  // the page's numbers and the links', and the site's for the front page
  // (its recent changes), in one memcached round trip. No stamp, no
  // cache: every view below then reads SQLite. A first view uses none, so
  // it asks memcached nothing (the front page still reads its recent
  // changes): no round trip, and no number made for a page nobody may
  // read again (two round trips and a key, on a wiki larger than the
  // cache: most of its first views).
  const std::optional<Stamp> view_stamp =
      admitted || front ? ctx.caches.page_cache.StampFor(name.title(), front) : std::nullopt;
  std::optional<Stamp> stamp = view_stamp;  // the page's own view: no site
  if (stamp) stamp->site = 0;
  const std::optional<Stamp> site_stamp = SiteStamp(view_stamp);
  // What every anonymous reader of the latest revision gets is kept whole
  // by this worker, under the view's stamp, and may become the entry
  // nginx serves.
  const bool shared = view_stamp && !*rev && SharedAnonymousRequest(req, ctx, name, front);
  // Asked under the fast-path entry's lock: one round trip, nothing more.
  auto still_current = [&] {
    return view_stamp && ctx.caches.page_cache.StillCurrent(name.title(), front, *view_stamp);
  };
  auto offered = [&](Response response, int64_t latest_rev) {
    if (shared) StoreAnonymousView(ctx, name, front, *view_stamp, latest_rev, response);
    StoreFastView(req, ctx, name, front, latest_rev, response, still_current);
    return response;
  };
  if (shared && admitted) {
    int64_t kept_rev = 0;
    if (auto kept = FindAnonymousView(ctx, name, front, *view_stamp, &kept_rev)) {
      ctx.caches.admission.Found(name.title());
      StoreFastView(req, ctx, name, front, kept_rev, *kept, still_current);
      return std::move(*kept);
    }
  }
  bool view_absent = false;  // memcached held no view of the page at all
  if (!*rev && admitted) {
    if (auto cached = ctx.caches.page_cache.Find(name.title(), stamp, &view_absent)) {
      ctx.caches.admission.Found(name.title());
      return offered(PageView(req, ctx, name, FromCached(*cached), cached->body_html,
                              true, front, site_stamp),
                     cached->rev);
    }
    ctx.caches.admission.Missed(name.title());
  }
  auto found = ctx.stores.pages.Find(name, *rev);
  if (found.status().IsNotFound()) {
    // Another letter case of a page is that page: the reader goes to its
    // address. A 302, not a 301: one request more, but browsers keep a
    // 301 for good, and which page a spelling leads to is the database's
    // to say (where two names differ only in case from before wikid
    // refused them, the exact one wins), not the browser's.
    if (auto other = OtherCaseRedirect(req, ctx, "", name)) return std::move(*other);
    // A deleted front page answers its 410 (MissingPage), not the welcome
    // of a wiki that never had one, which would invite writing it again.
    if (front && !*rev) {
      if (auto deleted = DeletedPage(req, ctx, name)) return std::move(*deleted);
      return WelcomePage(req, ctx, name, site_stamp);
    }
    return MissingPage(req, ctx, name, found.status().message());
  }
  if (!found.ok()) return ErrorPage(ctx, found.status());
  // A redirect's view fills no cache (PageWrites publishes none either),
  // so no tier above ever answers for a redirect page: each view of one
  // reaches here and is sent on, or shown as it is.
  if (found->is_latest()) {
    if (auto target = RedirectTarget(found->revision.text)) {
      if (auto sent = RedirectFrom(req, ctx, *found, *target)) return std::move(*sent);
      return PageView(req, ctx, name, *found, RenderNow(ctx, *found), false, front,
                      site_stamp);
    }
  }
  if (use != CacheUse::kFill) {
    std::string body = RenderNow(ctx, *found);
    // A rendering that overran its budget (its notice) is shared at once:
    // admission keeps cheap first views out, and that one cost a budget.
    if (ctx.markdown.overran()) {
      ctx.caches.renders.Store(RenderKeyOf(*found), body);
    }
    Response response = PageView(req, ctx, name, *found, body, false, front, site_stamp);
    CountFastPathMiss(req, ctx, response);
    return response;
  }
  bool rendering_cached = false;
  std::string body = BodyHtml(ctx, *found, &rendering_cached);
  if (found->is_latest()) {
    // Tests widen the window between the read and the fill here (for a
    // time, or until they let it go: model/base/failpoint.h).
    FailpointHold("render_before_cache_fill");
    ctx.caches.page_cache.Store(ToCached(*found, body), stamp,
                                view_absent ? StoreMode::kFillAbsent : StoreMode::kFill);
    ctx.caches.admission.Found(name.title());
    return offered(PageView(req, ctx, name, *found, body, false, front, site_stamp),
                   found->latest_rev);
  }
  return PageView(req, ctx, name, *found, body, false, front, site_stamp);
}

}  // namespace

// One lookup more, only for a name that is no page: a page view stays one
// query.
std::optional<Response> OtherCaseRedirect(const Request& req, Context& ctx,
                                          std::string_view route, const PageName& name) {
  auto title = ctx.stores.pages.Resolve(name);
  if (!title.ok() || !*title || **title == name.title()) return std::nullopt;
  auto page = PageName::Parse(**title);
  if (!page.ok()) return std::nullopt;
  std::string location = std::string(route) + page->UrlPath();
  char separator = '?';
  for (const auto& [field, value] : req.query) {
    location += separator + PercentEncodePath(field) + "=" + PercentEncodePath(value);
    separator = '&';
  }
  return Response::Found(std::move(location));
}

Response ShowFrontPage(const Request& req, Context& ctx, std::string_view) {
  auto name = PageName::Parse(ctx.site.front_page);
  if (!name.ok()) return ErrorPage(ctx, name.status());
  return ShowNamedPage(req, ctx, *name, /*front=*/true);
}

Response ShowPage(const Request& req, Context& ctx, std::string_view rest) {
  auto name = PageName::Parse(rest);
  if (!name.ok()) return ErrorPage(ctx, name.status());
  return ShowNamedPage(req, ctx, *name, /*front=*/false);
}

Response ShowHistory(const Request& req, Context& ctx, std::string_view rest) {
  // /_history/NAME.atom is the feed of the same history.
  if (rest.ends_with(".atom")) {
    return HistoryFeed(req, ctx, rest.substr(0, rest.size() - 5));
  }
  auto name = PageName::Parse(rest);
  if (!name.ok()) return ErrorPage(ctx, name.status());
  auto from = RevisionParam(req, "from");
  if (!from.ok()) return ErrorPage(ctx, from.status());
  auto history =
      ctx.stores.pages.ListHistory(*name, *from, ctx.site.history_page_size);
  if (history.status().IsNotFound()) {
    if (auto other = OtherCaseRedirect(req, ctx, "/_history", *name)) return std::move(*other);
    return MissingPage(req, ctx, *name, history.status().message());
  }
  if (!history.ok()) return ErrorPage(ctx, history.status());
  HtmlPage page("History of " + history->title, "history.tpl");
  page.NoIndex();
  const std::string feed_url = "/_history" + name->UrlPath() + ".atom";
  page.Feed(feed_url, "History of " + history->title);
  FillHistory(*history, *name, ctx.site.history_page_size, page.content());
  page.content()->SetValue("FEED_URL", feed_url);
  FillWatchButton(ctx, *name, /*viewed=*/false, "history", page.content());
  return page.Render(ctx, 200);
}

Response ListRecent(const Request& req, Context& ctx, std::string_view) {
  auto before = RevisionParam(req, "before");
  if (!before.ok()) return ErrorPage(ctx, before.status());
  bool cached = false;
  auto recent = Recent(ctx, *before, ctx.site.recent_page_size, &cached,
                       ctx.caches.recent.StampNow());  // before SQLite is read
  if (!recent.ok()) return ErrorPage(ctx, recent.status());
  HtmlPage page("Recent changes", "recent.tpl");
  page.Feed("/_recent.atom", "Recent changes");
  FillRecentPage(*recent, !before->has_value(), ctx.site.recent_page_size,
                 page.content());
  Response response = page.Render(ctx, 200);
  response.headers.emplace_back("X-Cache", cached ? "hit" : "miss");
  return response;
}

Response ListAllPages(const Request& req, Context& ctx, std::string_view) {
  const std::string* after = req.Query("after");
  auto list = ctx.stores.pages.ListPages(after ? *after : std::string(),
                                  ctx.site.pages_page_size);
  if (!list.ok()) return ErrorPage(ctx, list.status());
  HtmlPage page("All pages", "pages.tpl");
  FillPageList(*list, ctx.site.front_page, page.content());
  if (after != nullptr && !after->empty()) page.content()->ShowSection("FIRST");
  return page.Render(ctx, 200);
}

Response NoSuchRoute(const Request& req, Context& ctx, std::string_view) {
  return ErrorFor(ctx, req.path, 404,
                   "There is no such page: names starting with '_' belong to "
                   "the wiki itself, and " +
                       req.path + " is not one of them.");
}

}  // namespace wikid
