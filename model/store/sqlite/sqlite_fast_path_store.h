// SqliteFastPathStore: FastPathStore on one SQLite connection, in the
// one-row fast_path_state table. One per process; `db` must outlive it.
#pragma once

#include <memory>

#include "model/store/fast_path_store.h"
#include "model/store/sqlite/database.h"

namespace wikid {

class SqliteFastPathStore : public FastPathStore {
 public:
  // Prepares its statements once.
  static Result<std::unique_ptr<SqliteFastPathStore>> Create(Database& db);

  Result<FastPathRow> Read() override;
  Status Suspend(bool doubt, const std::string& why, uint64_t next) override;
  Result<bool> Announce(uint64_t generation, uint64_t next) override;
  Result<bool> Serve(uint64_t generation) override;

 private:
  explicit SqliteFastPathStore(Database& db) : db_(db) {}
  Database& db_;
  std::unique_ptr<Statement> read_, suspend_, announce_, serve_;
};

}  // namespace wikid
