#include "views/markup/markdown.h"

#include <cmark-gfm-core-extensions.h>
#include <cmark-gfm.h>

#include <map>
#include <memory>
#include <optional>
#include <vector>

#include "model/media/media.h"
#include "model/media/thumbnail_size.h"
#include "model/text/file_name.h"
#include "model/text/heading_slug.h"
#include "model/text/page_name.h"
#include "views/markup/headings.h"
#include "views/markup/sections.h"

namespace wikid {
namespace {

// Extensions for GFM tables, ~~strikethrough~~, bare www./https:// links,
// task lists, and the filter that disarms <script>-like tags.
constexpr const char* kExtensions[] = {"table", "strikethrough", "autolink",
                                       "tagfilter", "tasklist"};

// CMARK_OPT_DEFAULT is the safe mode: raw HTML is omitted and javascript:,
// vbscript:, file: and non-image data: URLs render as empty hrefs. Never
// add CMARK_OPT_UNSAFE for page text.
constexpr int kOptions = CMARK_OPT_DEFAULT;

struct ParserDeleter {
  void operator()(cmark_parser* p) const { cmark_parser_free(p); }
};
struct NodeDeleter {
  void operator()(cmark_node* n) const { cmark_node_free(n); }
};
struct IterDeleter {
  void operator()(cmark_iter* i) const { cmark_iter_free(i); }
};
using Parser = std::unique_ptr<cmark_parser, ParserDeleter>;
using Document = std::unique_ptr<cmark_node, NodeDeleter>;

Parser NewParser() {
  Parser parser(cmark_parser_new(kOptions));
  for (const char* name : kExtensions) {
    if (cmark_syntax_extension* ext = cmark_find_syntax_extension(name)) {
      cmark_parser_attach_syntax_extension(parser.get(), ext);
    }
  }
  return parser;
}

Document Parse(cmark_parser* parser, std::string_view text) {
  cmark_parser_feed(parser, text.data(), text.size());
  Document doc(cmark_parser_finish(parser));
  // Adjacent text nodes become one, so "[[A B]]" is never split.
  cmark_consolidate_text_nodes(doc.get());
  return doc;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
    s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t'))
    s.remove_suffix(1);
  return s;
}

// One [[target#section|label]] found in a text literal.
struct WikiLink {
  size_t begin = 0;  // offset of "[["
  size_t end = 0;    // offset just past "]]"
  std::optional<PageName> target;  // none: this page ([[#Section]])
  std::string section;             // as typed after '#'; may be empty
  std::string label;               // an embed's: its alt text
  std::optional<FileName> file;    // an embed: [[File:NAME|alt|300px]]
  int64_t width = 0;               // the width an embed asks for; 0: none
};

// The part of an embed after its name: "alt", "300px", "alt|300px" or
// "300px|alt". A part of 1 to 5 digits and "px" is the width; the rest,
// joined, is the alt text (the file's name when empty).
void ParseEmbedOptions(std::string_view options, WikiLink* link) {
  std::string alt;
  while (!options.empty()) {
    const size_t bar = options.find('|');
    std::string_view part = Trim(options.substr(0, bar));
    options = bar == std::string_view::npos ? std::string_view()
                                            : options.substr(bar + 1);
    const std::string_view digits = part.ends_with("px")
                                        ? part.substr(0, part.size() - 2)
                                        : std::string_view();
    if (!digits.empty() && digits.size() <= 5 &&
        digits.find_first_not_of("0123456789") == std::string_view::npos) {
      link->width = std::stoll(std::string(digits));
      continue;
    }
    if (part.empty()) continue;
    if (!alt.empty()) alt += '|';
    alt += part;
  }
  link->label = alt.empty() ? link->file->title() : alt;
}

// The valid wiki links in `literal`, in order. "[[" ... "]]" pairs whose
// target is not a valid page name stay plain text. One pass: each "]]"
// pairs with the nearest "[[" before it that no earlier pair used, so
// "[[[[x]]]]" links x. (Searching back from every "]]" for its "[[" made
// a page of "]]" repeated quadratic: 1 MiB of it took over a minute.)
std::vector<WikiLink> FindWikiLinks(std::string_view literal) {
  std::vector<WikiLink> links;
  constexpr size_t kNone = std::string_view::npos;
  size_t open = kNone;  // the last unused "[[" so far
  for (size_t i = 0; i + 1 < literal.size(); ++i) {
    if (literal[i] == '[' && literal[i + 1] == '[') {
      open = i;
      continue;
    }
    if (literal[i] != ']' || literal[i + 1] != ']') continue;
    size_t close = i;
    i = close + 1;  // the loop's ++i steps past the "]]"
    if (open == kNone || open + 2 > close) continue;
    const size_t begin = open;
    open = kNone;
    std::string_view inner = literal.substr(begin + 2, close - begin - 2);
    if (inner.find('\n') != std::string_view::npos) continue;
    size_t bar = inner.find('|');
    std::string_view target = Trim(inner.substr(0, bar));
    std::string_view label =
        bar == std::string_view::npos ? target : Trim(inner.substr(bar + 1));
    // '#' is never part of a page name: what follows names a section.
    const size_t hash = target.find('#');
    std::string_view page = Trim(target.substr(0, hash));
    std::string_view section =
        hash == std::string_view::npos ? std::string_view() : Trim(target.substr(hash + 1));
    WikiLink link{.begin = begin,
                  .end = close + 2,
                  .section = std::string(section),
                  .label = std::string(label.empty() ? target : label)};
    // "[[#]]" and "[[C#]]" (no section after the '#') stay text: '#' is
    // no part of a page name, so neither names a page.
    if (hash != std::string_view::npos && section.empty()) continue;
    if (page.starts_with(kFileLinkPrefix)) {
      // An embed. "File:" followed by anything but a file name, or with a
      // section, stays text: every link whose target starts "File:" is an
      // embed (page_store.h), never a page.
      if (hash != std::string_view::npos) continue;
      auto file = FileName::Parse(
          page.substr(std::string_view(kFileLinkPrefix).size()));
      if (!file.ok()) continue;
      auto name = PageName::Parse(kFileLinkPrefix + file->title());
      if (!name.ok()) continue;
      link.target = *name;
      link.file = *file;
      ParseEmbedOptions(bar == std::string_view::npos ? std::string_view()
                                                      : inner.substr(bar + 1),
                        &link);
    } else if (page.empty()) {
      if (section.empty()) continue;
    } else {
      auto name = PageName::Parse(page);
      if (!name.ok()) continue;
      link.target = *name;
    }
    links.push_back(std::move(link));
  }
  return links;
}

// The text nodes of `doc` that may hold wiki links: not inside a link or an
// image (code spans and blocks are other node types, so never seen). The
// depth of links around the current node is counted on the way in and out,
// not looked up per node: nesting thousands deep must stay linear.
std::vector<cmark_node*> LinkableTextNodes(cmark_node* doc) {
  std::vector<cmark_node*> nodes;
  std::unique_ptr<cmark_iter, IterDeleter> iter(cmark_iter_new(doc));
  size_t link_depth = 0;
  cmark_event_type event;
  while ((event = cmark_iter_next(iter.get())) != CMARK_EVENT_DONE) {
    cmark_node* node = cmark_iter_get_node(iter.get());
    cmark_node_type type = cmark_node_get_type(node);
    if (type == CMARK_NODE_LINK || type == CMARK_NODE_IMAGE) {
      if (event == CMARK_EVENT_ENTER) ++link_depth;
      if (event == CMARK_EVENT_EXIT) --link_depth;
    } else if (type == CMARK_NODE_TEXT && event == CMARK_EVENT_ENTER &&
               link_depth == 0) {
      nodes.push_back(node);
    }
  }
  return nodes;
}

cmark_node* NewText(std::string_view text) {
  cmark_node* node = cmark_node_new(CMARK_NODE_TEXT);
  cmark_node_set_literal(node, std::string(text).c_str());
  return node;
}

// `text` escaped for HTML text and for an attribute value in double or
// single quotes.
std::string EscapeHtml(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

cmark_node* NewLink(const std::string& url, const std::string& title,
                    std::string_view label) {
  cmark_node* anchor = cmark_node_new(CMARK_NODE_LINK);
  cmark_node_set_url(anchor, url.c_str());
  cmark_node_set_title(anchor, title.c_str());
  cmark_node_append_child(anchor, NewText(label));
  return anchor;
}

// What an embed becomes. An image that exists: an <img> with its size
// (SizeToShow: the width asked for, never wider than the image) and
// loading=lazy, from its thumbnail or its own immutable address, inside a
// link to its file page. cmark has no node for an <img> with a size, and
// its safe mode drops raw HTML, so this is a custom inline node whose HTML
// we write here, and only here: every value in it is escaped (the alt
// text as typed, the file's name, already percent-encoded in the URLs)
// or a number, so neither can end an attribute or start a tag. A file
// that is no image: a link to its page; a file not uploaded yet: a link
// to the upload form with its name filled in, which the stylesheet shows
// as missing (as a link to a page not written yet). Without `files` (a
// bio: no query per embed), a link to the file page.
cmark_node* EmbedNode(const WikiLink& link, const Markdown::Files& files,
                      bool custom_allowed) {
  const std::string& linked = link.file->title();
  if (!files)
    return NewLink("/_file-page" + UrlPathOfTitle(linked), "", link.label);
  auto found = files->find(linked);
  if (found == files->end()) {
    return NewLink(
        "/_upload?name=" + PercentEncode(link.file->UrlName(), "-._~%"),
        linked + " (not uploaded yet)", link.label);
  }
  const EmbeddedFile& file = found->second;
  const std::string page_url = "/_file-page" + UrlPathOfTitle(file.name);
  if (!ServedInline(file.content_type) || file.width <= 0 || file.height <= 0) {
    return NewLink(page_url, file.name, link.label);
  }
  const ShownSize shown = SizeToShow(file.width, file.height, link.width,
                                     HasThumbnails(file.content_type));
  const std::string src =
      shown.thumbnail_width > 0
          ? "/_thumb/" + file.sha256 + "/" +
                std::to_string(shown.thumbnail_width) +
                UrlPathOfTitle(file.name)
          : "/_blob/" + file.sha256 + UrlPathOfTitle(file.name);
  if (!custom_allowed) {
    // Where cmark refuses a custom node (a table cell takes only the
    // inline nodes its extension lists), cmark's own image: no size and
    // no lazy loading, but the picture, inside the same link.
    cmark_node* image = cmark_node_new(CMARK_NODE_IMAGE);
    cmark_node_set_url(image, src.c_str());
    cmark_node_append_child(image, NewText(link.label));
    cmark_node* anchor = cmark_node_new(CMARK_NODE_LINK);
    cmark_node_set_url(anchor, page_url.c_str());
    cmark_node_append_child(anchor, image);
    return anchor;
  }
  const std::string html =
      "<a class=\"image\" href=\"" + EscapeHtml(page_url) + "\"><img src=\"" +
      EscapeHtml(src) + "\" alt=\"" + EscapeHtml(link.label) + "\" width=\"" +
      std::to_string(shown.width) + "\" height=\"" +
      std::to_string(shown.height) + "\" loading=\"lazy\"></a>";
  cmark_node* node = cmark_node_new(CMARK_NODE_CUSTOM_INLINE);
  cmark_node_set_on_enter(node, html.c_str());
  return node;
}

// Replaces `node` by text, link, text... Links are AST nodes, so cmark's
// renderer escapes their labels; the URLs are local paths we built from a
// validated PageName, so its URL check has nothing to remove.
void SplitIntoLinks(
    cmark_node* node, const std::vector<WikiLink>& links,
    const std::map<std::string, std::optional<PageName>>& exists,
    const Markdown::Files& files) {
  std::string literal = cmark_node_get_literal(node);
  size_t done = 0;
  for (const WikiLink& link : links) {
    if (link.begin > done) {
      cmark_node_insert_before(node, NewText(std::string_view(literal).substr(
                                         done, link.begin - done)));
    }
    if (link.file) {
      // cmark refuses a child its parent may not hold and leaves it to us.
      cmark_node* embed = EmbedNode(link, files, /*custom_allowed=*/true);
      if (!cmark_node_insert_before(node, embed)) {
        cmark_node_free(embed);
        cmark_node_insert_before(node, EmbedNode(link, files, false));
      }
      done = link.end;
      continue;
    }
    // A section is named by its heading's slug (views/markup/headings.h); one
    // that does not exist just leads to the top of the page.
    const std::string fragment =
        link.section.empty() ? "" : "#" + HeadingSlug(link.section);
    std::string url, title;
    if (!link.target) {
      url = fragment;
    } else if (const auto& page = exists.at(link.target->title())) {
      // The page's own name, where the link differs from it in case.
      url = page->UrlPath() + fragment;
      title = page->title();
    } else {
      // A missing page links to its edit form; the stylesheet shows links
      // into /_edit/ differently, so readers see it is not written yet.
      url = "/_edit" + link.target->UrlPath();
      title = link.target->title() + " (not written yet)";
    }
    cmark_node_insert_before(node, NewLink(url, title, link.label));
    done = link.end;
  }
  if (done < literal.size()) {
    cmark_node_insert_before(node, NewText(std::string_view(literal).substr(done)));
  }
  cmark_node_unlink(node);
  cmark_node_free(node);
}

// `text` parsed, its [[wiki links]] made into link nodes (coloured by
// `existing`) and its embeds into images (`files`); `targets`, if given,
// gets their targets (an embed's is "File:NAME", page_store.h).
Document ParseWithLinks(cmark_parser* parser, std::string_view text,
                        const Markdown::Existing& existing,
                        const Markdown::Files& files,
                        std::set<std::string>* targets = nullptr) {
  Document doc = Parse(parser, text);
  // Each target once: the page it leads to, if any.
  std::map<std::string, std::optional<PageName>> known;
  for (cmark_node* node : LinkableTextNodes(doc.get())) {
    std::vector<WikiLink> links = FindWikiLinks(cmark_node_get_literal(node));
    if (links.empty()) continue;
    for (const WikiLink& link : links) {
      if (!link.target) continue;  // this page
      const std::string& title = link.target->title();
      if (known.contains(title)) continue;
      if (!existing || link.file) {
        known[title] = *link.target;
      } else if (auto found = existing->find(title); found != existing->end()) {
        auto page = PageName::Parse(found->second);
        known[title] = page.ok() ? std::optional<PageName>(*page) : std::nullopt;
      } else {
        known[title] = std::nullopt;
      }
    }
    SplitIntoLinks(node, links, known, files);
  }
  if (targets) {
    for (const auto& [title, found] : known) targets->insert(title);
  }
  return doc;
}

// Replaces every `from` in `html` with `to`.
void ReplaceAll(std::string& html, std::string_view from, std::string_view to) {
  for (size_t at = html.find(from); at != std::string::npos; at = html.find(from, at + to.size())) {
    html.replace(at, from.size(), to);
  }
}

// cmark's HTML made usable without a mouse and with a screen reader
// (issue 21, axe-core's findings): a code block scrolls sideways inside
// the page, so it takes the keyboard's focus to be scrolled
// (tabindex="0"); a task list's checkbox gets a name (its item's text
// follows it, but is no label of it). Plain replacements are safe: in the
// safe mode page text never yields raw HTML, so these tags come from cmark
// only (tasklist writes `checked="" ` before `disabled=""` when done).
std::string Accessible(std::string html) {
  ReplaceAll(html, "<pre>", "<pre tabindex=\"0\">");
  ReplaceAll(html, "<pre lang=", "<pre tabindex=\"0\" lang=");
  ReplaceAll(html, "<input type=\"checkbox\" checked=\"\" disabled=\"\" />",
             "<input type=\"checkbox\" checked=\"\" disabled=\"\" aria-label=\"Done\" />");
  ReplaceAll(html, "<input type=\"checkbox\" disabled=\"\" />",
             "<input type=\"checkbox\" disabled=\"\" aria-label=\"Not done yet\" />");
  return html;
}

// The HTML of `text`; `targets`, if given, gets its link targets.
std::string RenderHtml(std::string_view text,
                       const Markdown::Existing& existing,
                       const Markdown::Files& files,
                       std::string_view section_edit_url = {},
                       std::set<std::string>* targets = nullptr) {
  Parser parser = NewParser();
  Document doc = ParseWithLinks(parser.get(), text, existing, files, targets);
  // After the links, so a heading's contents entry shows their labels.
  HeadingAnchors anchors(doc.get(), section_edit_url);
  char* html = cmark_render_html(doc.get(), kOptions,
                                 cmark_parser_get_syntax_extensions(parser.get()));
  std::string out(html);
  cmark_get_default_mem_allocator()->free(html);
  return Accessible(std::move(out));
}

// Once per process, before the first parse: cmark's extension registry
// is global, and written only here.
void EnsureRegistered() {
  static const bool registered = [] {
    cmark_gfm_core_extensions_ensure_registered();
    return true;
  }();
  (void)registered;
}

}  // namespace

Status Markdown::Refusal(BudgetedThread::Outcome outcome,
                         std::chrono::milliseconds budget) const {
  if (outcome == BudgetedThread::Outcome::kRefused) {
    // Only after an overrun in this request; the worker is replaced next.
    return Status::Unavailable("This worker is being replaced; please try again.");
  }
  return Status::TooComplex(
      "This text needs too long to render: more than " +
      std::to_string(budget.count()) +
      " ms, the most this wiki allows (Markdown nested or bracketed "
      "thousands deep, or a table thousands of columns wide, do that); "
      "please simplify it.");
}

Result<std::set<std::string>> Markdown::LinkTargets(std::string_view text) {
  EnsureRegistered();
  // The job owns its input and output: after an overrun it outlives us.
  // It renders too, in half the budget, so that a saved text renders
  // within the whole budget when it is shown.
  auto job = std::make_shared<std::pair<std::string, std::set<std::string>>>(
      std::string(text), std::set<std::string>());
  const auto half = thread_.budget().cpu / 2;
  auto outcome = thread_.Run(
      [job] {
        RenderHtml(job->first, std::nullopt, std::nullopt, {}, &job->second);
      },
      half);
  if (outcome != BudgetedThread::Outcome::kFinished)
    return Refusal(outcome, half);
  return std::move(job->second);
}

Result<std::string> Markdown::ToHtml(std::string_view text, Existing existing,
                                     Files files,
                                     std::string_view section_edit_url) {
  EnsureRegistered();
  struct Job {
    std::string text;
    Existing existing;
    Files files;
    std::string section_edit_url;
    std::string html;
  };
  auto job = std::make_shared<Job>(Job{std::string(text),
                                       std::move(existing),
                                       std::move(files),
                                       std::string(section_edit_url),
                                       {}});
  auto outcome = thread_.Run([job] {
    job->html =
        RenderHtml(job->text, job->existing, job->files, job->section_edit_url);
  });
  if (outcome != BudgetedThread::Outcome::kFinished) {
    return Refusal(outcome, thread_.budget().cpu);
  }
  return std::move(job->html);
}

Result<std::vector<Section>> Markdown::Sections(std::string_view text) {
  EnsureRegistered();
  struct Job {
    std::string text;
    std::vector<Section> sections;
  };
  auto job = std::make_shared<Job>(Job{std::string(text), {}});
  auto outcome = thread_.Run([job] {
    Parser parser = NewParser();
    Document doc =
        ParseWithLinks(parser.get(), job->text, std::nullopt, std::nullopt);
    job->sections = SectionsOf(doc.get(), job->text);
  });
  if (outcome != BudgetedThread::Outcome::kFinished) {
    return Refusal(outcome, thread_.budget().cpu);
  }
  return std::move(job->sections);
}

}  // namespace wikid
