#include "model/store/sqlite/sqlite_site_key_store.h"

#include "model/base/secret_key.h"

namespace wikid {
namespace {

constexpr char kNewestSql[] = "SELECT secret FROM site_key ORDER BY id DESC LIMIT ?1";
constexpr char kAddSql[] = "INSERT INTO site_key (secret, created_at) VALUES (?1, ?2)";
// One statement: two processes adding a first key at once add one.
constexpr char kAddFirstSql[] =
    "INSERT INTO site_key (secret, created_at) SELECT ?1, ?2"
    " WHERE NOT EXISTS (SELECT 1 FROM site_key)";

}  // namespace

Result<std::unique_ptr<SqliteSiteKeyStore>> SqliteSiteKeyStore::Create(Database& db) {
  std::unique_ptr<SqliteSiteKeyStore> store(new SqliteSiteKeyStore(db));
  Status prepared = db.PrepareAll({{&store->newest_, kNewestSql},
                                   {&store->add_, kAddSql},
                                   {&store->add_first_, kAddFirstSql}});
  if (!prepared.ok()) return prepared;
  return store;
}

Result<std::vector<std::string>> SqliteSiteKeyStore::Newest(int limit) {
  std::vector<std::string> keys;
  Query q(*newest_);
  q->Bind(1, static_cast<int64_t>(limit));
  while (true) {
    auto row = q->Step();
    if (!row.ok()) return row.status();
    if (!*row) return keys;
    std::string key = q->ColumnText(0);  // the blob's bytes
    // Signing reads kSecretKeyBytes of it, whatever its length.
    if (key.size() != kSecretKeyBytes) {
      return Status::Internal("a site key in the database is damaged (not 32 bytes)");
    }
    keys.push_back(std::move(key));
  }
}

Status SqliteSiteKeyStore::Add(const std::string& key, int64_t now) {
  add_->BindBlob(1, key);
  add_->Bind(2, now);
  auto done = db_.WriteOne(*add_);
  return done.ok() ? Status::Ok() : done.status();
}

Status SqliteSiteKeyStore::AddFirst(const std::string& key, int64_t now) {
  add_first_->BindBlob(1, key);
  add_first_->Bind(2, now);
  auto done = db_.WriteOne(*add_first_);
  return done.ok() ? Status::Ok() : done.status();
}

}  // namespace wikid
