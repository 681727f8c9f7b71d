// The one log line each request leaves (model/base/log.h's logfmt), its
// request id, and the Server-Timing header admins get.
//
//   ts=... level=info pid=4242 msg=request request_id=5f0c...e1 method=GET
//   path=/Main_Page query=rev,diff status=200 bytes=5120 duration_ms=1.250
//   cache=worker user=7
//
// pid is the worker that served it. What is never in it: the query's
// values (a confirmation or unsubscribe link carries its token there, a
// search its words), the body (a login's password), any header (cookies,
// Authorization). The path is logged as sent, still percent-encoded: no
// route puts a secret in its path, and a page's name is what an operator
// looks for. Only the query's field names are, so the shape of a request
// (a diff, an old revision) still shows.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace wikid {

// What a worker knows of a request it answered.
struct RequestRecord {
  std::string_view request_id;
  std::string_view method;
  std::string_view request_uri;  // REQUEST_URI as nginx sent it
  int status = 0;
  size_t bytes = 0;     // of the body sent (0 for HEAD)
  int64_t micros = 0;   // from accepting the request to handing its answer over
  // Where the view came from: "worker" or "memcached" (a whole view
  // kept), "render" (a kept rendering of the text), "miss" (made anew),
  // "-" (nothing cached was looked up).
  std::string_view cache = "-";
  int64_t user_id = 0;  // 0: anonymous
};

// The whole line, '\n' included. Its path and query part is cut to keep the
// line under PIPE_BUF, so a write to a pipe or the journal stays whole.
std::string RequestLine(const RequestRecord& record);

// The id nginx sent (its $request_id, as the WIKID_REQUEST_ID parameter)
// if it is 1-64 letters, digits, '-', '_' or '.'; otherwise (a client
// talking FastCGI directly, or junk) a new one of wikid's own: 32 hex
// digits like nginx's, a random per-process prefix and a counter.
std::string RequestIdOf(std::string_view from_nginx);

// What the Server-Timing header says to an admin: where the time went.
struct RequestTiming {
  int64_t total_micros = 0;
  int64_t db_queries = 0;
  int64_t db_rows = 0;
  int64_t renders = 0;
  int64_t render_micros = 0;
  std::string_view cache = "-";  // as RequestRecord::cache
};

// "total;dur=1.250, render;dur=0.800;desc=\"1\", db;desc=\"3 queries, 5 rows\",
// cache;desc=worker" (durations in milliseconds, as the header wants).
std::string ServerTiming(const RequestTiming& timing);

}  // namespace wikid
