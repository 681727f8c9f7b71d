// HTTP requests as nginx passes them to wikid (views/http/http.h): the input
// is cut at NUL bytes into method, URI, content type, body, cookies,
// If-Match, Authorization, the remote address, X-Forwarded-For and
// X-Forwarded-Proto.
// Never a crash; a decoded request's path, query and form are valid UTF-8,
// and only a trusted proxy makes it a TLS request.
#include "tests/fuzz/fuzz_input.h"
#include "views/http/http.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const wikid::TrustedProxies proxies =
      *wikid::TrustedProxies::Parse("10.0.0.0/8, 192.168.1.1, ::1, fd00::/8");
  auto f = wikid::fuzz::Split(data, size, 10);
  wikid::RawRequest raw{.method = f[0],
                        .request_uri = f[1],
                        .content_type = f[2],
                        .body = f[3],
                        .cookie_header = f[4],
                        .if_match = f[5],
                        .authorization = f[6],
                        .remote_address = f[7],
                        .forwarded_for = f[8],
                        .forwarded_proto = f[9]};
  auto request = wikid::DecodeRequest(raw, proxies);
  if (request.ok()) {
    wikid::fuzz::Check(wikid::IsValidUtf8(request->path), "the path is UTF-8");
    wikid::fuzz::Check(!request->https || proxies.Contains(raw.remote_address),
                       "only a trusted proxy says a request came over TLS");
    for (const auto& [name, value] : request->form) {
      wikid::fuzz::Check(wikid::IsValidUtf8(name) && wikid::IsValidUtf8(value),
                         "form fields are UTF-8");
    }
  }
  wikid::ParseCookies(f[4]);
  return 0;
}
