#include "model/store/postgres/postgres_session_store.h"

#include <sodium.h>

#include <string>

#include "model/base/token.h"
#include "model/store/postgres/postgres_account_row.h"

namespace wikid {
namespace {

constexpr PgStatement kInsert{
    "sessions_insert",
    "INSERT INTO session (token_hash, account_id, created_at, expires_at) "
    "VALUES ($1, $2, $3, $4)"};
const std::string kFindSql = std::string("SELECT ") + kPgUserColumns + R"sql(
    FROM session s JOIN account a ON a.id = s.account_id
   WHERE s.token_hash = $1 AND s.expires_at > $2 AND NOT a.disabled)sql";
const PgStatement kFind{"sessions_find", kFindSql.c_str()};
constexpr PgStatement kEnd{"sessions_end", "DELETE FROM session WHERE token_hash = $1"};
constexpr PgStatement kPrune{"sessions_prune", "DELETE FROM session WHERE expires_at <= $1"};
constexpr PgStatement kEndAll{"sessions_end_all", "DELETE FROM session WHERE account_id = $1"};

Status Done(const Result<PgResult>& r) { return r.ok() ? Status::Ok() : r.status(); }

}  // namespace

Result<std::unique_ptr<PostgresSessionStore>> PostgresSessionStore::Create(PgConnection& db) {
  if (sodium_init() < 0) return Status::Internal("libsodium failed to start");
  std::unique_ptr<PostgresSessionStore> store(new PostgresSessionStore(db));
  Status prepared = db.PrepareAll({kInsert, kFind, kEnd, kPrune, kEndAll});
  if (!prepared.ok()) return prepared;
  return store;
}

Result<std::string> PostgresSessionStore::Start(int64_t account_id, int64_t now,
                                                int64_t ttl_seconds) {
  // Logins are rare next to page views: a good moment to forget the
  // sessions that have expired (an indexed range delete).
  if (Status s = Done(db_.Run(kPrune.name, PgParams().Add(now))); !s.ok()) return s;
  std::string token = NewToken();
  auto inserted = db_.Run(kInsert.name, PgParams()
                                            .AddBytes(TokenHash(token))
                                            .Add(account_id)
                                            .Add(now)
                                            .Add(now + ttl_seconds));
  if (!inserted.ok()) return inserted.status();
  return token;
}

Result<User> PostgresSessionStore::Find(const std::string& token, int64_t now) {
  if (!IsTokenShaped(token)) return Status::NotFound("No such session.");
  auto r = db_.Run(kFind.name, PgParams().AddBytes(TokenHash(token)).Add(now));
  if (!r.ok()) return r.status();
  if (r->rows() == 0) return Status::NotFound("No such session.");
  return UserFromPgRow(*r, 0);
}

Status PostgresSessionStore::End(const std::string& token) {
  if (!IsTokenShaped(token)) return Status::Ok();
  return Done(db_.Run(kEnd.name, PgParams().AddBytes(TokenHash(token))));
}

Status PostgresSessionStore::EndAll(int64_t account_id) {
  return Done(db_.Run(kEndAll.name, PgParams().Add(account_id)));
}

}  // namespace wikid
