// Handlers that show revisions as data: compared, or as their source.
#pragma once

#include <string_view>

#include "views/base/context.h"
#include "views/http/http.h"

namespace wikid {

// GET /_diff/NAME?from=N&to=M: revision N compared with revision M. `to`
// defaults to the latest revision and `from` to the one before `to`;
// from=0 is the empty text before the page existed.
Response ShowDiff(const Request& req, Context& ctx, std::string_view name);

// GET /_raw/NAME?rev=N: the Markdown source of revision N (the latest
// when absent), exactly as saved, as text/plain.
Response ShowRaw(const Request& req, Context& ctx, std::string_view name);

}  // namespace wikid
