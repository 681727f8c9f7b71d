// `wikid reindex [--data DIR] [--database URL] [--batch N]`: rebuilds the
// full-text search index from every page's latest revision, N pages per
// transaction, while the wiki runs (saves get through between batches,
// views never wait). For an index damaged by hand or restored from an
// older backup; saves keep it current otherwise.
#pragma once

#include <string>
#include <vector>

namespace wikid {

// Runs the command with `args` (what follows "wikid reindex"). Returns the
// exit code: 0 done, 1 failed (the message says why), 2 bad usage.
int RunReindexCommand(const std::vector<std::string>& args);

}  // namespace wikid
