// Markdown: renders page text (CommonMark + GFM tables, strikethrough,
// autolinks, task lists) to HTML that is safe to put in a page as is, and
// finds the [[wiki links]] in it.
//
// Safety rests here: raw HTML in the source is dropped, javascript:,
// vbscript: and data: (other than images) URLs never become links, and
// wiki links are built as cmark AST nodes, never as HTML strings, so their
// labels are escaped by cmark's own renderer.
//
// Wiki links: [[Page Name]] and [[Page Name|label]] inside ordinary text
// (not inside code spans, code blocks or existing links). The target is
// parsed with PageName::Parse; an invalid target is left as plain text.
// A link to a page that exists renders as <a href="/Page_Name">; one to a
// missing page as <a href="/_edit/Page_Name">, so it leads to the edit
// form, and the stylesheet colours links into /_edit/ differently. (cmark
// cannot put a class on a link, and HTML must not be patched afterwards.)
//
// One Markdown per worker. cmark's extension registry is set up on first
// use, not at construction, so a worker starts fast (the lazy init the
// design asks for). Not thread-safe.
#pragma once

#include <functional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace wikid {

class Markdown {
 public:
  // Answers whether a page with this canonical title exists.
  using ExistsFn = std::function<bool(const std::string& title)>;

  Markdown() = default;
  Markdown(const Markdown&) = delete;
  Markdown& operator=(const Markdown&) = delete;

  // The canonical titles of the valid [[wiki link]] targets in `text`,
  // sorted and without duplicates.
  std::set<std::string> LinkTargets(std::string_view text);

  // Renders `text` to safe HTML. `exists` is asked once per distinct link
  // target.
  std::string ToHtml(std::string_view text, const ExistsFn& exists);

 private:
  void EnsureInitialised();
  bool initialised_ = false;
};

}  // namespace wikid
