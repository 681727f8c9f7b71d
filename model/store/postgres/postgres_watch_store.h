// PostgresWatchStore: WatchStore on one PostgreSQL connection, in the
// watch table and the account's watch columns (schema 4). One per
// process; `db` must outlive it.
#pragma once

#include <memory>

#include "model/store/postgres/pg_connection.h"
#include "model/store/watch_store.h"

namespace wikid {

class PostgresWatchStore : public WatchStore {
 public:
  // Prepares its statements once.
  static Result<std::unique_ptr<PostgresWatchStore>> Create(PgConnection& db);

  Result<std::optional<WatchState>> Find(int64_t user_id, const PageName& name) override;
  Status Watch(int64_t user_id, int64_t page_id) override;
  Status Unwatch(int64_t user_id, int64_t page_id) override;
  Result<std::string> PageTitle(int64_t page_id) override;
  Status Viewed(int64_t user_id, int64_t page_id) override;
  Result<WatchlistWindow> List(int64_t user_id, std::optional<int64_t> before_id,
                               int limit) override;
  Status WatchCreated(int64_t user_id, const std::string& title) override;
  Result<std::vector<Watcher>> TakeWatchersToTell(const std::string& title,
                                                  int64_t editor_id) override;
  Status SetWatchCreated(int64_t user_id, bool on) override;
  Status ConfirmEmail(int64_t user_id, const std::string& email) override;
  Result<int64_t> ConfirmationMailWait(int64_t user_id, int64_t now, bool claim) override;

 private:
  explicit PostgresWatchStore(PgConnection& db) : db_(db) {}
  PgConnection& db_;
};

}  // namespace wikid
