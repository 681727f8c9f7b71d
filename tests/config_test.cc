// ParseServeCommandLine (fcgi/config.h): the command line and the --config
// file, where the command line wins; every refusal says which option and
// never repeats a value; settings every page shows are checked at start.
#define BOOST_TEST_MODULE config
#include "fcgi/config.h"

#include <boost/test/unit_test.hpp>
#include <fstream>

#include "tests/support/temp_dir.h"

namespace wikid {
namespace {

// The arguments with a config file holding `text` named last.
Result<ParsedCommandLine> WithFile(const testing::TempDir& dir, const std::string& text,
                                   std::vector<std::string> args = {}) {
  const std::string path = dir.path() + "/wikid.conf";
  std::ofstream(path) << text;
  args.push_back("--config=" + path);
  return ParseServeCommandLine(args);
}

BOOST_AUTO_TEST_CASE(the_file_gives_settings_and_the_command_line_wins) {
  testing::TempDir dir;
  auto parsed = WithFile(dir, "workers = 4\nsite-name = Team wiki\nfront-page = Start\n",
                         {"--workers", "2"});
  BOOST_REQUIRE_MESSAGE(parsed.ok(), parsed.status().message());
  BOOST_TEST(parsed->config.workers == 2);
  BOOST_TEST(parsed->config.site.site_name == "Team wiki");
  BOOST_TEST(parsed->config.site.front_page == "Start");
}

BOOST_AUTO_TEST_CASE(refusals_name_the_option_and_not_the_value) {
  testing::TempDir dir;
  auto unknown = WithFile(dir, "wokers = 4\n");
  BOOST_REQUIRE(!unknown.ok());
  BOOST_TEST(unknown.status().message() == "unknown option 'wokers'");
  auto bad_value = ParseServeCommandLine({"--workers", "hunter2"});
  BOOST_REQUIRE(!bad_value.ok());
  BOOST_TEST(bad_value.status().message().find("workers") != std::string::npos);
  BOOST_TEST(bad_value.status().message().find("hunter2") == std::string::npos);
  auto twice = ParseServeCommandLine({"--socket", "a", "--socket", "b"});
  BOOST_REQUIRE(!twice.ok());
  BOOST_TEST(twice.status().message() == "option '--socket' is given more than once");
  auto missing = ParseServeCommandLine({"--workers"});
  BOOST_REQUIRE(!missing.ok());
  BOOST_TEST(missing.status().message() == "option '--workers' needs a value");
  auto line = WithFile(dir, "just words\n");
  BOOST_REQUIRE(!line.ok());
  BOOST_TEST(line.status().message().find("not 'name = value'") != std::string::npos);
}

// Found by fuzz_serve_config: Boost's own message for this line never
// finished (each %canonical_option% it replaced brought another).
BOOST_AUTO_TEST_CASE(an_option_named_like_a_placeholder_is_refused_at_once) {
  testing::TempDir dir;
  auto parsed = WithFile(dir, "%canonical_option% = 1\n");
  BOOST_REQUIRE(!parsed.ok());
  BOOST_TEST(parsed.status().message() == "unknown option '%canonical_option%'");
  auto value = ParseServeCommandLine({"--workers", "%value%"});
  BOOST_REQUIRE(!value.ok());
  BOOST_TEST(value.status().message() == "the value of option '--workers' is invalid");
}

BOOST_AUTO_TEST_CASE(the_memcached_timeout_reaches_the_cache_within_its_range) {
  auto parsed = ParseServeCommandLine({"--memcached", "127.0.0.1:11211",
                                       "--memcached-timeout-ms", "750"});
  BOOST_REQUIRE_MESSAGE(parsed.ok(), parsed.status().message());
  WikiOptions options = WikiOptionsOf(parsed->config);
  BOOST_TEST(options.cache.connect_timeout_ms == 750);
  BOOST_TEST(options.cache.poll_timeout_ms == 750);
  BOOST_TEST(WikiOptionsOf(ParseServeCommandLine({})->config).cache.poll_timeout_ms == 50);
  BOOST_TEST(!ParseServeCommandLine({"--memcached-timeout-ms", "0"}).ok());
  BOOST_TEST(!ParseServeCommandLine({"--memcached-timeout-ms", "10001"}).ok());
}

BOOST_AUTO_TEST_CASE(cache_shedding_is_a_percentage_or_off) {
  // The percentage, or -1 for off.
  auto shed = [](std::vector<std::string> args) {
    auto parsed = ParseServeCommandLine(args);
    BOOST_REQUIRE_MESSAGE(parsed.ok(), parsed.status().message());
    return WikiOptionsOf(parsed->config).cache_shed_cpu_percent.value_or(-1);
  };
  BOOST_TEST(shed({}) == 75);
  BOOST_TEST(shed({"--cache-shed-cpu", "0"}) == 0);
  BOOST_TEST(shed({"--cache-shed-cpu", "100"}) == 100);
  BOOST_TEST(shed({"--cache-shed-cpu", "off"}) == -1);
  for (const char* bad : {"101", "-1", "75%", "", "on"}) {
    auto refused = ParseServeCommandLine({"--cache-shed-cpu", bad});
    BOOST_REQUIRE(!refused.ok());
    BOOST_TEST(refused.status().message() ==
               "--cache-shed-cpu must be a percentage from 0 to 100, or 'off'");
  }
}

BOOST_AUTO_TEST_CASE(what_every_page_shows_is_checked_at_start) {
  auto front = ParseServeCommandLine({"--front-page", "_private"});
  BOOST_REQUIRE(!front.ok());
  BOOST_TEST(front.status().message().starts_with("--front-page must be a page name"));
  auto control = ParseServeCommandLine({"--site-name", "Wiki\x1b[31m"});
  BOOST_REQUIRE(!control.ok());
  BOOST_TEST(control.status().message().starts_with("--site-name"));
  auto not_utf8 = ParseServeCommandLine({"--site-name", "Wiki \xff"});
  BOOST_TEST(!not_utf8.ok());
  auto fine = ParseServeCommandLine({"--site-name", "Wiki café", "--front-page", "Home page"});
  BOOST_TEST(fine.ok());
}

}  // namespace
}  // namespace wikid
