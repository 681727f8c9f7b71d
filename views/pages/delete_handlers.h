// Delete and undelete (issue 20), admins only, through PageWrites
// (model/page_writes.h), which keeps every cache true after them:
//   GET  /_delete/NAME    "Delete NAME?" with a reason box (no JavaScript)
//   POST /_delete/NAME    reason, csrf: deletes it; then its address is 410
//   POST /_undelete/NAME  csrf: brings it back with its whole history
// A deleted page's address (the page, /_raw, /_history, /_diff) answers
// 410 Gone saying who deleted it, when and why, to everyone; its last
// text and its history, and an Undelete button, only to admins.
#pragma once

#include <optional>
#include <string_view>

#include "model/text/page_name.h"
#include "views/base/context.h"
#include "views/http/http.h"

namespace wikid {

Response ShowDeleteForm(const Request& req, Context& ctx, std::string_view rest);
Response DeletePage(const Request& req, Context& ctx, std::string_view rest);
Response UndeletePage(const Request& req, Context& ctx, std::string_view rest);

// The 410 page when `name` was deleted (and not made again); nullopt when
// it was not, or when the deletion could not be read (the caller then
// answers as for a page that does not exist).
std::optional<Response> DeletedPage(const Request& req, Context& ctx, const PageName& name);

}  // namespace wikid
