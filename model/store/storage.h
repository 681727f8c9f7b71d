// Storage: one connection to the wiki's storage engine, and the stores that
// work on it. Everything that reads or writes the wiki's data goes through
// a store opened here, so only this interface and its engines (SQLite in
// model/store/sqlite, PostgreSQL in model/store/postgres) know which
// engine runs.
//
// One per process, opened after fork() (a connection must never cross a
// fork). Not thread-safe. The stores it opens borrow the connection: they
// must not outlive it.
#pragma once

#include <cstdint>
#include <memory>

#include "model/base/status.h"
#include "model/store/api_token_store.h"
#include "model/store/cache_epoch_store.h"
#include "model/store/events.h"
#include "model/store/fast_path_store.h"
#include "model/store/file_store.h"
#include "model/store/login_throttle.h"
#include "model/store/outbox.h"
#include "model/store/page_import.h"
#include "model/store/page_store.h"
#include "model/store/session_store.h"
#include "model/store/site_key_store.h"
#include "model/store/user_store.h"
#include "model/store/watch_store.h"
#include "model/store/wiki_tables.h"

namespace wikid {

// What the connection has done so far, for the X-Wikid-* test headers,
// the tests' budgets ("a cached page view runs no query") and /_metrics.
struct StorageCounters {
  int64_t queries = 0;  // statement executions started
  int64_t rows = 0;     // result rows read
  // Statements that found another connection's lock and waited for it
  // (SQLite; PostgreSQL's waits happen in the server and are not seen).
  int64_t busy_waits = 0;
};

class Storage {
 public:
  virtual ~Storage() = default;

  // Each opens a store on this connection, preparing what it will run.
  // `events`, if given, hears of every saved revision (OpenPages) or new
  // account (OpenUsers) inside the transaction that writes it, and must
  // outlive the store.
  virtual Result<std::unique_ptr<PageStore>> OpenPages(EventSink* events) = 0;
  virtual Result<std::unique_ptr<UserStore>> OpenUsers(EventSink* events) = 0;
  virtual Result<std::unique_ptr<SessionStore>> OpenSessions() = 0;
  virtual Result<std::unique_ptr<ApiTokenStore>> OpenApiTokens() = 0;
  virtual Result<std::unique_ptr<LoginThrottle>> OpenLoginThrottle(
      const ThrottlePolicy& policy) = 0;
  virtual Result<std::unique_ptr<Outbox>> OpenOutbox(
      const MailRetryPolicy& retry) = 0;
  virtual Result<std::unique_ptr<SiteKeyStore>> OpenSiteKeys() = 0;
  virtual Result<std::unique_ptr<CacheEpochStore>> OpenCacheEpoch() = 0;
  virtual Result<std::unique_ptr<FastPathStore>> OpenFastPath() = 0;
  virtual Result<std::unique_ptr<FileStore>> OpenFiles() = 0;
  virtual Result<std::unique_ptr<WatchStore>> OpenWatches() = 0;
  // The tables as plain rows, for `wikid copy-database` alone.
  virtual Result<std::unique_ptr<TableAccess>> OpenTables() = 0;
  // The bulk writes of `wikid import` alone (Unsupported on an engine
  // that has none yet).
  virtual Result<std::unique_ptr<PageImport>> OpenImport() = 0;

  virtual StorageCounters counters() const = 0;
};

}  // namespace wikid
