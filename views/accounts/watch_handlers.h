// Watchlists (issue 20): watching a page, the list of changes to watched
// pages, and the two links of the watchers' mail that work without a
// login (model/mail/watch_mail.h): ending a watch, and confirming an
// address. Each reads top to bottom: guards, model call, fill, render.
#pragma once

#include <string_view>

#include "views/base/context.h"
#include "views/http/http.h"
#include "views/base/templates.h"

namespace wikid {

// The Watch / Unwatch button on a page view or history, for a logged-in
// viewer (one indexed read: WatchStore::Find). With `viewed` (the page's
// latest revision was shown), a pending notification about the page ends:
// mail about it may come again. That write happens only for a watcher
// who was mailed since their last view, so a page view costs no write
// otherwise, and an anonymous one nothing at all. A failure is logged and
// leaves the button out: the page is still shown.
void FillWatchButton(Context& ctx, const PageName& name, bool viewed, std::string_view back,
                     ctemplate::TemplateDictionary* d);

// On the owner's profile: whether their address is confirmed, and a
// button that sends the link again when it is not.
void FillEmailState(const User& user, Context& ctx, ctemplate::TemplateDictionary* d);

// POST /_watch/NAME: watch=1 starts watching, watch=0 ends it; back to
// the page (or its history, with back=history).
Response ChangeWatch(const Request& req, Context& ctx, std::string_view name);
// GET /_watchlist?before=REVISION_ID: changes to the viewer's watched pages.
Response ShowWatchlist(const Request& req, Context& ctx, std::string_view);
// GET /_unwatch?user=ID&page=ID&token=T: the mail's link, asking to
// confirm (a link opened by a mail scanner must not end the watch);
// POST /_unwatch ends it. No login needed; a token changed in any byte
// is refused with 403.
Response ShowUnwatch(const Request& req, Context& ctx, std::string_view);
Response Unwatch(const Request& req, Context& ctx, std::string_view);
// GET /_confirm-email?name=NAME&expires=T&token=T: the confirmation link.
// 403 for a forged one (or one for an address the account no longer
// has), 410 for an expired one.
Response ConfirmEmail(const Request& req, Context& ctx, std::string_view);
// POST /_user/NAME/_confirm-email: the owner asks for the link again.
Response ResendConfirmation(const Request& req, Context& ctx, std::string_view name);

}  // namespace wikid
