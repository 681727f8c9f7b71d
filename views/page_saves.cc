#include "views/page_saves.h"

#include "model/base/failpoint.h"
#include "views/shared_views.h"

namespace wikid {

Edit EditBy(const Request& req, Context& ctx, const PageName& name,
            int64_t base_rev, const std::string& text,
            const std::string& summary) {
  const auto& user = ctx.viewer.user;
  return Edit{.name = name,
              .base_rev = base_rev,
              .text = text,
              .summary = summary,
              .author = user ? user->name : req.client_address,
              .account_id = user ? user->id : 0,
              .account_created_at = user ? user->created_at : 0,
              .may_edit_protected = ctx.viewer.is_admin(),
              .created_at = ctx.now(),
              .links = ctx.markdown.LinkTargets(text)};
}

std::optional<EditProblem> CheckEdit(const SiteConfig& site, int64_t base_rev,
                                     const std::string& text,
                                     const std::string& summary) {
  if (text.size() > site.max_page_bytes) {
    return EditProblem{413, "The text is " + std::to_string(text.size()) +
                                " bytes long; a page may have at most " +
                                std::to_string(site.max_page_bytes) +
                                " bytes."};
  }
  if (summary.size() > site.max_summary_bytes ||
      summary.find_first_of("\r\n") != std::string::npos) {
    return EditProblem{400, "The summary must be one line of at most " +
                                std::to_string(site.max_summary_bytes) +
                                " bytes."};
  }
  if (base_rev == 0 && text.find_first_not_of(" \t\n") == std::string::npos) {
    return EditProblem{400, "A new page needs some text."};
  }
  return std::nullopt;
}

std::string RenderNow(Context& ctx, const PageRevision& page) {
  return ctx.markdown.ToHtml(page.revision.text, [&](const std::string& t) {
    return page.existing_links.contains(t);
  });
}

std::string BodyHtml(Context& ctx, const PageRevision& page, bool* cached) {
  return ctx.caches.renders.Get(RenderKey{page.revision.id, page.existing_links},
                         [&] { return RenderNow(ctx, page); }, cached);
}

CachedPage ToCached(const PageRevision& page, std::string body_html) {
  return CachedPage{.title = page.title,
                    .rev = page.revision.rev,
                    .revision_id = page.revision.id,
                    .author = page.revision.author,
                    .author_is_account = page.revision.author_is_account,
                    .is_protected = page.is_protected,
                    .created_at = page.revision.created_at,
                    .body_html = std::move(body_html)};
}

void PublishLatest(Context& ctx, const PageName& name, bool page_created) {
  // Tests kill the worker here: an edit committed, its views not deleted.
  if (!page_created) FailpointSleep("edit_before_invalidate");
  InvalidateViews(ctx, name, page_created);
  Stamp stamp = ctx.caches.page_cache.StampFor(name.title());
  auto latest = ctx.stores.pages.Find(name, std::nullopt);
  if (!latest.ok()) return;  // the next view reads SQLite; still correct
  // The revision was just made, so no rendering of it can be in memcached
  // yet (a reader may have claimed it since the commit: the rendering is
  // written over the claim): render and offer it without the lookup and
  // the claim (two memcached calls fewer per save).
  std::string body = RenderNow(ctx, *latest);
  ctx.caches.renders.Store(RenderKey{latest->revision.id, latest->existing_links}, body);
  ctx.caches.page_cache.Store(ToCached(*latest, std::move(body)), stamp);
  ctx.caches.admission.Note(name.title());  // so its next view reads them
}

}  // namespace wikid
