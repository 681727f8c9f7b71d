#include "views/page_handlers.h"

#include <charconv>
#include <optional>

#include "model/base/failpoint.h"
#include "model/text/text_diff.h"
#include "views/api_handlers.h"
#include "views/diff_fill.h"
#include "views/edits.h"
#include "views/fast_views.h"
#include "views/feed_handlers.h"
#include "views/page_fill.h"
#include "views/render.h"

namespace wikid {
namespace {

Response MissingPage(Context& ctx, const PageName& name,
                     const std::string& message) {
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

// A window of recent changes, rendered: from the shared cache while no
// save has happened since it was made, else from SQLite (and then shared).
Result<RecentWindow> Recent(Context& ctx, std::optional<int64_t> before_id,
                            int limit, bool* cached) {
  Stamp stamp = ctx.caches.recent.StampNow();  // before SQLite is read
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

// X-Cache says whether the view came whole from the cache (no SQL). The
// front page also shows the newest changes and the site's counts.
Response PageView(const Request& req, Context& ctx, const PageName& name,
                  const PageRevision& found,
                  const std::string& body, bool cached, bool front) {
  HtmlPage page(found.title, "page.tpl");
  if (!found.is_latest()) page.NoIndex();
  FillPage(found, name, body, page.content());
  if (ctx.viewer.is_admin() && found.is_latest()) {
    // Per viewer, like the header: filled for this request only.
    ctemplate::TemplateDictionary* admin =
        page.content()->AddSectionDictionary("ADMIN_ACTIONS");
    admin->SetValue("PROTECT_URL", "/_protect" + name.UrlPath());
    admin->SetValue("CSRF_TOKEN",
                    ctx.security.csrf.ForSession(ctx.viewer.session_token));
    admin->ShowSection(found.is_protected ? "CAN_UNPROTECT" : "CAN_PROTECT");
  }
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
    auto recent =
        Recent(ctx, std::nullopt, ctx.site.front_recent_size, &recent_cached);
    if (!recent.ok()) return ErrorPage(ctx, recent.status());
    cached = cached && recent_cached;
    FillRecentChanges(*recent, page.content()->AddSectionDictionary("FRONT"));
  }
  Response response = page.Render(ctx, 200);
  response.headers.emplace_back("X-Cache", cached ? "hit" : "miss");
  return response;
}

Response ShowNamedPage(const Request& req, Context& ctx, const PageName& name,
                       bool front) {
  auto rev = RevisionParam(req, "rev");
  if (!rev.ok()) return ErrorPage(ctx, rev.status());
  // The stamps are taken before SQLite is read, so a view made from this
  // read is never served after a save that this read might have missed.
  Stamp stamp = ctx.caches.page_cache.StampFor(name.title());
  Stamp site_stamp = ctx.caches.recent.StampNow();  // the front page's changes
  // What every anonymous reader of the latest revision gets is kept whole
  // by this worker, under both stamps, and may become the entry nginx
  // serves.
  const bool shared = !*rev && SharedAnonymousRequest(req, ctx, name, front);
  const Stamp view_stamp{.page = stamp.page, .links = stamp.links,
                         .site = front ? site_stamp.site : 0};
  auto still_current = [&] {
    return ctx.caches.page_cache.StampFor(name.title()) == stamp &&
           (!front || ctx.caches.recent.StampNow() == site_stamp);
  };
  auto offered = [&](Response response, int64_t latest_rev) {
    if (shared) KeepAnonymousView(ctx, name, front, view_stamp, latest_rev, response);
    OfferFastView(req, ctx, name, front, latest_rev, response, still_current);
    return response;
  };
  if (shared) {
    int64_t kept_rev = 0;
    if (auto kept = FindAnonymousView(ctx, name, front, view_stamp, &kept_rev)) {
      OfferFastView(req, ctx, name, front, kept_rev, *kept, still_current);
      return std::move(*kept);
    }
  }
  if (!*rev) {
    if (auto cached = ctx.caches.page_cache.Find(name.title(), stamp)) {
      return offered(PageView(req, ctx, name, FromCached(*cached), cached->body_html,
                              true, front),
                     cached->rev);
    }
  }
  auto found = ctx.stores.pages.Find(name, *rev);
  if (found.status().IsNotFound()) {
    return MissingPage(ctx, name, found.status().message());
  }
  if (!found.ok()) return ErrorPage(ctx, found.status());
  bool rendering_cached = false;
  std::string body = BodyHtml(ctx, *found, &rendering_cached);
  if (found->is_latest()) {
    // Tests widen the window between the read and the fill here.
    FailpointSleep("render_before_cache_fill");
    ctx.caches.page_cache.Store(ToCached(*found, body), stamp);
    return offered(PageView(req, ctx, name, *found, body, false, front),
                   found->latest_rev);
  }
  return PageView(req, ctx, name, *found, body, false, front);
}

Response EditFormResponse(const Request& req, Context& ctx,
                          const PageName& name, const EditFormState& state,
                          int status) {
  HtmlPage page((state.base_rev == 0 ? "Create " : "Edit ") + name.title(),
                "edit.tpl");
  page.NoIndex();
  CsrfToken csrf = FormToken(req, ctx);
  FillEditForm(name, state, ctx.site.max_summary_bytes, csrf.token,
               page.content());
  Response response = page.Render(ctx, status);
  csrf.ApplyTo(response);
  return response;
}

// The form fields of an edit exactly as sent, for showing them again.
EditFormState PostedEdit(const Request& req) {
  EditFormState state;
  if (const std::string* text = req.Form("text")) {
    state.text = NormaliseNewlines(*text);
  }
  if (const std::string* summary = req.Form("summary"))
    state.summary = *summary;
  if (const std::string* base = req.Form("base_rev")) {
    auto [end, ec] = std::from_chars(base->data(), base->data() + base->size(),
                                     state.base_rev);
    if (ec != std::errc() || end != base->data() + base->size() ||
        state.base_rev < 0) {
      state.base_rev = -1;
    }
  }
  return state;
}

// The text of revision `rev` (0: the empty text of a page not yet made).
Result<std::string> BaseText(Context& ctx, const PageName& name, int64_t rev) {
  if (rev == 0) return std::string();
  auto base = ctx.stores.pages.Find(name, rev);
  if (!base.ok()) return base.status();
  return std::move(base->revision.text);
}

// The form again after storage refused a save (protection, busy, full):
// the text goes back to the user intact, with why.
Response SaveRefused(const Request& req, Context& ctx, const PageName& name,
                     EditFormState& state, const Status& refusal) {
  int status = HttpStatusFor(refusal);
  if (status >= 500) LogError("save failed: " + refusal.message());
  if (refusal.IsForbidden()) {
    state.error = refusal.message() + " Your text was not saved; it is below.";
  } else if (status == 500) {
    state.error = "Your change could not be saved because of an internal "
                  "error. Please try again.";
  } else {
    state.error = refusal.message() + " Your change was not saved.";
  }
  return EditFormResponse(req, ctx, name, state, status);
}

// A save whose base revision is no longer the latest. If the user's
// changes and the ones saved since do not overlap, both are kept (a
// three-way merge against the base) and saved on top of the latest; if
// they do, 409 with the user's text, the current one and how they differ.
// A save that loses the race again is merged again, a few times at most.
Response MergeOrConflict(const Request& req, Context& ctx, const PageName& name,
                         EditFormState& state) {
  auto base = BaseText(ctx, name, state.base_rev);
  if (!base.ok()) return ErrorPage(ctx, base.status());
  for (int attempt = 0;; ++attempt) {
    auto current = ctx.stores.pages.Find(name, std::nullopt);
    if (!current.ok()) return ErrorPage(ctx, current.status());
    std::optional<std::string> merged =
        MergeTexts(*base, state.text, current->revision.text);
    if (merged && merged->size() > ctx.site.max_page_bytes) merged.reset();
    if (!merged || attempt == 3) {
      state.error = "Someone else saved this page (revision " +
                    std::to_string(current->revision.rev) +
                    ") while you were editing revision " +
                    std::to_string(state.base_rev) +
                    ", and their changes overlap yours. Your text was not "
                    "saved; it is below, beside the current revision.";
      state.changes = DiffTexts(current->revision.text, state.text);
      state.changes_heading = "Your text compared with revision " +
                              std::to_string(current->revision.rev);
      state.current = &*current;
      state.base_rev = current->revision.rev;
      return EditFormResponse(req, ctx, name, state, 409);
    }
    Edit edit = EditBy(req, ctx, name, current->revision.rev, *merged, state.summary);
    auto saved = ctx.stores.pages.Save(edit);
    if (saved.ok()) {
      if (!saved->created) return Response::SeeOther(name.UrlPath());
      PublishLatest(ctx, name, false);
      return Response::SeeOther(name.UrlPath() + "?merged=" + std::to_string(saved->rev));
    }
    if (!saved.status().IsConflict()) return SaveRefused(req, ctx, name, state, saved.status());
  }
}

Response RestoreForm(const Request& req, Context& ctx, const PageName& name,
                     const PageRevision& old, const std::string& message,
                     int status) {
  // What restoring would change: the latest text against the old one.
  auto latest = ctx.stores.pages.Find(name, std::nullopt);
  if (!latest.ok()) return ErrorPage(ctx, latest.status());
  HtmlPage page("Restore " + old.title, "restore.tpl");
  page.NoIndex();
  FillRestore(name, old, old.latest_rev, message, FormToken(req, ctx).token,
              page.content());
  FillDiffTable(DiffTexts(latest->revision.text, old.revision.text), page.content());
  return page.Render(ctx, status);
}

}  // namespace

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

Response ShowEditForm(const Request& req, Context& ctx, std::string_view rest) {
  auto name = PageName::Parse(rest);
  if (!name.ok()) return ErrorPage(ctx, name.status());
  auto current = ctx.stores.pages.Find(*name, std::nullopt);
  EditFormState state;
  if (current.ok()) {
    state.text = current->revision.text;
    state.base_rev = current->revision.rev;
  } else if (!current.status().IsNotFound()) {
    return ErrorPage(ctx, current.status());
  }
  if (current.ok() && current->is_protected && !ctx.viewer.is_admin()) {
    // The text stays readable (and copyable); saving it would be refused.
    state.error = kProtectedMessage;
    return EditFormResponse(req, ctx, *name, state, 403);
  }
  return EditFormResponse(req, ctx, *name, state, 200);
}

// POST /_edit/NAME. Every refusal shows the form again with the user's text
// and summary exactly as sent: nothing typed is ever lost.
Response SaveEdit(const Request& req, Context& ctx, std::string_view rest) {
  auto name = PageName::Parse(rest);
  if (!name.ok()) return ErrorPage(ctx, name.status());
  if (req.Form("text") == nullptr || req.Form("base_rev") == nullptr) {
    return ErrorPage(ctx, 400,
                     "The form must send the fields 'text' and 'base_rev'.");
  }
  EditFormState state = PostedEdit(req);
  if (state.base_rev < 0) {
    state.error =
        "The form's base revision is not a number; please save again.";
    state.base_rev = 0;
    return EditFormResponse(req, ctx, *name, state, 400);
  }
  if (auto problem = CheckEdit(ctx.site, state.base_rev, state.text, state.summary)) {
    state.error = problem->message;
    return EditFormResponse(req, ctx, *name, state, problem->status);
  }

  if (req.FormText("action") == "preview") {
    // Rendered as a save would show it, links coloured by which pages
    // exist; nothing is written.
    auto targets = ctx.markdown.LinkTargets(state.text);
    auto existing = ctx.stores.pages.ExistingPages(targets);
    if (!existing.ok()) return ErrorPage(ctx, existing.status());
    state.preview_html = ctx.markdown.ToHtml(
        state.text,
        [&](const std::string& title) { return existing->contains(title); });
    return EditFormResponse(req, ctx, *name, state, 200);
  }

  if (req.FormText("action") == "changes") {
    auto base = BaseText(ctx, *name, state.base_rev);
    if (!base.ok()) return ErrorPage(ctx, base.status());
    state.changes = DiffTexts(*base, state.text);
    state.changes_heading =
        state.base_rev == 0 ? "Your new page (not saved yet)"
                            : "Your changes to revision " +
                                  std::to_string(state.base_rev) +
                                  " (not saved yet)";
    return EditFormResponse(req, ctx, *name, state, 200);
  }

  Edit edit =
      EditBy(req, ctx, *name, state.base_rev, state.text, state.summary);
  auto saved = ctx.stores.pages.Save(edit);
  if (saved.ok()) {
    if (saved->created) PublishLatest(ctx, *name, saved->rev == 1);
    return Response::SeeOther(name->UrlPath());
  }
  if (saved.status().IsConflict()) return MergeOrConflict(req, ctx, *name, state);
  return SaveRefused(req, ctx, *name, state, saved.status());
}

Response RefuseEdit(const Request& req, Context& ctx, std::string_view rest,
                    int status, const std::string& message) {
  auto name = PageName::Parse(rest);
  if (!name.ok()) return ErrorPage(ctx, status, message);
  EditFormState state = PostedEdit(req);
  if (state.base_rev < 0) state.base_rev = 0;
  state.error = message;
  return EditFormResponse(req, ctx, *name, state, status);
}

Response ShowRestore(const Request& req, Context& ctx, std::string_view rest) {
  auto name = PageName::Parse(rest);
  if (!name.ok()) return ErrorPage(ctx, name.status());
  auto rev = RevisionParam(req, "rev");
  if (!rev.ok()) return ErrorPage(ctx, rev.status());
  if (!*rev)
    return ErrorPage(ctx, 400, "Say which revision to restore: ?rev=N.");
  auto old = ctx.stores.pages.Find(*name, *rev);
  if (!old.ok()) return ErrorPage(ctx, old.status());
  return RestoreForm(req, ctx, *name, *old, "", 200);
}

// POST /_restore/NAME: rev, base_rev. A new revision with the old text; if
// someone saved since the confirmation was shown, it is shown again.
Response Restore(const Request& req, Context& ctx, std::string_view rest) {
  auto name = PageName::Parse(rest);
  if (!name.ok()) return ErrorPage(ctx, name.status());
  auto rev = PositiveNumber(req.FormText("rev"));
  auto base_rev = PositiveNumber(req.FormText("base_rev"));
  if (!rev || !base_rev) {
    return ErrorPage(ctx, 400,
                     "The form's revision numbers are missing or wrong.");
  }
  auto old = ctx.stores.pages.Find(*name, *rev);
  if (!old.ok()) return ErrorPage(ctx, old.status());
  Edit edit = EditBy(req, ctx, *name, *base_rev, old->revision.text,
                     "Restored revision " + std::to_string(*rev));
  auto saved = ctx.stores.pages.Save(edit);
  if (saved.status().IsConflict()) {
    auto fresh = ctx.stores.pages.Find(*name, *rev);
    if (!fresh.ok()) return ErrorPage(ctx, fresh.status());
    return RestoreForm(req, ctx, *name, *fresh,
                       saved.status().message() + " Restore it on top of that?",
                       409);
  }
  if (!saved.ok()) return ErrorPage(ctx, saved.status());
  if (saved->created) PublishLatest(ctx, *name, false);
  return Response::SeeOther(name->UrlPath());
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
    return MissingPage(ctx, *name, history.status().message());
  }
  if (!history.ok()) return ErrorPage(ctx, history.status());
  HtmlPage page("History of " + history->title, "history.tpl");
  page.NoIndex();
  page.Feed("/_history" + name->UrlPath() + ".atom", "History of " + history->title);
  FillHistory(*history, *name, ctx.site.history_page_size, page.content());
  return page.Render(ctx, 200);
}

Response ListRecent(const Request& req, Context& ctx, std::string_view) {
  auto before = RevisionParam(req, "before");
  if (!before.ok()) return ErrorPage(ctx, before.status());
  bool cached = false;
  auto recent = Recent(ctx, *before, ctx.site.recent_page_size, &cached);
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
