#include "model/store/postgres/postgres_api_token_store.h"

#include <sodium.h>

#include <string>

#include "model/base/token.h"
#include "model/store/postgres/postgres_account_row.h"

namespace wikid {
namespace {

// SQLite's one statement counts and inserts under its one writer lock. At
// READ COMMITTED two of these statements would each count the other's
// row out and both insert past the limit, so Issue first locks the
// account's row: a second issuer for the account waits, then counts
// the first's token (each statement sees what committed before it began).
constexpr PgStatement kLockAccount{"api_tokens_lock_account",
                                   "SELECT 1 FROM account WHERE id = $1 FOR UPDATE"};
// No row when the account holds $5 tokens already.
constexpr PgStatement kInsert{
    "api_tokens_insert",
    "INSERT INTO api_token (account_id, label, token_hash, created_at) "
    "SELECT $1, $2, $3, $4 "
    "WHERE (SELECT count(*) FROM api_token WHERE account_id = $1) < $5 "
    "RETURNING id"};
constexpr PgStatement kList{
    "api_tokens_list",
    "SELECT id, label, created_at FROM api_token WHERE account_id = $1 ORDER BY id DESC"};
constexpr PgStatement kRevoke{"api_tokens_revoke",
                              "DELETE FROM api_token WHERE account_id = $1 AND id = $2"};
const std::string kFindSql = std::string("SELECT ") + kPgUserColumns + R"sql(
    FROM api_token t JOIN account a ON a.id = t.account_id
   WHERE t.token_hash = $1 AND NOT a.disabled)sql";
const PgStatement kFind{"api_tokens_find", kFindSql.c_str()};

}  // namespace

Result<std::unique_ptr<PostgresApiTokenStore>> PostgresApiTokenStore::Create(PgConnection& db) {
  if (sodium_init() < 0) return Status::Internal("libsodium failed to start");
  std::unique_ptr<PostgresApiTokenStore> store(new PostgresApiTokenStore(db));
  Status prepared = db.PrepareAll({kLockAccount, kInsert, kList, kRevoke, kFind});
  if (!prepared.ok()) return prepared;
  return store;
}

Result<NewApiToken> PostgresApiTokenStore::Issue(int64_t account_id, const std::string& label,
                                                 int64_t now) {
  if (Status s = CheckTokenLabel(label); !s.ok()) return s;
  NewApiToken issued{.token = NewToken()};
  PgTransaction txn(db_);
  if (Status s = txn.Begin(); !s.ok()) return s;
  auto locked = db_.Run(kLockAccount.name, PgParams().Add(account_id));
  if (!locked.ok()) return locked.status();
  auto r = db_.Run(kInsert.name, PgParams()
                                     .Add(account_id)
                                     .Add(label)
                                     .AddBytes(TokenHash(issued.token))
                                     .Add(now)
                                     .Add(kMaxTokensPerAccount));
  if (!r.ok()) return r.status();
  if (r->rows() == 0) {
    return Status::Conflict("This account holds " + std::to_string(kMaxTokensPerAccount) +
                            " tokens, the most one may: revoke one it no longer needs first.");
  }
  issued.id = r->Int(0, 0);
  if (Status s = txn.Commit(); !s.ok()) return s;
  return issued;
}

Result<std::vector<ApiTokenInfo>> PostgresApiTokenStore::List(int64_t account_id) {
  auto r = db_.Run(kList.name, PgParams().Add(account_id));
  if (!r.ok()) return r.status();
  std::vector<ApiTokenInfo> tokens;
  for (int row = 0; row < r->rows(); ++row) {
    tokens.push_back({r->Int(row, 0), r->Text(row, 1), r->Int(row, 2)});
  }
  return tokens;
}

Status PostgresApiTokenStore::Revoke(int64_t account_id, int64_t id) {
  auto r = db_.Run(kRevoke.name, PgParams().Add(account_id).Add(id));
  if (!r.ok()) return r.status();
  return r->changed() == 0 ? Status::NotFound("There is no such token.") : Status::Ok();
}

Result<User> PostgresApiTokenStore::Find(const std::string& token) {
  if (!IsTokenShaped(token)) return Status::NotFound("No such token.");
  auto r = db_.Run(kFind.name, PgParams().AddBytes(TokenHash(token)));
  if (!r.ok()) return r.status();
  if (r->rows() == 0) return Status::NotFound("No such token.");
  return UserFromPgRow(*r, 0);
}

}  // namespace wikid
