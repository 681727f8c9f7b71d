// Handlers that compare revisions.
#pragma once

#include <string_view>

#include "views/context.h"
#include "views/http.h"

namespace wikid {

// GET /_diff/NAME?from=N&to=M: revision N compared with revision M. `to`
// defaults to the latest revision and `from` to the one before `to`;
// from=0 is the empty text before the page existed.
Response ShowDiff(const Request& req, Context& ctx, std::string_view name);

}  // namespace wikid
