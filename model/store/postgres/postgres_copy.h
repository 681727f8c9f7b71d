// Copies of a PostgreSQL wiki, for `wikid backup` and `wikid restore`
// (model/backup.h), as sqlite_copy.h is for SQLite: pg_dump's custom
// format, one file that pg_restore reads. Only the database: where copies
// go, their temporary names and the renames are model/backup.cc's.
//
// The database is the whole wiki on this engine too: pages and history,
// accounts, logins, the outbox, the site's secret keys (site_key) and the
// uploaded files' bytes (file_blob, bytea; model/store/file_store.h). The
// data folder holds only what wikid makes again (its socket, the fast
// path's switch, the file cache nginx serves).
//
// pg_dump and pg_restore (postgresql-client) are run from PATH. They reach
// the server as wikid does: the URL's parameters are handed to them in
// libpq's environment variables (PGHOST, PGUSER, PGDATABASE...), never on
// their command lines, and the password comes from PGPASSWORD or a
// password file as for wikid itself (the URL never holds one).
#pragma once

#include <string>

#include "model/base/status.h"

namespace wikid {

// Dumps the database `url` names into the file `target` (which exists,
// 0600, and is overwritten), while wikids serve and save: as one snapshot,
// taken by a REPEATABLE READ transaction of this process and handed to
// pg_dump (--snapshot), so every save acknowledged before the backup began
// is in it. Then checks the copy as CheckPostgresCopy does. Returns the
// schema version as of the snapshot. NotFound when the database holds no
// wiki; Unavailable when the server or pg_dump fails; Invalid when the
// copy fails its check.
Result<int> DumpPostgresDatabase(const std::string& url, const std::string& target);

// Checks that the file `path` is a copy DumpPostgresDatabase made that
// this wikid can restore: pg_restore reads its table of contents and then
// every byte of its data (a truncated or damaged file fails there), it
// holds a wiki's tables, and its schema version is 1 to this wikid's
// (an older one is migrated when wikid opens it). Returns the schema
// version, or Invalid saying what is wrong as a predicate for the
// caller's subject ("is not a wikid backup: ...").
Result<int> CheckPostgresCopy(const std::string& path);

struct PostgresRestoreDone {
  std::string database;  // the database's name (not its URL)
  int schema_version = 0;
  bool replaced = false;  // false: the database held no wiki before
};

// Replaces the wiki in the database `url` names with the copy in `copy`,
// in one transaction: pg_restore --clean --if-exists --single-transaction,
// so the old wiki's tables are dropped and the copy's made and filled, or,
// if anything fails (a damaged file, the server going away), nothing
// changed. Refused, changing nothing: a copy that fails CheckPostgresCopy
// (Invalid); while any other client is connected to the database (Busy:
// a wikid serving, a backup, a tool: stop wikid first); when the database
// holds anything the copy does not (Invalid: a newer wikid's tables, or
// another program's, which --clean would leave behind).
Result<PostgresRestoreDone> RestorePostgresDatabase(const std::string& copy,
                                                    const std::string& url);

}  // namespace wikid
