// Backup and restore of a whole wiki, for `wikid backup` and `wikid
// restore` (fcgi/backup_command.h, fcgi/restore_command.h).
//
// A copy is the wiki's database, and the database is the whole wiki:
// pages with every revision, accounts (password hashes, email addresses),
// logins and API tokens (their hashes), the mail outbox, and the site's
// secret keys that sign forms (site_key). So a copy is as secret as the
// database: it is made 0600 and must be kept where only wikid's user and
// the operator can read it. Uploaded files are in the database too (their
// bytes in file_blob, model/store/file_store.h), on both engines. The data
// folder's other files are made again at start (the socket, the fast-path
// switch, the copies of files nginx serves).
//
// On SQLite a copy is a database file; on PostgreSQL (--database
// postgresql://...) it is pg_dump's custom format, made and restored with
// pg_dump and pg_restore (model/store/postgres/postgres_copy.h).
#pragma once

#include <cstdint>
#include <string>

#include "model/base/status.h"
#include "model/wiki.h"

namespace wikid {

struct BackupDone {
  int schema_version = 0;  // of the copy, as of its source
  int64_t bytes = 0;       // the copy's size
};

// Copies the database `storage` names into the file `target`, while wikids
// may be serving and saving: the copy holds every save acknowledged before
// it began. It appears at `target` only whole and checked (made beside it
// under a temporary name, checked as CheckCopy does, synced, renamed), mode
// 0600. An existing `target` is replaced only if `replace`; else Invalid
// and nothing is written. NotFound when there is no database (no wiki in a
// PostgreSQL one) or no folder for `target`; Invalid when the copy fails
// its check.
Result<BackupDone> BackupWiki(const StorageOptions& storage,
                              const std::string& target, bool replace);

struct RestoreDone {
  std::string database;    // the file (or PostgreSQL database) that now holds the copy
  int schema_version = 0;  // of the copy (wikid migrates it when it opens it)
  bool replaced = false;   // false: there was no database before
};

// Replaces the database `storage` names with the copy in the file `copy`
// (made by BackupWiki), creating the folder if needed. Nothing is replaced
// unless the copy passes its checks (SQLite's integrity check, a wiki's
// schema no newer than this wikid's), and nothing while any other process
// has the database open (Busy: a wikid serving it, a tool, a backup). The
// copy is first copied beside the database (so what was checked is what
// takes its place), then renamed onto its name: a crash at any point
// leaves the old database or the new one, whole, never a mixture (the old
// one's -wal file is emptied into it and removed before the rename, so it
// can never be replayed onto the new one). `copy` is only read.
//
// On PostgreSQL: the copy is checked (pg_restore reads all of it; a
// wiki's tables; its schema version) and then restored in one
// transaction that drops the old wiki's tables and makes the copy's
// (RestorePostgresDatabase says when it refuses); a failure at any point
// rolls it back, leaving the old wiki.
Result<RestoreDone> RestoreWiki(const std::string& copy,
                                const StorageOptions& storage);

}  // namespace wikid
