#include "fcgi/exchange_commands.h"

#include <sys/stat.h>
#include <unistd.h>

#include <boost/program_options.hpp>
#include <cstdio>
#include <fstream>
#include <iostream>

#include "fcgi/option_error.h"
#include "model/wiki_export.h"
#include "model/wiki_import.h"
#include "views/markup/markdown.h"

namespace wikid {
namespace po = boost::program_options;

namespace {

constexpr char kExportUsage[] =
    "usage: wikid export --to FILE|- [--data DIR] [--database sqlite:PATH|postgresql://...] "
    "[--site-name NAME]\n";
constexpr char kImportUsage[] =
    "usage: wikid import FILE [--data DIR] [--database sqlite:PATH|postgresql://...] "
    "[--no-accounts] "
    "[--render-budget-ms N]\n";

// Parses `args` into `options`; false (after saying why) on bad usage.
bool Parse(const char* command, const char* usage, const std::vector<std::string>& args,
           po::options_description& options, const po::positional_options_description* files,
           po::variables_map& vm) {
  try {
    po::command_line_parser parser(args);
    parser.options(options);
    if (files != nullptr) parser.positional(*files);
    po::store(parser.run(), vm);
    po::notify(vm);
    return true;
  } catch (const po::error& e) {
    std::cerr << "wikid " << command << ": " << OptionErrorMessage(e) << "\n" << usage;
    return false;
  }
}

// "[#####.....]  42% 1.2 of 2.9 MB", overwriting one line.
void ShowBar(int64_t done, int64_t total) {
  const int width = 30;
  const double share = total > 0 ? static_cast<double>(done) / static_cast<double>(total) : 1;
  const int filled = static_cast<int>(share * width);
  std::fprintf(stderr, "\r\033[K[%s%s] %3d%% %.1f of %.1f MB", std::string(filled, '#').c_str(),
               std::string(width - filled, '.').c_str(), static_cast<int>(share * 100),
               static_cast<double>(done) / 1e6, static_cast<double>(total) / 1e6);
  std::fflush(stderr);
}

}  // namespace

int RunExportCommand(const std::vector<std::string>& args) {
  ExportOptions exported;
  std::string to;
  po::options_description options;
  options.add_options()("to", po::value(&to), "the file to write, or - for standard output")(
      "data", po::value(&exported.storage.data_dir)->default_value("var"), "the data directory")(
      "database", po::value(&exported.storage.database),
      "sqlite:PATH (default DATA/wikid.db) or postgresql://USER@HOST:PORT/DATABASE")(
      "site-name", po::value(&exported.site_name), "the <sitename> the dump names");
  po::variables_map vm;
  if (!Parse("export", kExportUsage, args, options, nullptr, vm)) return 2;
  if (to.empty()) {
    std::cerr << "wikid export: --to is required\n" << kExportUsage;
    return 2;
  }
  exported.storage.statement_timeout_ms = 0;  // an operator's command: no timeout
  std::ofstream file;
  const bool to_stdout = to == "-";
  if (!to_stdout) {
    file.open(to, std::ios::binary | std::ios::trunc);
    if (!file) {
      std::cerr << "wikid export: cannot write " << to << "\n";
      return 1;
    }
  }
  std::ostream& out = to_stdout ? std::cout : file;
  const bool terminal = isatty(STDERR_FILENO);
  if (terminal) {
    exported.progress = [](int64_t pages, int64_t revisions) {
      std::cerr << "\r\033[K" << pages << " pages, " << revisions << " revisions" << std::flush;
    };
  }
  auto report = ExportWiki(out, exported);
  if (terminal) std::cerr << "\r\033[K" << std::flush;
  if (!report.ok()) {
    std::cerr << "wikid export: " << report.status().message() << "\n";
    if (!to_stdout) std::remove(to.c_str());
    return 1;
  }
  (to_stdout ? std::cerr : std::cout)
      << "exported " << report->pages << (report->pages == 1 ? " page" : " pages") << " with "
      << report->revisions << (report->revisions == 1 ? " revision" : " revisions")
      << " (deleted pages are not exported)\n";
  return 0;
}

int RunImportCommand(const std::vector<std::string>& args) {
  ImportOptions imported;
  std::string path;
  int render_budget_ms = 2000;
  po::options_description options;
  options.add_options()("file", po::value(&path), "the dump to import")(
      "data", po::value(&imported.storage.data_dir)->default_value("var"), "the data directory")(
      "database", po::value(&imported.storage.database),
      "sqlite:PATH (default DATA/wikid.db) or postgresql://USER@HOST:PORT/DATABASE")(
      "no-accounts", po::bool_switch(), "record every contributor by name, none as an account")(
      "render-budget-ms", po::value(&render_budget_ms),
      "CPU time finding one text's links may take, as --render-budget-ms of wikid serve");
  po::positional_options_description files;
  files.add("file", 1);
  po::variables_map vm;
  if (!Parse("import", kImportUsage, args, options, &files, vm)) return 2;
  if (path.empty()) {
    std::cerr << "wikid import: name the file to import\n" << kImportUsage;
    return 2;
  }
  if (render_budget_ms < 100 || render_budget_ms > 60000) {
    std::cerr << "wikid import: --render-budget-ms must be 100 to 60000\n";
    return 2;
  }
  imported.match_accounts = !vm["no-accounts"].as<bool>();
  imported.storage.statement_timeout_ms = 0;
  std::ifstream in(path, std::ios::binary);
  struct stat st;
  if (!in || stat(path.c_str(), &st) != 0) {
    std::cerr << "wikid import: cannot read " << path << "\n";
    return 1;
  }
  // The views' parser finds each text's links, as a save's does.
  Markdown markdown(BudgetedThread::Budget{.cpu = std::chrono::milliseconds(render_budget_ms),
                                           .wall = std::chrono::milliseconds(10 * render_budget_ms)});
  imported.link_targets = [&markdown](std::string_view text) {
    return markdown.LinkTargets(text);
  };
  const bool terminal = isatty(STDERR_FILENO);
  const int64_t size = st.st_size;
  if (terminal) imported.progress = [size](int64_t bytes) { ShowBar(bytes, size); };
  auto report = ImportDump(in, imported);
  if (terminal) std::cerr << "\r\033[K" << std::flush;
  if (!report.ok()) {
    std::cerr << "wikid import: " << path << ": " << report.status().message()
              << (report.status().IsInvalid() ? "\nnothing was imported\n" : "\n");
    return 1;
  }
  const ImportReport& r = *report;
  std::cout << "read " << r.revisions_read << " revisions\n"
            << "added " << r.revisions_added << " revisions (" << r.by_accounts
            << " by accounts of this wiki), " << r.pages_created << " new pages, "
            << r.pages_extended << " existing pages extended\n"
            << "already here: " << r.revisions_present << " revisions\n";
  if (r.converted > 0) {
    std::cout << "converted from wikitext: " << r.converted << " revisions\n";
  }
  if (r.hidden_texts > 0) {
    std::cout << "skipped: " << r.hidden_texts << " revisions whose text was suppressed\n";
  }
  if (r.unlinked > 0) {
    std::cout << "kept without links: " << r.unlinked
              << " texts too complex to parse within the budget\n";
  }
  if (r.skipped_page_count > 0) {
    std::cout << "skipped: " << r.skipped_page_count << " pages (" << r.skipped_revisions
              << " revisions):\n";
    for (const std::string& page : r.skipped_pages) std::cout << "  " << page << "\n";
  }
  if (r.revisions_added > 0) {
    std::cout << "rebuilt: links, wanted pages and the search index; every cached view "
                 "retired\n";
  }
  return 0;
}

}  // namespace wikid
