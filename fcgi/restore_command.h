// `wikid restore --from FILE [--data DIR] [--database URL]`: replaces the
// wiki's database with a copy that `wikid backup` made (model/backup.h).
// The copy is checked first (SQLite's integrity check, a schema no newer
// than this wikid's); nothing is replaced if it fails, or while any
// process has the database open: stop wikid first. A crash at any point
// leaves the old database or the new one, whole.
//
// There is no option to restore under a running wikid: its workers would
// go on with the old file's open connection and the -wal and -shm files
// that sit beside the name, which the new file would then share, and that
// corrupts it.
#pragma once

#include <string>
#include <vector>

namespace wikid {

// Runs the command with `args` (what follows "wikid restore"). Returns the
// exit code: 0 done, 1 failed or refused (the message says why), 2 bad
// usage.
int RunRestoreCommand(const std::vector<std::string>& args);

}  // namespace wikid
