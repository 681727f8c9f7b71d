// Fill functions: turn model values into template dictionaries. Models
// never see a dictionary; handlers never build HTML.
#pragma once

#include <ctemplate/template.h>

#include <cstdint>
#include <string>

#include "model/page_store.h"

namespace wikid {

// "2026-11-24 19:52 UTC".
std::string FormatTime(int64_t unix_seconds);

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
  const PageRevision* current = nullptr;  // set on an edit conflict
};
// edit.tpl.
void FillEditForm(const PageName& name, const EditFormState& state,
                  size_t max_summary_bytes, const std::string& csrf_token,
                  ctemplate::TemplateDictionary* d);

// history.tpl: one window of revisions and links to the next ones.
void FillHistory(const History& history, const PageName& name, int page_size,
                 ctemplate::TemplateDictionary* d);

// recent_list.tpl, included as RECENT_LIST in `d`, plus the counts.
void FillRecentChanges(const RecentChanges& recent,
                       ctemplate::TemplateDictionary* d);

// recent.tpl: one window of recent changes and a link to the next.
void FillRecentPage(const RecentChanges& recent, bool first_window,
                    int window_size, ctemplate::TemplateDictionary* d);

// pages.tpl.
void FillPageList(const PageList& list, const std::string& front_page,
                  ctemplate::TemplateDictionary* d);

}  // namespace wikid
