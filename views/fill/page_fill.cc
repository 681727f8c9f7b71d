#include "views/fill/page_fill.h"

#include "views/fill/diff_fill.h"
#include "views/fill/file_fill.h"
#include "views/base/render.h"


namespace wikid {
namespace {

std::string EditUrl(const PageName& name) { return "/_edit" + name.UrlPath(); }
std::string HistoryUrl(const PageName& name) {
  return "/_history" + name.UrlPath();
}

std::string SignedChange(int64_t change) {
  return change > 0 ? "+" + std::to_string(change) : std::to_string(change);
}

}  // namespace

void FillAuthor(const std::string& author, bool is_account,
                ctemplate::TemplateDictionary* d) {
  d->SetValue("AUTHOR", author);
  if (is_account) {
    // Account names are ASCII letters, digits and "-_.": a safe path.
    d->SetValueAndShowSection("AUTHOR_URL", "/_user/" + author, "BY_ACCOUNT");
  } else {
    d->ShowSection("BY_ADDRESS");
  }
}

void FillPage(const PageRevision& page, const PageName& name,
              const std::string& body_html, ctemplate::TemplateDictionary* d) {
  const Revision& r = page.revision;
  d->SetValue("TITLE", page.title);
  d->SetValue("PAGE_URL", name.UrlPath());
  d->SetValue("EDIT_URL", EditUrl(name));
  d->SetValue("HISTORY_URL", HistoryUrl(name));
  d->SetValue("MOVE_URL", "/_move" + name.UrlPath());
  d->SetValue("LINKS_URL", "/_links" + name.UrlPath());
  d->SetValue("RAW_URL", "/_raw" + name.UrlPath() + "?rev=" + std::to_string(r.rev));
  d->SetValue("BODY_HTML", std::string(WithoutRepeatedTitle(body_html, page.title)));
  d->SetIntValue("REV", r.rev);
  d->SetIntValue("LATEST_REV", page.latest_rev);
  d->SetValue("TIME", FormatTime(r.created_at));
  FillAuthor(r.author, r.author_is_account, d);
  if (!page.is_latest()) {
    d->ShowSection("OLD_REVISION");
    d->SetValue("RESTORE_URL", "/_restore" + name.UrlPath() + "?rev=" + std::to_string(r.rev));
    d->SetValue("DIFF_CURRENT_URL", DiffUrl(name.UrlPath(), r.rev, page.latest_rev));
  }
  if (page.is_protected) d->ShowSection("PROTECTED");
}

std::string_view WithoutRepeatedTitle(std::string_view body_html, std::string_view title) {
  // The renderer writes <h1 id="SLUG">\nTEXT</h1>, or, with a section's
  // edit link, <h1 id="SLUG">\nTEXT <span class="section-edit">...</h1>
  // (views/markup/headings.cc), TEXT escaped as cmark escapes text.
  if (!body_html.starts_with("<h1 id=\"")) return body_html;
  const size_t open_end = body_html.find("\">\n");
  const size_t close = body_html.find("</h1>\n");
  if (open_end == std::string_view::npos || close == std::string_view::npos) return body_html;
  std::string escaped;
  for (char c : title) {
    switch (c) {
      case '&': escaped += "&amp;"; break;
      case '<': escaped += "&lt;"; break;
      case '>': escaped += "&gt;"; break;
      case '"': escaped += "&quot;"; break;
      default: escaped += c;
    }
  }
  std::string_view text = body_html.substr(open_end + 3, close - open_end - 3);
  if (const size_t edit = text.find(" <span class=\"section-edit\">");
      edit != std::string_view::npos) {
    text = text.substr(0, edit);
  }
  while (text.ends_with('\n')) text.remove_suffix(1);
  if (text != escaped) return body_html;
  return body_html.substr(close + 6);
}

void FillEditForm(const PageName& name, const EditFormState& state,
                  size_t max_summary_bytes, const std::string& csrf_token,
                  ctemplate::TemplateDictionary* d) {
  d->SetValue("CSRF_TOKEN", csrf_token);
  d->ShowSection(state.read_only ? "READ_ONLY" : "WRITABLE");
  std::string heading = (state.base_rev == 0 ? "Create " : "Edit ") + name.title();
  if (state.section) {
    heading += *state.section == 0          ? ", before the first heading"
               : !state.section_title.empty() ? ", section: " + state.section_title
                                              : ", section " + std::to_string(*state.section);
    d->SetIntValue("SECTION", *state.section);
    d->ShowSection("IN_SECTION");
  }
  d->SetValue("HEADING", heading);
  d->SetValue("ACTION_URL", EditUrl(name));
  d->SetValue("CANCEL_URL", name.UrlPath());
  d->SetIntValue("BASE_REV", state.base_rev);
  d->SetValue("TEXT", state.text);
  d->SetValue("SUMMARY", state.summary);
  d->SetIntValue("MAX_SUMMARY", static_cast<long>(max_summary_bytes));
  if (!state.error.empty()) {
    d->SetValueAndShowSection("MESSAGE", state.error, "ERROR");
  }
  if (state.changes) {
    ctemplate::TemplateDictionary* changes = d->AddSectionDictionary("CHANGES");
    changes->SetValue("HEADING", state.changes_heading);
    FillDiffTable(*state.changes, changes);
  }
  if (state.preview_html) {
    ctemplate::TemplateDictionary* preview = d->AddSectionDictionary("PREVIEW");
    preview->SetValue("BODY_HTML", *state.preview_html);
  }
  if (state.current != nullptr) {
    const Revision& cur = state.current->revision;
    ctemplate::TemplateDictionary* c = d->AddSectionDictionary("CONFLICT");
    c->SetIntValue("CURRENT_REV", cur.rev);
    FillAuthor(cur.author, cur.author_is_account, c);
    c->SetValue("CURRENT_TIME", FormatTime(cur.created_at));
    c->SetValue("CURRENT_TEXT", state.current_section_text.value_or(cur.text));
  }
}

void FillRestore(const PageName& name, const PageRevision& old, int64_t latest_rev,
                 const std::string& message, const std::string& csrf_token,
                 ctemplate::TemplateDictionary* d) {
  d->SetValue("TITLE", old.title);
  d->SetValue("PAGE_URL", name.UrlPath());
  d->SetValue("REV_URL", name.UrlPath() + "?rev=" + std::to_string(old.revision.rev));
  d->SetValue("ACTION_URL", "/_restore" + name.UrlPath());
  d->SetIntValue("REV", old.revision.rev);
  d->SetIntValue("LATEST_REV", latest_rev);
  d->SetValue("TIME", FormatTime(old.revision.created_at));
  FillAuthor(old.revision.author, old.revision.author_is_account, d);
  d->SetValue("CSRF_TOKEN", csrf_token);
  if (!message.empty()) d->SetValueAndShowSection("MESSAGE", message, "ERROR");
}

void FillHistory(const History& history, const PageName& name, int page_size,
                 ctemplate::TemplateDictionary* d) {
  d->SetValue("TITLE", history.title);
  const std::string page_url = name.UrlPath();
  d->SetValue("PAGE_URL", page_url);
  d->SetIntValue("LATEST_REV", history.latest_rev);
  d->SetValue("DIFF_URL", "/_diff" + page_url);
  for (size_t i = 0; i < history.revisions.size(); ++i) {
    const Revision& r = history.revisions[i];
    ctemplate::TemplateDictionary* row = d->AddSectionDictionary("REVISION");
    row->SetIntValue("REV", r.rev);
    // Preselected: the newest change in this window.
    if (i == 0) row->ShowSection("TO_CHECKED");
    if (i == 1) row->ShowSection("FROM_CHECKED");
    if (r.rev > 1) {
      row->SetValueAndShowSection("DIFF_PREVIOUS_URL", DiffUrl(page_url, r.rev - 1, r.rev),
                                  "HAS_PREVIOUS");
    }
    row->SetValue("REV_URL", page_url + "?rev=" + std::to_string(r.rev));
    if (r.rev != history.latest_rev) {
      row->SetValueAndShowSection(
          "RESTORE_URL", "/_restore" + page_url + "?rev=" + std::to_string(r.rev),
          "RESTORABLE");
    }
    row->SetValue("TIME", FormatTime(r.created_at));
    FillAuthor(r.author, r.author_is_account, row);
    row->SetIntValue("SIZE", r.size);
    row->SetValue("CHANGE", SignedChange(r.size_change));
    row->SetValue("CHANGE_CLASS", r.size_change > 0   ? "grew"
                                  : r.size_change < 0 ? "shrank"
                                                      : "same");
    row->SetValue("SUMMARY", r.summary);
  }
  if (history.revisions.empty()) return;
  // Revision numbers have no gaps, so the neighbouring windows are known
  // without reading a row more than this one shows.
  const std::string base = HistoryUrl(name) + "?from=";
  int64_t newest = history.revisions.front().rev;
  int64_t oldest = history.revisions.back().rev;
  if (newest < history.latest_rev) {
    int64_t from = std::min(history.latest_rev, newest + page_size);
    d->SetValueAndShowSection("URL", base + std::to_string(from), "NEWER");
  }
  if (oldest > 1) {
    d->SetValueAndShowSection("URL", base + std::to_string(oldest - 1),
                              "OLDER");
  }
}

void FillRecentChanges(const RecentWindow& window,
                       ctemplate::TemplateDictionary* d) {
  d->SetIntValue("PAGE_COUNT", window.page_count);
  d->SetIntValue("REVISION_COUNT", window.revision_count);
  d->SetValue("CHANGE_LIST_HTML", window.list_html);
}

namespace {

// The rows of changes.tpl.
void FillChangeRows(const std::vector<Change>& changes,
                    ctemplate::TemplateDictionary* list) {
  if (changes.empty()) list->ShowSection("NO_CHANGES");
  for (const Change& c : changes) {
    ctemplate::TemplateDictionary* row = list->AddSectionDictionary("CHANGE");
    std::string url = UrlPathOfTitle(c.title);
    row->SetValue("TITLE", c.title);
    row->SetValue("PAGE_URL", url);
    row->SetValue("TIME", FormatTime(c.created_at));
    FillAuthor(c.author, c.author_is_account, row);
    if (!c.summary.empty()) {
      row->SetValueAndShowSection("SUMMARY", c.summary, "HAS_SUMMARY");
    }
    if (c.log_action == "upload") {
      // A file revision (issue 19): the file's page, the revision, its size.
      row->SetValue("PAGE_URL", FilePageUrl(c.title));
      row->ShowSection("UPLOAD");
      row->SetValue("REV_URL", FilePageUrl(c.title) + "?rev=" + std::to_string(c.file_rev));
      row->SetIntValue("REV", c.file_rev);
      row->SetValue("SIZE", SizeText(c.file_size));
      continue;
    }
    if (!c.log_action.empty()) {
      // A delete or an undelete (issue 20), of a page or a file (issue
      // 19): the reason is its summary.
      if (c.of_file) row->SetValue("PAGE_URL", FilePageUrl(c.title));
      row->SetValueAndShowSection("ACTION", c.log_action, "LOGGED");
      continue;
    }
    row->ShowSection("EDIT");
    row->SetValue("REV_URL", url + "?rev=" + std::to_string(c.rev));
    row->SetValue("DIFF_URL", DiffUrl(url, c.rev - 1, c.rev));
    row->SetIntValue("REV", c.rev);
    row->SetValue("CHANGE", SignedChange(c.size_change));
    row->SetValue("CHANGE_CLASS", c.size_change > 0   ? "grew"
                                  : c.size_change < 0 ? "shrank"
                                                      : "same");
  }
}

}  // namespace

void FillChangeList(const std::vector<Change>& changes,
                    ctemplate::TemplateDictionary* d) {
  ctemplate::TemplateDictionary* list = d->AddIncludeDictionary("CHANGE_LIST");
  list->SetFilename("changes.tpl");
  FillChangeRows(changes, list);
}

Result<RecentWindow> RenderRecentWindow(Templates& templates,
                                        const RecentChanges& recent) {
  ctemplate::TemplateDictionary list("changes");
  FillChangeRows(recent.changes, &list);
  auto html = templates.Expand("changes.tpl", list);
  if (!html.ok()) return html.status();
  // The pager counts revisions: deletes and undeletes stand among them
  // (PageReader::ListRecentChanges), and the next window starts at the
  // oldest revision shown.
  int64_t revisions = 0, oldest = 0;
  for (const Change& c : recent.changes) {
    if (!c.log_action.empty()) continue;
    ++revisions;
    oldest = c.revision_id;
  }
  return RecentWindow{.page_count = recent.page_count,
                      .revision_count = recent.revision_count,
                      .shown = revisions,
                      .oldest_revision_id = oldest,
                      .more = recent.more,
                      .list_html = std::move(*html)};
}

void FillRecentPage(const RecentWindow& window, bool first_window,
                    int window_size, ctemplate::TemplateDictionary* d) {
  FillRecentChanges(window, d);
  if (!first_window) d->ShowSection("NEWEST");
  // Keyset paging: the store read one revision past the window, so
  // "older" is offered only when one exists (ids have gaps: a deleted
  // page's revisions, ids PostgreSQL skipped).
  if (window.more && window.shown == window_size) {
    d->SetValueAndShowSection(
        "URL", "/_recent?before=" + std::to_string(window.oldest_revision_id), "OLDER");
  }
}

void FillPageList(const PageList& list, const std::string& front_page,
                  ctemplate::TemplateDictionary* d) {
  if (list.pages.empty()) {
    d->ShowSection("EMPTY");
    auto front = PageName::Parse(front_page);
    d->SetValue("FRONT_EDIT_URL", front.ok() ? EditUrl(*front) : "/");
  }
  for (const PageListEntry& entry : list.pages) {
    ctemplate::TemplateDictionary* row = d->AddSectionDictionary("PAGE");
    row->SetValue("TITLE", entry.title);
    row->SetValue("URL", UrlPathOfTitle(entry.title));
    row->SetIntValue("LATEST_REV", entry.latest_rev);
  }
  if (list.more) {
    d->SetValueAndShowSection(
        "URL", "/_pages?after=" + PercentEncodePath(list.pages.back().title),
        "NEXT");
  }
}

}  // namespace wikid
