#include "model/exchange/wikitext.h"

#include <algorithm>
#include <cctype>
#include <vector>

namespace wikid {
namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) {
    s.remove_suffix(1);
  }
  return s;
}

bool StartsWithNoCase(std::string_view s, std::string_view prefix) {
  if (s.size() < prefix.size()) return false;
  for (size_t i = 0; i < prefix.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(s[i])) != prefix[i]) return false;
  }
  return true;
}

// A heading "== Text ==" (1 to 6 '=' on each side, the same number),
// as its level and text; level 0 when the line is none.
int Heading(std::string_view line, std::string_view* text) {
  line = Trim(line);
  size_t open = 0;
  while (open < line.size() && line[open] == '=') ++open;
  size_t close = 0;
  while (close < line.size() - open && line[line.size() - 1 - close] == '=') ++close;
  const size_t level = std::min(open, close);
  if (level == 0 || level > 6 || line.size() <= 2 * level) return 0;
  std::string_view inner = Trim(line.substr(level, line.size() - 2 * level));
  if (inner.empty()) return 0;
  *text = inner;
  return static_cast<int>(level);
}

bool IsUrlStart(std::string_view s) {
  for (std::string_view scheme : {"http://", "https://", "ftp://", "mailto:", "//"}) {
    if (StartsWithNoCase(s, scheme)) return true;
  }
  return false;
}

// Bold and italic, then external links, within one line.
std::string Inline(std::string_view line) {
  std::string out;
  out.reserve(line.size() + 8);
  size_t i = 0;
  while (i < line.size()) {
    const char c = line[i];
    if (c == '\'' && i + 1 < line.size() && line[i + 1] == '\'') {
      size_t run = 0;
      while (i + run < line.size() && line[i + run] == '\'') ++run;
      // MediaWiki's runs: 2 italic, 3 bold, 5 both; a longer run's
      // extra apostrophes are text before it.
      size_t marks = run >= 5 ? 5 : run == 4 ? 3 : run;
      out.append(run - marks, '\'');
      out += marks == 5 ? "***" : marks == 3 ? "**" : "*";
      i += run;
      continue;
    }
    if (c == '[' && (i + 1 >= line.size() || line[i + 1] != '[') &&
        IsUrlStart(line.substr(i + 1))) {
      const size_t end = line.find(']', i + 1);
      if (end != std::string_view::npos) {
        std::string_view inside = line.substr(i + 1, end - i - 1);
        const size_t space = inside.find(' ');
        std::string_view url = inside.substr(0, space);
        std::string_view label =
            space == std::string_view::npos ? std::string_view() : Trim(inside.substr(space + 1));
        if (label.empty()) {
          out += "<";
          out += url;
          out += ">";
        } else {
          out += "[";
          out += Inline(label);
          out += "](";
          out += url;
          out += ")";
        }
        i = end + 1;
        continue;
      }
    }
    out += c;
    ++i;
  }
  return out;
}

// A code block's opening tag on a line of its own, and its closing tag.
bool OpensCode(std::string_view line, std::string* closing) {
  line = Trim(line);
  if (line == "<pre>") return *closing = "</pre>", true;
  for (std::string_view tag : {"syntaxhighlight", "source"}) {
    if (line.size() > tag.size() + 1 && line[0] == '<' &&
        StartsWithNoCase(line.substr(1), tag) && line.back() == '>' &&
        (line[tag.size() + 1] == '>' || line[tag.size() + 1] == ' ')) {
      *closing = "</" + std::string(tag) + ">";
      return true;
    }
  }
  return false;
}

}  // namespace

std::string WikitextToMarkdown(std::string_view wikitext) {
  std::string out;
  out.reserve(wikitext.size() + wikitext.size() / 8);
  std::string closing;  // non-empty inside a code block
  size_t start = 0;
  while (start <= wikitext.size()) {
    size_t end = wikitext.find('\n', start);
    const bool last = end == std::string_view::npos;
    if (last) end = wikitext.size();
    std::string_view line = wikitext.substr(start, end - start);
    std::string_view heading;
    if (!closing.empty()) {
      if (StartsWithNoCase(Trim(line), closing)) {
        out += "```";
        closing.clear();
      } else {
        out += line;
      }
    } else if (OpensCode(line, &closing)) {
      out += "```";
    } else if (int level = Heading(line, &heading)) {
      out.append(static_cast<size_t>(level), '#');
      out += ' ';
      out += Inline(heading);
    } else if (!line.empty() && (line[0] == '*' || line[0] == '#') &&
               !StartsWithNoCase(line, "#redirect")) {
      // A list item: its markers give the nesting; each level indents the
      // next by its marker's width, as CommonMark wants.
      size_t depth = 0;
      std::string indent;
      while (depth < line.size() && (line[depth] == '*' || line[depth] == '#')) ++depth;
      for (size_t k = 0; k + 1 < depth; ++k) indent.append(line[k] == '*' ? 2 : 3, ' ');
      out += indent;
      out += line[depth - 1] == '*' ? "- " : "1. ";
      out += Inline(Trim(line.substr(depth)));
    } else {
      out += Inline(line);
    }
    if (last) break;
    out += '\n';
    start = end + 1;
  }
  return out;
}

}  // namespace wikid
