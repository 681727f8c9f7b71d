#include "views/search_handlers.h"

#include <algorithm>

#include "model/text/search_query.h"
#include "views/fill/file_fill.h"
#include "views/base/render.h"
#include "views/fill/search_fill.h"

namespace wikid {
namespace {

// The most files a search lists by name.
constexpr int kFileHits = 10;

// The page named what was searched for: found (among the hits, whose name
// matches come first, by its exact name, else in any letter case, or by a
// lookup), or free to create.
// The name a query offers: the query itself, or a phrase's words without
// its quotes ("two words" offers the page Two words, not "two words").
std::string OfferedName(std::string_view query) {
  if (query.size() > 2 && query.front() == '"' && query.back() == '"' &&
      query.substr(1, query.size() - 2).find('"') == std::string_view::npos) {
    return std::string(query.substr(1, query.size() - 2));
  }
  return std::string(query);
}

void OfferPage(Context& ctx, const SearchResults& results,
               SearchPageState* state) {
  auto name = PageName::Parse(OfferedName(state->query));
  if (!name.ok()) return;
  const std::string key = PageKey(name->title());
  const SearchHit* same_key = nullptr;
  for (const SearchHit& hit : results.hits) {
    if (hit.title == name->title()) {
      state->exact_page = *name;
      return;
    }
    if (same_key == nullptr && PageKey(hit.title) == key) same_key = &hit;
  }
  if (same_key != nullptr) {
    if (auto found = PageName::Parse(same_key->title); found.ok()) state->exact_page = *found;
    return;
  }
  // By its name in any letter case (model/text/page_name.h: PageKey).
  auto existing = ctx.stores.pages.ExistingPages({name->title()});
  if (!existing.ok()) return;  // only an offer; the results still show
  if (auto found = existing->find(name->title()); found != existing->end()) {
    auto page = PageName::Parse(found->second);
    if (page.ok()) state->exact_page = *page;
  } else {
    state->missing_page = *name;
  }
}

// The files whose names start with what was searched for, in any letter
// case (issue 19: files are found by name), then those with a word of
// their names among its words: an index range and an index lookup,
// beside the pages' search, on the first page of results only.
void OfferFiles(Context& ctx, const std::string& query, ctemplate::TemplateDictionary* d) {
  std::string prefix = query;
  std::replace(prefix.begin(), prefix.end(), '_', ' ');  // as in addresses
  const size_t start = prefix.find_first_not_of(' ');
  if (start == std::string::npos) return;
  prefix = prefix.substr(start, prefix.find_last_not_of(' ') + 1 - start);
  auto files = ctx.stores.files.FindByNamePrefix(prefix, kFileHits);
  if (!files.ok()) return;  // only an offer
  // Then those with a word of their names among the query's ("photo"
  // finds Team_photo.jpg): one more index, newest first.
  if (static_cast<int>(files->files.size()) < kFileHits) {
    auto by_word = ctx.stores.files.FindByNameWords(FileNameWords(query), kFileHits);
    if (by_word.ok()) {
      for (FileRevision& file : by_word->files) {
        if (static_cast<int>(files->files.size()) == kFileHits) {
          files->more = true;
          break;
        }
        const bool listed = std::any_of(files->files.begin(), files->files.end(),
                                        [&](const FileRevision& f) { return f.name == file.name; });
        if (!listed) files->files.push_back(std::move(file));
      }
      files->more = files->more || by_word->more;
    }
  }
  if (files->files.empty()) return;
  ctemplate::TemplateDictionary* list = d->AddSectionDictionary("FILES");
  for (const FileRevision& file : files->files) {
    ctemplate::TemplateDictionary* hit = list->AddSectionDictionary("FILE_HIT");
    hit->SetValue("NAME", file.name);
    hit->SetValue("URL", FilePageUrl(file.name));
  }
  if (files->more) list->ShowSection("MORE_FILES");
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
  auto parsed = ParseSearch(state.query);
  if (parsed.ok()) {
    auto found = ctx.stores.pages.Search(*parsed, state.offset, state.page_size);
    if (found.ok()) {
      results = std::move(*found);
    } else if (found.status().IsInvalid()) {
      state.error = found.status().message();
    } else {
      return ErrorPage(ctx, found.status());
    }
  } else {
    state.error = parsed.status().message();
  }
  if (!state.error.empty()) status = 400;
  if (state.offset == 0) OfferPage(ctx, results, &state);
  FillSearch(state, results, page.content());
  if (state.offset == 0) OfferFiles(ctx, state.query, page.content());
  return page.Render(ctx, status);
}

}  // namespace wikid
