// Handlers for the wiki's operators. Until accounts exist, the router lets
// only clients on this machine reach them (Access::kLocal).
#pragma once

#include <string_view>

#include "views/context.h"
#include "views/http.h"

namespace wikid {

// GET /_admin/cache: memcached's statistics per server, this worker's hit
// ratios per kind of view, and a button to empty memcached.
Response ShowCacheAdmin(const Request& req, Context& ctx, std::string_view);
// GET /_health: "ok", touching nothing: for load balancers and monitors,
// and the benchmark's measure of the FastCGI path alone.
Response Health(const Request& req, Context& ctx, std::string_view);
// POST /_admin/cache/flush: flush_all, then back to the page.
Response FlushCache(const Request& req, Context& ctx, std::string_view);

}  // namespace wikid
