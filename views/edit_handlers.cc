#include "views/edit_handlers.h"

#include <charconv>
#include <optional>

#include "model/text/text_diff.h"
#include "views/diff_fill.h"
#include "views/page_fill.h"
#include "views/page_saves.h"
#include "views/render.h"

namespace wikid {
namespace {

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
    auto edit = EditBy(req, ctx, name, current->revision.rev, *merged, state.summary);
    if (!edit.ok()) return SaveRefused(req, ctx, name, state, edit.status());
    auto saved = ctx.writes.Save(*edit);
    if (saved.ok()) {
      if (!saved->created) return Response::SeeOther(name.UrlPath());
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
    if (!targets.ok()) return SaveRefused(req, ctx, *name, state, targets.status());
    auto existing = ctx.stores.pages.ExistingPages(*targets);
    if (!existing.ok()) return ErrorPage(ctx, existing.status());
    auto html = ctx.markdown.ToHtml(state.text, std::move(*existing));
    if (!html.ok()) return SaveRefused(req, ctx, *name, state, html.status());
    state.preview_html = std::move(*html);
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

  auto edit =
      EditBy(req, ctx, *name, state.base_rev, state.text, state.summary);
  if (!edit.ok()) return SaveRefused(req, ctx, *name, state, edit.status());
  auto saved = ctx.writes.Save(*edit);
  if (saved.ok()) {
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
  auto edit = EditBy(req, ctx, *name, *base_rev, old->revision.text,
                     "Restored revision " + std::to_string(*rev));
  if (!edit.ok() && edit.status().code() == Status::Code::kTooComplex) {
    return ErrorPage(ctx, 422,
                     "Revision " + std::to_string(*rev) +
                         " takes longer to render than this wiki allows, so it "
                         "cannot be restored as it is; copy what you need from its "
                         "source into an edit instead.");
  }
  if (!edit.ok()) return ErrorPage(ctx, edit.status());
  auto saved = ctx.writes.Save(*edit);
  if (saved.status().IsConflict()) {
    auto fresh = ctx.stores.pages.Find(*name, *rev);
    if (!fresh.ok()) return ErrorPage(ctx, fresh.status());
    return RestoreForm(req, ctx, *name, *fresh,
                       saved.status().message() + " Restore it on top of that?",
                       409);
  }
  if (!saved.ok()) return ErrorPage(ctx, saved.status());
  return Response::SeeOther(name->UrlPath());
}

}  // namespace wikid
