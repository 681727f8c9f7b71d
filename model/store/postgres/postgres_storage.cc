#include "model/store/postgres/postgres_storage.h"

#include <libpq-fe.h>

#include "model/store/postgres/postgres_api_token_store.h"
#include "model/store/postgres/postgres_cache_epoch_store.h"
#include "model/store/postgres/postgres_file_store.h"
#include "model/store/postgres/postgres_fast_path_store.h"
#include "model/store/postgres/postgres_login_throttle.h"
#include "model/store/postgres/postgres_outbox.h"
#include "model/store/postgres/postgres_page_import.h"
#include "model/store/postgres/postgres_page_store.h"
#include "model/store/postgres/postgres_schema.h"
#include "model/store/postgres/postgres_session_store.h"
#include "model/store/postgres/postgres_site_key_store.h"
#include "model/store/postgres/postgres_table_access.h"
#include "model/store/postgres/postgres_user_store.h"
#include "model/store/postgres/postgres_watch_store.h"

namespace wikid {

bool IsPostgresUrl(std::string_view database) {
  return database.starts_with("postgresql://") || database.starts_with("postgres://");
}

Status CheckPostgresUrl(const std::string& url) {
  char* error = nullptr;
  PQconninfoOption* options = PQconninfoParse(url.c_str(), &error);
  if (options == nullptr) {
    // libpq's message may quote the part it could not read, which may be
    // the password: only that it failed is said.
    PQfreemem(error);
    return Status::Invalid(
        "--database is not a PostgreSQL URL libpq can read "
        "(postgresql://USER@HOST:PORT/DATABASE?PARAM=VALUE...)");
  }
  bool has_password = false;
  for (PQconninfoOption* option = options; option->keyword != nullptr; ++option) {
    if (std::string_view(option->keyword) == "password" && option->val != nullptr &&
        option->val[0] != '\0') {
      has_password = true;
    }
  }
  PQconninfoFree(options);
  if (has_password) {
    return Status::Invalid(
        "--database must not hold a password (every user can read a command line "
        "with ps): put it in PGPASSWORD, or in a password file (~/.pgpass, or the "
        "file PGPASSFILE names)");
  }
  return Status::Ok();
}

Result<std::unique_ptr<PostgresStorage>> PostgresStorage::Open(const std::string& url,
                                                               const PgOptions& options) {
  if (Status s = CheckPostgresUrl(url); !s.ok()) return s;
  auto db = PgConnection::Open(url, options);
  if (!db.ok()) return db.status();
  if (Status s = MigratePostgresSchema(**db); !s.ok()) return s;
  return std::unique_ptr<PostgresStorage>(new PostgresStorage(std::move(*db)));
}

Result<std::unique_ptr<PageStore>> PostgresStorage::OpenPages(EventSink* events) {
  auto store = PostgresPageStore::Create(*db_, events);
  if (!store.ok()) return store.status();
  return std::unique_ptr<PageStore>(std::move(*store));
}

Result<std::unique_ptr<UserStore>> PostgresStorage::OpenUsers(EventSink* events) {
  auto store = PostgresUserStore::Create(*db_, events);
  if (!store.ok()) return store.status();
  return std::unique_ptr<UserStore>(std::move(*store));
}

Result<std::unique_ptr<SessionStore>> PostgresStorage::OpenSessions() {
  auto store = PostgresSessionStore::Create(*db_);
  if (!store.ok()) return store.status();
  return std::unique_ptr<SessionStore>(std::move(*store));
}

Result<std::unique_ptr<ApiTokenStore>> PostgresStorage::OpenApiTokens() {
  auto store = PostgresApiTokenStore::Create(*db_);
  if (!store.ok()) return store.status();
  return std::unique_ptr<ApiTokenStore>(std::move(*store));
}

Result<std::unique_ptr<SiteKeyStore>> PostgresStorage::OpenSiteKeys() {
  auto store = PostgresSiteKeyStore::Create(*db_);
  if (!store.ok()) return store.status();
  return std::unique_ptr<SiteKeyStore>(std::move(*store));
}

Result<std::unique_ptr<CacheEpochStore>> PostgresStorage::OpenCacheEpoch() {
  auto store = PostgresCacheEpochStore::Create(*db_);
  if (!store.ok()) return store.status();
  return std::unique_ptr<CacheEpochStore>(std::move(*store));
}

Result<std::unique_ptr<FastPathStore>> PostgresStorage::OpenFastPath() {
  auto store = PostgresFastPathStore::Create(*db_);
  if (!store.ok()) return store.status();
  return std::unique_ptr<FastPathStore>(std::move(*store));
}

Result<std::unique_ptr<TableAccess>> PostgresStorage::OpenTables() {
  return std::unique_ptr<TableAccess>(new PostgresTableAccess(*db_));
}

Result<std::unique_ptr<PageImport>> PostgresStorage::OpenImport() {
  auto import = PostgresPageImport::Create(*db_);
  if (!import.ok()) return import.status();
  return std::unique_ptr<PageImport>(std::move(*import));
}

Result<std::unique_ptr<FileStore>> PostgresStorage::OpenFiles() {
  auto store = PostgresFileStore::Create(*db_);
  if (!store.ok()) return store.status();
  return std::unique_ptr<FileStore>(std::move(*store));
}

Result<std::unique_ptr<LoginThrottle>> PostgresStorage::OpenLoginThrottle(
    const ThrottlePolicy& policy) {
  auto throttle = PostgresLoginThrottle::Create(*db_, policy);
  if (!throttle.ok()) return throttle.status();
  return std::unique_ptr<LoginThrottle>(std::move(*throttle));
}

Result<std::unique_ptr<Outbox>> PostgresStorage::OpenOutbox(const MailRetryPolicy& retry) {
  auto outbox = PostgresOutbox::Create(*db_, retry);
  if (!outbox.ok()) return outbox.status();
  return std::unique_ptr<Outbox>(std::move(*outbox));
}

Result<std::unique_ptr<WatchStore>> PostgresStorage::OpenWatches() {
  auto watches = PostgresWatchStore::Create(*db_);
  if (!watches.ok()) return watches.status();
  return std::unique_ptr<WatchStore>(std::move(*watches));
}

StorageCounters PostgresStorage::counters() const {
  return StorageCounters{.queries = db_->queries(), .rows = db_->rows()};
}

}  // namespace wikid
