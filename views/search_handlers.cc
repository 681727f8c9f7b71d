#include "views/search_handlers.h"

#include <algorithm>
#include <cctype>

#include "model/text/search_query.h"
#include "views/render.h"
#include "views/search_fill.h"

namespace wikid {
namespace {

bool SameIgnoringAsciiCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() &&
         std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

// The page named what was searched for: found (among the hits, whose name
// matches come first, in any letter case, or by its exact name), or free
// to create.
void OfferPage(Context& ctx, const SearchResults& results,
               SearchPageState* state) {
  auto name = PageName::Parse(state->query);
  if (!name.ok()) return;
  for (const SearchHit& hit : results.hits) {
    if (SameIgnoringAsciiCase(hit.title, name->title())) {
      if (auto found = PageName::Parse(hit.title); found.ok())
        state->exact_page = *found;
      return;
    }
  }
  auto existing = ctx.stores.pages.ExistingPages({name->title()});
  if (!existing.ok()) return;  // only an offer; the results still show
  if (existing->contains(name->title())) {
    state->exact_page = *name;
  } else {
    state->missing_page = *name;
  }
}

}  // namespace

Response ShowSearch(const Request& req, Context& ctx, std::string_view) {
  SearchPageState state;
  state.query = req.QueryText("q");
  state.page_size = ctx.site.search_page_size;
  auto from = OffsetParam(req, "from");
  if (!from.ok()) return ErrorPage(ctx, from.status());
  state.offset = *from;
  HtmlPage page(state.query.empty() ? "Search" : "Search: " + state.query,
                "search.tpl");
  page.NoIndex();
  SearchResults results;
  int status = 200;
  if (state.query.empty()) {  // the form alone
    FillSearch(state, results, page.content());
    return page.Render(ctx, 200);
  }
  auto fts = FtsQuery(state.query);
  if (fts.ok()) {
    auto found = ctx.stores.pages.Search(*fts, state.offset, state.page_size);
    if (found.ok()) {
      results = std::move(*found);
    } else if (found.status().IsInvalid()) {
      state.error = found.status().message();
    } else {
      return ErrorPage(ctx, found.status());
    }
  } else {
    state.error = fts.status().message();
  }
  if (!state.error.empty()) status = 400;
  if (state.offset == 0) OfferPage(ctx, results, &state);
  FillSearch(state, results, page.content());
  return page.Render(ctx, status);
}

}  // namespace wikid
