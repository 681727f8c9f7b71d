// The JSON API: pages, recent changes and search for programs.
//
// Reads need nothing; a PUT is authenticated like the web forms (the
// session cookie) or by an API token (Authorization: Bearer), and follows
// the same edit policy and protection. A PUT carries no CSRF token:
// browsers send a cross-site PUT, or a JSON body, only after a CORS
// preflight that wikid never grants, and the body must be
// application/json. Errors are JSON too: {"error": {"status", "message"}}.
#pragma once

#include <string>
#include <string_view>

#include "views/base/context.h"
#include "views/http/http.h"

namespace wikid {

// GET /_api/page/NAME?rev=N: the revision (the latest when absent) with
// its source and rendered HTML; ETag "r<N>".
Response ApiGetPage(const Request& req, Context& ctx, std::string_view name);
// PUT /_api/page/NAME, {"text": ..., "summary": ...}: saves a revision on
// top of the one named by If-Match ("r<N>"), or creates the page with
// If-None-Match: *. 428 without either, 412 when the page moved on.
Response ApiPutPage(const Request& req, Context& ctx, std::string_view name);
// GET /_api/file/NAME?rev=N: a file revision's name, author, time,
// summary, type, size, SHA-256 and addresses; ETag "r<N>".
Response ApiGetFile(const Request& req, Context& ctx, std::string_view name);
// PUT /_api/file/NAME?summary=TEXT, the file's bytes as the body (any
// Content-Type: the type is sniffed from the bytes): a new revision on top
// of If-Match "r<N>", or a new file with If-None-Match: *; 428 without
// either, 412 when the file moved on. (No CSRF token here either: a
// cross-site PUT needs a preflight, whatever its body.)
Response ApiPutFile(const Request& req, Context& ctx, std::string_view name);
// GET /_api/recent?before=REVISION_ID: recent changes, paged as /_recent.
Response ApiRecent(const Request& req, Context& ctx, std::string_view);
// GET /_api/search?q=TEXT&from=N: search results, paged as /_search.
Response ApiSearch(const Request& req, Context& ctx, std::string_view);
// The router's refusal of an API request (not logged in under the users
// edit policy, or not allowed): a JSON error, 401 with WWW-Authenticate
// when logging in would help.
Response RefuseApi(const Request& req, Context& ctx, std::string_view name,
                   int status, const std::string& message);

}  // namespace wikid
