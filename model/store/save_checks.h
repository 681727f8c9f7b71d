// What every engine's page store does alike in a save: what it answers
// before it writes anything, and what it tells the event sink after, so
// the rules of a save (and their messages) are written once; and what
// every engine's file store answers before an upload writes anything.
#pragma once

#include <cstdint>
#include <optional>
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

// The file as an upload finds it, read inside the upload's transaction.
struct FileSaveBase {
  int64_t file_id = 0;  // 0: no such file yet
  int64_t rev = 0;      // its latest revision; 0 for none
  std::string sha256;   // that revision's bytes' hash
};

// The answer to `edit` when the upload ends before writing, in this
// order: FileSaveResult{.created = false} when the latest revision has
// the edit's bytes already (never a conflict); Invalid for a new file
// whose name differs only in letter case from the file `other_case`
// names (nullopt when none); Conflict when the latest revision is not
// edit.base_rev. nullopt: the upload goes on and writes revision
// base.rev + 1.
std::optional<Result<FileSaveResult>> AnswerBeforeWritingFile(
    const FileEdit& edit, const FileSaveBase& base, const std::optional<std::string>& other_case);

}  // namespace wikid
