// The PostgreSQL schema and its migrations.
#pragma once

#include "model/base/status.h"
#include "model/store/postgres/pg_connection.h"

namespace wikid {

// The schema version this wikid writes (wikid_schema.version).
int LatestPostgresSchemaVersion();

// Brings the database to the latest schema: every migration not yet run,
// in one transaction, under an advisory lock so that workers and hosts
// starting together migrate once and the others wait for it. Invalid if
// the database is newer than this wikid.
// REQUIRES: no open transaction.
Status MigratePostgresSchema(PgConnection& db);

}  // namespace wikid
