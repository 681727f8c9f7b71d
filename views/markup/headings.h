// Headings of a page: their anchors and the table of contents.
//
// Every heading gets an id, the slug of its text as GitHub makes it
// (model/text/heading_slug.h: lowercased, punctuation dropped, spaces as
// hyphens; a slug already used on the page gets "-1", "-2"... in order),
// so "#getting-started" names a section in links, in the table of
// contents and in [[Page#Getting started]]. A page with kContentsFrom
// headings or more shows its contents before the first heading, as
// nested lists, without JavaScript.
//
// Both are made in cmark's tree, before it renders, like wiki links
// (views/markup/markdown.h): a heading becomes a custom block whose opening tag
// carries the id (a slug holds only letters, digits, '-' and '_'), and
// the contents are list, link and text nodes, so cmark escapes every
// heading's text.
//
// Headings at the top level of the page (not inside a quote or a list)
// start its sections (views/markup/sections.h); given the address of a section's
// edit form, each gets an "Edit" link to it, built from nodes as well.
#pragma once

#include <cmark-gfm.h>

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace wikid {

inline constexpr size_t kContentsFrom = 3;

// One heading of a parsed document, in document order.
struct Heading {
  cmark_node* node = nullptr;
  int level = 1;
  std::string text;  // as shown: wiki links by their labels
  std::string slug;  // unique on the page: its anchor
  bool top_level = false;  // a child of the document: it starts a section
};

// Every heading of `doc` (wiki links already made into nodes), with its
// text and its anchor: what the renderer shows and what section edits
// find (views/markup/sections.h), so both always agree.
std::vector<Heading> FindHeadings(cmark_node* doc);

// Gives the headings of a parsed document their anchors and, from
// kContentsFrom headings with text on, puts the contents before the first.
// With a non-empty `section_edit_url`, each top-level heading also gets an
// "Edit" link to `section_edit_url` followed by its section's number (1
// for the first). Must outlive the rendering of `doc`: cmark's inline text
// points into the heading nodes it replaces, which it keeps until then.
class HeadingAnchors {
 public:
  explicit HeadingAnchors(cmark_node* doc, std::string_view section_edit_url = {});
  ~HeadingAnchors();
  HeadingAnchors(const HeadingAnchors&) = delete;
  HeadingAnchors& operator=(const HeadingAnchors&) = delete;

 private:
  std::vector<cmark_node*> replaced_;
};

}  // namespace wikid
