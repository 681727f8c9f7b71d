// Moving (renaming) a page (issue 20): /_move/NAME.
#pragma once

#include <string_view>

#include "views/base/context.h"
#include "views/http/http.h"

namespace wikid {

// GET /_move/NAME: the form (new name, reason, "leave a redirect",
// checked by default).
Response ShowMoveForm(const Request& req, Context& ctx, std::string_view rest);

// POST /_move/NAME: to, reason, redirect=1. Moves through PageWrites and
// sends the mover to the page under its new name; a refusal shows the form
// again with what was typed and why (409 when the name is taken).
Response MovePage(const Request& req, Context& ctx, std::string_view rest);

}  // namespace wikid
