// Every distinct view in a real browser, and what people do (issue 21):
// one stack (nginx with its fast path, three wikid workers, memcached,
// mail that cannot be delivered) filled with what each view needs, and two
// brand-new wikis; then tests/browser/run.js drives Debian's chromium
// through every view (views.js: at a desktop and a phone size, in light
// and dark, each checked with axe-core and for sideways scrolling on the
// phone; first a new wiki's, then the filled one's) and walks the
// journeys (journeys.js: first run, sign up, edit, a conflict, history
// and restore, search, refusals that keep the text, profile, an admin's
// confirmed changes, each with JavaScript on and off). The lists of views
// and journeys and the checks are in tests/browser/; this file makes the
// wikis they look at. Screenshots of each view at both sizes, and the
// report, are left in browser_test-output/ under the test's working
// folder (the build's tests/).
//
// Needs node, chromium (scripts/deps) and tests/browser's npm packages,
// which the ctest fixture browser_packages installs into the build folder
// (tests/browser/install) and names in NODE_PATH.
#define BOOST_TEST_MODULE browser_test
#include <boost/test/unit_test.hpp>

#include <cstdlib>
#include <filesystem>
#include <map>
#include <regex>
#include <vector>

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

// The token of the setup link a wiki with no admin writes.
std::string SetupToken(const TestWiki& wiki) {
  std::smatch m;
  const std::string link = ReadFile(wiki.data_dir() + "/setup-link");
  if (!std::regex_search(link, m, std::regex("/_setup\\?token=([A-Za-z0-9_-]+)"))) return "";
  return m[1];
}

// Runs tests/browser/run.js on the wikis named in `wikis` (JSON, run.js
// says what).
void RunBrowser(const std::string& wikis) {
  const char* node_path = std::getenv("NODE_PATH");
  BOOST_REQUIRE_MESSAGE(node_path && *node_path,
                        "NODE_PATH names no npm packages (ctest's browser_packages fixture)");
  CommandRun run = RunCommand(
      {"node", std::string(WIKID_SOURCE_DIR) + "/tests/browser/run.js", OutputDir(), wikis},
      {{"NODE_PATH", node_path}}, 8min);
  BOOST_TEST_MESSAGE(run.output);
  BOOST_TEST(run.code == 0, "run.js failed (exit " << run.code << "):\n" << run.output);
}

BOOST_AUTO_TEST_CASE(every_view_is_accessible_and_fits_a_phone_in_light_and_dark) {
  std::filesystem::remove_all(OutputDir());
  // Mail to an SMTP port where nothing listens: the outbox shows failed
  // deliveries with their errors, the widest of the admin tables. Pages
  // of at most 4,000 bytes: a journey types a longer one.
  // Eight workers: the views and six journeys log in at once, and with N
  // workers N-1 may hash a password at a time (model/accounts/hash_slots.h);
  // the eighth would be told "busy, try again" (503), as it should be.
  TestWiki wiki(TestWikiOptions{
      .workers = 8,
      .memcached = true,
      .fast_path = true,
      .extra_args = {"--smtp-url", "smtp://127.0.0.1:9", "--admin-emails",
                     "watch@example.org", "--mail-max-attempts", "1", "--max-page-bytes",
                     "4000"}});
  // Two brand-new wikis, as a first run makes them: the views of a new
  // wiki (its welcome, the setup form), then the first-run journey, once
  // with JavaScript and once without (the setup link works once).
  TestWiki fresh_js(TestWikiOptions{.workers = 1});
  TestWiki fresh_nojs(TestWikiOptions{.workers = 1});
  const std::string token_js = SetupToken(fresh_js);
  const std::string token_nojs = SetupToken(fresh_nojs);
  BOOST_REQUIRE(!token_js.empty() && !token_nojs.empty());

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
  // A page the admin deleted (its 410), and one to show the delete form of.
  BOOST_REQUIRE_EQUAL(wiki.Save("Gone", 0, "Soon deleted.\n").status, 303);
  Browser boss(wiki);
  BOOST_REQUIRE_EQUAL(boss.LogIn("Boss", "boss-password").status, 303);
  BOOST_REQUIRE_EQUAL(boss.Post("/_delete/Gone", {{"reason", "a test of the 410"}}).status, 303);
  // Reader watches Sandbox with a confirmed address, so a change mails
  // them an unsubscribe link (kept in the outbox, as delivery fails).
  wiki.Exec("UPDATE account SET confirmed_email = email WHERE name = 'Reader'");
  Browser reader(wiki);
  BOOST_REQUIRE_EQUAL(reader.LogIn("Reader", "reader-password").status, 303);
  BOOST_REQUIRE_EQUAL(reader.Post("/_watch/Sandbox", {{"watch", "1"}}).status, 303);
  BOOST_REQUIRE_EQUAL(wiki.Save("Sandbox", 3, std::string(kSandboxText) + "\nMore.\n",
                                "for the watchlist").status, 303);
  // The outbox has tried its messages (signups and new pages, to admins).
  BOOST_REQUIRE(wiki.WaitForScalar(
      "SELECT count(*) FROM outbox WHERE attempts > 0", 1, 60s));
  std::smatch unwatch;
  std::string bodies;
  for (const std::string& body :
       wiki.database().Column("SELECT body FROM outbox WHERE subject LIKE '%was changed%'")) {
    bodies += body;
  }
  BOOST_REQUIRE_MESSAGE(std::regex_search(bodies, unwatch, std::regex("/_unwatch\\?[^\\s]+")),
                        "no unsubscribe link in the watch mail: " << bodies);

  // Every value below is a URL, a path or a token: nothing to escape in
  // JSON.
  RunBrowser("{\"filled\": \"" + wiki.Url("") + "\", \"unwatchPath\": \"" +
             std::string(unwatch[0]) + "\", \"fresh\": {\"js\": {\"url\": \"" +
             fresh_js.Url("") + "\", \"token\": \"" + token_js +
             "\"}, \"nojs\": {\"url\": \"" + fresh_nojs.Url("") + "\", \"token\": \"" +
             token_nojs + "\"}}}");
}

}  // namespace
}  // namespace wikid::testing
