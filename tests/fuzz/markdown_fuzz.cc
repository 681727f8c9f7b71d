// Page text (views/markup/markdown.h): never a crash, and nothing rendered is
// something a browser could run (tests/support/html_safety.h): no script,
// no event handler, no dangerous URL, whatever the Markdown and the wiki
// links around it.
#include "tests/fuzz/fuzz_input.h"
#include "tests/support/html_safety.h"
#include "views/markup/markdown.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static wikid::Markdown markdown;
  if (markdown.overran()) {
    // A budget ran out (its parse still runs): nothing more to learn.
    static bool said = false;
    if (!said) std::fprintf(stderr, "markdown_fuzz: a parse overran its budget\n");
    said = true;
    return 0;
  }
  std::string_view text(reinterpret_cast<const char*>(data), size);
  // One image and one file that is no image, so embeds of both (and of
  // files not uploaded) are rendered too.
  static const wikid::EmbeddedFiles files = {
      {"a.png",
       {.name = "a.png",
        .sha256 = std::string(64, 'a'),
        .content_type = "image/png",
        .width = 640,
        .height = 480}},
      {"b.pdf",
       {.name = "b.pdf",
        .sha256 = std::string(64, 'b'),
        .content_type = "application/pdf"}}};
  auto html = markdown.ToHtml(text,
                              wikid::Markdown::Existing::value_type{
                                  {"Main Page", "Main Page"}, {"a", "a"}},
                              files);
  if (html.ok()) {
    std::string dangers = wikid::testing::Dangers(*html);
    if (!dangers.empty()) std::fprintf(stderr, "%s\n", dangers.c_str());
    wikid::fuzz::Check(dangers.empty(), "rendered HTML holds nothing a browser runs");
  }
  markdown.LinkTargets(text);
  return 0;
}
