// The account columns that every PostgreSQL store returning a User reads
// (accounts, sessions, API tokens), and the User they make: one list, so
// that a column added to User is read alike by all of them.
#pragma once

#include "model/store/postgres/pg_connection.h"
#include "model/store/user.h"

namespace wikid {

// The columns UserFromPgRow reads, in its order, for any query on
// `account` aliased as `a`.
inline constexpr char kPgUserColumns[] =
    "a.id, a.name, a.password_hash, a.email, a.role, a.disabled, "
    "a.created_at, a.display_name, a.bio, "
    "a.email <> '' AND a.confirmed_email = a.email, a.watch_created";

// The account in columns 0-10 of row `row` of `result` (kPgUserColumns).
User UserFromPgRow(const PgResult& result, int row);

}  // namespace wikid
