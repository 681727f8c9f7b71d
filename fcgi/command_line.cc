#include "fcgi/command_line.h"

#include <iostream>

#include "fcgi/option_error.h"

namespace wikid {
namespace po = boost::program_options;

void AddDataOptions(po::options_description& options, StorageOptions& storage,
                    bool& help) {
  options.add_options()("data", po::value(&storage.data_dir),
                        "the wiki's data directory (default var)")(
      "database", po::value(&storage.database),
      "the database, sqlite:PATH (default DATA/wikid.db) or "
      "postgresql://USER@HOST:PORT/DATABASE (password from PGPASSWORD or ~/.pgpass)")(
      "help", po::bool_switch(&help), "this text");
}

int ParseCommandLine(const std::string& name, const char* usage,
                     const po::options_description& options,
                     const std::vector<std::string>& args, const bool& help) {
  try {
    po::variables_map vm;
    po::store(po::command_line_parser(args).options(options).run(), vm);
    po::notify(vm);
  } catch (const po::error& e) {
    std::cerr << "wikid " << name << ": " << OptionErrorMessage(e) << "\n"
              << usage;
    return 2;
  }
  if (help) {
    std::cout << usage << options;
    return 0;
  }
  return -1;
}

}  // namespace wikid
