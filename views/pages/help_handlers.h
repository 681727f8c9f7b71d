// The editing help: how page text is written, shipped with wikid.
#pragma once

#include <string_view>

#include "views/base/context.h"
#include "views/http/http.h"

namespace wikid {

// GET /_help: help.md from the templates directory, rendered as any page
// text is (so every example it shows is what a page would show).
Response ShowHelp(const Request& req, Context& ctx, std::string_view);

}  // namespace wikid
