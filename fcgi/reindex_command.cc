#include "fcgi/reindex_command.h"

#include <unistd.h>

#include <boost/program_options.hpp>
#include <iostream>

#include "fcgi/option_error.h"
#include "model/wiki.h"

namespace wikid {
namespace po = boost::program_options;

int RunReindexCommand(const std::vector<std::string>& args) {
  std::string data_dir = "var", database;
  int batch = 1000;
  po::options_description options;
  options.add_options()("data", po::value(&data_dir),
                        "the wiki's data directory")(
      "database", po::value(&database), "the database, sqlite:PATH (default DATA/wikid.db) or "
      "postgresql://USER@HOST:PORT/DATABASE")(
      "batch", po::value(&batch), "pages per transaction (saves get through between them)");
  try {
    po::variables_map vm;
    po::store(po::command_line_parser(args).options(options).run(), vm);
    po::notify(vm);
  } catch (const po::error& e) {
    std::cerr << "wikid reindex: " << OptionErrorMessage(e)
              << "\nusage: wikid reindex [--data DIR] [--database sqlite:PATH|postgresql://...] [--batch N]\n";
    return 2;
  }
  if (batch < 1 || batch > 1000000) {
    std::cerr << "wikid reindex: --batch must be 1 to 1000000\n";
    return 2;
  }
  WikiOptions wiki_options;
  wiki_options.storage.data_dir = data_dir;
  wiki_options.storage.database = database;
  wiki_options.tell_admins = false;  // the operator's own command
  auto wiki = Wiki::Open(wiki_options);
  if (!wiki.ok()) {
    std::cerr << "wikid reindex: " << wiki.status().message() << "\n";
    return 1;
  }
  // Progress on a terminal only, overwriting one line.
  const bool terminal = isatty(STDERR_FILENO);
  auto indexed = (*wiki)->page_store().RebuildSearchIndex(
      batch, [terminal](int64_t done, int64_t total) {
        if (!terminal) return;
        std::cerr << "\rindexed " << done << " of " << total << " pages";
        if (done == total) std::cerr << "; packing the index";
        std::cerr << std::flush;
      });
  if (terminal) std::cerr << "\n";
  if (!indexed.ok()) {
    std::cerr << "wikid reindex: " << indexed.status().message() << "\n";
    return 1;
  }
  std::cout << "indexed " << *indexed
            << (*indexed == 1 ? " page\n" : " pages\n");
  return 0;
}

}  // namespace wikid
