#include "model/store/sqlite/sqlite_site_key_store.h"

#include <optional>

#include "model/base/secret_key.h"

namespace wikid {
namespace {

constexpr char kNewestSql[] = "SELECT secret FROM site_key ORDER BY id DESC LIMIT ?1";
constexpr char kAddSql[] = "INSERT INTO site_key (secret, created_at) VALUES (?1, ?2)";
// One statement: two processes adding a first key at once add one.
constexpr char kAddFirstSql[] =
    "INSERT INTO site_key (secret, created_at) SELECT ?1, ?2"
    " WHERE NOT EXISTS (SELECT 1 FROM site_key)";

std::string ToHex(const std::string& bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string hex;
  hex.reserve(bytes.size() * 2);
  for (unsigned char c : bytes) {
    hex += kDigits[c >> 4];
    hex += kDigits[c & 15];
  }
  return hex;
}

std::optional<std::string> FromHex(const std::string& hex) {
  auto digit = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
  };
  if (hex.size() % 2 != 0) return std::nullopt;
  std::string bytes;
  for (size_t i = 0; i < hex.size(); i += 2) {
    int high = digit(hex[i]), low = digit(hex[i + 1]);
    if (high < 0 || low < 0) return std::nullopt;
    bytes += static_cast<char>(high * 16 + low);
  }
  return bytes;
}

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
    auto key = FromHex(q->ColumnText(0));
    // Signing reads kSecretKeyBytes of it, whatever its length.
    if (!key || key->size() != kSecretKeyBytes) {
      return Status::Internal("a site key in the database is damaged (not 32 bytes of hex)");
    }
    keys.push_back(std::move(*key));
  }
}

Status SqliteSiteKeyStore::Add(const std::string& key, int64_t now) {
  add_->Bind(1, ToHex(key));
  add_->Bind(2, now);
  auto done = db_.WriteOne(*add_);
  return done.ok() ? Status::Ok() : done.status();
}

Status SqliteSiteKeyStore::AddFirst(const std::string& key, int64_t now) {
  add_first_->Bind(1, ToHex(key));
  add_first_->Bind(2, now);
  auto done = db_.WriteOne(*add_first_);
  return done.ok() ? Status::Ok() : done.status();
}

}  // namespace wikid
