// Markdown rendering: GFM features, [[wiki links]], and X1/X3: no payload
// in page text ever becomes script, an event handler or a dangerous URL.
#define BOOST_TEST_MODULE markdown
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <map>

#include "tests/support/html_safety.h"
#include "views/markup/markdown.h"

namespace wikid {
namespace {

using testing::Dangers;

std::string Render(std::string_view text,
                   const std::set<std::string>& existing = {}) {
  Markdown md;
  Markdown::Existing::value_type titles;  // each to a page of its own name
  for (const std::string& title : existing) titles.emplace(title, title);
  return md.ToHtml(text, titles).value();
}

bool Has(const std::string& html, std::string_view needle) {
  return html.find(needle) != std::string::npos;
}

// The files embeds may name: a 400 x 300 PNG, a GIF and a PDF.
const std::string kSha(64, 'c');
EmbeddedFiles Uploaded() {
  return {{"Chart.png",
           {.name = "Chart.png",
            .sha256 = kSha,
            .content_type = "image/png",
            .width = 400,
            .height = 300}},
          {"Spinner.gif",
           {.name = "Spinner.gif",
            .sha256 = kSha,
            .content_type = "image/gif",
            .width = 400,
            .height = 300}},
          {"Report.pdf",
           {.name = "Report.pdf",
            .sha256 = kSha,
            .content_type = "application/pdf"}}};
}

std::string RenderEmbeds(std::string_view text,
                         EmbeddedFiles files = Uploaded()) {
  Markdown md;
  return md.ToHtml(text, Markdown::Existing::value_type{}, std::move(files))
      .value();
}

BOOST_AUTO_TEST_SUITE(rendering)

BOOST_AUTO_TEST_CASE(commonmark_basics) {
  std::string html = Render("# Title\n\nSome *emphasis* and **strong**.\n");
  BOOST_TEST(Has(html, "<h1 id=\"title\">\nTitle\n</h1>"));  // views/markup/headings.h
  BOOST_TEST(Has(html, "<em>emphasis</em>"));
  BOOST_TEST(Has(html, "<strong>strong</strong>"));
}

BOOST_AUTO_TEST_CASE(gfm_tables_strikethrough_autolinks_tasks) {
  std::string html = Render(
      "| a | b |\n|---|:-:|\n| 1 | 2 |\n\n~~gone~~ www.example.com\n\n"
      "- [x] done\n- [ ] todo\n");
  BOOST_TEST(Has(html, "<table>"));
  BOOST_TEST(Has(html, "<td align=\"center\">2</td>"));
  BOOST_TEST(Has(html, "<del>gone</del>"));
  BOOST_TEST(Has(html, "href=\"http://www.example.com\""));
  BOOST_TEST(Has(html, "type=\"checkbox\""));
}

// axe-core's findings on page text (issue 21): an unnamed checkbox, and a
// code block that scrolls but cannot take the keyboard's focus.
BOOST_AUTO_TEST_CASE(task_checkboxes_are_named_and_code_blocks_focusable) {
  std::string html = Render("- [x] done\n- [ ] todo\n\n```cpp\nint x;\n```\n\n    indented\n");
  BOOST_TEST(Has(html, "checked=\"\" disabled=\"\" aria-label=\"Done\" />"));
  BOOST_TEST(Has(html, "<input type=\"checkbox\" disabled=\"\" aria-label=\"Not done yet\" />"));
  BOOST_TEST(!Has(html, "<pre>"));
  BOOST_TEST(Has(html, "<pre tabindex=\"0\"><code class=\"language-cpp\">"));
  BOOST_TEST(Has(html, "<pre tabindex=\"0\"><code>indented"));
}

BOOST_AUTO_TEST_CASE(raw_html_is_dropped) {
  std::string html =
      Render("<script>alert(1)</script>\n\nx <img src=x onerror=alert(1)> "
             "<b onclick=x>bold</b>\n");
  BOOST_TEST(!Has(html, "<script"));
  BOOST_TEST(!Has(html, "onerror"));
  BOOST_TEST(!Has(html, "onclick"));
  BOOST_TEST(Has(html, "bold"));
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(wiki_links)

BOOST_AUTO_TEST_CASE(existing_page_links_to_the_page) {
  std::string html = Render("See [[Main Page]].", {"Main Page"});
  BOOST_TEST(Has(html, "<a href=\"/Main_Page\" title=\"Main Page\">Main Page</a>"));
}

BOOST_AUTO_TEST_CASE(missing_page_links_to_its_edit_form) {
  std::string html = Render("See [[Not Yet]].");
  BOOST_TEST(Has(html, "href=\"/_edit/Not_Yet\""));
  BOOST_TEST(Has(html, "not written yet"));
}

BOOST_AUTO_TEST_CASE(label_and_canonical_target) {
  std::string html = Render("[[Main_Page | the start ]]", {"Main Page"});
  BOOST_TEST(Has(html, "href=\"/Main_Page\""));
  BOOST_TEST(Has(html, ">the start</a>"));
  BOOST_TEST(Has(Render("[[Café]]", {"Café"}), "href=\"/Caf%C3%A9\""));
}

BOOST_AUTO_TEST_CASE(code_and_existing_links_are_left_alone) {
  std::string html = Render(
      "`[[in code]]`\n\n    [[indented]]\n\n```\n[[fenced]]\n```\n\n"
      "[a [[x]] b](http://example.com)\n");
  BOOST_TEST(!Has(html, "/_edit/in_code"));
  BOOST_TEST(!Has(html, "/_edit/indented"));
  BOOST_TEST(!Has(html, "/_edit/fenced"));
  BOOST_TEST(!Has(html, "/_edit/x"));
  BOOST_TEST(Has(html, "[[in code]]"));
}

BOOST_AUTO_TEST_CASE(without_a_list_of_pages_every_link_exists) {
  // Bios: no query per link, every link shown as an ordinary one.
  Markdown md;
  std::string html = md.ToHtml("[[A]] [[B|b]]", std::nullopt).value();
  BOOST_TEST(Has(html, "href=\"/A\""), html);
  BOOST_TEST(Has(html, "href=\"/B\""), html);
  BOOST_TEST(!Has(html, "/_edit/"), html);
}

BOOST_AUTO_TEST_CASE(link_targets_are_sorted_unique_and_valid) {
  Markdown md;
  auto targets = md.LinkTargets("[[b]] [[A_x]] [[b|again]] [[_bad]] `[[c]]`");
  BOOST_TEST((*targets == std::set<std::string>{"A x", "b"}));
}

BOOST_AUTO_TEST_CASE(each_closing_pair_takes_the_nearest_opening_one) {
  Markdown md;
  auto Targets = [&](std::string_view text) { return md.LinkTargets(text).value(); };
  using Set = std::set<std::string>;
  BOOST_TEST((Targets("[[a [[b]] c]]") == Set{"b"}));
  BOOST_TEST((Targets("]] [[a]] ]] [[b]]") == Set{"a", "b"}));
  BOOST_TEST((Targets("[[[[x]]]] [[y]]]]") == Set{"x", "y"}));
  BOOST_TEST((Targets("[[a]b]] [[c]]") == Set{"c"}));  // "]" is no name's
  BOOST_TEST((Targets("[[]] [[ ]] [[a") == Set{}));
}

BOOST_AUTO_TEST_CASE(x3_hostile_links_stay_safe) {
  std::string html =
      Render("[[Page|\"><script>alert(1)</script>]] [[<img onerror=x>|x]] "
             "[[Page|javascript:x]] [[[[x]]]] [[a]]]] [[ ]] [[|x]] "
             "[[Quote|\"' onmouseover=x &amp;]]");
  BOOST_TEST(Dangers(html) == "", html);
  // A label is text inside an AST node: escaped by cmark's renderer.
  BOOST_TEST(Has(html, ">&quot;' onmouseover=x &amp;</a>"), html);
  BOOST_TEST(Has(html, "href=\"/_edit/Page\" title=\"Page (not written yet)\">"
                       "javascript:x</a>"));
  BOOST_TEST(Has(html, "href=\"/_edit/x\""));
}

BOOST_AUTO_TEST_SUITE_END()

std::string Repeat(std::string_view unit, size_t bytes) {
  std::string out;
  while (out.size() < bytes) out += unit;
  return out;
}

BOOST_AUTO_TEST_SUITE(bounded)

// Our own part of parsing is one pass: inputs that were quadratic in the
// [[link]] scan (each "]]" searched back for its "[[", each text node
// looked up through all its parents for a link) render well inside the
// budget. Over a minute each before; 0.6 s, 0.05 s and 0.1 s here,
// nearly all of it cmark's.
BOOST_AUTO_TEST_CASE(link_scanning_is_linear) {
  // A budget well above the 1-2 s these take here (the old scan took
  // minutes), for slow machines.
  Markdown md(BudgetedThread::Budget{.cpu = std::chrono::seconds(30),
                                     .wall = std::chrono::seconds(300)});
  BOOST_TEST(md.ToHtml(Repeat("]]", 1 << 20), Markdown::Existing::value_type{}).ok());
  BOOST_TEST(md.LinkTargets(Repeat("[[a ", 400 << 10) + Repeat("]] ", 400 << 10)).ok());
  // Emphasis nested 40,000 deep.
  BOOST_TEST(md.ToHtml(Repeat("**a ", 160 << 10) + Repeat(" a**", 160 << 10),
                       Markdown::Existing::value_type{})
                 .ok());
  BOOST_TEST(!md.overran());
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_CASE(the_danger_detector_sees_what_it_must) {
  // The corpus below is only as good as this check.
  BOOST_TEST(Dangers("<a href=\"javascript:x\">") != "");
  BOOST_TEST(Dangers("<a href=\" &#106;ava&#x73;cript:x\">") != "");
  BOOST_TEST(Dangers("<img src=\"x\" onerror=\"y\">") != "");
  BOOST_TEST(Dangers("<p>javascript: is text</p>") == "");
}

BOOST_AUTO_TEST_CASE(
    an_embedded_image_is_sized_lazy_and_links_to_its_file_page) {
  const std::string html =
      RenderEmbeds("See [[File:Chart.png|a chart|100px]] here.");
  BOOST_TEST(
      Has(html,
          "<p>See <a class=\"image\" href=\"/_file-page/Chart.png\"><img "
          "src=\"/_thumb/" +
              kSha +
              "/100/Chart.png\" alt=\"a chart\" width=\"100\" height=\"75\" "
              "loading=\"lazy\"></a> here.</p>"),
      html);
}

// A table cell holds only the inline nodes cmark's table extension lists,
// not EmbedNode's custom one: there the picture is cmark's own <img>, in
// the same link, and the refused node is freed (LeakSanitizer fails the
// test otherwise; the fuzz corpus's table case found it).
BOOST_AUTO_TEST_CASE(an_embed_in_a_table_cell_is_still_a_picture) {
  const std::string html =
      RenderEmbeds(  // a | in a cell is written \| (GFM)
          "| a | b |\n|---|---|\n| [[File:Chart.png\\|the chart\\|100px]] | x |\n");
  BOOST_TEST(Has(html, "<td><a href=\"/_file-page/Chart.png\"><img src=\"/_thumb/" + kSha +
                           "/100/Chart.png\" alt=\"the chart\" /></a></td>"),
             html);
}

BOOST_AUTO_TEST_CASE(embed_options_come_in_any_order_and_never_upscale) {
  // Width first, then alt; a width the thumbnails do not have is served
  // from the next step and shown as asked.
  BOOST_TEST(Has(RenderEmbeds("[[File:Chart.png|120px|the chart]]"),
                 "src=\"/_thumb/" + kSha +
                     "/150/Chart.png\" alt=\"the chart\" width=\"120\" "
                     "height=\"90\""));
  // No width, or one wider than the image: its own size and bytes, and
  // its name as the alt text.
  for (const char* text : {"[[File:Chart.png]]", "[[File:Chart.png|900px]]"}) {
    BOOST_TEST(Has(RenderEmbeds(text), "src=\"/_blob/" + kSha +
                                           "/Chart.png\" alt=\"Chart.png\" "
                                           "width=\"400\" height=\"300\""),
               text);
  }
  // A GIF is never thumbnailed (its animation), only shown smaller.
  BOOST_TEST(Has(RenderEmbeds("[[File:Spinner.gif|x|100px]]"),
                 "src=\"/_blob/" + kSha +
                     "/Spinner.gif\" alt=\"x\" width=\"100\" height=\"75\""));
  // The file's own name in any letter case finds it (the page view's
  // query finds files by key; here the map is keyed as linked).
  EmbeddedFiles lower = {{"chart.png", Uploaded().at("Chart.png")}};
  BOOST_TEST(Has(RenderEmbeds("[[File:chart.png|x|100px]]", lower),
                 "/_file-page/Chart.png"));
}

BOOST_AUTO_TEST_CASE(a_missing_file_links_to_the_upload_form_with_its_name) {
  const std::string html =
      RenderEmbeds("[[File:New photo.jpg|our team|300px]]");
  BOOST_TEST(
      Has(html,
          "<a href=\"/_upload?name=New_photo.jpg\" title=\"New photo.jpg (not "
          "uploaded yet)\">our team</a>"),
      html);
  BOOST_TEST(!Has(html, "<img"));
}

BOOST_AUTO_TEST_CASE(a_file_that_is_no_image_links_to_its_page) {
  const std::string html = RenderEmbeds("[[File:Report.pdf|the report]]");
  BOOST_TEST(Has(html,
                 "<a href=\"/_file-page/Report.pdf\" title=\"Report.pdf\">the "
                 "report</a>"),
             html);
  // Without the files (a bio), every embed is a link to its file page.
  Markdown md;
  BOOST_TEST(Has(md.ToHtml("[[File:Chart.png|c|100px]]", std::nullopt).value(),
                 "<a href=\"/_file-page/Chart.png\">c</a>"));
}

BOOST_AUTO_TEST_CASE(
    embeds_are_links_to_file_targets_and_markdown_images_still_work) {
  Markdown md;
  auto targets =
      md.LinkTargets("[[File:Chart.png|x|100px]] [[Page]] [[File:nothing]]");
  BOOST_TEST_REQUIRE(targets.ok());
  BOOST_TEST((*targets == std::set<std::string>{"File:Chart.png", "Page"}));
  // "File:" and no file name (no extension), or a section: plain text.
  BOOST_TEST(Has(RenderEmbeds("[[File:nothing]] [[File:Chart.png#x]]"),
                 "[[File:nothing]] [[File:Chart.png#x]]"));
  // Markdown's own image syntax is cmark's, as before.
  BOOST_TEST(
      Has(RenderEmbeds("![dot](data:image/png;base64,iVBORw0KGgo=)"),
          "<img src=\"data:image/png;base64,iVBORw0KGgo=\" alt=\"dot\" />"));
  // In code, an embed is text.
  BOOST_TEST(Has(RenderEmbeds("`[[File:Chart.png]]`"),
                 "<code>[[File:Chart.png]]</code>"));
}

BOOST_AUTO_TEST_CASE(x1_xss_corpus_never_executes) {
  const char* payloads[] = {
      "<script>alert(1)</script>",
      "<SCRIPT SRC=//x.test/x.js></SCRIPT>",
      "<svg onload=alert(1)>",
      "<iframe src=javascript:alert(1)>",
      "<a href=\"javascript&colon;alert(1)\">x</a>",
      "<img src=x onerror=alert(1)>",
      "<body onload=alert(1)>",
      "<style>*{x:expression(alert(1))}</style>",
      "<object data=javascript:alert(1)>",
      "<embed src=javascript:alert(1)>",
      "<form action=javascript:alert(1)><button>x</button></form>",
      "<math><mi xlink:href=javascript:alert(1)>x</mi></math>",
      "<meta http-equiv=refresh content=0;url=javascript:alert(1)>",
      "<base href=javascript:alert(1)//>",
      "[x](javascript:alert(1))",
      "[x](JaVaScRiPt:alert(1))",
      "[x](  javascript:alert(1))",
      "[x](&#106;avascript:alert(1))",
      "[x](&#x6A;avascript:alert(1))",
      "[x](java\tscript:alert(1))",
      "[x](%6Aavascript:alert(1))",
      "[x](vbscript:msgbox(1))",
      "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
      "![x](javascript:alert(1))",
      "<javascript:alert(1)>",
      "<vbscript:alert(1)>",
      "[x][r]\n\n[r]: javascript:alert(1)",
      "[x](\"onmouseover=alert(1))",
      "[x](http://x.test/\"onmouseover=\"alert(1))",
      "<a href=\"x\" onmouseover=\"alert(1)\">x</a>",
      "<div style=\"background:url(javascript:alert(1))\">x</div>",
      "<img src=\"x\" alt=\"\" onerror=\"alert(1)\"/>",
      "<<script>script>alert(1)<</script>/script>",
      "<scr<script>ipt>alert(1)</scr</script>ipt>",
      "<!--<script>alert(1)</script>-->",
      "<details open ontoggle=alert(1)>",
      "`<script>alert(1)</script>`",
      "| <script>alert(1)</script> | x |\n|---|---|\n| <img onerror=x> | y |",
  };
  for (const char* payload : payloads) {
    BOOST_TEST_CONTEXT(payload) {
      std::string html = Render(payload);
      BOOST_TEST(Dangers(html) == "", html);
      // As headings (their ids and the contents' links and labels), and
      // as sections named in links.
      std::string p = payload;
      for (const std::string& text :
           {"# " + p + "\n## " + p + "\n### " + p + "\n", "[[Page#" + p + "]] [[#" + p + "]]",
            "[[Page#" + p + "|" + p + "]]"}) {
        html = Render(text, {"Page"});
        BOOST_TEST(Dangers(html) == "", html);
      }
      // As an embed's alt text and as the name of the file it embeds
      // (uploaded or not): escaped, never an attribute or a tag of its
      // own (EmbedNode writes that HTML itself).
      const std::string name = p + ".png";
      EmbeddedFiles files = Uploaded();
      files[name] = EmbeddedFile{.name = name,
                                 .sha256 = kSha,
                                 .content_type = "image/png",
                                 .width = 400,
                                 .height = 300};
      for (const std::string& text : {"[[File:Chart.png|" + p + "|100px]]",
                                      "[[File:Chart.png|100px|" + p + "]]",
                                      "[[File:" + name + "|" + p + "|100px]]",
                                      "# [[File:Chart.png|" + p + "]]",
                                      "| [[File:" + name + "]] |\n|---|\n"}) {
        for (const EmbeddedFiles& with : {files, EmbeddedFiles{}}) {
          html = RenderEmbeds(text, with);
          BOOST_TEST(Dangers(html) == "", html);
          for (size_t at = html.find("<img"); at != std::string::npos;
               at = html.find("<img", at + 1)) {
            // An embed's tag (not cmark's own, for ![x](y) in the text)
            // has exactly the attributes EmbedNode writes.
            const std::string tag = html.substr(at, html.find('>', at) - at);
            BOOST_TEST(tag.find(" onerror") == std::string::npos, tag);
            if (tag.find("loading=") == std::string::npos) continue;
            BOOST_TEST(std::count(tag.begin(), tag.end(), '"') == 10, tag);
          }
        }
      }
    }
  }
}

// cmark-gfm 0.29.0.gfm.6's own super-linear cases are cut off at the
// budget: refused, and every later parse refused too (the overrun one
// still runs; the worker is replaced after its answer). Last in this file:
// the parse left running shares cmark-gfm's global tables, which gfm.6
// rewrites on every parse, so no other test may parse after it.
BOOST_AUTO_TEST_CASE(what_overruns_the_budget_is_refused) {
  Markdown md(BudgetedThread::Budget{.cpu = std::chrono::milliseconds(100),
                                     .wall = std::chrono::milliseconds(20000)});
  BOOST_TEST(md.ToHtml("fine", Markdown::Existing::value_type{}).ok());
  // 128 KiB of "www.a_": 8 s for gfm.6's autolink extension.
  auto refused = md.LinkTargets(Repeat("www.a_", 128 << 10));
  BOOST_REQUIRE(!refused.ok());
  BOOST_TEST((refused.status().code() == Status::Code::kTooComplex));
  // A save's check has half the budget.
  BOOST_TEST(refused.status().message().find("more than 50 ms") != std::string::npos,
             refused.status().message());
  BOOST_TEST(md.overran());
  auto after = md.ToHtml("fine", Markdown::Existing::value_type{});
  BOOST_TEST(!after.ok());
  BOOST_TEST((after.status().code() == Status::Code::kUnavailable));
}

}  // namespace
}  // namespace wikid
