// Request and Response: plain values. Handlers take a const Request& and
// return a Response; nothing in views/ sees FastCGI, so tests build
// Requests by hand and call the router in-process.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "model/base/status.h"
#include "views/http/client_address.h"
#include "views/http/http_decode.h"
#include "views/http/multipart.h"

namespace wikid {

enum class Method { kGet, kHead, kPost, kPut, kOther };

struct Request {
  Method method = Method::kGet;
  std::string method_name = "GET";  // as sent, for messages and logs
  std::string path = "/";  // percent-decoded, valid UTF-8, starts with '/'
  FormFields query;        // decoded query string fields
  FormFields form;         // a POST's decoded form fields (urlencoded or multipart)
  FormFiles files;         // a multipart/form-data POST's files
  // The body was larger than this route takes: only its first bytes were
  // kept (fcgi/worker.cc), and `form` holds the fields that came before
  // the cut. The router refuses the request with 413, the form kept.
  bool body_too_large = false;
  std::string body;          // a PUT's body, as sent (the JSON API's)
  std::string content_type;  // its media type, lowercased, without parameters
  // Request headers the JSON API reads ("" when absent).
  std::string if_match;       // If-Match: the ETag a PUT is based on
  std::string if_none_match;  // If-None-Match: "*" to create a page
  std::string authorization;  // Authorization: "Bearer TOKEN"
  std::map<std::string, std::string, std::less<>> cookies;
  std::string client_address;
  // The reader's connection was TLS: to nginx, or to a trusted proxy in
  // front of it that says so (X-Forwarded-Proto: https), so cookies are
  // marked Secure also where TLS ends at a load balancer.
  bool https = false;
  // nginx looked for this view in memcached first and found nothing
  // (nginx/fast-path.conf): wikid may fill the entry (model/cache/fast_path.h).
  bool fast_path_miss = false;

  // The query or form field `name`, or nullptr.
  const std::string* Query(std::string_view name) const;
  const std::string* Form(std::string_view name) const;
  // The file field `name` of a multipart form, or nullptr.
  const FormFile* File(std::string_view name) const;
  // The form or query field `name`, or "" when it was not sent.
  const std::string& FormText(std::string_view name) const;
  const std::string& QueryText(std::string_view name) const;
};

struct Response {
  int status = 200;
  std::string content_type = "text/html; charset=utf-8";
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;

  // 303 See Other to a local path: the answer to a successful POST.
  static Response SeeOther(std::string location);
  // 302: the same resource lives at `location` (for a GET).
  static Response Found(std::string location);
  // A short plain-text answer (for errors that happen before any template
  // can be used).
  static Response PlainText(int status, std::string body);
};

// The request as the web server hands it over, before any decoding.
struct RawRequest {
  std::string method;
  std::string request_uri;  // path and query, still percent-encoded
  std::string content_type;
  std::string body;
  std::string cookie_header;
  std::string if_match;
  std::string if_none_match;
  std::string authorization;
  std::string remote_address;  // REMOTE_ADDR: who reached nginx
  std::string forwarded_for;   // X-Forwarded-For, as sent
  std::string forwarded_proto; // X-Forwarded-Proto, as sent
  bool https = false;          // nginx was reached over TLS
  std::string fast_path;  // the WIKID_FAST_PATH parameter: "miss" or ""
  // `body` is the first bytes of a multipart form too large to keep
  // whole (Request::body_too_large).
  bool body_too_large = false;
};

// Decodes `raw` strictly. Invalid, with a message naming what was wrong,
// for a bad percent-encoding, invalid UTF-8 or a NUL in the path or query,
// a malformed or duplicated field, or a POST body that is neither
// application/x-www-form-urlencoded nor multipart/form-data. The client's address is
// `proxies.ClientOf` the remote address and X-Forwarded-For.
Result<Request> DecodeRequest(const RawRequest& raw, const TrustedProxies& proxies = {});

// `text` as a number of 1 or more (decimal digits only), or nothing: for
// revision numbers and ids in query strings, form fields and paths.
std::optional<int64_t> PositiveNumber(std::string_view text);

// The query parameter `field` as an offset into a list: absent (0), or 0,
// 1, 2...; anything else is Invalid, with a message naming the parameter.
Result<int64_t> OffsetParam(const Request& req, std::string_view field);

// The query parameter `field` as a revision number: absent, or a positive
// integer; anything else is Invalid, with a message naming the parameter.
Result<std::optional<int64_t>> RevisionParam(const Request& req,
                                             std::string_view field);

// `text` with every CRLF and lone CR turned into LF. Browsers send
// textarea lines ending in CRLF; wikid stores LF only, so the same text
// saved from two browsers is the same.
std::string NormaliseNewlines(std::string_view text);

// "OK", "Not Found"...; "Unknown" for codes wikid never sends.
const char* ReasonPhrase(int status);

// Headers every wikid response carries: no MIME sniffing, no framing, and a
// Content-Security-Policy that allows no inline script or style at all.
const std::vector<std::pair<std::string, std::string>>& SecurityHeaders();

}  // namespace wikid
