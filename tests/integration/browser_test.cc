// Every distinct view in a real browser (issue 21): one stack (nginx with
// its fast path, three wikid workers, memcached, mail that cannot be
// delivered), filled with what each view needs, then tests/browser/
// views.js drives Debian's chromium through all of them at a desktop and
// a phone size, in light and dark, and checks each with axe-core and for
// sideways scrolling on the phone. The list of views and the checks are in
// views.js; this file makes the wiki they look at. Screenshots of each
// view at both sizes, and views.js's report, are left in
// browser_test-output/ under the test's working folder (the build's tests/).
//
// Needs node, chromium (scripts/deps) and views.js's npm packages, which
// the ctest fixture browser_packages installs into the build folder
// (tests/browser/install) and names in NODE_PATH.
#define BOOST_TEST_MODULE browser_test
#include <boost/test/unit_test.hpp>

#include <cstdlib>
#include <filesystem>

#include "tests/support/test_images.h"
#include "tests/support/test_wiki.h"

namespace wikid::testing {
namespace {

using namespace std::chrono_literals;

// What views.js looks at, as people would have written it: text that
// stresses a phone's width (a long URL, a long code line, a wide table),
// a task list, a code block, sections, a link to a page nobody has written
// and an embedded image.
constexpr char kSandboxText[] =
    "# Sandbox\n\n"
    "A page to try things on. See [[Linker]] and [[Missing thing]].\n\n"
    "Found at https://example.org/a/very/long/address/that/goes/on/and/on/"
    "without/any/place/to/break/it/index.html?with=parameters&and=more_parameters_still\n\n"
    "## Tasks\n\n"
    "- [x] write the page\n"
    "- [ ] read it on a phone\n\n"
    "## Code\n\n"
    "```cpp\n"
    "int main() { return std::printf(\"%s\\n\", \"a code line much longer than "
    "a phone's screen is wide, and longer than a desktop's page column too\"); }\n"
    "```\n\n"
    "## Table\n\n"
    "| Name | Address | Role | Joined | Notes |\n"
    "|------|---------|------|--------|-------|\n"
    "| Someone | someone.with.a.long.address@example.org | editor | 2026-01-01 | "
    "a cell with enough words to wrap |\n\n"
    "[[File:Diagram.png]]\n";

std::string OutputDir() {
  return (std::filesystem::current_path() / "browser_test-output").string();
}

BOOST_AUTO_TEST_CASE(every_view_is_accessible_and_fits_a_phone_in_light_and_dark) {
  // Mail to an SMTP port where nothing listens: the outbox shows failed
  // deliveries with their errors, the widest of the admin tables.
  TestWiki wiki(TestWikiOptions{
      .workers = 3,
      .memcached = true,
      .fast_path = true,
      .extra_args = {"--smtp-url", "smtp://127.0.0.1:9", "--admin-emails",
                     "watch@example.org", "--mail-max-attempts", "1"}});
  wiki.CreateUser("Boss", "boss-password", /*admin=*/true, "boss@example.org");
  wiki.CreateUser("Reader", "reader-password", /*admin=*/false,
                  "reader.with.a.long.address@example.org");

  Browser& editor = wiki.Editor();
  BOOST_REQUIRE_EQUAL(editor.PostMultipart("/_upload",
                                           {{"name", "Diagram.png"},
                                            {"summary", "a diagram"},
                                            {"base_rev", "0"}},
                                           FormFilePart{.filename = "Diagram.png",
                                                        .content_type = "image/png",
                                                        .bytes = RealPng(400, 300)})
                          .status,
                      303);
  // Three revisions of Sandbox, for its history, a diff and a restore.
  BOOST_REQUIRE_EQUAL(wiki.Save("Sandbox", 0, "A first draft.\n", "first").status, 303);
  BOOST_REQUIRE_EQUAL(wiki.Save("Sandbox", 1, "A second draft.\n", "second").status, 303);
  BOOST_REQUIRE_EQUAL(wiki.Save("Sandbox", 2, kSandboxText, "the whole page").status, 303);
  BOOST_REQUIRE_EQUAL(
      wiki.Save("Main_Page", 0, "Welcome. Start at the [[Sandbox]].\n", "welcome").status, 303);
  BOOST_REQUIRE_EQUAL(wiki.Save("Linker", 0, "Links to [[Sandbox]].\n").status, 303);
  BOOST_REQUIRE_EQUAL(wiki.Save("Lonely", 0, "Nothing links here.\n").status, 303);
  // The outbox has tried its messages (signups and new pages, to admins).
  BOOST_REQUIRE(wiki.WaitForScalar(
      "SELECT count(*) FROM outbox WHERE attempts > 0", 1, 60s));

  const std::string out = OutputDir();
  std::filesystem::remove_all(out);
  const char* node_path = std::getenv("NODE_PATH");
  BOOST_REQUIRE_MESSAGE(node_path && *node_path,
                        "NODE_PATH names no npm packages (ctest's browser_packages fixture)");
  CommandRun run = RunCommand(
      {"node", std::string(WIKID_SOURCE_DIR) + "/tests/browser/views.js", wiki.Url(""), out},
      {{"NODE_PATH", node_path}}, 5min);
  BOOST_TEST_MESSAGE(run.output);
  BOOST_TEST(run.code == 0, "views.js failed (exit " << run.code << "):\n" << run.output);
}

}  // namespace
}  // namespace wikid::testing
