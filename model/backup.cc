#include "model/backup.h"

#include <sys/stat.h>
#include <unistd.h>

#include "model/base/failpoint.h"
#include "model/base/files.h"
#include "model/store/postgres/postgres_copy.h"
#include "model/store/postgres/postgres_storage.h"
#include "model/store/sqlite/sqlite_copy.h"

namespace wikid {
namespace {

bool SameFile(const struct stat& a, const struct stat& b) {
  return a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

// Where a backup may write `target`: a file (replaced only if `replace`)
// in a folder that exists, and not the database file `live` (SQLite's;
// null for PostgreSQL).
Status CheckTarget(const std::string& target, bool replace, const struct stat* live) {
  if (target.empty()) return Status::Invalid("--to names no file");
  struct stat existing {};
  if (stat(target.c_str(), &existing) == 0) {
    if (S_ISDIR(existing.st_mode)) {
      return Status::Invalid(target +
                             " is a folder; --to names the file to write");
    }
    if (live != nullptr && SameFile(existing, *live))
      return Status::Invalid(target + " is the wiki's database itself");
    if (!replace)
      return Status::Invalid(target + " exists; pass --force to replace it");
  }
  const std::string folder = FolderOf(target);
  struct stat where {};
  if (stat(folder.c_str(), &where) != 0 || !S_ISDIR(where.st_mode)) {
    return Status::NotFound("no folder " + folder + " for " + target);
  }
  return Status::Ok();
}

}  // namespace

Result<BackupDone> BackupWiki(const StorageOptions& storage,
                              const std::string& target, bool replace) {
  const bool postgres = IsPostgresUrl(storage.database);
  std::string database;
  struct stat live {};
  if (postgres) {
    if (Status s = CheckPostgresUrl(storage.database); !s.ok()) return s;
  } else {
    auto file = DatabaseFile(storage);
    if (!file.ok()) return file.status();
    database = *file;
    if (stat(database.c_str(), &live) != 0) {
      return Status::NotFound("no database at " + database +
                              " (are --data and --database right?)");
    }
  }
  if (Status s = CheckTarget(target, replace, postgres ? nullptr : &live); !s.ok()) return s;
  // A name the backup timer's clean-up never matches (wikid-*.db), and
  // that says what it is if a crash leaves it behind.
  TempFile temp(target, ".partial-");
  if (!temp.status().ok()) return temp.status();
  auto version = postgres ? DumpPostgresDatabase(storage.database, temp.path())
                          : CopyLiveDatabase(database, temp.path());
  if (!version.ok()) {
    if (version.status().IsInvalid()) {
      return Status::Invalid("the copy " + version.status().message());
    }
    return version.status();
  }
  struct stat copy {};
  if (stat(temp.path().c_str(), &copy) != 0)
    return Status::Unavailable(ErrnoMessage(temp.path()));
  if (Status s = temp.RenameOnto(target, replace); !s.ok()) {
    if (s.IsInvalid())
      return Status::Invalid(target +
                             " appeared meanwhile; pass --force to replace it");
    return s;
  }
  return BackupDone{.schema_version = *version,
                    .bytes = static_cast<int64_t>(copy.st_size)};
}

Result<RestoreDone> RestoreWiki(const std::string& copy,
                                const StorageOptions& storage) {
  if (IsPostgresUrl(storage.database)) {
    if (Status s = CheckPostgresUrl(storage.database); !s.ok()) return s;
    struct stat from {};
    if (stat(copy.c_str(), &from) != 0)
      return Status::NotFound(ErrnoMessage("cannot read " + copy));
    if (!S_ISREG(from.st_mode)) return Status::Invalid(copy + " is not a file");
    auto done = RestorePostgresDatabase(copy, storage.database);
    if (!done.ok()) return done.status();
    return RestoreDone{.database = "the PostgreSQL database " + done->database,
                       .schema_version = done->schema_version,
                       .replaced = done->replaced};
  }
  auto database = DatabaseFile(storage);
  if (!database.ok()) return database.status();
  struct stat from {};
  if (stat(copy.c_str(), &from) != 0)
    return Status::NotFound(ErrnoMessage("cannot read " + copy));
  if (!S_ISREG(from.st_mode)) return Status::Invalid(copy + " is not a file");
  // A copy taken with cp of a database in use (or the database itself)
  // keeps its last commits in the -wal file, or, in rollback mode, the
  // pages a transaction was changing in a hot -journal: the main file
  // alone may be an older state, a half-checkpointed one or a half-written
  // one (the immutable check ignores both files). Refuse rather than
  // restore something other than what the operator thinks.
  for (const char* beside : {"-wal", "-journal"}) {
    if (Exists(copy + beside)) {
      return Status::Invalid(
          copy + beside + " exists beside it: " + copy +
          " is a database in use, or a copy of one made while it was "
          "(its last changes are in that file); make copies with wikid "
          "backup");
    }
  }
  struct stat live {};
  const bool replacing = stat(database->c_str(), &live) == 0;
  if (replacing && SameFile(live, from)) {
    return Status::Invalid(copy + " is the wiki's database itself");
  }
  if (!replacing && Exists(*database + "-wal")) {
    return Status::Invalid(
        *database +
        "-wal exists without its database (it may hold the last "
        "changes of a database that was moved or deleted); move it away first");
  }
  if (Status s = MakeDirectories(FolderOf(*database)); !s.ok()) return s;

  // Copied first and checked there: what passed the check is what gets the
  // name, byte for byte, and the rename cannot cross a file system.
  TempFile temp(*database, ".restore-");
  if (!temp.status().ok()) return temp.status();
  if (Status s = CopyBytes(copy, temp.path()); !s.ok()) return s;
  // An operator restoring as root would otherwise leave a database that
  // wikid's own user cannot open: the copy takes the owner of the file it
  // replaces (or of its folder).
  if (geteuid() == 0) {
    struct stat owner {};
    if (replacing)
      owner = live;
    else
      stat(FolderOf(*database).c_str(), &owner);
    if (chown(temp.path().c_str(), owner.st_uid, owner.st_gid) != 0) {
      return Status::Unavailable(
          ErrnoMessage("cannot give " + temp.path() + " to the wiki's owner"));
    }
  }
  auto version = CheckCopy(temp.path());
  if (!version.ok()) {
    if (version.status().IsInvalid()) {
      return Status::Invalid(copy + " " + version.status().message() +
                             "; nothing was replaced");
    }
    return version.status();
  }

  // Held until the rename is synced (it goes when this returns): a wikid
  // process that opened the old file after its release, or the name
  // before the rename, would bring back a -wal beside the name that the
  // new file then reads, or keep serving the old file.
  auto out_of_use = KeepOutOfUse(*database);
  if (!out_of_use.ok()) {
    if (out_of_use.status().code() == Status::Code::kBusy) {
      return Status::Busy("stop wikid first (" +
                          out_of_use.status().message() +
                          "; with systemd, stop wikid.socket as well); "
                          "nothing was replaced");
    }
    return out_of_use.status();
  }
  if (replacing) {
    Status released = ReleaseForReplacement(*database);
    if (released.code() == Status::Code::kBusy) {
      return Status::Busy(
          *database +
          " is open in another process (a program other than wikid?): "
          "stop wikid first; nothing was replaced");
    }
    if (!released.ok()) {
      return Status::Unavailable(
          *database + " cannot be taken out of use (" + released.message() +
          "); if it is damaged, move it and its -wal and -shm files "
          "away and restore again; nothing was replaced");
    }
  }
  // Whatever sits beside the name is replayed onto the file that has it:
  // none may be left (one would mean a process opened the database after
  // it was released).
  for (const char* suffix : {"-wal", "-journal"}) {
    if (Exists(*database + suffix)) {
      return Status::Busy(*database + suffix +
                          " appeared during the restore: another process "
                          "opened the database; stop it and restore again; "
                          "nothing was replaced");
    }
  }
  FailpointHold("restore_before_rename");
  // Without a database before, the rename must not replace one a wikid
  // started meanwhile has made.
  if (Status s = temp.RenameOnto(*database, /*replace=*/replacing); !s.ok()) {
    if (temp.renamed()) {
      return Status::Unavailable(
          "restored " + copy + " to " + *database +
          ", but the folder could not be synced: " + s.message() +
          " (until it is, a power cut may bring the old database back: run "
          "sync before starting wikid)");
    }
    if (s.IsInvalid()) {
      return Status::Busy(*database +
                          " was created during the restore (a wikid started?); "
                          "nothing was replaced");
    }
    return s;
  }
  return RestoreDone{
      .database = *database, .schema_version = *version, .replaced = replacing};
}

}  // namespace wikid
