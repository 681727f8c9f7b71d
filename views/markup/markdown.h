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
// [[Page#Section]] and [[#Section]] lead to a heading's anchor (the slug
// of the section's name, views/markup/headings.h: headings get ids and long
// pages a table of contents); a section that does not exist is no error.
//
// Images: [[File:Photo.jpg]], [[File:Photo.jpg|alt text]] and
// [[File:Photo.jpg|alt text|300px]] (the parts after the name in any
// order) show an uploaded image, 300 pixels wide (never wider than it
// is), with its width and height and loading=lazy, linked to its file
// page, from a thumbnail when one is smaller (model/media/
// thumbnail_size.h); a file not uploaded yet is a missing link to the
// upload form with its name filled in; a file that is no image, a link to
// its page. An embed is a link whose target is "File:NAME" (kept with the
// page's links: model/store/page_store.h), so a name after "File:" that
// is no file name, or one with a '#', stays text. Markdown's own image
// syntax, ![alt](url), is cmark's as before (data: images only pass its
// URL check; the site's policy allows no other host's).
//
// What a text renders to is part of every rendering's key (kRendererVersion),
// so a wikid whose renderer changed never shows renderings of an older one.
//
// Bounded: cmark-gfm 0.29.0.gfm.6 (Debian 12) takes time quadratic in
// some inputs (measured here: "www.a_" repeated, 2.1 s at 64 KiB;
// "![[]()" repeated, 1 s at 128 KiB; a table 10,000 columns wide, 0.44 s
// at 60 KB; twice the size costs four times as much; fixed upstream in
// 0.29.0.gfm.7-13: CVE-2023-22483/22484/22486, -24824, -26485, -37463).
// So every parse runs on a BudgetedThread: text that needs more CPU time
// than the budget is refused (Status kTooComplex), and the worker is
// replaced after answering (views/markup/budgeted_thread.h). What is ours is
// linear: the [[link]] scan is one pass, and the depth of links around a
// text node is counted on the way in and out (searching back from each
// "]]", and walking each node's parents, made 1 MiB of "]]" and emphasis
// nested 40,000 deep take minutes).
//
// One Markdown per worker. cmark's extension registry is set up on first
// use, not at construction, so a worker starts fast (the lazy init the
// design asks for). Not thread-safe.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "model/base/status.h"
#include "model/store/page_store.h"
#include "views/markup/budgeted_thread.h"
#include "views/markup/sections.h"

namespace wikid {

// Which HTML the renderer makes: raised whenever a text would render
// differently (2: headings with anchors, contents, section links; 3: an
// "Edit" link on each section's heading; 4: [[File:...]] embeds; 5: code
// blocks focusable and task-list checkboxes named), and part of
// the render cache's keys (WikiOptions::renderer_version).
inline constexpr char kRendererVersion[] = "5";

// Safe HTML shown in place of a text that overran the budget (a revision
// saved before saves were bounded, or a bio).
inline constexpr char kTooComplexNotice[] =
    "<p class=\"notice\">This text is too complex to show: rendering it "
    "takes longer than this wiki allows.</p>\n";

class Markdown {
 public:
  // The link targets that lead to a page, with that page's title (its
  // own, or one that differs only in case: PageStore's LinkTitles), for
  // colouring links and for where they lead; nullopt shows every link as
  // existing, under its own name (bios: no query per link).
  using Existing = std::optional<std::map<std::string, std::string>>;
  // The files the text's embeds name that exist, at their latest
  // revisions (PageRevision::files); nullopt shows every embed as a link
  // to its file page (bios: no query per embed).
  using Files = std::optional<EmbeddedFiles>;

  explicit Markdown(BudgetedThread::Budget budget = {}) : thread_(budget) {}
  Markdown(const Markdown&) = delete;
  Markdown& operator=(const Markdown&) = delete;

  // The canonical titles of the valid [[wiki link]] targets in `text`,
  // sorted and without duplicates, for a save: kTooComplex when the text
  // does not render in half the budget (so what is saved always renders
  // within the budget when shown).
  Result<std::set<std::string>> LinkTargets(std::string_view text);

  // Renders `text` to safe HTML; kTooComplex past the budget.
  // (Unavailable if an earlier call overran: the worker is being
  // replaced.) With a non-empty `section_edit_url`, each section's heading
  // links to `section_edit_url` + its number (views/markup/headings.h).
  Result<std::string> ToHtml(std::string_view text, Existing existing,
                             Files files = std::nullopt,
                             std::string_view section_edit_url = {});

  // The sections of `text` (views/markup/sections.h), found by the same parse
  // that renders it; kTooComplex past the budget, as ToHtml.
  Result<std::vector<Section>> Sections(std::string_view text);

  // A parse overran its budget and still runs: every later call fails,
  // and the process should end after its request (fcgi/worker.cc).
  bool overran() const { return thread_.overran(); }

 private:
  Status Refusal(BudgetedThread::Outcome outcome, std::chrono::milliseconds budget) const;

  BudgetedThread thread_;
};

}  // namespace wikid
