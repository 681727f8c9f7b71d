#include "views/pages/edit_handlers.h"

#include <charconv>
#include <optional>

#include "model/text/text_diff.h"
#include "views/fill/diff_fill.h"
#include "views/fill/page_fill.h"
#include "views/pages/page_handlers.h"
#include "views/base/page_saves.h"
#include "views/base/render.h"
#include "views/markup/sections.h"

namespace wikid {
namespace {

// The redirect after a save, to `location`, with its one-time notice.
Response Saved(const Request& req, const Context& ctx, std::string location) {
  return SeeOtherWithNotice(req, ctx, std::move(location), "saved");
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

// A section's number as a query or form field: 0, 1, 2... (0 is the text
// before the first heading).
std::optional<int64_t> SectionNumber(std::string_view text) {
  if (text == "0") return 0;
  return PositiveNumber(text);
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
  if (const std::string* section = req.Form("section")) {
    state.section = SectionNumber(*section).value_or(-1);
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
    state.read_only = true;  // only protection forbids a save here
    state.error = refusal.message() + " Your text was not saved; it is below.";
  } else if (status == 500) {
    state.error = "Your change could not be saved because of an internal "
                  "error. Please try again.";
  } else if (refusal.unconfirmed()) {
    state.error = refusal.message() + " Your text is below.";  // it may be saved
  } else {
    state.error = refusal.message() + " Your change was not saved.";
  }
  return EditFormResponse(req, ctx, name, state, status);
}

// 409: the user's changes overlap ones saved since their base revision.
// The form keeps their text, shows the current one and how they differ,
// and is based on the current revision, so saving again (once they have
// merged by hand) replaces it. A section edit stays one when its section
// is surely found again in the current revision (SameSection: the same
// heading, unique, its anchor unmoved); otherwise the form becomes a
// whole-page edit holding the user's whole text (`mine`), as a whole-page
// conflict does: a form kept on its old base would conflict for ever, and
// a section found by a shifted anchor would put their text in the wrong
// place.
Response Conflict(const Request& req, Context& ctx, const PageName& name,
                  EditFormState& state, const PageRevision& current,
                  const std::string& mine, const std::vector<Section>* sections) {
  ProcessMetrics::Add(ctx.metrics.conflicts);
  const std::string rev = std::to_string(current.revision.rev);
  state.error = "Someone else saved this page (revision " + rev +
                ") while you were editing revision " + std::to_string(state.base_rev) +
                ", and their changes overlap yours. Your text was not saved; it is "
                "below, beside the current revision.";
  state.current = &current;
  state.changes_heading = "Your text compared with revision " + rev;
  state.base_rev = current.revision.rev;
  if (sections != nullptr) {
    auto now = ctx.markdown.Sections(current.revision.text);
    if (!now.ok()) return SaveRefused(req, ctx, name, state, now.status());
    if (auto same = SameSection(*sections, static_cast<size_t>(*state.section), *now)) {
      const Section& there = (*now)[*same];
      state.current_section_text =
          current.revision.text.substr(there.begin, there.end - there.begin);
      state.changes = DiffTexts(*state.current_section_text, state.text);
      state.changes_heading += ", section: " + there.title;
      state.section = static_cast<int64_t>(*same);
      state.section_title = there.title;
      return EditFormResponse(req, ctx, name, state, 409);
    }
    state.error += " The section you edited cannot be told apart in it (its heading "
                   "was changed, removed or repeated), so the form now holds the whole "
                   "page with your changes.";
    state.text = mine;
    state.section.reset();
    state.section_title.clear();
  }
  state.changes = DiffTexts(current.revision.text, mine);
  return EditFormResponse(req, ctx, name, state, 409);
}

// A save whose base revision is no longer the latest. If the user's
// changes (`base` to `mine`, whole page texts) and the ones saved since do
// not overlap, both are kept (a three-way merge against the base) and
// saved on top of the latest; if they do, 409 with the user's text, the
// current one and how they differ. A save that loses the race again is
// merged again, a few times at most. A section edit (`sections`: the
// base's) merges the same way, its whole page against the latest; on a
// conflict its form holds the user's section again, moved onto the same
// section of the latest revision.
Response MergeOrConflict(const Request& req, Context& ctx, const PageName& name,
                         EditFormState& state, const std::string& base,
                         const std::string& mine, const std::vector<Section>* sections,
                         const std::string& fragment) {
  for (int attempt = 0;; ++attempt) {
    auto current = ctx.stores.pages.Find(name, std::nullopt);
    if (!current.ok()) return ErrorPage(ctx, current.status());
    std::optional<std::string> merged = MergeTexts(base, mine, current->revision.text);
    if (merged && merged->size() > ctx.site.max_page_bytes) merged.reset();
    if (!merged || attempt == 3) {
      return Conflict(req, ctx, name, state, *current, mine, sections);
    }
    auto edit = EditBy(req, ctx, name, current->revision.rev, *merged, state.summary);
    if (!edit.ok()) return SaveRefused(req, ctx, name, state, edit.status());
    auto saved = ctx.writes.Save(*edit);
    if (saved.ok()) {
      if (!saved->created) return Response::SeeOther(name.UrlPath() + fragment);
      ProcessMetrics::Add(ctx.metrics.merges);
      return Response::SeeOther(name.UrlPath() + "?merged=" + std::to_string(saved->rev) +
                                fragment);
    }
    if (!saved.status().IsConflict()) return SaveRefused(req, ctx, name, state, saved.status());
  }
}

// Why section `section` cannot be edited: revision `rev` of `name` has
// `count` sections (0 included).
std::string NoSuchSection(const PageName& name, int64_t rev, int64_t section, size_t count) {
  return "Revision " + std::to_string(rev) + " of " + name.title() + " has no section " +
         std::to_string(section) + ": its sections are numbered 0 (the text before the "
         "first heading) to " + std::to_string(count - 1) + ".";
}

// Preview: the typed text (a whole page or one section) rendered as a
// save would show it, links coloured by which pages exist; nothing is
// written.
Response Preview(const Request& req, Context& ctx, const PageName& name,
                 EditFormState& state) {
  auto targets = ctx.markdown.LinkTargets(state.text);
  if (!targets.ok()) return SaveRefused(req, ctx, name, state, targets.status());
  auto existing = ctx.stores.pages.ExistingPages(*targets);
  if (!existing.ok()) return ErrorPage(ctx, existing.status());
  auto html = ctx.markdown.ToHtml(state.text, std::move(*existing),
                                  EmbeddedFilesOf(ctx, *targets));
  if (!html.ok()) return SaveRefused(req, ctx, name, state, html.status());
  state.preview_html = std::move(*html);
  return EditFormResponse(req, ctx, name, state, 200);
}

// POST /_edit/NAME with a section: the base revision's text with that
// section replaced by the typed one is saved like a whole-page edit on top
// of the base revision (merged with later saves, or 409). The section is
// found in the base revision, which the form carries, never in the latest.
// Show changes compares the section with what it was.
Response SaveSection(const Request& req, Context& ctx, const PageName& name,
                     EditFormState& state) {
  auto refuse = [&](int status, std::string message) {
    state.error = std::move(message) + " Your text was not saved; it is below.";
    return EditFormResponse(req, ctx, name, state, status);
  };
  if (*state.section < 0) return refuse(400, "The form's section is not a number.");
  if (state.base_rev == 0) {
    return refuse(400, "A section can only be edited in a page that exists.");
  }
  auto base = BaseText(ctx, name, state.base_rev);
  if (!base.ok()) return SaveRefused(req, ctx, name, state, base.status());
  auto sections = ctx.markdown.Sections(*base);
  if (!sections.ok()) return SaveRefused(req, ctx, name, state, sections.status());
  if (*state.section >= static_cast<int64_t>(sections->size())) {
    return refuse(400, NoSuchSection(name, state.base_rev, *state.section, sections->size()));
  }
  const Section& old = (*sections)[*state.section];
  state.section_title = old.title;
  if (req.FormText("action") == "changes") {
    state.changes = DiffTexts(std::string_view(*base).substr(old.begin, old.end - old.begin),
                              state.text);
    state.changes_heading = "Your changes to this section of revision " +
                            std::to_string(state.base_rev) + " (not saved yet)";
    return EditFormResponse(req, ctx, name, state, 200);
  }
  const std::string whole = ReplaceSection(*base, old, state.text);
  if (auto problem = CheckEdit(ctx.site, state.base_rev, whole, state.summary)) {
    return refuse(problem->status, problem->message);
  }
  // Back to the section's heading, if the typed text still starts with one.
  std::string fragment;
  auto now = ctx.markdown.Sections(whole);
  if (now.ok() && *state.section > 0 && !state.text.empty() &&
      static_cast<int64_t>(now->size()) > *state.section &&
      (*now)[*state.section].begin == old.begin) {
    fragment = "#" + (*now)[*state.section].slug;
  }
  auto edit = EditBy(req, ctx, name, state.base_rev, whole, state.summary);
  if (!edit.ok()) return SaveRefused(req, ctx, name, state, edit.status());
  auto saved = ctx.writes.Save(*edit);
  if (saved.ok()) return Saved(req, ctx, name.UrlPath() + fragment);
  if (saved.status().IsConflict()) {
    return MergeOrConflict(req, ctx, name, state, *base, whole, &*sections, fragment);
  }
  return SaveRefused(req, ctx, name, state, saved.status());
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

// GET /_edit/NAME, or ?section=N[&rev=R]: section N of revision R (the
// latest by default); the "Edit" links of a page's sections name the
// revision they were rendered from, so the section is the one the reader
// saw even if a heading was added above it since (a save merges).
Response ShowEditForm(const Request& req, Context& ctx, std::string_view rest) {
  auto name = PageName::Parse(rest);
  if (!name.ok()) return ErrorPage(ctx, name.status());
  const std::string* section = req.Query("section");
  auto rev = RevisionParam(req, "rev");
  if (!rev.ok()) return ErrorPage(ctx, rev.status());
  auto current = ctx.stores.pages.Find(*name, section ? *rev : std::nullopt);
  if (current.status().IsNotFound()) {
    // Another letter case of a page is that page (model/text/page_name.h).
    if (auto other = OtherCaseRedirect(req, ctx, "/_edit", *name)) return std::move(*other);
  }
  EditFormState state;
  if (current.ok()) {
    state.text = current->revision.text;
    state.base_rev = current->revision.rev;
  } else if (!current.status().IsNotFound() || section) {
    return ErrorPage(ctx, current.status());
  }
  if (section) {
    state.section = SectionNumber(*section);
    if (!state.section) {
      return ErrorPage(ctx, 400, "The parameter 'section' must be a number (0, 1, 2...).");
    }
    auto sections = ctx.markdown.Sections(state.text);
    if (!sections.ok()) return ErrorPage(ctx, sections.status());
    if (*state.section >= static_cast<int64_t>(sections->size())) {
      return ErrorPage(ctx, 404, NoSuchSection(*name, state.base_rev, *state.section,
                                               sections->size()));
    }
    const Section& s = (*sections)[*state.section];
    state.text = state.text.substr(s.begin, s.end - s.begin);
    state.section_title = s.title;
  }
  if (current.ok() && current->is_protected && !ctx.viewer.is_admin()) {
    // The text stays readable (and copyable); saving it would be refused.
    state.error = kProtectedMessage;
    state.read_only = true;
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
  if (req.FormText("action") == "preview") return Preview(req, ctx, *name, state);
  if (state.section) return SaveSection(req, ctx, *name, state);

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
  if (saved.ok()) return Saved(req, ctx, name->UrlPath());
  if (saved.status().IsConflict()) {
    auto base = BaseText(ctx, *name, state.base_rev);
    if (!base.ok()) return ErrorPage(ctx, base.status());
    return MergeOrConflict(req, ctx, *name, state, *base, state.text, nullptr, "");
  }
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
    ProcessMetrics::Add(ctx.metrics.conflicts);
    auto fresh = ctx.stores.pages.Find(*name, *rev);
    if (!fresh.ok()) return ErrorPage(ctx, fresh.status());
    return RestoreForm(req, ctx, *name, *fresh,
                       saved.status().message() + " Restore it on top of that?",
                       409);
  }
  if (!saved.ok()) return ErrorPage(ctx, saved.status());
  return SeeOtherWithNotice(req, ctx, name->UrlPath(), "restored");
}

}  // namespace wikid
