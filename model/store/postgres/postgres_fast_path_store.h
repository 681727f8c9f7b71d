// PostgresFastPathStore: FastPathStore on one PostgreSQL connection, in the
// one-row fast_path_state table, with the same contracts as
// SqliteFastPathStore (the same tests run against both). One per process;
// `db` must outlive it.
#pragma once

#include <memory>

#include "model/store/fast_path_store.h"
#include "model/store/postgres/pg_connection.h"

namespace wikid {

class PostgresFastPathStore : public FastPathStore {
 public:
  // Prepares its statements once.
  static Result<std::unique_ptr<PostgresFastPathStore>> Create(PgConnection& db);

  Result<FastPathRow> Read() override;
  Status Suspend(bool doubt, const std::string& why, uint64_t next) override;
  Result<bool> Announce(uint64_t generation, uint64_t next) override;
  Result<bool> Serve(uint64_t generation) override;

 private:
  explicit PostgresFastPathStore(PgConnection& db) : db_(db) {}
  PgConnection& db_;
};

}  // namespace wikid
