// `wikid backup --to FILE [--force] [--data DIR] [--database URL]`: copies
// the wiki into FILE while it runs (model/backup.h): the copy holds every
// save acknowledged before it began, and the site's secret keys, so it is
// written 0600. FILE appears only whole and checked; an existing FILE is
// replaced only with --force.
#pragma once

#include <string>
#include <vector>

namespace wikid {

// Runs the command with `args` (what follows "wikid backup"). Returns the
// exit code: 0 done, 1 failed (the message says why), 2 bad usage.
int RunBackupCommand(const std::vector<std::string>& args);

}  // namespace wikid
