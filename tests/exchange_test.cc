// `wikid export` and `wikid import` (model/wiki_export.h, model/wiki_import.h)
// on both engines (exchange_test_postgres runs the cases that take one on
// PostgreSQL; the commands' case is SQLite's): a wiki exported and imported into an empty one
// compares equal (pages, revisions, authors, times, summaries, texts byte
// for byte, links and search); importing a file twice adds nothing; a
// truncated or malformed file fails naming its line and leaves the wiki
// as it was; a dump written by a real MediaWiki 1.39 (tests/fixtures)
// imports with its history, its wikitext converted; the commands' exit
// codes and summaries.
#define BOOST_TEST_MODULE exchange
#include <sys/wait.h>

#include <algorithm>
#include <boost/test/unit_test.hpp>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "model/exchange/mediawiki_xml.h"
#include "model/text/search_query.h"
#include "model/wiki_export.h"
#include "model/wiki_import.h"
#include "tests/support/db_dump.h"
#include "tests/support/temp_dir.h"
#include "tests/support/test_database.h"
#include "views/markup/markdown.h"

namespace wikid {
namespace {

using testing::TempDir;
using testing::TestDatabase;

constexpr int64_t kNow = 1700100000;

StorageOptions At(const TestDatabase& db) {
  return StorageOptions{.data_dir = db.dir().path(), .database = db.url(),
                        .statement_timeout_ms = 0};
}

std::unique_ptr<Wiki> OpenWiki(const TestDatabase& db) {
  WikiOptions options;
  options.storage = At(db);
  options.tell_admins = false;
  auto wiki = Wiki::Open(options);
  BOOST_REQUIRE_MESSAGE(wiki.ok(), wiki.status().message());
  return std::move(*wiki);
}

Markdown& Parser() {
  static Markdown markdown;
  return markdown;
}

void Save(Wiki& wiki, const std::string& title, const std::string& text,
          const std::string& author, int64_t account_id, int64_t at,
          const std::string& summary = "") {
  auto name = PageName::Parse(title);
  BOOST_REQUIRE(name.ok());
  auto latest = wiki.stores().pages.Find(*name, std::nullopt);
  auto links = Parser().LinkTargets(text);
  BOOST_REQUIRE(links.ok());
  auto saved = wiki.page_store().Save(Edit{.name = *name,
                                           .base_rev = latest.ok() ? latest->latest_rev : 0,
                                           .text = text,
                                           .summary = summary,
                                           .author = author,
                                           .account_id = account_id,
                                           .created_at = at,
                                           .links = *links});
  BOOST_REQUIRE_MESSAGE(saved.ok() && saved->created, title);
}

Result<ImportReport> Import(const TestDatabase& db, std::istream& in) {
  ImportOptions options{.storage = At(db),
                        .link_targets = [](std::string_view text) {
                          return Parser().LinkTargets(text);
                        }};
  return ImportDump(in, options);
}

Result<ImportReport> ImportText(const TestDatabase& db, const std::string& xml) {
  std::istringstream in(xml);
  return Import(db, in);
}

std::string Export(const TestDatabase& db) {
  std::ostringstream out;
  auto report = ExportWiki(out, ExportOptions{.storage = At(db)});
  BOOST_REQUIRE_MESSAGE(report.ok(), report.status().message());
  return out.str();
}

// What an exchange must keep: every live page's revisions in order, with
// author, time, summary and text (hex, so every byte counts), the current
// links and the wanted pages.
std::vector<std::string> History(const TestDatabase& db) {
  const std::string hex = db.engine() == testing::Engine::kSqlite
                              ? "hex(r.text)"
                              : "encode(convert_to(r.text, 'UTF8'), 'hex')";
  return db.Column(
      "SELECT p.name || '|' || r.rev || '|' || r.author || '|' || r.created_at || '|' || "
      "r.summary || '|' || " + hex + " || '|' || r.size || '|' || r.size_change "
      "FROM page p JOIN revision r ON r.page_id = p.id WHERE NOT p.deleted "
      "ORDER BY p.name, r.rev");
}
std::vector<std::string> Links(const TestDatabase& db) {
  return db.Column(
      "SELECT 'link ' || source_name || ' -> ' || target FROM page_link "
      "UNION ALL SELECT 'wanted ' || target || ' ' || links FROM wanted ORDER BY 1");
}

std::string DumpOf(const TestDatabase& db) { return testing::DumpDatabase(db); }

// A wiki with what an exchange must carry: accounts' and anonymous edits,
// summaries, texts with markup, XML's special characters, a carriage
// return, tabs, non-ASCII and trailing spaces, links to pages that exist
// and do not, a redirect, and a deleted page (which stays behind).
void Fill(Wiki& wiki, const TestDatabase& db) {
  const int64_t alice = db.InsertAccount("alice");
  Save(wiki, "Main Page", "Welcome to [[Getting Started]] and [[Nowhere]].\n", "alice", alice,
       kNow, "first");
  Save(wiki, "Getting Started", "# Start\n\nSee [[Main Page|home]] & <b>\"this\"</b>.\r\n",
       "192.0.2.7", 0, kNow + 10);
  Save(wiki, "Getting Started", "# Start\n\nÜber [[Main Page]]\tand ]]> too.  \n", "alice",
       alice, kNow + 20, "umlauts & <tags>");
  Save(wiki, "Getting Started", "# Start\n\nÜber [[Main Page]] and [[Also Nowhere]].\n",
       "2001:db8::1", 0, kNow + 20);  // the same second as the one before
  Save(wiki, "Old Name", "#REDIRECT [[Getting Started]]\n", "alice", alice, kNow + 30);
  Save(wiki, "Secret", "spam and someone's address\n", "alice", alice, kNow + 40);
  BOOST_REQUIRE(wiki.page_store()
                    .Delete(PageDeletionRequest{.name = *PageName::Parse("Secret"),
                                                .reason = "spam",
                                                .author = "alice",
                                                .account_id = alice,
                                                .at = kNow + 50})
                    .ok());
}

BOOST_AUTO_TEST_CASE(export_then_import_into_an_empty_wiki_compares_equal) {
  TestDatabase source;
  auto wiki = OpenWiki(source);
  Fill(*wiki, source);
  const std::string xml = Export(source);
  BOOST_TEST(xml.find("Secret") == std::string::npos);  // deleted pages stay behind
  BOOST_TEST(xml.find("<model>markdown</model>") != std::string::npos);
  BOOST_TEST(xml.find("<ip>192.0.2.7</ip>") != std::string::npos);

  TestDatabase target;
  auto report = ImportText(target, xml);
  BOOST_REQUIRE_MESSAGE(report.ok(), report.status().message());
  BOOST_TEST(report->revisions_added == 5);
  BOOST_TEST(report->pages_created == 3);
  BOOST_TEST(report->converted == 0);
  BOOST_TEST(History(target) == History(source), boost::test_tools::per_element());
  BOOST_TEST(Links(target) == Links(source), boost::test_tools::per_element());

  // The search index and account-less authors work in the copy.
  auto copy = OpenWiki(target);
  auto query = ParseSearch("über");
  BOOST_REQUIRE(query.ok());
  auto hits = copy->stores().pages.Search(*query, 0, 10);
  BOOST_REQUIRE(hits.ok());
  BOOST_REQUIRE(hits->hits.size() == 1);
  BOOST_TEST(hits->hits[0].title == "Getting Started");
  auto page = copy->stores().pages.Find(*PageName::Parse("Main Page"), 1);
  BOOST_REQUIRE(page.ok());
  BOOST_TEST(page->revision.author == "alice");
  BOOST_TEST(!page->revision.author_is_account);  // no such account there
  BOOST_TEST(page->existing_links.contains("Getting Started"));

  // And the copy exports as the source did, but for the ids.
  auto without_ids = [](std::string text) {
    std::string out;
    std::istringstream lines(text);
    for (std::string line; std::getline(lines, line);) {
      if (line.find("<id>") == std::string::npos && line.find("<parentid>") == std::string::npos) {
        out += line + "\n";
      }
    }
    return out;
  };
  BOOST_TEST(without_ids(Export(target)) == without_ids(xml));
}

BOOST_AUTO_TEST_CASE(importing_a_file_twice_changes_nothing) {
  TestDatabase source, target;
  auto wiki = OpenWiki(source);
  Fill(*wiki, source);
  const std::string xml = Export(source);
  // An account of the target's own: the import credits its edits to it.
  BOOST_REQUIRE(target.Open().ok());  // the wiki's tables made
  const int64_t alice = target.InsertAccount("alice");
  auto first = ImportText(target, xml);
  BOOST_REQUIRE_MESSAGE(first.ok(), first.status().message());
  BOOST_TEST(first->by_accounts == 3);
  BOOST_TEST(target.Column("SELECT edit_count FROM account WHERE id = " +
                           std::to_string(alice)) == std::vector<std::string>{"3"});
  const std::string before = DumpOf(target);

  auto second = ImportText(target, xml);
  BOOST_REQUIRE_MESSAGE(second.ok(), second.status().message());
  BOOST_TEST(second->revisions_added == 0);
  BOOST_TEST(second->revisions_present == 5);
  BOOST_TEST(DumpOf(target) == before);  // every row of every table, the cache epoch's too

  // A file that overlaps: one revision more on top of what is there.
  Save(*wiki, "Main Page", "Welcome back.\n", "192.0.2.9", 0, kNow + 100, "again");
  auto third = ImportText(target, Export(source));
  BOOST_REQUIRE_MESSAGE(third.ok(), third.status().message());
  BOOST_TEST(third->revisions_added == 1);
  BOOST_TEST(third->pages_extended == 1);
  BOOST_TEST(History(target) == History(source), boost::test_tools::per_element());
}

// The line of `text` that offset `at` is on.
int LineAt(const std::string& text, size_t at) {
  BOOST_REQUIRE(at != std::string::npos);
  return 1 + static_cast<int>(std::count(text.begin(), text.begin() + at, '\n'));
}
int LineOf(const std::string& text, const std::string& needle) {
  return LineAt(text, text.find(needle));
}

BOOST_AUTO_TEST_CASE(a_truncated_or_malformed_file_fails_naming_its_line_and_imports_nothing) {
  TestDatabase source, target;
  auto wiki = OpenWiki(source);
  Fill(*wiki, source);
  const std::string xml = Export(source);
  // The target holds a wiki already, which must stay as it is.
  auto existing = OpenWiki(target);
  Save(*existing, "Main Page", "Mine.\n", "192.0.2.1", 0, kNow - 5);
  const std::string before = DumpOf(target);

  struct Case {
    std::string what, xml, message;
    int line;
  };
  const size_t cut = xml.find("Über");
  std::string mismatched = xml;
  const size_t title = mismatched.find("</title>", mismatched.find("Old Name"));
  mismatched.replace(title, 8, "</titel>");
  std::string bad_sha1 = xml;
  const size_t sha1 = bad_sha1.find("<sha1>", bad_sha1.find("umlauts"));
  bad_sha1.replace(sha1 + 6, 1, bad_sha1[sha1 + 6] == 'a' ? "b" : "a");
  std::string bad_time = xml;
  bad_time.replace(bad_time.find("<timestamp>") + 11, 4, "20x6");
  const Case cases[] = {
      {"cut in a text", xml.substr(0, cut), "cut short", LineOf(xml, "Über")},
      {"cut after a page", xml.substr(0, xml.rfind("</page>") + 8), "cut short",
       LineOf(xml, "</mediawiki>")},
      {"a tag closed by another", mismatched, "malformed XML (mismatched tag)",
       LineOf(mismatched, "</titel>")},
      {"not a dump", "<html>\n<body/></html>", "not a MediaWiki dump", 1},
      {"a text with another SHA-1", bad_sha1, "SHA-1",
       LineAt(xml, xml.rfind("<revision>", xml.find("umlauts")))},
      {"a timestamp that is none", bad_time, "<timestamp>", LineOf(bad_time, "20x6")},
  };
  for (const Case& c : cases) {
    BOOST_TEST_CONTEXT(c.what) {
      auto report = ImportText(target, c.xml);
      BOOST_REQUIRE(!report.ok());
      const std::string& message = report.status().message();
      BOOST_TEST(report.status().IsInvalid());
      BOOST_TEST(message.find(c.message) != std::string::npos, message);
      const std::string line = "line " + std::to_string(c.line);
      const bool named = message.starts_with(line + ":") || message.starts_with(line + ",");
      BOOST_TEST(named, message << " (expected " << line << ")");
      BOOST_TEST(DumpOf(target) == before);
    }
  }
}

std::string Fixture() {
  std::ifstream in(std::string(WIKID_SOURCE_DIR) + "/tests/fixtures/mediawiki-1.39-dump.xml");
  std::stringstream text;
  text << in.rdbuf();
  BOOST_REQUIRE(!text.str().empty());
  return text.str();
}

BOOST_AUTO_TEST_CASE(a_dump_of_mediawiki_1_39_imports_with_its_history) {
  TestDatabase target;
  BOOST_REQUIRE(target.Open().ok());  // the wiki's tables made
  const int64_t alice = target.InsertAccount("alice");
  auto report = ImportText(target, Fixture());
  BOOST_REQUIRE_MESSAGE(report.ok(), report.status().message());
  BOOST_TEST(report->revisions_read == 7);
  BOOST_TEST(report->revisions_added == 7);
  BOOST_TEST(report->converted == 7);
  BOOST_TEST(report->pages_created == 4);
  BOOST_TEST(report->by_accounts == 4);  // Alice's, to the account alice

  const std::vector<std::string> expected = {
      "Getting started|1|Alice|1|First version [converted from MediaWiki wikitext]",
      "Getting started|2|Bob Smith|0|Add links [converted from MediaWiki wikitext]",
      "Getting started|3|Alice|1|[converted from MediaWiki wikitext]",
      "Main Page|1|MediaWiki default|0|[converted from MediaWiki wikitext]",
      "Old name|1|Alice|1|redirect [converted from MediaWiki wikitext]",
      "Talk:Getting started|1|Alice|1|question [converted from MediaWiki wikitext]",
      "Talk:Getting started|2|Bob Smith|0|answer [converted from MediaWiki wikitext]",
  };
  BOOST_TEST(target.Column("SELECT p.name || '|' || r.rev || '|' || r.author || '|' || "
                           "(CASE WHEN r.account_id IS NULL THEN 0 ELSE 1 END) || '|' || "
                           "r.summary "
                           "FROM page p JOIN revision r ON r.page_id = p.id "
                           "ORDER BY p.name, r.rev") == expected,
             boost::test_tools::per_element());
  // Times as the dump gives them, in its order.
  const std::string xml = Fixture();
  std::vector<std::string> times;
  for (size_t at = xml.find("<timestamp>"); at != std::string::npos;
       at = xml.find("<timestamp>", at + 1)) {
    times.push_back(xml.substr(at + 11, 20));
  }
  std::vector<std::string> stored;
  for (const std::string& t : target.Column("SELECT created_at FROM revision ORDER BY id")) {
    stored.push_back(DumpTimestamp(std::stoll(t)));
  }
  BOOST_TEST(stored == times, boost::test_tools::per_element());

  auto wiki = OpenWiki(target);
  auto page = wiki->stores().pages.Find(*PageName::Parse("Getting started"), 2);
  BOOST_REQUIRE(page.ok());
  BOOST_TEST(page->revision.text ==
             "## Welcome\n"
             "This is **wikid'**s *fixture*, edited.\n\n"
             "- one\n  - nested\n- two\n\n"
             "See [[Main Page]], [MediaWiki](https://www.mediawiki.org) and "
             "<https://example.org>.");
  BOOST_TEST(page->existing_links.contains("Main Page"));
  auto redirect = wiki->stores().pages.Find(*PageName::Parse("Old name"), std::nullopt);
  BOOST_REQUIRE(redirect.ok());
  BOOST_TEST(redirect->revision.text == "#REDIRECT [[Getting started]]");
  BOOST_TEST(target.Column("SELECT edit_count FROM account WHERE id = " +
                           std::to_string(alice)) == std::vector<std::string>{"4"});
  // The latest texts' links: the talk page's signatures name user pages
  // nobody wrote (Help:Contents was linked from an older revision only).
  BOOST_TEST(target.Column("SELECT target FROM wanted ORDER BY target") ==
                 (std::vector<std::string>{"User:Alice", "User:Bob Smith"}),
             boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(an_import_retires_every_cached_view) {
  TestDatabase target;
  auto wiki = OpenWiki(target);  // made, so its epoch and fast path exist
  const auto epoch = target.Column("SELECT epoch FROM cache_epoch");
  target.Exec("UPDATE fast_path_state SET phase = 'serving'");
  const auto generation = target.Column("SELECT generation FROM fast_path_state");
  auto report = ImportText(target, Fixture());
  BOOST_REQUIRE_MESSAGE(report.ok(), report.status().message());
  BOOST_TEST(target.Column("SELECT epoch FROM cache_epoch") != epoch);
  BOOST_TEST(target.Column("SELECT phase FROM fast_path_state") ==
             std::vector<std::string>{"off"});
  BOOST_TEST(target.Column("SELECT generation FROM fast_path_state") != generation);
}

// The commands as an operator runs them: the exit code, and what they
// printed in `*output`.
int Run(const TempDir& dir, const std::string& command, std::string* output) {
  const std::string out_file = dir.path() + "/output";
  const int status = std::system((command + " >" + out_file + " 2>&1").c_str());
  std::ifstream in(out_file);
  std::stringstream text;
  text << in.rdbuf();
  *output = text.str();
  std::remove(out_file.c_str());
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

BOOST_AUTO_TEST_CASE(the_commands_exit_and_summarise) {
  TempDir dir;
  const std::string wikid = WIKID_BINARY;
  const std::string fixture =
      std::string(WIKID_SOURCE_DIR) + "/tests/fixtures/mediawiki-1.39-dump.xml";
  std::string out;
  BOOST_TEST(Run(dir, wikid + " import " + fixture + " --data " + dir.path() + "/a", &out) == 0, out);
  BOOST_TEST(out.find("added 7 revisions") != std::string::npos, out);
  BOOST_TEST(out.find("converted from wikitext: 7 revisions") != std::string::npos, out);

  const std::string exported = dir.path() + "/a.xml";
  BOOST_TEST(Run(dir, wikid + " export --to " + exported + " --data " + dir.path() + "/a", &out) == 0,
             out);
  BOOST_TEST(out.find("exported 4 pages with 7 revisions") != std::string::npos, out);
  std::ifstream written(exported);
  std::stringstream xml;
  xml << written.rdbuf();
  BOOST_TEST(xml.str().find("<model>markdown</model>") != std::string::npos);

  {
    std::ofstream cut(dir.path() + "/cut.xml");
    cut << Fixture().substr(0, 3000);
  }
  BOOST_TEST(Run(dir, wikid + " import " + dir.path() + "/cut.xml --data " + dir.path() + "/b",
                 &out) == 1,
             out);
  BOOST_TEST(out.find("cut short") != std::string::npos, out);
  BOOST_TEST(out.find("nothing was imported") != std::string::npos, out);
  BOOST_TEST(Run(dir, wikid + " import --data " + dir.path() + "/b", &out) == 2, out);
}

}  // namespace
}  // namespace wikid
