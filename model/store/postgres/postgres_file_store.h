// PostgresFileStore: FileStore on one PostgreSQL connection (schema 2:
// file, file_revision, file_blob), with the same contracts as
// SqliteFileStore (the same tests run against both). The bytes are bytea
// (postgres_schema.cc says why not large objects), sent and read in
// libpq's binary format, so an upload is never hex text in memory.
//
// Prepares its statements once, at construction. One per worker; not
// thread-safe. `db` must outlive it.
#pragma once

#include <memory>

#include "model/store/file_store.h"
#include "model/store/postgres/pg_connection.h"

namespace wikid {

class PostgresFileStore : public FileStore {
 public:
  static Result<std::unique_ptr<PostgresFileStore>> Create(PgConnection& db);

  Result<FileRevision> Find(const FileName& name, std::optional<int64_t> rev) override;
  Result<FileRevision> FindBytes(const FileName& name, const std::string& sha256) override;
  Result<FileHistory> ListHistory(const FileName& name, std::optional<int64_t> from_rev,
                                  int limit) override;
  Result<FileList> ListFiles(const std::string& after, int limit) override;
  Result<FileList> FindByNamePrefix(const std::string& prefix, int limit) override;
  Result<FileList> FindByNameWords(const std::vector<std::string>& words, int limit) override;
  Result<FileDeletion> FindDeletion(const FileName& name) override;
  Result<std::string> ReadBytes(const std::string& sha256) override;
  Result<FileSaveResult> Save(const FileEdit& edit) override;
  Status SetProtected(const FileName& name, bool is_protected) override;
  Status Delete(const FileLogRequest& request) override;
  Status Undelete(const FileLogRequest& request) override;

 private:
  explicit PostgresFileStore(PgConnection& db) : db_(db) {}

  // The id of the bytes `edit` names, stored in this transaction when
  // they are new.
  Result<int64_t> StoreBytes(const FileEdit& edit);
  // Delete (`deleted`) or Undelete, logged, in one transaction.
  Status SetDeleted(const FileLogRequest& request, bool deleted);

  PgConnection& db_;
};

}  // namespace wikid
