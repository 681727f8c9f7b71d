// Atom feeds of recent changes and of one page's history.
#pragma once

#include <string_view>

#include "views/base/context.h"
#include "views/http/http.h"

namespace wikid {

// GET /_recent.atom: the newest changes across the wiki.
Response RecentFeed(const Request& req, Context& ctx, std::string_view);
// GET /_history/NAME.atom (routed through ShowHistory): the newest
// revisions of one page. `name` is without the ".atom".
Response HistoryFeed(const Request& req, Context& ctx, std::string_view name);

}  // namespace wikid
