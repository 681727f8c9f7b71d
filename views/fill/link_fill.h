// Fill functions for the pages about links (link_list.tpl): what links to
// a page, pages that are wanted, and pages nothing links to.
#pragma once

#include <ctemplate/template.h>

#include <cstdint>
#include <map>
#include <string>

#include "model/store/page_store.h"

namespace wikid {

// "What links here": `list` links to `name`. `after` is where this window
// starts ("" for the first). `redirects`: those of the listed pages that
// are redirects to `name`, each with (a window of) the pages linking to it,
// which reach `name` through it.
void FillBacklinks(const PageName& name, const PageList& list, const std::string& after,
                   const std::map<std::string, PageList>& redirects,
                   ctemplate::TemplateDictionary* d);

// A window of wanted pages, the one after `after`; the Next link carries
// the window's last page as the next cursor.
void FillWanted(const WantedPages& wanted, const WantedCursor& after,
                ctemplate::TemplateDictionary* d);

// Orphaned pages, from after `after` ("" for the first window).
void FillOrphans(const PageList& list, const std::string& after,
                 ctemplate::TemplateDictionary* d);

}  // namespace wikid
