#include "views/fill/link_fill.h"

#include "model/text/page_name.h"

namespace wikid {
namespace {

// The items of a PageList and the links to its first and next windows
// (`base`: the listing's URL with the "after" parameter's '?' or '&').
void FillPages(const PageList& list, const std::string& after,
               const std::string& base, ctemplate::TemplateDictionary* d,
               const std::map<std::string, PageList>& redirects = {}) {
  if (list.pages.empty()) d->ShowSection("EMPTY");
  for (const PageListEntry& entry : list.pages) {
    ctemplate::TemplateDictionary* item = d->AddSectionDictionary("ITEM");
    item->SetValue("TITLE", entry.title);
    item->SetValue("URL", UrlPathOfTitle(entry.title));
    auto redirect = redirects.find(entry.title);
    if (redirect == redirects.end()) continue;
    // Its own URL would send the reader on: the link shows the redirect.
    item->SetValue("URL", UrlPathOfTitle(entry.title) + "?redirect=no");
    ctemplate::TemplateDictionary* via = item->AddSectionDictionary("REDIRECT");
    for (const PageListEntry& linking : redirect->second.pages) {
      ctemplate::TemplateDictionary* sub = via->AddSectionDictionary("VIA_ITEM");
      sub->SetValue("TITLE", linking.title);
      sub->SetValue("URL", UrlPathOfTitle(linking.title));
    }
    if (redirect->second.more) {
      via->SetValueAndShowSection("LINKS_URL", "/_links" + UrlPathOfTitle(entry.title),
                                  "VIA_MORE");
    }
  }
  if (!after.empty()) {
    d->SetValueAndShowSection("URL", base.substr(0, base.size() - 1), "FIRST");
  }
  if (list.more) {
    d->SetValueAndShowSection(
        "URL", base + "after=" + PercentEncodePath(list.pages.back().title),
        "NEXT");
  }
}

}  // namespace

void FillBacklinks(const PageName& name, const PageList& list, const std::string& after,
                   const std::map<std::string, PageList>& redirects,
                   ctemplate::TemplateDictionary* d) {
  d->SetValue("HEADING", "What links to");
  d->SetValue("TITLE", name.title());
  d->SetValue("PAGE_URL", name.UrlPath());
  d->ShowSection("ABOUT_PAGE");
  d->SetValue("INTRO",
              "Pages whose current revision links to this one; under a redirect to it, "
              "the pages that link to the redirect.");
  d->SetValue("EMPTY_MESSAGE", "No page links here.");
  FillPages(list, after, "/_links" + name.UrlPath() + "?", d, redirects);
}

void FillWanted(const WantedPages& wanted, const WantedCursor& after,
                ctemplate::TemplateDictionary* d) {
  d->SetValue("HEADING", "Wanted pages");
  d->SetValue(
      "INTRO",
      "Pages that do not exist yet but are linked to, the most linked first. "
      "Follow one to write it.");
  d->SetValue("EMPTY_MESSAGE", "Every page that is linked to exists.");
  if (wanted.pages.empty()) d->ShowSection("EMPTY");
  for (const WantedPage& page : wanted.pages) {
    ctemplate::TemplateDictionary* item = d->AddSectionDictionary("ITEM");
    item->SetValue("TITLE", page.title);
    auto name = PageName::Parse(page.title);
    item->SetValue("URL", name.ok() ? "/_edit" + name->UrlPath() : "/");
    ctemplate::TemplateDictionary* count =
        item->AddSectionDictionary("LINK_COUNT");
    count->SetValue("COUNT", std::to_string(page.link_count) +
                                 (page.link_count == 1 ? " page" : " pages"));
    count->SetValue("LINKS_URL", name.ok() ? "/_links" + name->UrlPath() : "/");
  }
  if (after.link_count > 0) d->SetValueAndShowSection("URL", "/_wanted", "FIRST");
  if (wanted.more) {
    const WantedPage& last = wanted.pages.back();
    d->SetValueAndShowSection("URL",
                              "/_wanted?links=" + std::to_string(last.link_count) +
                                  "&after=" + PercentEncodePath(last.title),
                              "NEXT");
  }
}

void FillOrphans(const PageList& list, const std::string& after,
                 ctemplate::TemplateDictionary* d) {
  d->SetValue("HEADING", "Orphaned pages");
  d->SetValue(
      "INTRO",
      "Pages that no other page links to: readers can find them only by "
      "searching or from the list of all pages.");
  d->SetValue("EMPTY_MESSAGE", "Every page is linked from another one.");
  FillPages(list, after, "/_orphans?", d);
}

}  // namespace wikid
