// Fill function for search results (search.tpl).
#pragma once

#include <ctemplate/template.h>

#include <cstdint>
#include <optional>
#include <string>

#include "model/store/page_store.h"

namespace wikid {

// What the search page shows besides the results.
struct SearchPageState {
  std::string query;                     // as typed
  std::string error;                     // why nothing was searched, if so
  std::optional<PageName> exact_page;    // a page named exactly `query` exists
  std::optional<PageName> missing_page;  // `query` is a page name not yet used
  int64_t offset = 0;                    // of the first hit shown
  int page_size = 20;
};

// search.tpl: the form alone when nothing was searched. Matched words come marked with kMatchStart and kMatchEnd;
// they become <mark> elements around escaped text.
void FillSearch(const SearchPageState& state, const SearchResults& results,
                ctemplate::TemplateDictionary* d);

}  // namespace wikid
