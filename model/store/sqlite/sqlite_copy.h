// Copies of the SQLite database, for `wikid backup` and `wikid restore`
// (model/backup.h): a consistent copy of a database in use, the checks a
// copy must pass before it may replace one, and taking a database out of
// use so that another file can take its name. Only the database files
// themselves: where copies go, their temporary names and the renames are
// model/backup.cc's.
#pragma once

#include <string>

#include "model/base/files.h"
#include "model/base/status.h"

namespace wikid {

// Copies the database at `source`, which other processes may be writing
// meanwhile, into `target`, an empty file that exists, as one snapshot:
// every transaction committed before the copy began is in it, and the copy
// is a rollback-journal database that needs no -wal file. The source's
// in-use lock is held while it is read (database.h), so a restore refuses
// to start meanwhile and a copy waits for one that runs. Then checks the
// copy as CheckCopy does. Returns the copy's schema version; Unavailable
// when `source` cannot be read, Invalid when the copy fails its check.
Result<int> CopyLiveDatabase(const std::string& source,
                             const std::string& target);

// Checks that `path` holds a whole wikid database that this wikid can
// open: SQLite's integrity check passes, it has the wiki's tables, and its
// schema version is 1 to LatestSchemaVersion() (an older one is migrated
// when wikid opens it; a newer one is refused). The file must not change
// while this runs: it is read without locks, and a -wal file beside it is
// ignored. Returns the schema version, or Invalid saying what is wrong as
// a predicate for the caller's subject ("fails SQLite's integrity check:
// ...", "has schema version 99, newer than ...").
Result<int> CheckCopy(const std::string& path);

// Keeps every wikid process away from the database at `path` (it may not
// exist yet) while the returned lock is held: its in-use lock
// (database.h), taken exclusively, at once or not at all. Busy, naming
// that lock, while any process holds it: a wikid serving (its master holds
// it between workers too), a backup, a command.
Result<FileLock> KeepOutOfUse(const std::string& path);

// Takes the database at `path` out of use before another file is renamed
// onto its name. REQUIRES: KeepOutOfUse(path) held, until the rename is
// done: this closes its connection, and an open by another wikid process
// after that would bring back a -wal file under the name. Busy when another connection has it open (a wikid
// serving it, a tool, a backup; KeepOutOfUse does not see connections
// made by programs other than wikid): it is then left as it was. Otherwise it
// is left whole, in rollback-journal mode, with no -wal or -journal file
// beside it, so nothing of it can be replayed onto the file that takes its
// name. Unavailable or Invalid when it cannot be opened (damaged).
Status ReleaseForReplacement(const std::string& path);

}  // namespace wikid
