// What the operator's commands that work on a wiki's data share: --data
// and --database, --help, and how a wrong command line is told.
#pragma once

#include <boost/program_options.hpp>
#include <string>
#include <vector>

#include "model/wiki.h"

namespace wikid {

// Adds --data and --database (into `storage`) and --help (into `help`) to
// `options`; both must outlive the parse.
void AddDataOptions(boost::program_options::options_description& options,
                    StorageOptions& storage, bool& help);

// Parses `args` into `options`. Returns 2 after telling stderr what was
// wrong ("wikid NAME: ..." and `usage`), 0 after printing `usage` and the
// options when --help was given, and -1 when the command should go on.
int ParseCommandLine(const std::string& name, const char* usage,
                     const boost::program_options::options_description& options,
                     const std::vector<std::string>& args, const bool& help);

}  // namespace wikid
