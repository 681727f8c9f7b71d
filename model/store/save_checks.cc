#include "model/store/save_checks.h"

#include "model/text/redirect.h"

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

std::optional<Status> AnswerBeforeMoving(const PageMove& move, const MovePage& from,
                                         const MovePage& to) {
  if (from.page_id == 0) return Status::NotFound("There is no page named \u201c" +
                                                 move.from.title() + "\u201d to move.");
  if (move.from == move.to) {
    return Status::Invalid("The new name is the page's name already: type another.");
  }
  const char* const kProtected = "This page is protected: only the wiki's admins may move it.";
  if (from.is_protected && !move.may_edit_protected) return Status::Forbidden(kProtected);
  if (to.page_id == 0) return std::nullopt;
  const auto redirect = RedirectTarget(to.text);
  if (!IsOnlyRedirect(to.text) || !redirect || PageKey(*redirect) != PageKey(from.title)) {
    return Status::Conflict(
        "There is a page named \u201c" + to.title +
        "\u201d already: a move never writes over a page. Choose another name, or "
        "move or edit that page first.");
  }
  if (to.is_protected && !move.may_edit_protected) {
    return Status::Forbidden("The redirect at \u201c" + to.title +
                             "\u201d is protected: only the wiki's admins may replace it.");
  }
  return std::nullopt;
}

MovePlan PlanMove(const PageMove& move, const MovePage& from, const MovePage& to,
                  std::set<std::string> links) {
  std::string summary = "Moved from " + from.title + " to " + move.to.title();
  std::string redirect_summary = "Moved to " + move.to.title();
  if (!move.reason.empty()) {
    summary += ": " + move.reason;
    redirect_summary += ": " + move.reason;
  }
  const bool swap = to.page_id != 0;
  // A change of letter case leaves no redirect: the old spelling names
  // the page still (PageKey), and a second page of one key is refused.
  const bool case_only = PageKey(move.from.title()) == PageKey(move.to.title());
  std::optional<Edit> redirect;
  if ((move.leave_redirect || swap) && !case_only) {
    redirect = Edit{.name = move.from,
                    .base_rev = swap ? to.rev : 0,
                    .text = RedirectText(move.to),
                    .summary = std::move(redirect_summary),
                    .author = move.author,
                    .account_id = move.account_id,
                    .may_edit_protected = move.may_edit_protected,
                    .created_at = move.created_at,
                    .links = {move.to.title()},
                    .by_move = true};
  }
  return MovePlan{.swap = swap,
                  .moved = Edit{.name = move.to,
                                .base_rev = from.rev,
                                .text = from.text,
                                .summary = std::move(summary),
                                .author = move.author,
                                .account_id = move.account_id,
                                .may_edit_protected = move.may_edit_protected,
                                .created_at = move.created_at,
                                .links = std::move(links),
                                .by_move = true},
                  .redirect = std::move(redirect)};
}

Result<PlannedMove> ReadAndPlanMove(
    const PageMove& move, const std::function<Result<MovePage>(const std::string&)>& read,
    const std::function<Result<std::optional<std::string>>(const std::string&)>& by_key,
    const std::function<Result<std::set<std::string>>(int64_t revision_id)>& links_of) {
  auto from = read(move.from.title());
  if (!from.ok()) return from.status();
  auto to = read(move.to.title());
  if (!to.ok()) return to.status();
  if (to->page_id == 0) {
    auto other = by_key(PageKey(move.to.title()));
    if (!other.ok()) return other.status();
    if (*other) {
      to = read(**other);
      if (!to.ok()) return to.status();
    }
  }
  if (to->page_id == from->page_id) *to = MovePage{};  // a change of letter case
  if (auto refused = AnswerBeforeMoving(move, *from, *to)) return *refused;
  auto links = links_of(from->revision_id);
  if (!links.ok()) return links.status();
  MovePlan plan = PlanMove(move, *from, *to, std::move(*links));
  return PlannedMove{.from = std::move(*from), .to = std::move(*to), .plan = std::move(plan)};
}

Result<MoveResult> WriteMoveRevisions(const MovePlan& plan,
                                      const std::function<Result<SaveResult>(const Edit&)>& save) {
  auto moved = save(plan.moved);
  if (!moved.ok()) return moved.status();
  MoveResult result{.rev = moved->rev, .replaced_redirect = plan.swap};
  if (plan.redirect) {
    auto left = save(*plan.redirect);
    if (!left.ok()) return left.status();
    result.redirect_left = true;
  }
  return result;
}

std::optional<Result<FileSaveResult>> AnswerBeforeWritingFile(
    const FileEdit& edit, const FileSaveBase& base, const std::optional<std::string>& other_case) {
  if (base.deleted) {
    return Status::Forbidden(
        "This file was deleted: an admin may undelete it from its page, and then upload "
        "to it.");
  }
  // The same bytes again are no new revision, and no conflict either.
  if (base.file_id != 0 && base.sha256 == edit.sha256) {
    return FileSaveResult{.created = false, .rev = base.rev};
  }
  if (base.file_id == 0 && other_case) {
    return Status::Invalid("There is a file named \u201c" + *other_case +
                           "\u201d already, and names that differ only in letter case "
                           "name the same file: upload a new revision of that one.");
  }
  if (base.is_protected && !edit.may_edit_protected) {
    return Status::Forbidden(
        "This file is protected: only the wiki's admins may upload new revisions of it.");
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
                       .created_at = edit.created_at,
                       .by_move = edit.by_move};
}

}  // namespace wikid
