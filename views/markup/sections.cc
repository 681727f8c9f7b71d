#include "views/markup/sections.h"

#include <algorithm>

#include "views/markup/headings.h"

namespace wikid {
namespace {

// Where each line of `text` starts, counting lines as cmark does ("\n",
// "\r\n" and a lone "\r" end one), so its line numbers map to offsets.
std::vector<size_t> LineStarts(std::string_view text) {
  std::vector<size_t> starts{0};
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
    if (text[i] == '\n' || text[i] == '\r') starts.push_back(i + 1);
  }
  return starts;
}

}  // namespace

std::vector<Section> SectionsOf(cmark_node* doc, std::string_view text) {
  const std::vector<size_t> starts = LineStarts(text);
  std::vector<Section> sections(1);  // section 0
  for (const Heading& h : FindHeadings(doc)) {
    if (!h.top_level) continue;
    // cmark counts lines from 1; a setext heading starts on its text.
    const size_t line = static_cast<size_t>(cmark_node_get_start_line(h.node));
    const size_t begin =
        line >= 1 && line <= starts.size() ? starts[line - 1] : text.size();
    sections.push_back(
        {.level = h.level, .begin = begin, .title = h.text, .slug = h.slug});
  }
  // Each section ends where the next one of its level or a higher one
  // begins, or with the text. Section 0 ends at the first heading.
  for (size_t i = 0; i < sections.size(); ++i) {
    sections[i].end = text.size();
    for (size_t j = i + 1; j < sections.size(); ++j) {
      if (i == 0 || sections[j].level <= sections[i].level) {
        sections[i].end = sections[j].begin;
        break;
      }
    }
  }
  return sections;
}

std::string ReplaceSection(std::string_view text, const Section& section,
                           std::string_view replacement) {
  std::string out(text.substr(0, section.begin));
  out += replacement;
  const std::string_view was = text.substr(section.begin, section.end - section.begin);
  if (section.end < text.size() && !replacement.empty() && replacement != was) {
    // A blank line between the typed text and what follows: one newline
    // alone would let a last paragraph take in a setext heading's text
    // ("first\nTwo\n===" is one heading) or run into an indented block.
    // Unchanged text keeps what it had, so a section saved as shown is
    // no change.
    const size_t last = replacement.find_last_not_of(" \t\r\n");
    const std::string_view tail =
        last == std::string_view::npos ? replacement : replacement.substr(last + 1);
    const size_t newlines = static_cast<size_t>(std::count(tail.begin(), tail.end(), '\n'));
    const size_t wanted = last == std::string_view::npos ? 1 : 2;
    if (newlines < wanted) out.append(wanted - newlines, '\n');
  }
  out += text.substr(section.end);
  return out;
}

std::optional<size_t> SameSection(const std::vector<Section>& before, size_t n,
                                  const std::vector<Section>& after) {
  if (n == 0) return 0;
  if (n >= before.size()) return std::nullopt;
  const Section& was = before[n];
  auto headed = [&](const Section& s) { return s.title == was.title; };
  if (std::count_if(before.begin() + 1, before.end(), headed) != 1) return std::nullopt;
  auto found = std::find_if(after.begin() + 1, after.end(), headed);
  if (found == after.end() || std::count_if(found, after.end(), headed) != 1 ||
      found->slug != was.slug) {
    return std::nullopt;
  }
  return static_cast<size_t>(found - after.begin());
}

}  // namespace wikid
