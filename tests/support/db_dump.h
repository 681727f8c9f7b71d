// The rows of a wiki's database as text, to compare two databases: a
// backup with its source, a restored wiki with the one it came from.
#pragma once

#include <string>
#include <vector>

namespace wikid::testing {

// Every row of each of `tables` (default: every table but SQLite's own),
// one line a row, columns in their order, rows sorted, under a line naming
// the table. Read through a read-only connection of its own (the file may
// be in use). Throws if the file cannot be read.
std::string DumpDatabase(const std::string& path,
                         const std::vector<std::string>& tables = {});

}  // namespace wikid::testing
