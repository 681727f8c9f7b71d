// Saving pages, for every way of saving one (the edit form, restore, the
// JSON API): who an edit is by and the rules every save must meet. The
// save itself, and keeping the caches true after it, is PageWrites'
// (model/page_writes.h).
#pragma once

#include <optional>
#include <string>

#include "model/store/page_store.h"
#include "views/base/context.h"
#include "views/http/http.h"

namespace wikid {

// A save of `text` on top of `base_rev` by whoever is asking: their
// account (whose admin role may change protected pages), or, for an
// anonymous edit, their address.
// kTooComplex when the text takes longer to parse than the render budget
// (views/markup/markdown.h).
Result<Edit> EditBy(const Request& req, Context& ctx, const PageName& name,
                    int64_t base_rev, const std::string& text,
                    const std::string& summary);

// Why a save's text and summary cannot be saved as they are, before
// storage is asked: the HTTP status and a message for the user.
struct EditProblem {
  int status;
  std::string message;
};
// The text at most SiteConfig::max_page_bytes (413), the summary one line
// of at most max_summary_bytes (400), a new page (base_rev 0) not blank
// (400), and neither holding a control character (but tabs, and line
// feeds in the text) or a noncharacter (400, model/text/characters.h).
// `text` has LF line ends already.
std::optional<EditProblem> CheckEdit(const SiteConfig& site, int64_t base_rev,
                                     const std::string& text,
                                     const std::string& summary);

// The revision's body as HTML: a rendering shared through the cache, or
// made now. The key names the revision and which of its links exist
// (known from the page view's one query), so it can never be stale
// (RenderKeyOf, model/page_writes.h).
std::string BodyHtml(Context& ctx, const PageRevision& page, bool* cached);
// The same, rendered now, without the render cache.
std::string RenderNow(Context& ctx, const PageRevision& page);
// The files that the embeds among link `targets` ("File:NAME") name, at
// their latest revisions, looked up one by one (for previews: a page view
// has them from its one query). A lookup that fails shows as missing.
EmbeddedFiles EmbeddedFilesOf(Context& ctx,
                              const std::set<std::string>& targets);
// Rendered by `markdown`, or kTooComplex (PageWrites' Renderer; RenderNow
// shows a notice instead).
Result<std::string> RenderRevision(Markdown& markdown, const PageRevision& page);

}  // namespace wikid
