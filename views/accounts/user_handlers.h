// Handlers for profiles: /_user/NAME, the owner's profile form, password
// change and API tokens.
#pragma once

#include <string>
#include <string_view>

#include "views/base/context.h"
#include "views/http/http.h"

namespace wikid {

// GET /_user/NAME?before=REVISION_ID: display name, bio, join date, edit
// count and contributions, newest first.
Response ShowProfile(const Request& req, Context& ctx, std::string_view name);
// GET and POST /_user/NAME/_edit: display name, bio and email; the owner's
// only.
Response ShowProfileForm(const Request& req, Context& ctx,
                         std::string_view name);
Response SaveProfile(const Request& req, Context& ctx, std::string_view name);
Response RefuseProfile(const Request& req, Context& ctx, std::string_view name,
                       int status, const std::string& message);
// GET and POST /_user/NAME/_password: asks for the current password; a
// change ends every other session of the account.
Response ShowPasswordForm(const Request& req, Context& ctx,
                          std::string_view name);
Response ChangePassword(const Request& req, Context& ctx,
                        std::string_view name);

// GET and POST /_user/NAME/_tokens: the owner's API tokens; a POST makes
// one (action=issue, label), shown once in the answer, or revokes one
// (action=revoke, id).
Response ShowTokens(const Request& req, Context& ctx, std::string_view name);
Response ChangeTokens(const Request& req, Context& ctx, std::string_view name);

}  // namespace wikid
