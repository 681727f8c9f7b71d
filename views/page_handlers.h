// Handlers for pages: view, edit, save, history and the page list.
// Each reads top to bottom: guards, model call, fill, render.
#pragma once

#include <string>
#include <string_view>

#include "views/context.h"
#include "views/http.h"

namespace wikid {

// GET /: the front page (SiteConfig::front_page).
Response ShowFrontPage(const Request& req, Context& ctx, std::string_view);
// GET /NAME and /NAME?rev=N.
Response ShowPage(const Request& req, Context& ctx, std::string_view name);
// GET /_edit/NAME.
Response ShowEditForm(const Request& req, Context& ctx, std::string_view name);
// POST /_edit/NAME.
Response SaveEdit(const Request& req, Context& ctx, std::string_view name);
// POST /_edit/NAME refused by the router (not logged in under the users
// edit policy, or no valid CSRF token): the form again, with the text as
// sent and `message`, answered with `status`.
Response RefuseEdit(const Request& req, Context& ctx, std::string_view name,
                    int status, const std::string& message);
// GET /_restore/NAME?rev=N: asks to confirm restoring revision N.
Response ShowRestore(const Request& req, Context& ctx, std::string_view name);
// POST /_restore/NAME: saves a new revision with revision N's text and the
// summary "Restored revision N"; the history is never rewritten.
Response Restore(const Request& req, Context& ctx, std::string_view name);
// GET /_history/NAME?from=N.
Response ShowHistory(const Request& req, Context& ctx, std::string_view name);
// GET /_recent?before=REVISION_ID.
Response ListRecent(const Request& req, Context& ctx, std::string_view);
// GET /_pages?after=TITLE.
Response ListAllPages(const Request& req, Context& ctx, std::string_view);
// GET /_anything-else: reserved names that are not routes.
Response NoSuchRoute(const Request& req, Context& ctx, std::string_view);

}  // namespace wikid
