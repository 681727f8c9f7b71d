// FastCGI 1.0's record framing (the specification's section 3.3): what
// the check of a request's head reads (fcgi/request_check.h) and the
// answer's writer writes (fcgi/fastcgi_answer.h).
#pragma once

#include <cstddef>

namespace wikid::fastcgi {

inline constexpr unsigned char kVersion = 1;
// Record types.
inline constexpr unsigned char kBeginRequest = 1;
inline constexpr unsigned char kEndRequest = 3;
inline constexpr unsigned char kParams = 4;
inline constexpr unsigned char kStdin = 5;
inline constexpr unsigned char kStdout = 6;
// The role of a BEGIN_REQUEST that asks for a response.
inline constexpr unsigned kResponder = 1;
// A record's header, and the most content one record carries.
inline constexpr size_t kHeaderBytes = 8;
inline constexpr size_t kMaxContent = 65535;

}  // namespace wikid::fastcgi
