// wikid as systemd runs it (scripts/systemd): started through its socket
// by `systemd-socket-activate`, as wikid.socket does, it serves through
// nginx and reloads on SIGHUP (the unit's ExecReload); and the unit files
// pass `systemd-analyze verify`. Each case is skipped, saying so, where
// the tool it needs is missing (Debian's systemd package has both).
#define BOOST_TEST_MODULE systemd
#include <grp.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/test/unit_test.hpp>
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
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

// The value of the first `key=` line of the unit file `text`, or "".
std::string UnitSetting(const std::string& text, const std::string& key) {
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) {
    if (line.starts_with(key + "=")) return line.substr(key.size() + 1);
  }
  return "";
}

// The unit's command line `command`, word by word, with the paths of the
// machine it installs on replaced by `paths`; a path `paths` does not know
// goes to `unknown` (a typo in the unit fails the test).
std::vector<std::string> UnitCommand(const std::string& command,
                                     const std::map<std::string, std::string>& paths,
                                     std::vector<std::string>* unknown) {
  std::vector<std::string> argv;
  std::istringstream words(command);
  for (std::string word; words >> word;) {
    auto found = paths.find(word);
    if (word.starts_with("/") && found == paths.end()) unknown->push_back(word);
    argv.push_back(found == paths.end() ? word : found->second);
  }
  return argv;
}

// Whether the user nobody (nginx's workers run as an unprivileged user
// such as www-data) can resolve the fast-path switch `flag` to a folder,
// as nginx's `-d` test and $realpath_root do.
bool NobodyResolves(const std::string& flag) {
  pid_t child = fork();
  if (child == 0) {
    char resolved[PATH_MAX];
    struct stat st {};
    bool ok = setgroups(0, nullptr) == 0 && setgid(65534) == 0 &&
              setuid(65534) == 0 &&
              realpath(flag.c_str(), resolved) != nullptr &&
              stat(flag.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
    _exit(ok ? 0 : 1);
  }
  const int status = WaitExit(child, 60s);
  return status != -1 && WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

// wikid.service's own ExecStart and UMask, not a copy of them: the
// command line is the unit's word for word, with the paths of the machine
// it installs on replaced by the test's (a path this table does not know
// fails the test, as a typo in the unit would), the umask is the unit's,
// and /etc/wikid/wikid.conf gives memcached and the fast-path switch, as
// the README says to. The switch must be served through nginx, and an
// unprivileged user (nginx's) must be able to resolve it: wikid makes its
// folders, and a umask of 0077 must not make them wikid's alone.
BOOST_AUTO_TEST_CASE(
    wikid_as_its_unit_starts_it_serves_the_fast_path_through_nginx,
    *boost::unit_test::precondition(Have{"memcached"})) {
  const std::string unit = ReadFile(std::string(WIKID_SOURCE_DIR) +
                                    "/scripts/systemd/wikid.service");
  const std::string exec_start = UnitSetting(unit, "ExecStart");
  const std::string umask_text = UnitSetting(unit, "UMask");
  BOOST_REQUIRE(!exec_start.empty());
  BOOST_REQUIRE(!umask_text.empty());
  TestWikiOptions options;
  options.memcached = true;
  options.fast_path = true;
  options.umask = std::stoi(umask_text, nullptr, 8);
  std::vector<std::string> unknown;
  std::map<std::string, std::string> paths;
  options.command = [&](TestWiki& wiki) {
    // The folder of the switch, as /run/wikid is for nginx.
    chmod(wiki.folder().c_str(), 0755);
    const std::string config = wiki.folder() + "/wikid.conf";
    std::ofstream(config) << "memcached = " << wiki.memcached().address()
                          << "\nmemcached-timeout-ms = 2000\n"
                          << "fast-path-flag = " << wiki.fast_path_flag()
                          << "\n";
    paths = {{"/usr/bin/wikid", WIKID_BINARY},
             {"/var/lib/wikid", wiki.data_dir()},
             {"/usr/share/wikid/templates",
              std::string(WIKID_SOURCE_DIR) + "/views/templates"},
             {"/etc/wikid/wikid.conf", config}};
    return UnitCommand(exec_start, paths, &unknown);
  };
  TestWiki wiki(options);
  BOOST_TEST(unknown.empty(), "paths in ExecStart the test does not know");
  BOOST_REQUIRE(wiki.WaitForFastPath(60s));
  BOOST_TEST(NobodyResolves(wiki.fast_path_flag()),
             "nginx's user cannot resolve " << wiki.fast_path_flag());
  BOOST_REQUIRE(wiki.Save("Unit_Page", 0, "served by nginx").status == 303);
  HttpResponse page;
  BOOST_TEST(WaitUntil(
      [&] {
        page = wiki.Get("/Unit_Page");
        return page.Header("x-cache") == "nginx";
      },
      60s));
  BOOST_TEST(page.body.find("served by nginx") != std::string::npos);

  // Every wikid process killed at once (stopped first, so that none sees
  // another die and points the switch off on its way out): nginx serves
  // on from memcached, a generation nobody cleans any more...
  std::vector<pid_t> all = wiki.WorkerPids();
  all.push_back(wiki.master_pid());
  if (wiki.MailerPid() != 0) all.push_back(wiki.MailerPid());
  for (pid_t pid : all) kill(pid, SIGSTOP);
  for (pid_t pid : all) kill(pid, SIGKILL);
  BOOST_REQUIRE(WaitUntil(
      [&] { return std::none_of(all.begin(), all.end(), ProcessAlive); }, 60s));
  BOOST_TEST(wiki.Get("/Unit_Page").Header("x-cache") == "nginx");
  BOOST_TEST(wiki.FastPathSwitch() != "off");
  // ...until the unit's ExecStopPost has run.
  const std::string exec_stop_post = UnitSetting(unit, "ExecStopPost");
  BOOST_REQUIRE(!exec_stop_post.empty());
  CommandRun off = RunCommand(UnitCommand(exec_stop_post, paths, &unknown));
  BOOST_TEST(off.code == 0, off.output);
  BOOST_TEST(unknown.empty(), "paths in ExecStopPost the test does not know");
  BOOST_TEST(wiki.FastPathSwitch() == "off");
  HttpResponse after = wiki.Get("/Unit_Page");
  BOOST_TEST(after.Header("x-cache") != "nginx");
  BOOST_TEST(after.status == 502);  // nobody behind nginx now
}

// wikid-backup.service's clean-up, its ExecStartPost lines run as they
// are on a folder of copies: copies older than 14 days and the partial
// files of killed backups older than a day go; the rest stays.
BOOST_AUTO_TEST_CASE(
    the_backup_units_clean_up_deletes_old_copies_and_dead_partials) {
  const std::string unit = ReadFile(std::string(WIKID_SOURCE_DIR) +
                                    "/scripts/systemd/wikid-backup.service");
  TempDir dir;
  struct File {
    std::string name;
    int days_old;
    bool kept;
  } files[] = {
      {"wikid-20260101-030000.db", 20, false},
      {"wikid-20260120-030000.db", 3, true},
      {"wikid-20260101-030000.db.partial-Ab3dE9", 2, false},
      {"wikid-20260120-030000.db.partial-Zz9yX1", 0, true},  // may be running
      {"notes.txt", 30, true},
  };
  for (const File& f : files) {
    std::ofstream(dir.File(f.name)) << "x";
    const std::string when = "-" + std::to_string(f.days_old) + " days";
    BOOST_REQUIRE(RunCommand({"touch", "-d", when, dir.File(f.name)}).code ==
                  0);
  }
  std::istringstream lines(unit);
  int run = 0;
  for (std::string line; std::getline(lines, line);) {
    if (!line.starts_with("ExecStartPost=")) continue;
    std::string command =
        std::regex_replace(line.substr(std::string("ExecStartPost=").size()),
                           std::regex("/var/lib/wikid-backups"), dir.path());
    CommandRun cleaned = RunCommand({"sh", "-c", command});
    BOOST_TEST(cleaned.code == 0, command << ": " << cleaned.output);
    ++run;
  }
  BOOST_TEST(run == 2);
  for (const File& f : files) {
    BOOST_TEST(std::filesystem::exists(dir.File(f.name)) == f.kept, f.name);
  }
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
