#include "model/store/save_checks.h"

namespace wikid {

std::optional<Result<SaveResult>> AnswerBeforeWriting(const Edit& edit, const SaveBase& base,
                                                      const std::optional<std::string>& other_case) {
  // A name that differs from a page's only in case names that page: a
  // second one would be reached only by its exact spelling, and would
  // take the links typed that way from the first.
  if (base.page_id == 0 && other_case) {
    return Status::Invalid("There is a page named \u201c" + *other_case +
                           "\u201d already, and names that differ only in letter case "
                           "name the same page: edit that one instead.");
  }
  if (base.page_id != 0) {
    if (base.is_protected && !edit.may_edit_protected) {
      return Status::Forbidden("This page is protected: only the wiki's admins may change it.");
    }
    if (base.same_text) return SaveResult{.created = false, .rev = base.rev};
  }
  if (base.rev != edit.base_rev) {
    return Status::Conflict(base.rev == 0 ? "This page no longer exists."
                                          : "Someone else saved this page (revision " +
                                                std::to_string(base.rev) +
                                                ") while you were editing.");
  }
  return std::nullopt;
}

std::optional<Result<FileSaveResult>> AnswerBeforeWritingFile(
    const FileEdit& edit, const FileSaveBase& base, const std::optional<std::string>& other_case) {
  // The same bytes again are no new revision, and no conflict either.
  if (base.file_id != 0 && base.sha256 == edit.sha256) {
    return FileSaveResult{.created = false, .rev = base.rev};
  }
  if (base.file_id == 0 && other_case) {
    return Status::Invalid("There is a file named \u201c" + *other_case +
                           "\u201d already, and names that differ only in letter case "
                           "name the same file: upload a new revision of that one.");
  }
  if (base.rev != edit.base_rev) {
    return Status::Conflict(base.rev == 0
                                ? "This file no longer exists."
                                : "There is a revision " + std::to_string(base.rev) +
                                      " of this file that you had not seen: someone uploaded "
                                      "it meanwhile, or the file existed already.");
  }
  return std::nullopt;
}

SavedRevision SavedRevisionOf(const Edit& edit, int64_t rev, int64_t revision_id) {
  return SavedRevision{.title = edit.name.title(),
                       .rev = rev,
                       .revision_id = revision_id,
                       .author = edit.author,
                       .by_account = edit.account_id != 0,
                       .account_id = edit.account_id,
                       .account_created_at = edit.account_created_at,
                       .summary = edit.summary,
                       .created_at = edit.created_at};
}

}  // namespace wikid
