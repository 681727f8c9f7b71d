// PostgresUserStore: UserStore on one PostgreSQL connection, in the account
// table, with the same contracts as SqliteUserStore (the same tests run
// against both). One per worker; `db` must outlive it, and so must
// `events`, which, if given, hears of every new account inside its
// transaction.
#pragma once

#include <memory>

#include "model/store/events.h"
#include "model/store/postgres/pg_connection.h"
#include "model/store/user_store.h"

namespace wikid {

class PostgresUserStore : public UserStore {
 public:
  // Prepares its statements once.
  static Result<std::unique_ptr<PostgresUserStore>> Create(PgConnection& db,
                                                           EventSink* events = nullptr);

  Result<User> Create(const UserName& name, const std::string& password_hash, Role role,
                      const std::string& email, int64_t created_at) override;
  Result<User> CreateFirstAdmin(const UserName& name, const std::string& password_hash,
                                const std::string& email, int64_t created_at) override;
  Result<User> Find(const UserName& name) override;
  Result<UserList> List(const std::string& after, int limit) override;
  Result<bool> AnyAdmin() override;
  Status SetPassword(int64_t user_id, const std::string& password_hash) override;
  Status SetRole(int64_t user_id, Role role) override;
  Status SetDisabled(int64_t user_id, bool disabled) override;
  Status SetProfile(int64_t user_id, const std::string& display_name, const std::string& bio,
                    const std::string& email) override;

 private:
  PostgresUserStore(PgConnection& db, EventSink* events) : db_(db), events_(events) {}
  // Runs an UPDATE of one account: NotFound if it changed no row.
  Status Update(const PgStatement& statement, const PgParams& params);
  // Create, and when `first_admin` only while no admin exists.
  Result<User> Insert(const UserName& name, const std::string& password_hash, Role role,
                      const std::string& email, int64_t created_at, bool first_admin);

  PgConnection& db_;
  EventSink* events_;  // may be null
};

}  // namespace wikid
