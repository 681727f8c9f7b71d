// What every engine's page store does alike in a save: what it answers
// before it writes anything, and what it tells the event sink after, so
// the rules of a save (and their messages) are written once; and what
// every engine's file store answers before an upload writes anything.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <set>
#include <string>

#include "model/base/status.h"
#include "model/store/events.h"
#include "model/store/file_store.h"
#include "model/store/page_store.h"

namespace wikid {

// The page as a save finds it, read inside the save's transaction.
struct SaveBase {
  int64_t page_id = 0;  // 0: no such page yet
  int64_t rev = 0;      // its latest revision; 0 for none
  int64_t size = 0;     // that revision's size in bytes
  bool is_protected = false;
  bool same_text = false;  // the latest revision's text is the edit's
};

// The answer to `edit` when the save ends before writing, in this order:
// Invalid for a new page whose name differs only in letter case from the
// page `other_case` names (found by the name's key; nullopt when none);
// Forbidden for a protected page and an editor who is not an admin;
// SaveResult{.created = false} when the latest text is the edit's
// already (never a conflict: what the editor wanted is there); Conflict
// when the latest revision is not edit.base_rev. nullopt: the save goes
// on and writes revision base.rev + 1.
std::optional<Result<SaveResult>> AnswerBeforeWriting(const Edit& edit, const SaveBase& base,
                                                      const std::optional<std::string>& other_case);

// What the event sink hears of `edit`, saved as revision `rev` (row
// `revision_id`).
SavedRevision SavedRevisionOf(const Edit& edit, int64_t rev, int64_t revision_id);

// A page as a move finds it (PageStore::Move), read inside the move's
// transaction.
struct MovePage {
  int64_t page_id = 0;  // 0: no such page
  std::string title;
  int64_t rev = 0;           // its latest revision
  int64_t revision_id = 0;   // that revision's row
  bool is_protected = false;
  std::string text;          // that revision's text
};

// The answer to `move` when it ends before writing, in PageStore::Move's
// order, given the page it moves (`from`) and the other page already
// named `to` in any letter case (`to`; page_id 0 when none, or when it is
// `from` itself: a change of letter case). nullopt: the move goes on.
std::optional<Status> AnswerBeforeMoving(const PageMove& move, const MovePage& from,
                                         const MovePage& to);

// What a move writes once AnswerBeforeMoving let it through: the moved
// page's revision under its new name (the same text and links, with the
// move's summary), and the redirect left under the old name, if any.
struct MovePlan {
  bool swap = false;  // `to` is a redirect to `from`: the names are swapped
  Edit moved;
  std::optional<Edit> redirect;
};
MovePlan PlanMove(const PageMove& move, const MovePage& from, const MovePage& to,
                  std::set<std::string> links);

// A move read and planned: the two pages it finds, through an engine's
// reads in its transaction (`read`: a page by its exact name; `by_key`:
// the title of a page with a key; `links_of`: every link of a revision),
// `to` by its exact name or else by its key, left empty when it is `from`
// itself (a change of letter case); then AnswerBeforeMoving (its refusal
// is this one's) and PlanMove.
struct PlannedMove {
  MovePage from;
  MovePage to;
  MovePlan plan;
};
Result<PlannedMove> ReadAndPlanMove(
    const PageMove& move, const std::function<Result<MovePage>(const std::string&)>& read,
    const std::function<Result<std::optional<std::string>>(const std::string&)>& by_key,
    const std::function<Result<std::set<std::string>>(int64_t revision_id)>& links_of);

// The plan's revisions, each written by `save` (the engine's save inside
// the move's transaction, making a revision even of an unchanged text),
// after the engine renamed the pages.
Result<MoveResult> WriteMoveRevisions(const MovePlan& plan,
                                      const std::function<Result<SaveResult>(const Edit&)>& save);

// The file as an upload finds it, read inside the upload's transaction.
struct FileSaveBase {
  int64_t file_id = 0;  // 0: no such file yet
  int64_t rev = 0;      // its latest revision; 0 for none
  std::string sha256;   // that revision's bytes' hash
  bool is_protected = false;
  bool deleted = false;
};

// The answer to `edit` when the upload ends before writing, in this
// order: Forbidden when the file is deleted; FileSaveResult{.created =
// false} when the latest revision has
// the edit's bytes already (never a conflict); Invalid for a new file
// whose name differs only in letter case from the file `other_case`
// names (nullopt when none); Forbidden when it is protected and the
// uploader is no admin; Conflict when the latest revision is not
// edit.base_rev. nullopt: the upload goes on and writes revision
// base.rev + 1.
std::optional<Result<FileSaveResult>> AnswerBeforeWritingFile(
    const FileEdit& edit, const FileSaveBase& base, const std::optional<std::string>& other_case);

}  // namespace wikid
