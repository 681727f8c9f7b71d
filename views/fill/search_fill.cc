#include "views/fill/search_fill.h"

#include <regex>

#include "model/text/search_query.h"

namespace wikid {
namespace {

// Splits text marked by FTS5's highlight() or snippet() into its parts,
// each a section `section` with MATCH or PLAIN shown.
void FillMarked(const std::string& marked, const char* section,
                ctemplate::TemplateDictionary* d) {
  bool in_match = false;
  std::string part;
  auto flush = [&] {
    if (part.empty()) return;
    d->AddSectionDictionary(section)->SetValueAndShowSection(
        "TEXT", part, in_match ? "MATCH" : "PLAIN");
    part.clear();
  };
  for (char c : marked) {
    if (c == kMatchStart || c == kMatchEnd) {
      flush();
      in_match = c == kMatchStart;
    } else {
      part += c;
    }
  }
  flush();
}

// A snippet as a reader would see the text: the page's Markdown without
// its markup (headings' #s, emphasis, code marks, list and quote markers,
// table bars, link targets), on one line. The match marks stay where they
// were; a link cut by the snippet's edge loses what is left of its marks.
std::string PlainSnippet(const std::string& marked) {
  // [[Target|label]] shows its label, [[Target]] its name; ![alt](url)
  // and [text](url) their words.
  static const std::regex kWikiLabel(R"(\[\[[^\]|\n]*\|([^\]\n]*)\]\])");
  // Its target may be cut by the snippet's edge, before the ellipsis
  // (U+2026, whose UTF-8 starts with the byte E2), which stays.
  static const std::regex kLink(std::string(R"(!?\[([^\]\n]*)\]\([^)\s)") + '\xE2' + "]*\\)?");
  // At the start of a line: headings, list items (with a task box),
  // numbered items, quotes, fences and table rules.
  static const std::regex kLineMarks(
      R"((^|\n)[ \t]*(#{1,6}[ \t]+|[-*+][ \t]+(\[[ xX]\][ \t]+)?|[0-9]+[.)][ \t]+|>[ \t]?|```[^\n]*|~~~[^\n]*|\|?[ \t]*:?-{3,}:?[ \t]*(\|[ \t]*:?-{3,}:?[ \t]*)*\|?[ \t]*(?=\n|$)))");
  static const std::regex kInlineMarks(R"(\*\*|__|~~|`|\[\[|\]\]|\*(?=\S))");
  static const std::regex kClosingStar(R"((\S)\*)");
  std::string text = std::regex_replace(marked, kWikiLabel, "$1");
  text = std::regex_replace(text, kLink, "$1");
  text = std::regex_replace(text, kLineMarks, "$1");
  text = std::regex_replace(text, kInlineMarks, "");
  text = std::regex_replace(text, kClosingStar, "$1");
  // Table bars and line ends become spaces, and runs of spaces one.
  std::string plain;
  plain.reserve(text.size());
  for (char c : text) {
    if (c == '|' || c == '\n' || c == '\t' || c == '\r') c = ' ';
    if (c == ' ' && (plain.empty() || plain.back() == ' ')) continue;
    plain += c;
  }
  while (!plain.empty() && plain.back() == ' ') plain.pop_back();
  return plain;
}

std::string SearchUrl(const std::string& query, int64_t offset) {
  std::string url = "/_search?q=" + PercentEncodePath(query);
  if (offset > 0) url += "&from=" + std::to_string(offset);
  return url;
}

}  // namespace

void FillSearch(const SearchPageState& state, const SearchResults& results,
                ctemplate::TemplateDictionary* d) {
  d->SetValue("QUERY", state.query);
  d->SetIntValue("MAX_QUERY", static_cast<long>(kMaxSearchBytes));
  if (state.query.empty()) return;  // nothing searched yet
  if (!state.error.empty())
    d->SetValueAndShowSection("MESSAGE", state.error, "ERROR");
  if (state.exact_page) {
    ctemplate::TemplateDictionary* go = d->AddSectionDictionary("GO");
    go->SetValue("TITLE", state.exact_page->title());
    go->SetValue("URL", state.exact_page->UrlPath());
  }
  if (state.missing_page) {
    ctemplate::TemplateDictionary* create = d->AddSectionDictionary("CREATE");
    create->SetValue("TITLE", state.missing_page->title());
    create->SetValue("URL", "/_edit" + state.missing_page->UrlPath());
  }
  d->SetIntValue("FIRST", state.offset + 1);
  if (!state.error.empty()) return;
  if (results.partial_index) d->ShowSection("PARTIAL");
  if (results.total == 0) {
    d->ShowSection("NONE");
  } else {
    ctemplate::TemplateDictionary* count = d->AddSectionDictionary("COUNT");
    count->SetValue("TOTAL", (results.more ? "More than " : "") +
                                 std::to_string(results.total) +
                                 (results.total == 1 ? " page" : " pages"));
    if (results.more) {
      d->SetValueAndShowSection("CANDIDATES", std::to_string(results.total), "MANY");
    }
    if (results.total > static_cast<int64_t>(results.hits.size())) {
      ctemplate::TemplateDictionary* range =
          count->AddSectionDictionary("RANGE");
      range->SetIntValue("FIRST", state.offset + 1);
      range->SetIntValue(
          "LAST", state.offset + static_cast<int64_t>(results.hits.size()));
    }
  }
  for (const SearchHit& hit : results.hits) {
    ctemplate::TemplateDictionary* row = d->AddSectionDictionary("HIT");
    row->SetValue("URL", UrlPathOfTitle(hit.title));
    FillMarked(hit.title_marked, "TITLE_PART", row);
    FillMarked(PlainSnippet(hit.snippet), "SNIPPET_PART", row);
  }
  if (state.offset > 0) {
    d->SetValueAndShowSection(
        "URL",
        SearchUrl(state.query,
                  std::max<int64_t>(0, state.offset - state.page_size)),
        "PREVIOUS");
  }
  if (state.offset + static_cast<int64_t>(results.hits.size()) <
      results.total) {
    // Only as deep as the store pages (kMaxSearchOffset); past it, a
    // narrower search is the way on.
    const int64_t next = state.offset + state.page_size;
    if (next <= kMaxSearchOffset) {
      d->SetValueAndShowSection("URL", SearchUrl(state.query, next), "NEXT");
    } else {
      d->SetIntValue("PAGED", static_cast<long>(next));
      d->ShowSection("REFINE");
    }
  }
}

}  // namespace wikid
