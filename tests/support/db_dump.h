// The rows of a wiki's database as text, to compare two databases: a
// backup with its source, a restored wiki with the one it came from.
#pragma once

#include <string>
#include <vector>

#include "tests/support/test_database.h"

namespace wikid::testing {

// Every row of each of `tables` (default: every table but SQLite's own),
// one line a row, columns in their order, rows sorted, under a line naming
// the table. Read through a read-only connection of its own (the file may
// be in use). Throws if the file cannot be read.
std::string DumpDatabase(const std::string& path,
                         const std::vector<std::string>& tables = {});

// The same for the database `db` on either engine (on PostgreSQL, each
// row as PostgreSQL's text of it, every table of the current schema):
// for a test that compares a database before and after on both.
std::string DumpDatabase(const TestDatabase& db);

}  // namespace wikid::testing
