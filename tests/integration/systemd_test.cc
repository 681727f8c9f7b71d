// wikid as systemd runs it (scripts/systemd): started through its socket
// by `systemd-socket-activate`, as wikid.socket does, it serves through
// nginx and reloads on SIGHUP (the unit's ExecReload); and the unit files
// pass `systemd-analyze verify`. Each case is skipped, saying so, where
// the tool it needs is missing (Debian's systemd package has both).
#define BOOST_TEST_MODULE systemd
#include <signal.h>

#include <boost/test/unit_test.hpp>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include "tests/support/temp_dir.h"
#include "tests/support/test_wiki.h"

namespace wikid::testing {
namespace {

using namespace std::chrono_literals;

// A precondition: `program` is on PATH.
struct Have {
  std::string program;
  boost::test_tools::assertion_result operator()(
      boost::unit_test::test_unit_id) const {
    boost::test_tools::assertion_result found =
        RunCommand({"sh", "-c", "command -v " + program}).code == 0;
    found.message() << program
                    << " is not installed (Debian package systemd): skipped";
    return found;
  }
};

BOOST_AUTO_TEST_CASE(
    wikid_started_by_socket_activation_serves_through_nginx_and_reloads,
    *boost::unit_test::precondition(Have{"systemd-socket-activate"})) {
  TestWikiOptions options;
  options.socket_activation = true;
  TestWiki wiki(options);
  // The master is the process systemd-socket-activate became, and took its
  // socket from LISTEN_FDS (no --socket was given).
  const std::string environ =
      ReadFile("/proc/" + std::to_string(wiki.master_pid()) + "/environ");
  BOOST_TEST(environ.find(std::string("LISTEN_FDS=1") + '\0') !=
             std::string::npos);
  BOOST_TEST(std::filesystem::read_symlink(
                 "/proc/" + std::to_string(wiki.master_pid()) + "/exe") ==
             std::filesystem::path(WIKID_BINARY));
  BOOST_TEST(wiki.WikidLog().find("--socket") == std::string::npos);

  BOOST_REQUIRE(
      wiki.Save("Activated", 0, "served by a socket-activated wikid").status ==
      303);
  HttpResponse page = wiki.Get("/Activated");
  BOOST_TEST(page.status == 200);
  BOOST_TEST(page.body.find("served by a socket-activated wikid") !=
             std::string::npos);

  // ExecReload: SIGHUP replaces every worker, and the wiki serves on.
  const std::vector<pid_t> before = wiki.WorkerPids();
  BOOST_REQUIRE(kill(wiki.master_pid(), SIGHUP) == 0);
  auto replaced = [&] {
    std::vector<pid_t> now = wiki.WorkerPids();
    if (now.size() != before.size()) return false;
    for (pid_t pid : now) {
      if (std::find(before.begin(), before.end(), pid) != before.end())
        return false;
    }
    return true;
  };
  BOOST_TEST(WaitUntil(replaced, 60s), wiki.WikidLog());
  BOOST_TEST(wiki.Get("/Activated").status == 200);
}

// The units as the repository has them, but with ExecStart's wikid the
// one this build made (verify checks that the program exists).
BOOST_AUTO_TEST_CASE(the_unit_files_pass_systemd_analyze_verify,
                     *boost::unit_test::precondition(Have{"systemd-analyze"})) {
  TempDir dir;
  std::vector<std::string> argv = {"systemd-analyze", "verify"};
  for (const char* unit : {"wikid.socket", "wikid.service",
                           "wikid-backup.service", "wikid-backup.timer"}) {
    std::string text =
        ReadFile(std::string(WIKID_SOURCE_DIR) + "/scripts/systemd/" + unit);
    BOOST_REQUIRE(!text.empty());
    text = std::regex_replace(text, std::regex("/usr/bin/wikid"),
                              std::string(WIKID_BINARY));
    std::ofstream(dir.File(unit)) << text;
    argv.push_back(dir.File(unit));
  }
  CommandRun verify = RunCommand(argv);
  BOOST_TEST(verify.code == 0, verify.output);
  BOOST_TEST(verify.output.empty(), verify.output);
}

}  // namespace
}  // namespace wikid::testing
