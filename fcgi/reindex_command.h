// `wikid reindex [--data DIR]`: rebuilds the full-text search index from
// every page's latest revision, in one transaction, while the wiki runs
// (saves wait for it, views do not). For an index damaged by hand or
// restored from an older backup; saves keep it current otherwise.
#pragma once

#include <string>
#include <vector>

namespace wikid {

// Runs the command with `args` (what follows "wikid reindex"). Returns the
// exit code: 0 done, 1 failed (the message says why), 2 bad usage.
int RunReindexCommand(const std::vector<std::string>& args);

}  // namespace wikid
