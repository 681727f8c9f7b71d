#include "model/store/postgres/postgres_account_row.h"

namespace wikid {

User UserFromPgRow(const PgResult& result, int row) {
  return User{.id = result.Int(row, 0),
              .name = result.Text(row, 1),
              .password_hash = result.Text(row, 2),
              .email = result.Text(row, 3),
              .role = result.Text(row, 4) == "admin" ? Role::kAdmin : Role::kUser,
              .disabled = result.Bool(row, 5),
              .created_at = result.Int(row, 6),
              .display_name = result.Text(row, 7),
              .bio = result.Text(row, 8),
              .email_confirmed = result.Bool(row, 9),
              .watch_created = result.Bool(row, 10)};
}

}  // namespace wikid
