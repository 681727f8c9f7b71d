// PostgresStorage: Storage on a PostgreSQL database, for wikis that run on
// several hosts or want the operations of a database server (replication,
// point-in-time recovery, the backups its operators already run).
//
// One connection per process, opened after fork(); the schema is created
// or migrated when it opens (postgres_schema.h).
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "model/store/postgres/pg_connection.h"
#include "model/store/storage.h"

namespace wikid {

class PostgresStorage : public Storage {
 public:
  // Connects to `url` (postgresql://... or postgres://...; CheckPostgresUrl
  // first) and migrates the schema.
  static Result<std::unique_ptr<PostgresStorage>> Open(const std::string& url,
                                                       const PgOptions& options);

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
  Result<std::unique_ptr<LoginThrottle>> OpenLoginThrottle(const ThrottlePolicy& policy) override;
  Result<std::unique_ptr<Outbox>> OpenOutbox(const MailRetryPolicy& retry) override;
  StorageCounters counters() const override;

 private:
  explicit PostgresStorage(std::unique_ptr<PgConnection> db) : db_(std::move(db)) {}
  std::unique_ptr<PgConnection> db_;
};

// Whether `database` (the --database value) names a PostgreSQL database.
bool IsPostgresUrl(std::string_view database);

// Ok, or Invalid when `url` is not a connection URL libpq understands or
// when it holds a password: a command line is visible to every user in
// ps, so the password comes from where libpq reads it by itself
// (PGPASSWORD, the file PGPASSFILE names, or ~/.pgpass). The message
// never repeats the URL or any part of it.
Status CheckPostgresUrl(const std::string& url);

}  // namespace wikid
