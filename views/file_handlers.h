// Handlers of uploaded files: the upload form, a file's page (the image,
// its revisions, restoring one, uploading the next), the list of files,
// and the bytes at their two addresses:
//   /_file/NAME      the latest revision: Cache-Control: no-cache, so a
//                    browser asks again each time (304 while unchanged);
//   /_blob/SHA/NAME  one content, for ever: public, max-age=31536000,
//                    immutable;
//   /_thumb/SHA/WIDTH/NAME  a thumbnail of one content, the same.
// Both are answered with X-Accel-Redirect to nginx's internal location
// over this host's copies (model/cache/file_cache.h), so nginx sends the
// bytes (sendfile, Range); ETag is the SHA-256, a strong validator.
// An image of a file that stands is then published at its two immutable
// addresses (FileCache::Publish): this host's nginx sends it there for a
// while without asking a worker (nginx/wikid.conf).
// Images (PNG, JPEG, GIF, WebP) are shown inline, everything else is an
// attachment (model/media/media.h); nginx adds nosniff and a sandbox
// policy to every one.
#pragma once

#include <string>
#include <string_view>

#include "model/file_writes.h"
#include "views/base/context.h"
#include "views/http/http.h"

namespace wikid {

// Who is uploading: their account, or, anonymous, their address.
FileAuthor FileAuthorOf(const Request& req, const Context& ctx);

// GET /_upload?name=NAME&base_rev=N: the upload form, prefilled.
Response ShowUploadForm(const Request& req, Context& ctx, std::string_view);
// POST /_upload (multipart/form-data: name, base_rev, summary, file).
Response Upload(const Request& req, Context& ctx, std::string_view);
// POST /_upload refused by the router (not logged in, no valid token, a
// body too large): the form again with the fields as sent and why.
Response RefuseUpload(const Request& req, Context& ctx, std::string_view, int status,
                      const std::string& message);
// GET /_files?after=NAME.
Response ListAllFiles(const Request& req, Context& ctx, std::string_view);
// GET /_file/NAME: the latest revision's bytes.
Response ServeFile(const Request& req, Context& ctx, std::string_view name);
// GET /_blob/SHA/NAME: the bytes SHA, which some revision of NAME has.
Response ServeBytes(const Request& req, Context& ctx,
                    std::string_view sha_and_name);
// GET /_thumb/SHA/WIDTH/NAME: a thumbnail of the image SHA (which some
// revision of NAME has), WIDTH pixels wide, one of the widths thumbnails
// are made at (model/media/thumbnail_size.h), for ever, as /_blob/ is.
Response ServeThumbnail(const Request& req, Context& ctx,
                        std::string_view rest);
// GET /_file-page/NAME?rev=N&from=M.
Response ShowFilePage(const Request& req, Context& ctx, std::string_view name);
// POST /_file-restore/NAME (rev, base_rev): a new revision with revision
// rev's bytes.
Response RestoreFile(const Request& req, Context& ctx, std::string_view name);

// Admins only (the router checks), each POST with CSRF, as for pages:
//   POST /_file-protect/NAME    protect=1|0: only admins may upload to it
//   GET  /_file-delete/NAME     "Delete NAME?" with a reason (no JavaScript)
//   POST /_file-delete/NAME     reason: deletes it; its addresses are 410
//                               to everyone else, its page and history
//                               still shown to admins
//   POST /_file-undelete/NAME   brings it back, history and all
// A deleted file's addresses (/_file-page/, /_file/, /_blob/SHA/NAME,
// /_thumb/SHA/W/NAME, /_api/file/) answer 410 to non-admins. The same
// bytes under another live file's name stay served at that file's
// addresses: an address names a file, and the bytes are that file's too.
Response ProtectFile(const Request& req, Context& ctx, std::string_view name);
Response ShowFileDeleteForm(const Request& req, Context& ctx, std::string_view name);
Response DeleteFile(const Request& req, Context& ctx, std::string_view name);
Response UndeleteFile(const Request& req, Context& ctx, std::string_view name);

}  // namespace wikid
