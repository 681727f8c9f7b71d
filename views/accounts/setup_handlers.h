// The first-run setup: making a new wiki's first admin account from the
// browser, with the one-time link the master wrote to DATA/setup-link at
// start (fcgi/main.cc) because the wiki had no admin.
//
// Why this is safe on a wiki that is public from its first minute: the
// link carries a random 256-bit token that only the operator can read (a
// file of wikid's user, mode 0600; scripts/run prints it on its own
// terminal; it is never logged), so a visitor who finds the wiki first
// cannot take it over, as "the first account becomes admin" would let
// them. The page answers only while no admin exists (an account made
// with `wikid user create --admin` closes it too) and while the link's
// file stands: the setup that makes the admin removes it, so the token is
// spent even if every admin is demoted later. A restart makes a new
// token, so an old link is worth nothing.
#pragma once

#include <string>
#include <string_view>

#include "views/base/context.h"
#include "views/http/http.h"

namespace wikid {

// GET /_setup?token=T: the form to make the first admin, if T is this
// start's token and the wiki has no admin yet; else 404 (an admin exists)
// or 403 (no such token), saying where the valid link is.
Response ShowSetupForm(const Request& req, Context& ctx, std::string_view);
// POST /_setup: token, name, email (optional), password, password2. Makes
// the admin and logs the browser in as it (to /_admin/users); a refusal
// keeps the name and email.
Response SetUp(const Request& req, Context& ctx, std::string_view);
Response RefuseSetup(const Request& req, Context& ctx, std::string_view, int status,
                     const std::string& message);

// Whether the wiki still waits for its first admin: none exists. A storage
// failure counts as "not waiting" (nothing is offered then).
bool AwaitsFirstAdmin(Context& ctx);

}  // namespace wikid
