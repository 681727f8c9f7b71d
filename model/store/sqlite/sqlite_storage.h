// SqliteStorage: Storage on one SQLite file (WAL mode, synchronous=FULL),
// created and migrated to the newest schema when it is opened.
#pragma once

#include <memory>
#include <string>

#include "model/store/sqlite/database.h"
#include "model/store/storage.h"

namespace wikid {

class SqliteStorage : public Storage {
 public:
  // Opens (creating if needed) and migrates the database at `path`.
  static Result<std::unique_ptr<SqliteStorage>> Open(
      const std::string& path, const Database::Options& options);

  Result<std::unique_ptr<PageStore>> OpenPages(EventSink* events) override;
  Result<std::unique_ptr<UserStore>> OpenUsers(EventSink* events) override;
  Result<std::unique_ptr<SessionStore>> OpenSessions() override;
  Result<std::unique_ptr<ApiTokenStore>> OpenApiTokens() override;
  Result<std::unique_ptr<SiteKeyStore>> OpenSiteKeys() override;
  Result<std::unique_ptr<CacheEpochStore>> OpenCacheEpoch() override;
  Result<std::unique_ptr<FastPathStore>> OpenFastPath() override;
  Result<std::unique_ptr<FileStore>> OpenFiles() override;
  Result<std::unique_ptr<WatchStore>> OpenWatches() override;
  Result<std::unique_ptr<TableAccess>> OpenTables() override;
  Result<std::unique_ptr<PageImport>> OpenImport() override;
  Result<std::unique_ptr<LoginThrottle>> OpenLoginThrottle(
      const ThrottlePolicy& policy) override;
  Result<std::unique_ptr<Outbox>> OpenOutbox(
      const MailRetryPolicy& retry) override;
  StorageCounters counters() const override;

 private:
  explicit SqliteStorage(std::unique_ptr<Database> db) : db_(std::move(db)) {}
  std::unique_ptr<Database> db_;
};

}  // namespace wikid
