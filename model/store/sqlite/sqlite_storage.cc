#include "model/store/sqlite/sqlite_storage.h"

#include "model/store/sqlite/sqlite_api_token_store.h"
#include "model/store/sqlite/sqlite_cache_epoch_store.h"
#include "model/store/sqlite/sqlite_fast_path_store.h"
#include "model/store/sqlite/sqlite_file_store.h"
#include "model/store/sqlite/sqlite_login_throttle.h"
#include "model/store/sqlite/sqlite_outbox.h"
#include "model/store/sqlite/sqlite_page_import.h"
#include "model/store/sqlite/sqlite_page_store.h"
#include "model/store/sqlite/sqlite_session_store.h"
#include "model/store/sqlite/sqlite_site_key_store.h"
#include "model/store/sqlite/sqlite_table_access.h"
#include "model/store/sqlite/sqlite_user_store.h"
#include "model/store/sqlite/sqlite_watch_store.h"

namespace wikid {
namespace {

// A Result of the engine's class as a Result of the interface.
template <typename Interface, typename Engine>
Result<std::unique_ptr<Interface>> Opened(
    Result<std::unique_ptr<Engine>> store) {
  if (!store.ok()) return store.status();
  return std::unique_ptr<Interface>(std::move(*store));
}

}  // namespace

Result<std::unique_ptr<SqliteStorage>> SqliteStorage::Open(
    const std::string& path, const Database::Options& options) {
  auto db = Database::Open(path, options);
  if (!db.ok()) return db.status();
  return std::unique_ptr<SqliteStorage>(new SqliteStorage(std::move(*db)));
}

Result<std::unique_ptr<PageStore>> SqliteStorage::OpenPages(EventSink* events) {
  return Opened<PageStore>(SqlitePageStore::Create(*db_, events));
}

Result<std::unique_ptr<UserStore>> SqliteStorage::OpenUsers(EventSink* events) {
  return Opened<UserStore>(SqliteUserStore::Create(*db_, events));
}

Result<std::unique_ptr<SessionStore>> SqliteStorage::OpenSessions() {
  return Opened<SessionStore>(SqliteSessionStore::Create(*db_));
}

Result<std::unique_ptr<ApiTokenStore>> SqliteStorage::OpenApiTokens() {
  return Opened<ApiTokenStore>(SqliteApiTokenStore::Create(*db_));
}

Result<std::unique_ptr<SiteKeyStore>> SqliteStorage::OpenSiteKeys() {
  return Opened<SiteKeyStore>(SqliteSiteKeyStore::Create(*db_));
}

Result<std::unique_ptr<CacheEpochStore>> SqliteStorage::OpenCacheEpoch() {
  return Opened<CacheEpochStore>(SqliteCacheEpochStore::Create(*db_));
}

Result<std::unique_ptr<FastPathStore>> SqliteStorage::OpenFastPath() {
  return Opened<FastPathStore>(SqliteFastPathStore::Create(*db_));
}

Result<std::unique_ptr<FileStore>> SqliteStorage::OpenFiles() {
  return Opened<FileStore>(SqliteFileStore::Create(*db_));
}

Result<std::unique_ptr<TableAccess>> SqliteStorage::OpenTables() {
  return std::unique_ptr<TableAccess>(new SqliteTableAccess(*db_));
}

Result<std::unique_ptr<PageImport>> SqliteStorage::OpenImport() {
  return Opened<PageImport>(SqlitePageImport::Create(*db_));
}

Result<std::unique_ptr<LoginThrottle>> SqliteStorage::OpenLoginThrottle(
    const ThrottlePolicy& policy) {
  return Opened<LoginThrottle>(SqliteLoginThrottle::Create(*db_, policy));
}

Result<std::unique_ptr<Outbox>> SqliteStorage::OpenOutbox(
    const MailRetryPolicy& retry) {
  return Opened<Outbox>(SqliteOutbox::Create(*db_, retry));
}

Result<std::unique_ptr<WatchStore>> SqliteStorage::OpenWatches() {
  return Opened<WatchStore>(SqliteWatchStore::Create(*db_));
}

StorageCounters SqliteStorage::counters() const {
  return StorageCounters{
      .queries = db_->queries(), .rows = db_->rows(), .busy_waits = db_->busy_waits()};
}

}  // namespace wikid
