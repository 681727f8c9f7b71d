// Handlers that change pages: the edit form, saving (with preview, show
// changes and three-way merges of stale saves) and restoring an old
// revision. Every refusal shows the form again with the text as sent.
#pragma once

#include <string>
#include <string_view>

#include "views/base/context.h"
#include "views/http/http.h"

namespace wikid {

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

}  // namespace wikid
