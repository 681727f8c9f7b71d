// SqliteFileStore: FileStore on one SQLite connection (schema 21: file,
// file_revision, file_blob; 28: file_log, file_name_search).
//
// Prepares its statements once, at construction. One per worker; not
// thread-safe. `db` must outlive it.
#pragma once

#include <memory>

#include "model/store/file_store.h"
#include "model/store/sqlite/database.h"

namespace wikid {

class SqliteFileStore : public FileStore {
 public:
  static Result<std::unique_ptr<SqliteFileStore>> Create(Database& db);

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
  explicit SqliteFileStore(Database& db) : db_(db) {}

  // The id of the bytes `edit` names, stored in this transaction when
  // they are new.
  Result<int64_t> StoreBytes(const FileEdit& edit);
  // Delete (`deleted`) or Undelete, logged, in one transaction.
  Status SetDeleted(const FileLogRequest& request, bool deleted);

  Database& db_;
  std::unique_ptr<Statement> find_;
  std::unique_ptr<Statement> find_bytes_;
  std::unique_ptr<Statement> history_;
  std::unique_ptr<Statement> list_;
  std::unique_ptr<Statement> by_prefix_;
  std::unique_ptr<Statement> by_words_;
  std::unique_ptr<Statement> read_bytes_;
  std::unique_ptr<Statement> latest_for_save_;
  std::unique_ptr<Statement> file_by_key_;
  std::unique_ptr<Statement> blob_id_;
  std::unique_ptr<Statement> insert_blob_;
  std::unique_ptr<Statement> insert_file_;
  std::unique_ptr<Statement> insert_revision_;
  std::unique_ptr<Statement> update_latest_;
  std::unique_ptr<Statement> index_name_;
  std::unique_ptr<Statement> protect_;
  std::unique_ptr<Statement> set_deleted_;
  std::unique_ptr<Statement> insert_log_;
  std::unique_ptr<Statement> deletion_;
};

}  // namespace wikid
