// Page views that skip rendering: the views/ side of the fast path
// (model/cache/fast_path.h), which responses may become entries nginx
// serves to anonymous readers (which entries a change to a page takes
// away is PageWrites', model/page_writes.h); and
// each worker's own copies of the whole responses anonymous readers got
// (Caches::anonymous_views), for the readers nginx sends on to wikid.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "model/text/page_name.h"
#include "views/base/context.h"
#include "views/http/http.h"

namespace wikid {

// Whether `req` gets exactly the response every anonymous reader of the
// latest revision of `name` gets: not logged in, a plain GET or HEAD, no
// query, and exactly the path PageViewPath (model/page_writes.h) names
// (the login links in the header name the path).
bool SharedAnonymousRequest(const Request& req, const Context& ctx,
                            const PageName& name, bool front);

// This worker's copy of the response a SharedAnonymousRequest for `name`
// got, if it was made under `stamp` (the page's numbers, and the site's
// when `front`), with the revision it shows in `rev`.
std::optional<Response> FindAnonymousView(Context& ctx, const PageName& name, bool front,
                                          const Stamp& stamp, int64_t* rev);

// Keeps `response` (to a SharedAnonymousRequest, made from reads after
// `stamp` was taken, showing revision `rev`) for FindAnonymousView. Only a
// plain 200 with no header but X-Cache is kept: anything else was made
// for one reader.
void StoreAnonymousView(Context& ctx, const PageName& name, bool front, const Stamp& stamp,
                       int64_t rev, const Response& response);

// Stores `response`, the latest revision `rev` of `name` (shown as the
// front page when `front`), as the entry nginx serves for it, when nginx
// asked for it and missed, the reader is anonymous, the request is a
// plain GET or HEAD of exactly that path, and `still_current()` (see
// FastPath::Store) holds. Costs nothing unless nginx missed.
// Counts a view nginx's fast path missed (for /_admin/cache); false when
// the request did not come that way.
bool CountFastPathMiss(const Request& req, Context& ctx, const Response& response);

void StoreFastView(const Request& req, Context& ctx, const PageName& name,
                   bool front, int64_t rev, const Response& response,
                   const std::function<bool()>& still_current);

// The entries the fast path may hold for the front page and the first
// `limit` pages, alphabetically; `more` says whether pages were left out.
Result<std::vector<std::string>> FastPathEntries(PageReader& pages,
                                                 const FastPath& fast,
                                                 int limit, bool* more);

}  // namespace wikid
