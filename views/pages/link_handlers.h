// Handlers for the pages about links between pages.
#pragma once

#include <string_view>

#include "views/base/context.h"
#include "views/http/http.h"

namespace wikid {

// GET /_links/NAME?after=TITLE: the pages that link to NAME.
Response ShowBacklinks(const Request& req, Context& ctx, std::string_view name);
// GET /_wanted?from=N: missing pages that are linked to, most wanted first.
Response ListWantedPages(const Request& req, Context& ctx, std::string_view);
// GET /_orphans?after=TITLE: pages no other page links to.
Response ListOrphanedPages(const Request& req, Context& ctx, std::string_view);

}  // namespace wikid
