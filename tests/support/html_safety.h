// Dangers(html): what in a piece of HTML a browser could execute: script-
// capable tags, on* event handler attributes, and href/src URLs whose
// scheme is javascript:, vbscript: or data:text once entities and
// whitespace are taken out. Empty when the HTML is safe. Shared by the
// XSS tests (X1, X3) at the unit and the HTTP level.
#pragma once

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

namespace wikid::testing {

inline std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return std::tolower(c); });
  return s;
}

// Decodes &#NN; and &#xNN; and drops whitespace and control characters:
// how a browser reads a URL attribute before it looks at the scheme.
// (Browsers do not percent-decode a scheme: "%6Aavascript:" is a relative
// path, harmless.)
inline std::string NormaliseUrl(std::string url) {
  std::string out;
  for (size_t i = 0; i < url.size(); ++i) {
    if (url[i] == '&' && i + 2 < url.size() && url[i + 1] == '#') {
      size_t semi = url.find(';', i);
      if (semi != std::string::npos) {
        bool hex = url[i + 2] == 'x' || url[i + 2] == 'X';
        long code = std::strtol(url.c_str() + i + (hex ? 3 : 2), nullptr,
                                hex ? 16 : 10);
        if (code > 0 && code < 128) out += static_cast<char>(code);
        i = semi;
        continue;
      }
    }
    out += url[i];
  }
  std::erase_if(out, [](unsigned char c) { return c <= ' '; });
  return Lower(out);
}

// Walks the tags of `html` and reports what a browser could execute.
inline std::string Dangers(const std::string& html) {
  std::string found;
  std::string lower = Lower(html);
  for (const char* tag :
       {"<script", "<iframe", "<svg", "<object", "<embed", "<style", "<form",
        "<math", "<base", "<meta", "<link"}) {
    if (lower.find(tag) != std::string::npos)
      found += std::string(" tag ") + tag;
  }
  size_t pos = 0;
  while ((pos = lower.find('<', pos)) != std::string::npos) {
    size_t end = lower.find('>', pos);
    if (end == std::string::npos) break;
    std::string tag = lower.substr(pos, end - pos);
    // Attributes: name="value" pairs inside the tag.
    size_t at = tag.find(' ');
    while (at != std::string::npos && at < tag.size()) {
      size_t eq = tag.find('=', at);
      if (eq == std::string::npos) break;
      std::string name = tag.substr(at + 1, eq - at - 1);
      name.erase(0, name.find_first_not_of(" "));
      if (name.starts_with("on")) found += " handler " + name;
      size_t value_end = eq + 1;
      std::string value;
      if (value_end < tag.size() && tag[value_end] == '"') {
        size_t close = tag.find('"', value_end + 1);
        value = tag.substr(value_end + 1, close - value_end - 1);
        value_end = close == std::string::npos ? tag.size() : close + 1;
      }
      if (name == "href" || name == "src") {
        std::string url = NormaliseUrl(value);
        for (const char* scheme : {"javascript:", "vbscript:", "data:text"}) {
          if (url.starts_with(scheme)) found += " url " + url;
        }
      }
      at = tag.find(' ', value_end);
    }
    pos = end;
  }
  return found;
}

// Dangers() of a whole wikid page, after removing the few tags our own
// layout and forms write (<meta>s, <link>s to its styles and feeds, and
// <form>s that post or get to the wiki's own routes, which user text cannot
// produce, since every '<' it contains is escaped).
inline std::string PageDangers(std::string html) {
  for (std::string_view own :
       {"<meta charset=\"utf-8\">", "<meta name=\"viewport\"",
        "<meta name=\"robots\"", "<meta name=\"description\"", "<link rel=\"stylesheet\" href=\"/_static/",
        "<link rel=\"icon\" href=\"/_static/",
        "<link rel=\"alternate\" type=\"application/atom+xml\" href=\"/_",
        "<form method=\"post\" action=\"/_",
        "<form method=\"get\" action=\"/_"}) {
    for (size_t at; (at = html.find(own)) != std::string::npos;) {
      html.erase(at, own.size());
    }
  }
  return Dangers(html);
}

// True if a whole wikid page has nothing executable in it.
inline bool HtmlIsInert(const std::string& html) {
  return PageDangers(html).empty();
}

// Hostile text for every field a user controls (X1).
inline const std::vector<std::string>& XssPayloads() {
  static const std::vector<std::string> kPayloads = {
      "<script>alert(1)</script>",
      "\"><img src=x onerror=alert(1)>",
      "' onmouseover='alert(1)",
      "javascript:alert(1)",
      "[x](javascript:alert(1)) <svg onload=alert(1)>",
      "[[Page|\"><script>alert(1)</script>]]",
      "</textarea><script>alert(1)</script>",
      "{{TITLE}} {{%AUTOESCAPE}}",
      "<a href=\"jav&#x09;ascript:alert(1)\">x</a> [y](vbscript:msgbox)",
      "<iframe src=\"data:text/html,<script>alert(1)</script>\"></iframe>",
  };
  return kPayloads;
}

}  // namespace wikid::testing
