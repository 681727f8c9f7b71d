// The search page.
#pragma once

#include <string_view>

#include "views/base/context.h"
#include "views/http/http.h"

namespace wikid {

// GET /_search?q=TEXT&from=N: pages whose name or current text match,
// names first, with the matched words marked. A search that is a page's
// name offers to go straight there, or to create it.
Response ShowSearch(const Request& req, Context& ctx, std::string_view);

}  // namespace wikid
