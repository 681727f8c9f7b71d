// Handlers that show pages: a page, its history, recent changes and the
// page list (editing is in views/pages/edit_handlers.h).
// Each reads top to bottom: guards, model call, fill, render.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "views/base/context.h"
#include "views/http/http.h"

namespace wikid {

// GET /: the front page (SiteConfig::front_page).
Response ShowFrontPage(const Request& req, Context& ctx, std::string_view);
// GET /NAME and /NAME?rev=N.
Response ShowPage(const Request& req, Context& ctx, std::string_view name);
// GET /_history/NAME?from=N.
Response ShowHistory(const Request& req, Context& ctx, std::string_view name);
// GET /_recent?before=REVISION_ID.
Response ListRecent(const Request& req, Context& ctx, std::string_view);
// GET /_pages?after=TITLE.
Response ListAllPages(const Request& req, Context& ctx, std::string_view);
// For a route that found no page `name`: a 302 to `route` ("" for the
// page view, "/_edit", "/_raw"...) followed by the path of the page whose
// name differs from `name` only in letter case, the same page
// (model/text/page_name.h, PageKey), with the request's query kept
// (?rev=, ?section=, ?from=). nullopt when there is none, or `name` is a
// page (a revision it lacks).
std::optional<Response> OtherCaseRedirect(const Request& req, Context& ctx,
                                          std::string_view route, const PageName& name);
// GET /_anything-else: reserved names that are not routes.
Response NoSuchRoute(const Request& req, Context& ctx, std::string_view);

}  // namespace wikid
