// SqliteWatchStore: WatchStore on one SQLite connection, in the watch
// table and the account's watch columns (schema 22). One per process;
// `db` must outlive it.
#pragma once

#include <memory>

#include "model/store/sqlite/database.h"
#include "model/store/watch_store.h"

namespace wikid {

class SqliteWatchStore : public WatchStore {
 public:
  // Prepares its statements once.
  static Result<std::unique_ptr<SqliteWatchStore>> Create(Database& db);

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
  explicit SqliteWatchStore(Database& db) : db_(db) {}
  // Runs `stmt` (bound to `user_id` and `page_id`) as one write.
  Result<int> WritePair(Statement& stmt, int64_t user_id, int64_t page_id);

  Database& db_;
  std::unique_ptr<Statement> find_;
  std::unique_ptr<Statement> watch_;
  std::unique_ptr<Statement> unwatch_;
  std::unique_ptr<Statement> title_;
  std::unique_ptr<Statement> viewed_;
  std::unique_ptr<Statement> list_;
  std::unique_ptr<Statement> watch_created_;
  std::unique_ptr<Statement> watchers_;
  std::unique_ptr<Statement> mark_notified_;
  std::unique_ptr<Statement> set_watch_created_;
  std::unique_ptr<Statement> confirm_;
};

}  // namespace wikid
