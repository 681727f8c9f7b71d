#include "views/markup/headings.h"

#include <memory>

#include "model/text/heading_slug.h"

namespace wikid {
namespace {

struct IterDeleter {
  void operator()(cmark_iter* iter) const { cmark_iter_free(iter); }
};

// What a reader sees of a heading: its text and code, a line break as a
// space.
std::string PlainText(cmark_node* heading) {
  std::string text;
  std::unique_ptr<cmark_iter, IterDeleter> iter(cmark_iter_new(heading));
  cmark_event_type event;
  while ((event = cmark_iter_next(iter.get())) != CMARK_EVENT_DONE) {
    if (event != CMARK_EVENT_ENTER) continue;
    cmark_node* node = cmark_iter_get_node(iter.get());
    switch (cmark_node_get_type(node)) {
      case CMARK_NODE_TEXT:
      case CMARK_NODE_CODE:
        text += cmark_node_get_literal(node);
        break;
      case CMARK_NODE_SOFTBREAK:
      case CMARK_NODE_LINEBREAK:
        text += ' ';
        break;
      default:
        break;
    }
  }
  return text;
}

cmark_node* TextNode(const std::string& text) {
  cmark_node* node = cmark_node_new(CMARK_NODE_TEXT);
  cmark_node_set_literal(node, text.c_str());
  return node;
}

cmark_node* NewList() {
  cmark_node* list = cmark_node_new(CMARK_NODE_LIST);
  cmark_node_set_list_type(list, CMARK_ORDERED_LIST);
  cmark_node_set_list_delim(list, CMARK_PERIOD_DELIM);
  cmark_node_set_list_start(list, 1);
  cmark_node_set_list_tight(list, 1);  // items without <p>
  return list;
}

// The contents: an ordered list per level, nested as the headings are (a
// page that starts at ### or skips a level nests one step at a time).
cmark_node* Contents(const std::vector<Heading>& headings) {
  cmark_node* nav = cmark_node_new(CMARK_NODE_CUSTOM_BLOCK);
  cmark_node_set_on_enter(
      nav, "<nav class=\"toc\" aria-label=\"Contents\">\n<p class=\"toc-title\">Contents</p>");
  cmark_node_set_on_exit(nav, "</nav>");
  struct Open {
    int level;
    cmark_node* list;
    cmark_node* last_item = nullptr;
  };
  std::vector<Open> open;
  for (const Heading& h : headings) {
    if (h.text.empty()) continue;  // an empty heading has nothing to list
    if (open.empty()) {
      open.push_back({h.level, NewList()});
      cmark_node_append_child(nav, open.back().list);
    } else if (h.level > open.back().level) {
      cmark_node* list = NewList();
      cmark_node_append_child(open.back().last_item, list);
      open.push_back({h.level, list});
    } else {
      while (open.size() > 1 && h.level < open.back().level &&
             h.level <= open[open.size() - 2].level) {
        open.pop_back();
      }
      if (h.level < open.back().level) open.back().level = h.level;
    }
    cmark_node* link = cmark_node_new(CMARK_NODE_LINK);
    cmark_node_set_url(link, ("#" + h.slug).c_str());
    cmark_node_append_child(link, TextNode(h.text));
    cmark_node* paragraph = cmark_node_new(CMARK_NODE_PARAGRAPH);
    cmark_node_append_child(paragraph, link);
    cmark_node* item = cmark_node_new(CMARK_NODE_ITEM);
    cmark_node_append_child(item, paragraph);
    cmark_node_append_child(open.back().list, item);
    open.back().last_item = item;
  }
  return nav;
}

// A section's "Edit" link: visible as "Edit", named "Edit section: TEXT"
// for screen readers (the rest of the name is visually hidden, not a
// title, which would be read twice), in a span the stylesheet can tell
// from a link to a missing page (both lead into /_edit/). The heading's
// text is a text node: cmark escapes it.
cmark_node* EditLink(const std::string& url, const std::string& heading_text) {
  cmark_node* hidden = cmark_node_new(CMARK_NODE_CUSTOM_INLINE);
  cmark_node_set_on_enter(hidden, "<span class=\"visually-hidden\">");
  cmark_node_set_on_exit(hidden, "</span>");
  cmark_node_append_child(hidden, TextNode(" section: " + heading_text));
  cmark_node* link = cmark_node_new(CMARK_NODE_LINK);
  cmark_node_set_url(link, url.c_str());
  cmark_node_append_child(link, TextNode("Edit"));
  cmark_node_append_child(link, hidden);
  cmark_node* span = cmark_node_new(CMARK_NODE_CUSTOM_INLINE);
  cmark_node_set_on_enter(span, " <span class=\"section-edit\">");
  cmark_node_set_on_exit(span, "</span>");
  cmark_node_append_child(span, link);
  return span;
}

}  // namespace

std::vector<Heading> FindHeadings(cmark_node* doc) {
  std::vector<Heading> headings;
  {
    std::unique_ptr<cmark_iter, IterDeleter> iter(cmark_iter_new(doc));
    cmark_event_type event;
    while ((event = cmark_iter_next(iter.get())) != CMARK_EVENT_DONE) {
      cmark_node* node = cmark_iter_get_node(iter.get());
      if (event == CMARK_EVENT_ENTER && cmark_node_get_type(node) == CMARK_NODE_HEADING) {
        headings.push_back({.node = node,
                            .level = cmark_node_get_heading_level(node),
                            .top_level = cmark_node_parent(node) == doc});
      }
    }
  }
  // Headings whose text makes a slug take theirs first, so that a
  // heading of punctuation alone (id "section") never pushes a real
  // "Section" to "section-1", where [[#Section]] would not find it.
  HeadingSlugs slugs;
  for (Heading& h : headings) {
    h.text = PlainText(h.node);
    if (!HeadingSlug(h.text).empty()) h.slug = slugs.Unique(h.text);
  }
  for (Heading& h : headings) {
    if (h.slug.empty()) h.slug = slugs.Unique(h.text);
  }
  return headings;
}

HeadingAnchors::HeadingAnchors(cmark_node* doc, std::string_view section_edit_url) {
  std::vector<Heading> headings = FindHeadings(doc);
  size_t listed = 0;  // headings with text: the contents' entries
  for (const Heading& h : headings) {
    if (!h.text.empty()) ++listed;
  }
  if (listed >= kContentsFrom) {
    // Before the top-level block that holds the first heading (a heading
    // inside a quote or a list keeps the contents out of it).
    cmark_node* top = headings.front().node;
    while (cmark_node_parent(top) != doc) top = cmark_node_parent(top);
    cmark_node_insert_before(top, Contents(headings));
  }
  int section = 0;
  for (const Heading& h : headings) {
    if (h.top_level) ++section;
    // The slug holds letters, marks, digits, '-' and '_' only: nothing to
    // escape in an attribute.
    const std::string tag = "h" + std::to_string(h.level);
    cmark_node* anchored = cmark_node_new(CMARK_NODE_CUSTOM_BLOCK);
    cmark_node_set_on_enter(anchored, ("<" + tag + " id=\"" + h.slug + "\">").c_str());
    cmark_node_set_on_exit(anchored, ("</" + tag + ">").c_str());
    cmark_node_insert_before(h.node, anchored);
    while (cmark_node* child = cmark_node_first_child(h.node)) {
      cmark_node_append_child(anchored, child);
    }
    if (h.top_level && !section_edit_url.empty()) {
      cmark_node_append_child(
          anchored, EditLink(std::string(section_edit_url) + std::to_string(section), h.text));
    }
    cmark_node_unlink(h.node);
    replaced_.push_back(h.node);
  }
}

HeadingAnchors::~HeadingAnchors() {
  for (cmark_node* node : replaced_) cmark_node_free(node);
}

}  // namespace wikid
