#include "model/store/postgres/postgres_site_key_store.h"

#include "model/base/secret_key.h"

namespace wikid {
namespace {

constexpr PgStatement kNewest{"site_keys_newest",
                        "SELECT secret FROM site_key ORDER BY id DESC LIMIT $1"};
constexpr PgStatement kAdd{"site_keys_add",
                     "INSERT INTO site_key (secret, created_at) VALUES ($1, $2)"};
// SQLite's one statement is not enough here: at READ COMMITTED, two
// processes' NOT EXISTS can both read an empty table and both insert.
// AddFirst's transaction takes this lock (one-bigint space, as the
// migrations' lock, with another number) before it looks, so the second
// looks only after the first committed, and sees its key.
constexpr PgStatement kLockFirst{"site_keys_lock_first", "SELECT pg_advisory_xact_lock(7718001019)"};
constexpr PgStatement kAddFirst{"site_keys_add_first",
                          "INSERT INTO site_key (secret, created_at) SELECT $1, $2"
                          " WHERE NOT EXISTS (SELECT 1 FROM site_key)"};

}  // namespace

Result<std::unique_ptr<PostgresSiteKeyStore>> PostgresSiteKeyStore::Create(PgConnection& db) {
  std::unique_ptr<PostgresSiteKeyStore> store(new PostgresSiteKeyStore(db));
  Status prepared = db.PrepareAll({kNewest, kAdd, kLockFirst, kAddFirst});
  if (!prepared.ok()) return prepared;
  return store;
}

Result<std::vector<std::string>> PostgresSiteKeyStore::Newest(int limit) {
  auto r = db_.Run(kNewest.name, PgParams().Add(int64_t{limit}));
  if (!r.ok()) return r.status();
  std::vector<std::string> keys;
  for (int row = 0; row < r->rows(); ++row) {
    std::string key = r->Bytes(row, 0);
    // Signing reads kSecretKeyBytes of it, whatever its length.
    if (key.size() != kSecretKeyBytes) {
      return Status::Internal("a site key in the database is damaged (not 32 bytes)");
    }
    keys.push_back(std::move(key));
  }
  return keys;
}

Status PostgresSiteKeyStore::Add(const std::string& key, int64_t now) {
  auto done = db_.Run(kAdd.name, PgParams().AddBytes(key).Add(now));
  return done.ok() ? Status::Ok() : done.status();
}

Status PostgresSiteKeyStore::AddFirst(const std::string& key, int64_t now) {
  PgTransaction txn(db_);
  if (Status s = txn.Begin(); !s.ok()) return s;
  if (auto locked = db_.Run(kLockFirst.name); !locked.ok()) return locked.status();
  auto done = db_.Run(kAddFirst.name, PgParams().AddBytes(key).Add(now));
  if (!done.ok()) return done.status();
  return txn.Commit();
}

}  // namespace wikid
