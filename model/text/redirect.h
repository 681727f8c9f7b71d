// Redirect pages: a page whose text begins with `#REDIRECT [[Target]]`
// (MediaWiki's syntax, which wiki users know; the word in any letter
// case, an optional ':' after it) leads its readers to Target. A move
// leaves one under the old name (PageStore::Move); anyone may write one.
//
// How far a redirect is followed, the one rule every caller uses
// (FollowRedirect): to its target, and when that is a redirect too, once
// more, to that one's target (so the redirects to a page that was moved
// again still arrive), never to a page already passed, so a loop or a
// self-redirect ends at the last page not yet shown instead of going
// round. The page arrived at is shown as it is, even when it is a
// redirect itself (views/ marks the view "redirected from": it is not
// followed again).
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "model/text/page_name.h"

namespace wikid {

// The canonical title `text` redirects to, when its first line is
// `#REDIRECT [[Target]]` (a "#section" or "|label" in the link is
// ignored); nullopt when it is not a redirect or the target is no valid
// page name.
std::optional<std::string> RedirectTarget(std::string_view text);

// Whether `text` is a redirect and nothing else (white space aside): a
// page that is only a redirect may be replaced by a move of its target
// onto it.
bool IsOnlyRedirect(std::string_view text);

// The text of a page that redirects to `target`.
std::string RedirectText(const PageName& target);

// A page as redirect resolution sees it: its title (the one the store
// resolved a link to, in any letter case) and where it redirects, if it
// does.
struct RedirectHop {
  std::string title;
  std::optional<std::string> target;
};
// The page a link to `title` leads to; nullopt when none exists.
using RedirectLookup = std::function<std::optional<RedirectHop>(const std::string& title)>;

// Where a reader of page `start`, which redirects to `target`, is sent
// (the rule in the comment above): nullopt when nowhere, because the
// target does not exist or is `start` itself (then `start` is shown as
// it is). Pages are compared by PageKey. At most two lookups.
std::optional<std::string> FollowRedirect(const std::string& start, const std::string& target,
                                          const RedirectLookup& lookup);

}  // namespace wikid
