// `wikid export` and `wikid import`: a whole wiki out to, and in from, a
// dump in MediaWiki's XML export format (model/wiki_export.h and
// model/wiki_import.h say what each keeps and decides).
//
//   wikid export --to FILE|- [--data DIR] [--database URL] [--site-name NAME]
//   wikid import FILE [--data DIR] [--database sqlite:PATH] [--no-accounts]
//                [--render-budget-ms N]
//
// On a terminal, each shows its progress on one line (import: a bar over
// the file's bytes); both end with a summary on standard output (on
// standard error for an export to standard output).
#pragma once

#include <string>
#include <vector>

namespace wikid {

// Each returns the exit code: 0 done, 1 failed (the message says why; an
// import failed imports nothing), 2 bad usage.
int RunExportCommand(const std::vector<std::string>& args);
int RunImportCommand(const std::vector<std::string>& args);

}  // namespace wikid
