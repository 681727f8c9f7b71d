#include "fcgi/backup_command.h"

#include <boost/program_options.hpp>
#include <iostream>

#include "fcgi/command_line.h"
#include "model/backup.h"

namespace wikid {
namespace po = boost::program_options;
namespace {

constexpr char kUsage[] =
    "usage: wikid backup --to FILE [--force] [--data DIR] [--database "
    "sqlite:PATH|postgresql://USER@HOST:PORT/DATABASE]\n";

}  // namespace

int RunBackupCommand(const std::vector<std::string>& args) {
  StorageOptions storage;
  std::string target;
  bool force = false, help = false;
  po::options_description options(
      "Copies the wiki into FILE while it runs, as one consistent\n"
      "snapshot: every save acknowledged before the backup began is in\n"
      "it. The copy holds the accounts and the site's secret keys, so it\n"
      "is made readable by its owner only (0600). FILE appears only once\n"
      "the copy is whole and has passed SQLite's integrity check. For a\n"
      "PostgreSQL wiki, FILE is pg_dump's custom format (pg_dump runs with\n"
      "the URL's parameters in its environment; the password comes from\n"
      "PGPASSWORD or a password file), checked by reading it whole with\n"
      "pg_restore.\n"
      "Options");
  options.add_options()("to", po::value(&target), "the file to write")(
      "force", po::bool_switch(&force), "replace FILE if it exists");
  AddDataOptions(options, storage, help);
  if (int code = ParseCommandLine("backup", kUsage, options, args, help);
      code >= 0)
    return code;
  if (target.empty()) {
    std::cerr << "wikid backup: --to FILE is required\n" << kUsage;
    return 2;
  }
  auto done = BackupWiki(storage, target, force);
  if (!done.ok()) {
    std::cerr << "wikid backup: " << done.status().message() << "\n";
    return 1;
  }
  std::cout << "backed up the wiki to " << target << " (" << done->bytes
            << " bytes, schema version " << done->schema_version << ")\n";
  return 0;
}

}  // namespace wikid
