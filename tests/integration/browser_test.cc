// Every distinct view in a real browser (issue 21): one stack (nginx with
// its fast path, three wikid workers, memcached, mail that cannot be
// delivered), filled with what each view needs, then tests/browser/
// views.js drives Debian's chromium through all of them at a desktop and
// a phone size, in light and dark, and checks each with axe-core and for
// sideways scrolling on the phone: first a new wiki's views (the welcome,
// the setup form), then, once it is filled, the rest. Last, journeys.js
// walks what people do (sign up, edit, a conflict, their profile, an
// admin's confirmed changes) with JavaScript on and off. The list of views
// and the checks are in views.js; this file makes the wiki they look at. Screenshots of each
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

// Runs tests/browser/SCRIPT on the wiki with `args` after its base URL
// and output folder, and `env` added to its environment.
void RunNode(TestWiki& wiki, const std::string& script, std::vector<std::string> args,
             std::map<std::string, std::string> env = {}) {
  const char* node_path = std::getenv("NODE_PATH");
  BOOST_REQUIRE_MESSAGE(node_path && *node_path,
                        "NODE_PATH names no npm packages (ctest's browser_packages fixture)");
  env["NODE_PATH"] = node_path;
  std::vector<std::string> command = {"node", std::string(WIKID_SOURCE_DIR) + "/tests/browser/" +
                                                  script,
                                      wiki.Url(""), OutputDir()};
  command.insert(command.end(), args.begin(), args.end());
  CommandRun run = RunCommand(command, env, 8min);
  BOOST_TEST_MESSAGE(run.output);
  BOOST_TEST(run.code == 0, script << " failed (exit " << run.code << "):\n" << run.output);
}

// views.js over the views of `phase` ("fresh": a wiki with no admin and no
// pages; "filled": the rest).
void RunViews(TestWiki& wiki, const std::string& phase,
              std::map<std::string, std::string> env = {}) {
  RunNode(wiki, "views.js", {phase}, std::move(env));
}

// The token of the setup link a wiki with no admin writes.
std::string SetupToken(const TestWiki& wiki) {
  std::smatch m;
  const std::string link = ReadFile(wiki.data_dir() + "/setup-link");
  if (!std::regex_search(link, m, std::regex("/_setup\\?token=([A-Za-z0-9_-]+)"))) return "";
  return m[1];
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
  // First the views of a brand-new wiki: its welcome and the setup form.
  std::filesystem::remove_all(OutputDir());
  const std::string setup_token = SetupToken(wiki);
  BOOST_REQUIRE(!setup_token.empty());
  RunViews(wiki, "fresh", {{"WIKID_SETUP_TOKEN", setup_token}});

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

  RunViews(wiki, "filled", {{"WIKID_UNWATCH_PATH", unwatch[0]}});
  // Then the journeys, on the same wiki (they make their own pages and
  // accounts, and change Reader and Boss in nothing the views show).
  RunNode(wiki, "journeys.js", {});
}

}  // namespace
}  // namespace wikid::testing
