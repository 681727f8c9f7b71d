// X2: every template escapes by default. A template without the
// AUTOESCAPE pragma is expanded raw (even when included from one that has
// it), so the pragma must open every file; only the HTML our Markdown
// renderer made may skip escaping; attribute values are quoted, since
// an unquoted one defeats the escaper.
#define BOOST_TEST_MODULE template_lint
#include <boost/test/unit_test.hpp>

#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <sstream>

namespace {

std::vector<std::filesystem::path> Templates() {
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(
           std::string(WIKID_SOURCE_DIR) + "/views/templates")) {
    if (entry.path().extension() == ".tpl") files.push_back(entry.path());
  }
  return files;
}

std::string Read(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

BOOST_AUTO_TEST_CASE(every_template_starts_with_the_autoescape_pragma) {
  auto files = Templates();
  BOOST_REQUIRE(!files.empty());
  for (const auto& file : files) {
    BOOST_TEST_CONTEXT(file.filename()) {
      // Feeds are XML, escaped as XML; everything else is HTML.
      bool feed = file.filename().string().ends_with(".atom.tpl");
      BOOST_TEST(Read(file).starts_with(feed ? "{{%AUTOESCAPE context=\"XML\"}}\n"
                                             : "{{%AUTOESCAPE context=\"HTML\"}}\n"));
    }
  }
}

BOOST_AUTO_TEST_CASE(only_rendered_html_skips_escaping) {
  // The HTML our Markdown renderer made (BODY_HTML): a page's body
  // (page.tpl), its preview (edit.tpl), a user's bio (profile.tpl) and the
  // editing help (help.tpl); and
  // changes.tpl as it expanded itself (CHANGE_LIST_HTML) on the front page
  // (page.tpl) and /_recent. Nothing else, each once, each with a comment
  // saying why right above it.
  std::map<std::string, int> none;
  for (const auto& file : Templates()) {
    std::string text = Read(file);
    for (size_t at = text.find(":none}}"); at != std::string::npos;
         at = text.find(":none}}", at + 1)) {
      ++none[file.filename().string()];
      bool body = text.rfind("{{BODY_HTML", at) + 11 == at;
      bool changes = text.rfind("{{CHANGE_LIST_HTML", at) + 18 == at;
      BOOST_TEST((body || changes), file.filename());
      size_t line = text.rfind('\n', at);
      size_t previous = text.rfind('\n', line - 1);
      BOOST_TEST(text.substr(previous + 1, 3) == "{{!", file.filename());
    }
  }
  BOOST_TEST((none == std::map<std::string, int>{
                          {"edit.tpl", 1}, {"help.tpl", 1}, {"page.tpl", 2}, {"profile.tpl", 1},
                          {"recent.tpl", 1}, {"watchlist.tpl", 1}, {"welcome.tpl", 1}}));
}

BOOST_AUTO_TEST_CASE(attribute_values_are_quoted) {
  std::regex unquoted(R"([a-zA-Z-]+=\{\{)");
  for (const auto& file : Templates()) {
    BOOST_TEST_CONTEXT(file.filename()) {
      BOOST_TEST(!std::regex_search(Read(file), unquoted));
    }
  }
}

// Rendered text gives its headings ids (views/markup/headings.h) made of
// letters, digits, '-' and '_': a template's own ids hold a '.', so no
// heading of a previewed text takes the id a form's label points at.
BOOST_AUTO_TEST_CASE(template_ids_are_never_heading_slugs) {
  std::regex id(R"re(\s(id|for)="([^"]*)")re");
  for (const auto& file : Templates()) {
    std::string text = Read(file);
    BOOST_TEST_CONTEXT(file.filename()) {
      for (std::sregex_iterator m(text.begin(), text.end(), id), end; m != end; ++m) {
        BOOST_TEST((*m)[2].str().find('.') != std::string::npos, (*m)[0].str());
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(no_inline_script_or_style) {
  // The Content-Security-Policy forbids them; they would silently not run.
  for (const auto& file : Templates()) {
    std::string text = Read(file);
    BOOST_TEST_CONTEXT(file.filename()) {
      BOOST_TEST(text.find("<script") == std::string::npos);
      BOOST_TEST(text.find("<style") == std::string::npos);
      BOOST_TEST(text.find(" style=") == std::string::npos);
      BOOST_TEST(!std::regex_search(text, std::regex(R"(\son[a-z]+=)")));
    }
  }
}

}  // namespace
