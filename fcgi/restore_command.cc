#include "fcgi/restore_command.h"

#include <boost/program_options.hpp>
#include <iostream>

#include "fcgi/command_line.h"
#include "model/backup.h"

namespace wikid {
namespace po = boost::program_options;
namespace {

constexpr char kUsage[] =
    "usage: wikid restore --from FILE [--data DIR] [--database sqlite:PATH]\n";

}  // namespace

int RunRestoreCommand(const std::vector<std::string>& args) {
  StorageOptions storage;
  std::string copy;
  bool help = false;
  po::options_description options(
      "Replaces the wiki's database with FILE, a copy made by wikid\n"
      "backup. FILE must pass SQLite's integrity check and have a schema\n"
      "no newer than this wikid's (an older one is upgraded when wikid\n"
      "starts). Nothing is replaced while any process has the database\n"
      "open: stop wikid first. A crash at any point leaves the old\n"
      "database or the new one, whole. FILE is only read.\n"
      "Options");
  options.add_options()("from", po::value(&copy), "the copy to restore");
  AddDataOptions(options, storage, help);
  if (int code = ParseCommandLine("restore", kUsage, options, args, help);
      code >= 0)
    return code;
  if (copy.empty()) {
    std::cerr << "wikid restore: --from FILE is required\n" << kUsage;
    return 2;
  }
  auto done = RestoreWiki(copy, storage);
  if (!done.ok()) {
    std::cerr << "wikid restore: " << done.status().message() << "\n";
    return 1;
  }
  std::cout << "restored " << copy << " to " << done->database
            << " (schema version " << done->schema_version
            << (done->replaced ? "; it replaced the database that was there"
                               : "")
            << ")\nif wikid uses memcached, empty it before wikid starts "
               "(see README, Backup and restore)\n";
  return 0;
}

}  // namespace wikid
