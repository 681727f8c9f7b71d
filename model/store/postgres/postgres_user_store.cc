#include "model/store/postgres/postgres_user_store.h"

#include <string>

#include "model/store/postgres/postgres_account_row.h"

namespace wikid {
namespace {

// No row when the name is taken in any letter case (name_key is unique).
constexpr PgStatement kInsert{"users_insert", R"sql(
  INSERT INTO account (name, name_key, password_hash, email, role, created_at)
  VALUES ($1, $2, $3, $4, $5, $6)
  ON CONFLICT (name_key) DO NOTHING
  RETURNING id)sql"};
const std::string kFindSql =
    std::string("SELECT ") + kPgUserColumns + " FROM account a WHERE a.name_key = $1";
const PgStatement kFind{"users_find", kFindSql.c_str()};
// One row more than shown, to know whether a next window exists.
const std::string kListSql = std::string("SELECT ") + kPgUserColumns +
                             " FROM account a WHERE a.name_key > $1 ORDER BY a.name_key LIMIT $2";
const PgStatement kList{"users_list", kListSql.c_str()};
constexpr PgStatement kSetPassword{"users_set_password",
                                   "UPDATE account SET password_hash = $2 WHERE id = $1"};
constexpr PgStatement kAnyAdmin{
    "users_any_admin",
    "SELECT EXISTS (SELECT 1 FROM account WHERE role = 'admin' AND NOT disabled)"};
// The first-run setup's lock (CreateFirstAdmin): a constant key of its own.
constexpr PgStatement kSetupLock{"users_setup_lock",
                                 "SELECT pg_advisory_xact_lock(7718001020)"};
constexpr PgStatement kSetRole{"users_set_role", "UPDATE account SET role = $2 WHERE id = $1"};
constexpr PgStatement kSetDisabled{"users_set_disabled",
                                   "UPDATE account SET disabled = $2 WHERE id = $1"};
constexpr PgStatement kSetProfile{
    "users_set_profile", "UPDATE account SET display_name = $2, bio = $3, email = $4 WHERE id = $1"};

}  // namespace

Result<std::unique_ptr<PostgresUserStore>> PostgresUserStore::Create(PgConnection& db,
                                                                     EventSink* events) {
  std::unique_ptr<PostgresUserStore> store(new PostgresUserStore(db, events));
  Status prepared = db.PrepareAll(
      {kInsert, kFind, kList, kAnyAdmin, kSetupLock, kSetPassword, kSetRole, kSetDisabled, kSetProfile});
  if (!prepared.ok()) return prepared;
  return store;
}

Result<User> PostgresUserStore::Create(const UserName& name, const std::string& password_hash,
                                       Role role, const std::string& email,
                                       int64_t created_at) {
  return Insert(name, password_hash, role, email, created_at, /*first_admin=*/false);
}

Result<User> PostgresUserStore::CreateFirstAdmin(const UserName& name,
                                                 const std::string& password_hash,
                                                 const std::string& email,
                                                 int64_t created_at) {
  return Insert(name, password_hash, Role::kAdmin, email, created_at, /*first_admin=*/true);
}

Result<User> PostgresUserStore::Insert(const UserName& name, const std::string& password_hash,
                                       Role role, const std::string& email,
                                       int64_t created_at, bool first_admin) {
  PgTransaction txn(db_);
  if (Status s = txn.Begin(); !s.ok()) return s;
  if (first_admin) {
    // One setup at a time (a lock held to the end of the transaction):
    // the second sees the first's admin once it committed.
    if (auto locked = db_.Run(kSetupLock.name, PgParams()); !locked.ok()) {
      return locked.status();
    }
    auto any = AnyAdmin();
    if (!any.ok()) return any.status();
    if (*any) return Status::Forbidden("This wiki has an admin already.");
  }
  User user = NewUser(name, password_hash, role, email, created_at);
  auto r = db_.Run(kInsert.name, PgParams()
                                     .Add(name.name())
                                     .Add(name.key())
                                     .Add(password_hash)
                                     .Add(email)
                                     .Add(RoleName(role))
                                     .Add(created_at));
  if (!r.ok()) return r.status();
  if (r->rows() == 0) return Status::Conflict("That user name is already taken.");
  user.id = r->Int(0, 0);
  if (events_ != nullptr) {
    if (Status s = events_->AccountCreated(user); !s.ok()) return s;
  }
  if (Status s = txn.Commit(); !s.ok()) return s;
  return user;
}

Result<User> PostgresUserStore::Find(const UserName& name) {
  auto r = db_.Run(kFind.name, PgParams().Add(name.key()));
  if (!r.ok()) return r.status();
  if (r->rows() == 0) return Status::NotFound("There is no such user.");
  return UserFromPgRow(*r, 0);
}

Result<UserList> PostgresUserStore::List(const std::string& after, int limit) {
  auto r = db_.Run(kList.name, PgParams().Add(after).Add(int64_t{limit} + 1));
  if (!r.ok()) return r.status();
  UserList list;
  for (int row = 0; row < r->rows(); ++row) {
    if (row == limit) {
      list.more = true;
      break;
    }
    list.users.push_back(UserFromPgRow(*r, row));
  }
  return list;
}

Result<bool> PostgresUserStore::AnyAdmin() {
  auto r = db_.Run(kAnyAdmin.name, PgParams());
  if (!r.ok()) return r.status();
  return r->rows() > 0 && r->Bool(0, 0);
}

Status PostgresUserStore::Update(const PgStatement& statement, const PgParams& params) {
  auto r = db_.Run(statement.name, params);
  if (!r.ok()) return r.status();
  return r->changed() == 0 ? Status::NotFound("There is no such user.") : Status::Ok();
}

Status PostgresUserStore::SetPassword(int64_t user_id, const std::string& password_hash) {
  return Update(kSetPassword, PgParams().Add(user_id).Add(password_hash));
}

Status PostgresUserStore::SetRole(int64_t user_id, Role role) {
  return Update(kSetRole, PgParams().Add(user_id).Add(RoleName(role)));
}

Status PostgresUserStore::SetDisabled(int64_t user_id, bool disabled) {
  return Update(kSetDisabled, PgParams().Add(user_id).AddBool(disabled));
}

Status PostgresUserStore::SetProfile(int64_t user_id, const std::string& display_name,
                                     const std::string& bio, const std::string& email) {
  return Update(kSetProfile, PgParams().Add(user_id).Add(display_name).Add(bio).Add(email));
}

}  // namespace wikid
