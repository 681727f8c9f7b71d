// SqlitePageStore::Move (issue 20): a page renamed with its history, and
// the redirect it leaves, in one transaction.
#include <sqlite3.h>

#include "model/store/save_checks.h"
#include "model/store/sqlite/sqlite_page_store.h"

namespace wikid {
namespace {

// The page a move reads, by its exact name: its latest revision's row
// and text (the move's revision repeats them).
constexpr char kMovePageSql[] = R"sql(
  SELECT p.id, p.name, p.latest_rev, r.id, p.protected, r.text
    FROM page p JOIN revision r ON r.page_id = p.id AND r.rev = p.latest_rev
   WHERE p.name = ?1)sql";

// Every link of a revision, as typed: the move's revision keeps them.
constexpr char kRevisionLinksSql[] = "SELECT target FROM revision_link WHERE revision_id = ?1";

constexpr char kRenamePageSql[] = "UPDATE page SET name = ?2, name_key = ?3 WHERE id = ?1";

// The names' own index (a table with its own content, unlike page_search,
// so it can be changed after the rename). During a rebuild a page not yet
// reached has no row, and its batch reads the new name.
constexpr char kRetitleSearchSql[] = "UPDATE page_title_search SET title = ?2 WHERE rowid = ?1";

// The links to a name whose page has gone (moved away, leaving no
// redirect) are wanted again, as many as pages link to its key
// (page_link holds one link per key of each page); embeds never are.
constexpr char kWantAgainSql[] = R"sql(
  INSERT INTO wanted (target_key, target, links)
  SELECT ?1, min(target), count(*) FROM page_link
   WHERE target_key = ?1 AND substr(target, 1, 5) != 'File:'
  HAVING count(*) > 0)sql";

// A name no page can have (a control character), held by one of two
// pages swapping names for the moment between the two renames.
constexpr char kSwapName[] = "\x01swap";

}  // namespace

Status SqlitePageStore::PrepareMove() {
  return db_.PrepareAll({
      {&move_page_, kMovePageSql},
      {&revision_links_, kRevisionLinksSql},
      {&rename_page_, kRenamePageSql},
      {&retitle_search_, kRetitleSearchSql},
      {&want_again_, kWantAgainSql},
  });
}

Result<MovePage> SqlitePageStore::ReadMovePage(const std::string& title) {
  Query q(*move_page_);
  q->Bind(1, title);
  auto row = q->Step();
  if (!row.ok()) return row.status();
  if (!*row) return MovePage{};
  return MovePage{.page_id = q->ColumnInt(0),
                  .title = q->ColumnText(1),
                  .rev = q->ColumnInt(2),
                  .revision_id = q->ColumnInt(3),
                  .is_protected = q->ColumnInt(4) != 0,
                  .text = q->ColumnText(5)};
}

Result<std::set<std::string>> SqlitePageStore::RevisionLinks(int64_t revision_id) {
  std::set<std::string> links;
  Query q(*revision_links_);
  q->Bind(1, revision_id);
  while (true) {
    auto row = q->Step();
    if (!row.ok()) return row.status();
    if (!*row) break;
    links.insert(q->ColumnText(0));
  }
  return links;
}

Status SqlitePageStore::RenamePage(int64_t page_id, const std::string& title) {
  for (Statement* stmt : {rename_page_.get(), retitle_search_.get()}) {
    Query q(*stmt);
    q->Bind(1, page_id);
    q->Bind(2, title);
    if (stmt == rename_page_.get()) q->Bind(3, PageKey(title));
    if (auto done = q->Step(); !done.ok()) return done.status();
  }
  return Status::Ok();
}

// The rename comes first, then the revisions, each as a save inside this
// transaction (so links, wanted counts, the search entry, the edit
// counters and the event sink are kept by the code that keeps them for
// every save). The search index's entry is replaced under the new name
// before the rename: its delete reads the name page_search_source shows.
Result<MoveResult> SqlitePageStore::Move(const PageMove& move) {
  Transaction txn(db_);
  if (Status s = txn.Begin(); !s.ok()) return s;
  auto planned = ReadAndPlanMove(
      move, [this](const std::string& title) { return ReadMovePage(title); },
      [this](const std::string& key) { return PageByKey(key); },
      [this](int64_t revision_id) { return RevisionLinks(revision_id); });
  if (!planned.ok()) return planned.status();
  const auto& [from, to, plan] = *planned;

  if (Status s = IndexText(from.page_id, plan.moved, /*created=*/false); !s.ok()) return s;
  if (plan.swap) {
    Edit renamed = *plan.redirect;
    renamed.text = to.text;  // the entry as it stands, under the old name
    if (Status s = IndexText(to.page_id, renamed, /*created=*/false); !s.ok()) return s;
    if (Status s = RenamePage(to.page_id, kSwapName); !s.ok()) return s;
    if (Status s = RenamePage(from.page_id, move.to.title()); !s.ok()) return s;
    if (Status s = RenamePage(to.page_id, move.from.title()); !s.ok()) return s;
  } else {
    if (Status s = RenamePage(from.page_id, move.to.title()); !s.ok()) return s;
    const std::string from_key = PageKey(move.from.title());
    const std::string to_key = PageKey(move.to.title());
    if (from_key != to_key) {
      // The new name is a page now, the old one none until its redirect.
      for (auto [stmt, key] : {std::pair{unwant_.get(), &to_key},
                               std::pair{want_again_.get(), &from_key}}) {
        Query q(*stmt);
        q->Bind(1, *key);
        if (auto done = q->Step(); !done.ok()) return done.status();
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
