#include "views/http/http.h"

#include <charconv>

namespace wikid {
namespace {

const std::string* Field(const FormFields& fields, std::string_view name) {
  auto it = fields.find(name);
  return it == fields.end() ? nullptr : &it->second;
}

Method MethodFromName(std::string_view name) {
  if (name == "GET") return Method::kGet;
  if (name == "HEAD") return Method::kHead;
  if (name == "POST") return Method::kPost;
  if (name == "PUT") return Method::kPut;
  return Method::kOther;
}

// The media type of a Content-Type header, without parameters, lowercased.
std::string MediaType(std::string_view content_type) {
  std::string type(content_type.substr(0, content_type.find(';')));
  while (!type.empty() && (type.back() == ' ' || type.back() == '\t')) {
    type.pop_back();
  }
  for (char& c : type) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return type;
}

}  // namespace

const std::string* Request::Query(std::string_view name) const {
  return Field(query, name);
}

const std::string* Request::Form(std::string_view name) const {
  return Field(form, name);
}

const FormFile* Request::File(std::string_view name) const {
  auto it = files.find(name);
  return it == files.end() ? nullptr : &it->second;
}

const std::string& Request::FormText(std::string_view name) const {
  static const std::string kAbsent;
  const std::string* value = Field(form, name);
  return value != nullptr ? *value : kAbsent;
}

const std::string& Request::QueryText(std::string_view name) const {
  static const std::string kAbsent;
  const std::string* value = Field(query, name);
  return value != nullptr ? *value : kAbsent;
}

std::optional<int64_t> PositiveNumber(std::string_view text) {
  int64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value < 1) {
    return std::nullopt;
  }
  return value;
}

Result<int64_t> OffsetParam(const Request& req, std::string_view field) {
  const std::string* text = req.Query(field);
  if (text == nullptr || *text == "0") return int64_t{0};
  auto value = PositiveNumber(*text);
  if (!value) {
    return Status::Invalid("The parameter '" + std::string(field) +
                           "' must be a number (0, 1, 2...).");
  }
  return *value;
}

Result<std::optional<int64_t>> RevisionParam(const Request& req,
                                             std::string_view field) {
  const std::string* text = req.Query(field);
  if (text == nullptr) return std::optional<int64_t>();
  auto value = PositiveNumber(*text);
  if (!value) {
    return Status::Invalid("The parameter '" + std::string(field) +
                           "' must be a revision number (1, 2, 3...).");
  }
  return value;
}

Response Response::SeeOther(std::string location) {
  Response r;
  r.status = 303;
  r.headers.emplace_back("Location", std::move(location));
  return r;
}

Response Response::Found(std::string location) {
  Response r = SeeOther(std::move(location));
  r.status = 302;
  return r;
}

Response Response::PlainText(int status, std::string body) {
  Response r;
  r.status = status;
  r.content_type = "text/plain; charset=utf-8";
  r.body = std::move(body);
  if (!r.body.empty() && r.body.back() != '\n') r.body += '\n';
  return r;
}

Result<Request> DecodeRequest(const RawRequest& raw, const TrustedProxies& proxies) {
  Request req;
  req.method_name = raw.method;
  req.method = MethodFromName(raw.method);
  req.client_address = proxies.ClientOf(raw.remote_address, raw.forwarded_for);
  // Believed only from the peer nginx saw, when it is a trusted proxy (the
  // balancer that ended TLS sets the header; anyone else could write it).
  req.https = raw.https || (raw.forwarded_proto == "https" &&
                            proxies.Contains(raw.remote_address));
  req.fast_path_miss = raw.fast_path == "miss";
  req.cookies = ParseCookies(raw.cookie_header);
  req.if_match = raw.if_match;
  req.if_none_match = raw.if_none_match;
  req.authorization = raw.authorization;

  std::string_view uri = raw.request_uri;
  size_t question = uri.find('?');
  std::string_view raw_path = uri.substr(0, question);
  if (raw_path.empty() || raw_path.front() != '/') {
    return Status::Invalid("The request path must start with '/'.");
  }
  auto path = PercentDecode(raw_path, PlusMeans::kPlus);
  if (!path.ok()) return Status::Invalid("In the path: " + path.status().message());
  req.path = std::move(*path);

  if (question != std::string_view::npos) {
    auto query = ParseUrlEncoded(uri.substr(question + 1));
    if (!query.ok()) {
      return Status::Invalid("In the query string: " +
                             query.status().message());
    }
    req.query = std::move(*query);
  }

  req.body_too_large = raw.body_too_large;
  if (req.method == Method::kPost && IsMultipartForm(raw.content_type)) {
    // A form that sends a file (the upload form).
    auto boundary = MultipartBoundary(raw.content_type);
    if (!boundary) return Status::Invalid("The form's Content-Type names no boundary.");
    auto form = ParseMultipart(raw.body, *boundary, raw.body_too_large);
    if (!form.ok()) return form.status();
    req.form = std::move(form->fields);
    req.files = std::move(form->files);
  } else if (req.method == Method::kPost && !raw.body.empty()) {
    if (MediaType(raw.content_type) != "application/x-www-form-urlencoded") {
      return Status::Invalid(
          "The request body must be application/x-www-form-urlencoded or "
          "multipart/form-data, as an HTML form sends it.");
    }
    auto form = ParseUrlEncoded(raw.body);
    if (!form.ok()) {
      return Status::Invalid("In the form: " + form.status().message());
    }
    req.form = std::move(*form);
  }
  if (req.method == Method::kPut) {
    req.content_type = MediaType(raw.content_type);
    req.body = raw.body;
  }
  return req;
}

const char* ReasonPhrase(int status) {
  switch (status) {
    case 200: return "OK";
    case 303: return "See Other";
    case 304: return "Not Modified";
    case 400: return "Bad Request";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 409: return "Conflict";
    case 410: return "Gone";
    case 411: return "Length Required";
    case 413: return "Content Too Large";
    case 415: return "Unsupported Media Type";
    case 422: return "Unprocessable Content";
    case 429: return "Too Many Requests";
    case 500: return "Internal Server Error";
    case 503: return "Service Unavailable";
    default: return "Unknown";
  }
}

const std::vector<std::pair<std::string, std::string>>& SecurityHeaders() {
  static const std::vector<std::pair<std::string, std::string>> kHeaders = {
      {"X-Content-Type-Options", "nosniff"},
      // frame-ancestors replaces X-Frame-Options; both, for old browsers.
      {"X-Frame-Options", "DENY"},
      {"Content-Security-Policy",
       "default-src 'none'; style-src 'self'; img-src 'self' data:; "
       "form-action 'self'; base-uri 'none'; frame-ancestors 'none'"},
      {"Referrer-Policy", "same-origin"},
      // No X-XSS-Protection: the filter it switched on is gone from
      // browsers, and where it remains it could be made to blank parts of a
      // page; the policy above, with no script source, is what stops
      // scripts. No Strict-Transport-Security either: that belongs to the
      // server that speaks TLS (README, nginx/security-headers.conf).
  };
  return kHeaders;
}

std::string NormaliseNewlines(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\r') {
      out += '\n';
      if (i + 1 < text.size() && text[i + 1] == '\n') ++i;
    } else {
      out += text[i];
    }
  }
  return out;
}

}  // namespace wikid
