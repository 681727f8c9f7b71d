// The wiki's SQLite schema and its migrations.
//
// The schema version lives in PRAGMA user_version. Each migration takes the
// database from version N-1 to N; MigrateSchema runs all that are missing in
// one BEGIN IMMEDIATE transaction, so a crash mid-upgrade leaves the old
// version intact and two workers starting at once cannot both migrate.
#pragma once

#include "model/base/status.h"

namespace wikid {

class Database;

// The version a fully migrated database has.
int LatestSchemaVersion();

// Brings `db` to LatestSchemaVersion(). Fails with Invalid if the file is
// newer than this binary (a downgrade), leaving it untouched.
Status MigrateSchema(Database& db);

}  // namespace wikid
