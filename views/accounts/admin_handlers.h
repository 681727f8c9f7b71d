// Handlers for the wiki's admins (the router lets only accounts with the
// admin role reach them), and the health check.
#pragma once

#include <string_view>

#include "views/base/context.h"
#include "views/http/http.h"

namespace wikid {

// GET /_admin/cache: memcached's statistics per server, this worker's hit
// ratios per kind of view, and a button to empty memcached.
Response ShowCacheAdmin(const Request& req, Context& ctx, std::string_view);
// GET /_health: "ok", touching nothing: for load balancers and monitors,
// and the benchmark's measure of the FastCGI path alone.
Response Health(const Request& req, Context& ctx, std::string_view);
// POST /_admin/cache/flush: a page asking to confirm; with confirm=yes,
// flush_all, then back to the page.
Response FlushCache(const Request& req, Context& ctx, std::string_view);

// GET /_admin/users?after=NAME: every account, by name, with buttons to
// promote, demote, disable and enable.
Response ListUsers(const Request& req, Context& ctx, std::string_view);
// POST /_admin/users/NAME, action=promote|demote|disable|enable. Promote
// and disable first answer with a page asking to confirm, whose button
// posts them again with confirm=yes. Disabling ends every session of the
// account at once.
Response ChangeUser(const Request& req, Context& ctx, std::string_view name);
// GET /_admin/mail?before=ID: the outbox, newest first, with the state,
// attempts and last error of each message.
Response ListMail(const Request& req, Context& ctx, std::string_view);
// POST /_admin/mail/ID/retry: a failed message queued again.
Response RetryMail(const Request& req, Context& ctx, std::string_view id);
// POST /_protect/NAME, protect=1|0: only admins may save a protected page.
Response SetProtection(const Request& req, Context& ctx, std::string_view name);

}  // namespace wikid
