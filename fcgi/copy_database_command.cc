#include "fcgi/copy_database_command.h"

#include <unistd.h>

#include <boost/program_options.hpp>
#include <iostream>

#include "fcgi/option_error.h"
#include "model/copy_database.h"

namespace wikid {
namespace po = boost::program_options;

namespace {

constexpr char kUsage[] =
    "usage: wikid copy-database --from sqlite:PATH|postgresql://... "
    "--to sqlite:PATH|postgresql://... [--batch N]\n";

}  // namespace

int RunCopyDatabaseCommand(const std::vector<std::string>& args) {
  CopyOptions copy;
  std::string from, to;
  po::options_description options;
  options.add_options()("from", po::value(&from),
                        "the wiki's database: sqlite:PATH or postgresql://USER@HOST:PORT/DATABASE")(
      "to", po::value(&to), "an empty database, the same forms")(
      "batch", po::value(&copy.batch_rows), "rows read and written at a time");
  try {
    po::variables_map vm;
    po::store(po::command_line_parser(args).options(options).run(), vm);
    po::notify(vm);
  } catch (const po::error& e) {
    std::cerr << "wikid copy-database: " << OptionErrorMessage(e) << "\n" << kUsage;
    return 2;
  }
  if (copy.batch_rows < 1 || copy.batch_rows > 100000) {
    std::cerr << "wikid copy-database: --batch must be 1 to 100000\n";
    return 2;
  }
  // Only the two databases: a data directory's wikid.db is never meant.
  for (const std::string* url : {&from, &to}) {
    if (!url->starts_with("sqlite:") && !url->starts_with("postgresql://") &&
        !url->starts_with("postgres://")) {
      std::cerr << "wikid copy-database: --" << (url == &from ? "from" : "to")
                << " takes sqlite:PATH or postgresql://...\n" << kUsage;
      return 2;
    }
  }
  copy.from.database = from;
  copy.to.database = to;
  // An operator's command, which may write millions of rows in one
  // statement: no per-statement timeout (0 is none).
  copy.from.statement_timeout_ms = copy.to.statement_timeout_ms = 0;
  // Progress on a terminal only, overwriting one line.
  if (isatty(STDERR_FILENO)) {
    copy.progress = [](const std::string& table, int64_t done, int64_t total) {
      std::cerr << "\r\033[K" << table << ": " << done << " of " << total << " rows"
                << std::flush;
    };
  }
  auto report = CopyDatabase(copy);
  if (copy.progress) std::cerr << "\r\033[K" << std::flush;
  if (!report.ok()) {
    std::cerr << "wikid copy-database: " << report.status().message() << "\n";
    return 1;
  }
  for (const TableSum& table : report->tables) {
    std::cout << table.table << ": " << table.rows << (table.rows == 1 ? " row" : " rows")
              << ", SHA-256 " << table.sha256 << "\n";
  }
  std::cout << "copied " << report->tables.size()
            << " tables; each one's row count and SHA-256 over its rows in key order, read "
               "back from the target, match the source's\n"
            << "rebuilt: the search index (" << report->indexed_pages
            << (report->indexed_pages == 1 ? " page)\n" : " pages)\n")
            << "not copied (this deployment's state): failed logins, the cache epoch, "
               "the fast path's state\n";
  return 0;
}

}  // namespace wikid
