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
// (views/markdown.h): a heading becomes a custom block whose opening tag
// carries the id (a slug holds only letters, digits, '-' and '_'), and
// the contents are list, link and text nodes, so cmark escapes every
// heading's text.
#pragma once

#include <cmark-gfm.h>

#include <cstddef>
#include <string>
#include <vector>

namespace wikid {

inline constexpr size_t kContentsFrom = 3;

// Gives the headings of a parsed document their anchors and, from
// kContentsFrom headings with text on, puts the contents before the first. Must
// outlive the rendering of `doc`: cmark's inline text points into the
// heading nodes it replaces, which it keeps until then.
class HeadingAnchors {
 public:
  explicit HeadingAnchors(cmark_node* doc);
  ~HeadingAnchors();
  HeadingAnchors(const HeadingAnchors&) = delete;
  HeadingAnchors& operator=(const HeadingAnchors&) = delete;

 private:
  std::vector<cmark_node*> replaced_;
};

}  // namespace wikid
