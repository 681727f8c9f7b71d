// `wikid copy-database --from URL --to URL [--batch N]`: moves a whole
// wiki from one database to another, SQLite to PostgreSQL or back
// (model/copy_database.h says what moves, what is rebuilt and what stays
// behind), and prints each table's row count and SHA-256, which the
// target matched before the copy was committed. Each URL is what
// --database takes: sqlite:PATH or postgresql://USER@HOST:PORT/DATABASE
// (its password, never on the command line, from PGPASSWORD or a
// password file). The source may be serving meanwhile; the target must
// hold no wiki.
#pragma once

#include <string>
#include <vector>

namespace wikid {

// Runs the command with `args` (what follows "wikid copy-database").
// Returns the exit code: 0 copied and checked, 1 failed (the message says
// why; nothing was copied), 2 bad usage.
int RunCopyDatabaseCommand(const std::vector<std::string>& args);

}  // namespace wikid
