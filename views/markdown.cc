#include "views/markdown.h"

#include <cmark-gfm-core-extensions.h>
#include <cmark-gfm.h>

#include <map>
#include <memory>
#include <vector>

#include "model/text/page_name.h"

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

// One [[target|label]] found in a text literal.
struct WikiLink {
  size_t begin = 0;  // offset of "[["
  size_t end = 0;    // offset just past "]]"
  PageName target;
  std::string label;
};

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// The valid wiki links in `literal`, in order. "[[" ... "]]" pairs whose
// target is not a valid page name stay plain text.
std::vector<WikiLink> FindWikiLinks(std::string_view literal) {
  std::vector<WikiLink> links;
  size_t pos = 0;
  while (pos < literal.size()) {
    size_t close = literal.find("]]", pos);
    if (close == std::string_view::npos) break;
    // The innermost "[[" before this "]]", so "[[[[x]]]]" links x.
    size_t open = close >= 2 ? literal.rfind("[[", close - 2) : std::string_view::npos;
    if (open == std::string_view::npos || open < pos) {
      pos = close + 2;
      continue;
    }
    std::string_view inner = literal.substr(open + 2, close - open - 2);
    size_t bar = inner.find('|');
    std::string_view target = Trim(inner.substr(0, bar));
    std::string_view label =
        bar == std::string_view::npos ? target : Trim(inner.substr(bar + 1));
    auto name = PageName::Parse(target);
    if (name.ok() && inner.find('\n') == std::string_view::npos) {
      links.push_back(WikiLink{open, close + 2, *name,
                               std::string(label.empty() ? target : label)});
    }
    pos = close + 2;
  }
  return links;
}

// The text nodes of `doc` that may hold wiki links: not inside a link or an
// image (code spans and blocks are other node types, so never seen).
std::vector<cmark_node*> LinkableTextNodes(cmark_node* doc) {
  std::vector<cmark_node*> nodes;
  std::unique_ptr<cmark_iter, IterDeleter> iter(cmark_iter_new(doc));
  cmark_event_type event;
  while ((event = cmark_iter_next(iter.get())) != CMARK_EVENT_DONE) {
    cmark_node* node = cmark_iter_get_node(iter.get());
    if (event != CMARK_EVENT_ENTER ||
        cmark_node_get_type(node) != CMARK_NODE_TEXT) {
      continue;
    }
    bool inside_link = false;
    for (cmark_node* up = cmark_node_parent(node); up && !inside_link;
         up = cmark_node_parent(up)) {
      cmark_node_type type = cmark_node_get_type(up);
      inside_link = type == CMARK_NODE_LINK || type == CMARK_NODE_IMAGE;
    }
    if (!inside_link) nodes.push_back(node);
  }
  return nodes;
}

cmark_node* NewText(std::string_view text) {
  cmark_node* node = cmark_node_new(CMARK_NODE_TEXT);
  cmark_node_set_literal(node, std::string(text).c_str());
  return node;
}

// Replaces `node` by text, link, text... Links are AST nodes, so cmark's
// renderer escapes their labels; the URLs are local paths we built from a
// validated PageName, so its URL check has nothing to remove.
void SplitIntoLinks(cmark_node* node, const std::vector<WikiLink>& links,
                    const std::map<std::string, bool>& exists) {
  std::string literal = cmark_node_get_literal(node);
  size_t done = 0;
  for (const WikiLink& link : links) {
    if (link.begin > done) {
      cmark_node_insert_before(node, NewText(std::string_view(literal).substr(
                                         done, link.begin - done)));
    }
    bool found = exists.at(link.target.title());
    // A missing page links to its edit form; the stylesheet shows links
    // into /_edit/ differently, so readers see the page is not written yet.
    std::string url = found ? link.target.UrlPath()
                            : "/_edit" + link.target.UrlPath();
    cmark_node* anchor = cmark_node_new(CMARK_NODE_LINK);
    cmark_node_set_url(anchor, url.c_str());
    cmark_node_set_title(anchor, found ? link.target.title().c_str()
                                       : (link.target.title() +
                                          " (not written yet)").c_str());
    cmark_node_append_child(anchor, NewText(link.label));
    cmark_node_insert_before(node, anchor);
    done = link.end;
  }
  if (done < literal.size()) {
    cmark_node_insert_before(node, NewText(std::string_view(literal).substr(done)));
  }
  cmark_node_unlink(node);
  cmark_node_free(node);
}

}  // namespace

void Markdown::EnsureInitialised() {
  if (initialised_) return;
  cmark_gfm_core_extensions_ensure_registered();
  initialised_ = true;
}

std::set<std::string> Markdown::LinkTargets(std::string_view text) {
  EnsureInitialised();
  Parser parser = NewParser();
  Document doc = Parse(parser.get(), text);
  std::set<std::string> targets;
  for (cmark_node* node : LinkableTextNodes(doc.get())) {
    for (const WikiLink& link : FindWikiLinks(cmark_node_get_literal(node))) {
      targets.insert(link.target.title());
    }
  }
  return targets;
}

std::string Markdown::ToHtml(std::string_view text, const ExistsFn& exists) {
  EnsureInitialised();
  Parser parser = NewParser();
  Document doc = Parse(parser.get(), text);
  std::map<std::string, bool> known;  // one exists() call per target
  for (cmark_node* node : LinkableTextNodes(doc.get())) {
    std::vector<WikiLink> links = FindWikiLinks(cmark_node_get_literal(node));
    if (links.empty()) continue;
    for (const WikiLink& link : links) {
      const std::string& title = link.target.title();
      if (!known.contains(title)) known[title] = exists(title);
    }
    SplitIntoLinks(node, links, known);
  }
  char* html = cmark_render_html(doc.get(), kOptions,
                                 cmark_parser_get_syntax_extensions(parser.get()));
  std::string out(html);
  cmark_get_default_mem_allocator()->free(html);
  return out;
}

}  // namespace wikid
