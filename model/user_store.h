// UserStore: the storage interface for accounts (SqliteUserStore is the
// one engine today, as for pages).
#pragma once

#include <memory>

#include "model/database.h"
#include "model/user.h"

namespace wikid {

// The account in columns 0-6 of `row`, in the order
// id, name, password_hash, email, role, disabled, created_at.
User UserFromRow(const Statement& row);

class UserStore {
 public:
  virtual ~UserStore() = default;

  // A new account. Conflict if the name is taken in any letter case.
  virtual Result<User> Create(const UserName& name, const std::string& password_hash,
                              Role role, const std::string& email,
                              int64_t created_at) = 0;
  // The account called `name` in any letter case, or NotFound.
  virtual Result<User> Find(const UserName& name) = 0;
  virtual Status SetPassword(int64_t user_id, const std::string& password_hash) = 0;
  virtual Status SetRole(int64_t user_id, Role role) = 0;
};

class SqliteUserStore : public UserStore {
 public:
  // Prepares its statements once. `db` must outlive it.
  static Result<std::unique_ptr<SqliteUserStore>> Create(Database& db);

  Result<User> Create(const UserName& name, const std::string& password_hash,
                      Role role, const std::string& email,
                      int64_t created_at) override;
  Result<User> Find(const UserName& name) override;
  Status SetPassword(int64_t user_id, const std::string& password_hash) override;
  Status SetRole(int64_t user_id, Role role) override;

 private:
  explicit SqliteUserStore(Database& db) : db_(db) {}
  Status RunUpdate(Statement& stmt);

  Database& db_;
  std::unique_ptr<Statement> insert_;
  std::unique_ptr<Statement> find_;
  std::unique_ptr<Statement> set_password_;
  std::unique_ptr<Statement> set_role_;
};

}  // namespace wikid
