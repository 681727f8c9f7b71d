// Sections of a page: what a section edit opens and replaces.
//
// A section is a heading at the top level of the page (not inside a quote
// or a list) and everything after it up to the next such heading of the
// same level or a higher one (fewer '#'), so a section holds its
// subsections. Section 0 is the text before the first heading (possibly
// empty). They are found in cmark's own tree, from the source line each
// heading starts on, as the renderer finds headings (ATX and setext; a '#'
// in a code block or an HTML block is no heading), and numbered as the
// renderer numbers its "Edit" links (views/markup/headings.h): both come from one
// parse of the same text.
//
// A section edit is a whole-page save: the base revision's text with one
// section replaced, saved on top of that revision, so a save that lost
// the race merges (or conflicts) exactly as a whole-page edit does.
#pragma once

#include <cmark-gfm.h>

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace wikid {

struct Section {
  int level = 0;     // 1-6; 0 for section 0
  size_t begin = 0;  // byte offsets in the source: [begin, end)
  size_t end = 0;
  std::string title;  // the heading as shown; "" for section 0
  std::string slug;   // the heading's anchor; "" for section 0
};

// The sections of `text`, parsed into `doc` (wiki links already made into
// nodes, so titles and anchors are the rendered ones): element 0 is the
// text before the first heading, element N the Nth section.
std::vector<Section> SectionsOf(cmark_node* doc, std::string_view text);

// `text` with `section` (of `text`) replaced by `replacement`. When text
// follows, a changed replacement ends with a blank line (one is added if
// it has none), so the next heading stays a heading and starts its line.
std::string ReplaceSection(std::string_view text, const Section& section,
                           std::string_view replacement);

// Section `n` of `before` found again in `after` (the sections of another
// revision of the page): the section whose heading has the same text and
// the same anchor, when that text heads no other section in either. An
// anchor alone can move to another section (a second "B" added above one
// makes the new one `b` and the old one `b-1`), so nullopt when the heading
// was renamed, removed or repeated, or its anchor shifted: the caller
// falls back to the whole page. Section 0 is always section 0.
std::optional<size_t> SameSection(const std::vector<Section>& before, size_t n,
                                  const std::vector<Section>& after);

}  // namespace wikid
