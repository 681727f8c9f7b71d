#include "fcgi/reindex_command.h"

#include <boost/program_options.hpp>
#include <iostream>

#include "model/wiki.h"

namespace wikid {
namespace po = boost::program_options;

int RunReindexCommand(const std::vector<std::string>& args) {
  std::string data_dir = "var";
  po::options_description options;
  options.add_options()("data", po::value(&data_dir),
                        "the wiki's data directory");
  try {
    po::variables_map vm;
    po::store(po::command_line_parser(args).options(options).run(), vm);
    po::notify(vm);
  } catch (const po::error& e) {
    std::cerr << "wikid reindex: " << e.what()
              << "\nusage: wikid reindex [--data DIR]\n";
    return 2;
  }
  WikiOptions wiki_options;
  wiki_options.storage.data_dir = data_dir;
  wiki_options.tell_admins = false;  // the operator's own command
  auto wiki = Wiki::Open(wiki_options);
  if (!wiki.ok()) {
    std::cerr << "wikid reindex: " << wiki.status().message() << "\n";
    return 1;
  }
  auto indexed = (*wiki)->stores().pages.RebuildSearchIndex();
  if (!indexed.ok()) {
    std::cerr << "wikid reindex: " << indexed.status().message() << "\n";
    return 1;
  }
  std::cout << "indexed " << *indexed
            << (*indexed == 1 ? " page\n" : " pages\n");
  return 0;
}

}  // namespace wikid
