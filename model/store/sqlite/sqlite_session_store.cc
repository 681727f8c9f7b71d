#include "model/store/sqlite/sqlite_session_store.h"

#include "model/base/token.h"
#include "model/store/sqlite/sqlite_user_store.h"

#include <sodium.h>

namespace wikid {
namespace {

constexpr char kInsertSql[] =
    "INSERT INTO session (token_hash, account_id, created_at, expires_at) "
    "VALUES (?1, ?2, ?3, ?4)";
const std::string kFindSql = std::string("SELECT ") + kUserColumns + R"sql(
    FROM session s JOIN account a ON a.id = s.account_id
   WHERE s.token_hash = ?1 AND s.expires_at > ?2 AND a.disabled = 0)sql";
constexpr char kEndSql[] = "DELETE FROM session WHERE token_hash = ?1";
constexpr char kPruneSql[] = "DELETE FROM session WHERE expires_at <= ?1";
constexpr char kEndAllSql[] = "DELETE FROM session WHERE account_id = ?1";

}  // namespace

Result<std::unique_ptr<SqliteSessionStore>> SqliteSessionStore::Create(Database& db) {
  if (sodium_init() < 0) return Status::Internal("libsodium failed to start");
  std::unique_ptr<SqliteSessionStore> store(new SqliteSessionStore(db));
  Status prepared = db.PrepareAll({{&store->insert_, kInsertSql},
                                   {&store->find_, kFindSql.c_str()},
                                   {&store->end_, kEndSql},
                                   {&store->prune_, kPruneSql},
                                   {&store->end_all_, kEndAllSql}});
  if (!prepared.ok()) return prepared;
  return store;
}

Result<std::string> SqliteSessionStore::Start(int64_t account_id, int64_t now,
                                        int64_t ttl_seconds) {
  // Logins are rare next to page views: a good moment to forget the
  // sessions that have expired (an indexed range delete).
  prune_->Bind(1, now);
  if (auto pruned = db_.WriteOne(*prune_); !pruned.ok()) return pruned.status();
  std::string token = NewToken();
  insert_->BindBlob(1, TokenHash(token));
  insert_->Bind(2, account_id);
  insert_->Bind(3, now);
  insert_->Bind(4, now + ttl_seconds);
  if (auto written = db_.WriteOne(*insert_); !written.ok()) return written.status();
  return token;
}

Result<User> SqliteSessionStore::Find(const std::string& token, int64_t now) {
  if (!IsTokenShaped(token)) return Status::NotFound("No such session.");
  Query q(*find_);
  q->BindBlob(1, TokenHash(token));
  q->Bind(2, now);
  auto row = q->Step();
  if (!row.ok()) return row.status();
  if (!*row) return Status::NotFound("No such session.");
  return UserFromRow(*q);
}

Status SqliteSessionStore::End(const std::string& token) {
  if (!IsTokenShaped(token)) return Status::Ok();
  end_->BindBlob(1, TokenHash(token));
  auto written = db_.WriteOne(*end_);
  return written.ok() ? Status::Ok() : written.status();
}

Status SqliteSessionStore::EndAll(int64_t account_id) {
  end_all_->Bind(1, account_id);
  auto written = db_.WriteOne(*end_all_);
  return written.ok() ? Status::Ok() : written.status();
}

}  // namespace wikid
