// PostgresPageStore::Move (issue 20): as SqlitePageStore::Move
// (sqlite_page_move.cc), in PostgreSQL's dialect, under Save's locks.
#include "model/store/postgres/postgres_page_store.h"

namespace wikid {
namespace {

// The page a move reads, its row locked until the move ends.
constexpr PgStatement kMovePage{"pages_move_page", R"sql(
  SELECT p.id, p.name, p.latest_rev, r.id, p.protected, r.text
    FROM page p JOIN revision r ON r.page_id = p.id AND r.rev = p.latest_rev
   WHERE p.name = $1
     FOR UPDATE OF p)sql"};

constexpr PgStatement kRevisionLinks{
    "pages_revision_links", "SELECT target FROM revision_link WHERE revision_id = $1"};

constexpr PgStatement kRenamePage{"pages_rename",
                                  "UPDATE page SET name = $2, name_key = $3 WHERE id = $1"};

// As SQLite's: the links to a name whose page moved away, wanted again.
constexpr PgStatement kWantAgain{"pages_want_again", R"sql(
  INSERT INTO wanted (target_key, target, links)
  SELECT $1, min(target), count(*) FROM page_link
   WHERE target_key = $1 AND left(target, 5) <> 'File:'
  HAVING count(*) > 0)sql"};

constexpr PgStatement kUnwantKey{"pages_move_unwant",
                                 "DELETE FROM wanted WHERE target_key = $1"};

// A name no page can have, held by one of two pages swapping names.
constexpr char kSwapName[] = "\x01swap";

}  // namespace

Status PostgresPageStore::PrepareMove() {
  return db_.PrepareAll({kMovePage, kRevisionLinks, kRenamePage, kWantAgain, kUnwantKey});
}

Result<MovePage> PostgresPageStore::ReadMovePage(const std::string& title) {
  auto r = db_.Run(kMovePage.name, PgParams().Add(title));
  if (!r.ok()) return r.status();
  if (r->rows() == 0) return MovePage{};
  return MovePage{.page_id = r->Int(0, 0),
                  .title = r->Text(0, 1),
                  .rev = r->Int(0, 2),
                  .revision_id = r->Int(0, 3),
                  .is_protected = r->Bool(0, 4),
                  .text = r->Text(0, 5)};
}

Result<std::set<std::string>> PostgresPageStore::RevisionLinks(int64_t revision_id) {
  auto r = db_.Run(kRevisionLinks.name, PgParams().Add(revision_id));
  if (!r.ok()) return r.status();
  std::set<std::string> links;
  for (int i = 0; i < r->rows(); ++i) links.insert(r->Text(i, 0));
  return links;
}

Status PostgresPageStore::RenamePage(int64_t page_id, const std::string& title) {
  auto done = db_.Run(kRenamePage.name, PgParams().Add(page_id).Add(title).Add(PageKey(title)));
  return done.ok() ? Status::Ok() : done.status();
}

// The locks of a save of the old name that links to the new one: both
// keys and the links the moved page has, so a save creating either name
// or changing the page waits for the move, and the move for it. The
// search entry is an upsert keyed by the page's id, which each save of
// the move rewrites under the new names.
Result<MoveResult> PostgresPageStore::Move(const PageMove& move) {
  PgTransaction txn(db_);
  if (Status s = txn.Begin(); !s.ok()) return s;
  if (Status s = LockKeys(Edit{.name = move.from, .links = {move.to.title()}}); !s.ok()) return s;
  auto planned = ReadAndPlanMove(
      move, [this](const std::string& title) { return ReadMovePage(title); },
      [this](const std::string& key) { return PageByKey(key); },
      [this](int64_t revision_id) { return RevisionLinks(revision_id); });
  if (!planned.ok()) return planned.status();
  const auto& [from, to, plan] = *planned;

  if (plan.swap) {
    if (Status s = RenamePage(to.page_id, kSwapName); !s.ok()) return s;
    if (Status s = RenamePage(from.page_id, move.to.title()); !s.ok()) return s;
    if (Status s = RenamePage(to.page_id, move.from.title()); !s.ok()) return s;
  } else {
    if (Status s = RenamePage(from.page_id, move.to.title()); !s.ok()) return s;
    const std::string from_key = PageKey(move.from.title());
    const std::string to_key = PageKey(move.to.title());
    if (from_key != to_key) {
      // The new name is a page now, the old one none until its redirect.
      for (auto [statement, key] : {std::pair{kUnwantKey.name, &to_key},
                                    std::pair{kWantAgain.name, &from_key}}) {
        auto done = db_.Run(statement, PgParams().Add(*key));
        if (!done.ok()) return done.status();
      }
    }
  }
  auto result = WriteMoveRevisions(plan, [this](const Edit& edit) {
    return SaveInTransaction(edit, /*even_if_same=*/true);
  });
  if (!result.ok()) return result;
  if (Status s = txn.Commit(); !s.ok()) return s;
  return result;
}

}  // namespace wikid
