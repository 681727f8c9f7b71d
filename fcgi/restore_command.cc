#include "fcgi/restore_command.h"

#include <boost/program_options.hpp>
#include <iostream>

#include "fcgi/command_line.h"
#include "model/backup.h"

namespace wikid {
namespace po = boost::program_options;
namespace {

constexpr char kUsage[] =
    "usage: wikid restore --from FILE [--data DIR] [--database "
    "sqlite:PATH|postgresql://USER@HOST:PORT/DATABASE]\n";

}  // namespace

int RunRestoreCommand(const std::vector<std::string>& args) {
  StorageOptions storage;
  std::string copy;
  bool help = false;
  po::options_description options(
      "Replaces the wiki's database with FILE, a copy made by wikid\n"
      "backup. FILE must pass SQLite's integrity check (on PostgreSQL:\n"
      "pg_restore reads all of it) and have a schema no newer than this\n"
      "wikid's (an older one is upgraded when wikid starts). Nothing is\n"
      "replaced while any process has the database open: stop wikid\n"
      "first. A crash at any point leaves the old database or the new\n"
      "one, whole (on PostgreSQL, pg_restore runs as one transaction).\n"
      "FILE is only read.\n"
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
