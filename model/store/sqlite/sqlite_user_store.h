// SqliteUserStore: UserStore on one SQLite connection, in the account
// table, and the one mapping from an account row to a User that every
// SQLite store joining accounts uses.
#pragma once

#include <memory>

#include "model/store/events.h"
#include "model/store/sqlite/database.h"
#include "model/store/user_store.h"

namespace wikid {

// The columns UserFromRow reads, in its order, for any query on `account`
// aliased as `a`.
inline constexpr char kUserColumns[] =
    "a.id, a.name, a.password_hash, a.email, a.role, a.disabled, "
    "a.created_at, a.display_name, a.bio, "
    "a.email <> '' AND a.confirmed_email = a.email, a.watch_created";

// The account in columns 0-10 of `row` (kUserColumns).
User UserFromRow(const Statement& row);

class SqliteUserStore : public UserStore {
 public:
  // Prepares its statements once. `db` must outlive it; so must `events`,
  // which, if given, hears of every new account inside its transaction.
  static Result<std::unique_ptr<SqliteUserStore>> Create(Database& db,
                                                         EventSink* events = nullptr);

  Result<User> Create(const UserName& name, const std::string& password_hash,
                      Role role, const std::string& email,
                      int64_t created_at) override;
  Result<User> CreateFirstAdmin(const UserName& name, const std::string& password_hash,
                                const std::string& email, int64_t created_at) override;
  Result<User> Find(const UserName& name) override;
  Result<UserList> List(const std::string& after, int limit) override;
  Result<bool> AnyAdmin() override;
  Status SetPassword(int64_t user_id, const std::string& password_hash) override;
  Status SetRole(int64_t user_id, Role role) override;
  Status SetDisabled(int64_t user_id, bool disabled) override;
  Status SetProfile(int64_t user_id, const std::string& display_name,
                    const std::string& bio, const std::string& email) override;

 private:
  SqliteUserStore(Database& db, EventSink* events) : db_(db), events_(events) {}
  Status RunUpdate(Statement& stmt);
  // Create, and when `first_admin` only while no admin exists.
  Result<User> Insert(const UserName& name, const std::string& password_hash, Role role,
                      const std::string& email, int64_t created_at, bool first_admin);

  Database& db_;
  EventSink* events_;  // borrowed; may be null
  std::unique_ptr<Statement> insert_;
  std::unique_ptr<Statement> find_;
  std::unique_ptr<Statement> list_;
  std::unique_ptr<Statement> any_admin_;
  std::unique_ptr<Statement> set_password_;
  std::unique_ptr<Statement> set_role_;
  std::unique_ptr<Statement> set_disabled_;
  std::unique_ptr<Statement> set_profile_;
};

}  // namespace wikid
