#include "model/store/sqlite/sqlite_user_store.h"

namespace wikid {
namespace {

constexpr char kInsertSql[] = R"sql(
  INSERT INTO account (name, name_key, password_hash, email, role, created_at)
  VALUES (?1, ?2, ?3, ?4, ?5, ?6)
  ON CONFLICT (name_key) DO NOTHING
  RETURNING id)sql";

const std::string kFindSql = std::string("SELECT ") + kUserColumns +
                             " FROM account a WHERE a.name_key = ?1";

// One row more than shown, to know whether a next window exists.
const std::string kListSql = std::string("SELECT ") + kUserColumns +
                             " FROM account a WHERE a.name_key > ?1"
                             " ORDER BY a.name_key LIMIT ?2";

constexpr char kSetPasswordSql[] =
    "UPDATE account SET password_hash = ?2 WHERE id = ?1";
constexpr char kAnyAdminSql[] =
    "SELECT EXISTS (SELECT 1 FROM account WHERE role = 'admin' AND disabled = 0)";
constexpr char kSetRoleSql[] = "UPDATE account SET role = ?2 WHERE id = ?1";
constexpr char kSetDisabledSql[] = "UPDATE account SET disabled = ?2 WHERE id = ?1";
constexpr char kSetProfileSql[] =
    "UPDATE account SET display_name = ?2, bio = ?3, email = ?4 WHERE id = ?1";

}  // namespace

Result<std::unique_ptr<SqliteUserStore>> SqliteUserStore::Create(Database& db,
                                                                 EventSink* events) {
  std::unique_ptr<SqliteUserStore> store(new SqliteUserStore(db, events));
  Status prepared = db.PrepareAll({{&store->insert_, kInsertSql},
                                   {&store->find_, kFindSql.c_str()},
                                   {&store->list_, kListSql.c_str()},
                                   {&store->any_admin_, kAnyAdminSql},
                                   {&store->set_password_, kSetPasswordSql},
                                   {&store->set_role_, kSetRoleSql},
                                   {&store->set_disabled_, kSetDisabledSql},
                                   {&store->set_profile_, kSetProfileSql}});
  if (!prepared.ok()) return prepared;
  return store;
}

Result<User> SqliteUserStore::Create(const UserName& name,
                                     const std::string& password_hash, Role role,
                                     const std::string& email, int64_t created_at) {
  return Insert(name, password_hash, role, email, created_at, /*first_admin=*/false);
}

Result<User> SqliteUserStore::CreateFirstAdmin(const UserName& name,
                                               const std::string& password_hash,
                                               const std::string& email, int64_t created_at) {
  return Insert(name, password_hash, Role::kAdmin, email, created_at, /*first_admin=*/true);
}

Result<User> SqliteUserStore::Insert(const UserName& name, const std::string& password_hash,
                                     Role role, const std::string& email, int64_t created_at,
                                     bool first_admin) {
  // BEGIN IMMEDIATE: no other write, another setup's included, comes
  // between the check and the insert.
  Transaction txn(db_);
  if (Status s = txn.Begin(); !s.ok()) return s;
  if (first_admin) {
    auto any = AnyAdmin();
    if (!any.ok()) return any.status();
    if (*any) return Status::Forbidden("This wiki has an admin already.");
  }
  User user = NewUser(name, password_hash, role, email, created_at);
  {
    Query q(*insert_);
    q->Bind(1, name.name());
    q->Bind(2, name.key());
    q->Bind(3, password_hash);
    q->Bind(4, email);
    q->Bind(5, std::string_view(RoleName(role)));
    q->Bind(6, created_at);
    auto row = q->Step();
    if (!row.ok()) return row.status();
    if (!*row) return Status::Conflict("That user name is already taken.");
    user.id = q->ColumnInt(0);
  }
  if (events_ != nullptr) {
    if (Status s = events_->AccountCreated(user); !s.ok()) return s;
  }
  if (Status s = txn.Commit(); !s.ok()) return s;
  return user;
}

Result<User> SqliteUserStore::Find(const UserName& name) {
  Query q(*find_);
  q->Bind(1, name.key());
  auto row = q->Step();
  if (!row.ok()) return row.status();
  if (!*row) return Status::NotFound("There is no such user.");
  return UserFromRow(*q);
}

Result<bool> SqliteUserStore::AnyAdmin() {
  Query q(*any_admin_);
  auto row = q->Step();
  if (!row.ok()) return row.status();
  return *row && q->ColumnInt(0) != 0;
}

User UserFromRow(const Statement& row) {
  return User{.id = row.ColumnInt(0),
              .name = row.ColumnText(1),
              .password_hash = row.ColumnText(2),
              .email = row.ColumnText(3),
              .role = row.ColumnText(4) == "admin" ? Role::kAdmin : Role::kUser,
              .disabled = row.ColumnInt(5) != 0,
              .created_at = row.ColumnInt(6),
              .display_name = row.ColumnText(7),
              .bio = row.ColumnText(8),
              .email_confirmed = row.ColumnInt(9) != 0,
              .watch_created = row.ColumnInt(10) != 0};
}

Result<UserList> SqliteUserStore::List(const std::string& after, int limit) {
  UserList list;
  Query q(*list_);
  q->Bind(1, after);
  q->Bind(2, static_cast<int64_t>(limit) + 1);
  auto more = ReadWindow(*q, limit, list.users, UserFromRow);
  if (!more.ok()) return more.status();
  list.more = *more;
  return list;
}

Status SqliteUserStore::RunUpdate(Statement& stmt) {
  auto changed = db_.WriteOne(stmt);
  if (!changed.ok()) return changed.status();
  if (*changed == 0) return Status::NotFound("There is no such user.");
  return Status::Ok();
}

Status SqliteUserStore::SetPassword(int64_t user_id, const std::string& password_hash) {
  set_password_->Bind(1, user_id);
  set_password_->Bind(2, password_hash);
  return RunUpdate(*set_password_);
}

Status SqliteUserStore::SetRole(int64_t user_id, Role role) {
  set_role_->Bind(1, user_id);
  set_role_->Bind(2, std::string_view(RoleName(role)));
  return RunUpdate(*set_role_);
}


Status SqliteUserStore::SetDisabled(int64_t user_id, bool disabled) {
  set_disabled_->Bind(1, user_id);
  set_disabled_->Bind(2, static_cast<int64_t>(disabled ? 1 : 0));
  return RunUpdate(*set_disabled_);
}

Status SqliteUserStore::SetProfile(int64_t user_id, const std::string& display_name,
                                   const std::string& bio, const std::string& email) {
  set_profile_->Bind(1, user_id);
  set_profile_->Bind(2, display_name);
  set_profile_->Bind(3, bio);
  set_profile_->Bind(4, email);
  return RunUpdate(*set_profile_);
}

}  // namespace wikid
