#include "model/store/sqlite/sqlite_api_token_store.h"

#include "model/base/token.h"
#include "model/store/sqlite/sqlite_user_store.h"

namespace wikid {
namespace {

// No row when the account holds ?5 tokens already.
constexpr char kInsertSql[] =
    "INSERT INTO api_token (account_id, label, token_hash, created_at) "
    "SELECT ?1, ?2, ?3, ?4 "
    "WHERE (SELECT count(*) FROM api_token WHERE account_id = ?1) < ?5 "
    "RETURNING id";
constexpr char kListSql[] =
    "SELECT id, label, created_at FROM api_token WHERE account_id = ?1 ORDER "
    "BY id DESC";
constexpr char kRevokeSql[] =
    "DELETE FROM api_token WHERE account_id = ?1 AND id = ?2";
const std::string kFindSql = std::string("SELECT ") + kUserColumns + R"sql(
    FROM api_token t JOIN account a ON a.id = t.account_id
   WHERE t.token_hash = ?1 AND a.disabled = 0)sql";

}  // namespace

Result<std::unique_ptr<SqliteApiTokenStore>> SqliteApiTokenStore::Create(Database& db) {
  std::unique_ptr<SqliteApiTokenStore> store(new SqliteApiTokenStore(db));
  Status prepared = db.PrepareAll({{&store->insert_, kInsertSql},
                                   {&store->list_, kListSql},
                                   {&store->revoke_, kRevokeSql},
                                   {&store->find_, kFindSql.c_str()}});
  if (!prepared.ok()) return prepared;
  return store;
}

Result<NewApiToken> SqliteApiTokenStore::Issue(int64_t account_id,
                                         const std::string& label,
                                         int64_t now) {
  if (Status s = CheckTokenLabel(label); !s.ok()) return s;
  NewApiToken issued{.token = NewToken()};
  Query q(*insert_);
  q->Bind(1, account_id);
  q->Bind(2, label);
  q->BindBlob(3, TokenHash(issued.token));
  q->Bind(4, now);
  q->Bind(5, kMaxTokensPerAccount);
  auto row = q->Step();
  if (!row.ok()) return row.status();
  if (!*row) {
    return Status::Conflict("This account holds " + std::to_string(kMaxTokensPerAccount) +
                            " tokens, the most one may: revoke one it no longer needs first.");
  }
  issued.id = q->ColumnInt(0);
  return issued;
}

Result<std::vector<ApiTokenInfo>> SqliteApiTokenStore::List(int64_t account_id) {
  std::vector<ApiTokenInfo> tokens;
  Query q(*list_);
  q->Bind(1, account_id);
  while (true) {
    auto row = q->Step();
    if (!row.ok()) return row.status();
    if (!*row) break;
    tokens.push_back({q->ColumnInt(0), q->ColumnText(1), q->ColumnInt(2)});
  }
  return tokens;
}

Status SqliteApiTokenStore::Revoke(int64_t account_id, int64_t id) {
  revoke_->Bind(1, account_id);
  revoke_->Bind(2, id);
  auto written = db_.WriteOne(*revoke_);
  if (!written.ok()) return written.status();
  return *written == 0 ? Status::NotFound("There is no such token.")
                       : Status::Ok();
}

Result<User> SqliteApiTokenStore::Find(const std::string& token) {
  if (!IsTokenShaped(token)) return Status::NotFound("No such token.");
  Query q(*find_);
  q->BindBlob(1, TokenHash(token));
  auto row = q->Step();
  if (!row.ok()) return row.status();
  if (!*row) return Status::NotFound("No such token.");
  return UserFromRow(*q);
}

}  // namespace wikid
