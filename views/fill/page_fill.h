// Fill functions: turn model values into template dictionaries. Models
// never see a dictionary; handlers never build HTML.
#pragma once

#include <ctemplate/template.h>

#include <cstdint>
#include <string>
#include <optional>
#include <vector>

#include "model/store/page_store.h"
#include "model/cache/recent_cache.h"
#include "model/base/status.h"
#include "model/text/text_diff.h"
#include "model/base/time_text.h"  // FormatTime, for every fill function
#include "views/base/templates.h"

namespace wikid {

// Sets AUTHOR, and shows the section BY_ACCOUNT with AUTHOR_URL (a link
// to the profile) for an account, or BY_ADDRESS for an anonymous edit.
void FillAuthor(const std::string& author, bool is_account,
                ctemplate::TemplateDictionary* d);

// changes.tpl, included as CHANGE_LIST in `d`: revisions of any pages,
// newest first, with page, revision, author, time, size change, summary.
void FillChangeList(const std::vector<Change>& changes,
                    ctemplate::TemplateDictionary* d);

// changes.tpl expanded on its own, for a window of recent changes that is
// cached rendered (model/cache/recent_cache.h).
Result<RecentWindow> RenderRecentWindow(Templates& templates,
                                        const RecentChanges& recent);

// page.tpl: one revision, with its rendered body.
void FillPage(const PageRevision& page, const PageName& name,
              const std::string& body_html, ctemplate::TemplateDictionary* d);

// What the edit form shows: the text and summary as typed (or as stored),
// the revision it is based on, and why it came back, if it did.
struct EditFormState {
  std::string text;
  std::string summary;
  int64_t base_rev = 0;
  std::string error;                      // empty: first showing
  // A protected page shown to a non-admin: the text stays to read and
  // copy, with nothing to save it with.
  bool read_only = false;
  const PageRevision* current = nullptr;  // set on an edit conflict
  std::optional<std::string> preview_html;  // the text rendered, for Preview
  std::optional<TextDiff> changes;  // Show changes, or a conflict's difference
  std::string changes_heading;      // what `changes` compares
  // A section edit (views/markup/sections.h): `text` is section `section` of
  // revision `base_rev`, whose heading reads `section_title`. Negative:
  // the form sent a section that is no number.
  std::optional<int64_t> section;
  std::string section_title;
  // On a section's conflict: that section of `current` (the conflict box
  // shows it instead of the whole text).
  std::optional<std::string> current_section_text;
};
// `body_html` (a rendering) without its first element when that is a
// level-1 heading saying `title` exactly, as a page that starts with
// "# Its name" has: the view shows the title above it already. Its
// section's edit link goes with it (the page's own Edit remains).
std::string_view WithoutRepeatedTitle(std::string_view body_html, std::string_view title);

// edit.tpl.
void FillEditForm(const PageName& name, const EditFormState& state,
                  size_t max_summary_bytes, const std::string& csrf_token,
                  ctemplate::TemplateDictionary* d);

// restore.tpl: asks to confirm restoring `old` of `name` on top of
// revision `latest_rev`.
void FillRestore(const PageName& name, const PageRevision& old, int64_t latest_rev,
                 const std::string& message, const std::string& csrf_token,
                 ctemplate::TemplateDictionary* d);

// history.tpl: one window of revisions and links to the next ones.
void FillHistory(const History& history, const PageName& name, int page_size,
                 ctemplate::TemplateDictionary* d);

// A rendered window of recent changes as CHANGE_LIST_HTML, plus the
// counts (the front page's list, and /_recent's).
void FillRecentChanges(const RecentWindow& window,
                       ctemplate::TemplateDictionary* d);

// recent.tpl: one window of recent changes and a link to the next.
void FillRecentPage(const RecentWindow& window, bool first_window,
                    int window_size, ctemplate::TemplateDictionary* d);

// pages.tpl.
void FillPageList(const PageList& list, const std::string& front_page,
                  ctemplate::TemplateDictionary* d);

}  // namespace wikid
