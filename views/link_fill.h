// Fill functions for the pages about links (link_list.tpl): what links to
// a page, pages that are wanted, and pages nothing links to.
#pragma once

#include <ctemplate/template.h>

#include <cstdint>
#include <string>

#include "model/store/page_store.h"

namespace wikid {

// "What links here": `list` links to `name`. `after` is where this window
// starts ("" for the first).
void FillBacklinks(const PageName& name, const PageList& list,
                   const std::string& after, ctemplate::TemplateDictionary* d);

// Wanted pages from the `offset`th on, `page_size` per window.
void FillWanted(const WantedPages& wanted, int64_t offset, int page_size,
                ctemplate::TemplateDictionary* d);

// Orphaned pages, from after `after` ("" for the first window).
void FillOrphans(const PageList& list, const std::string& after,
                 ctemplate::TemplateDictionary* d);

}  // namespace wikid
