// MediaWiki's wikitext to wikid's Markdown, for `wikid import`: the
// constructs most pages are made of, line by line, so that an imported
// page reads as it did. What is converted:
//   == Heading ==             ->  ## Heading          (level = number of '=')
//   '''bold''' ''italic''     ->  **bold** *italic*   ('''''both''''' -> ***both***)
//   * item / ** nested        ->  - item / "  - nested"
//   # item / ## nested        ->  1. item / "   1. nested"
//   [http://x label]          ->  [label](http://x)
//   [http://x]                ->  <http://x>
//   <pre>, <syntaxhighlight>, <source> blocks on lines of their own
//                             ->  ``` fenced code, their lines untouched
// What wikid reads alike and is kept: [[Page]], [[Page|label]],
// [[Page#Section]], [[File:X.png|alt|300px]], #REDIRECT [[Page]], bare
// URLs, ---- rules, paragraphs.
// What is left as is (wikid shows it as text; raw HTML tags are dropped
// by its renderer): templates {{...}}, tables {| ... |}, <ref> and other
// tags, <nowiki> (its content is converted like any text), definition
// lists (; and :), indented preformatted lines (a leading space),
// categories ([[Category:X]] becomes a link to a page of that name),
// magic words (__TOC__), signatures (~~~~), link trails ([[a]]s).
#pragma once

#include <string>
#include <string_view>

namespace wikid {

// The note an imported revision's summary gets when its text was
// converted (model/exchange/wiki_import.h).
inline constexpr char kConvertedNote[] = "[converted from MediaWiki wikitext]";

std::string WikitextToMarkdown(std::string_view wikitext);

}  // namespace wikid
