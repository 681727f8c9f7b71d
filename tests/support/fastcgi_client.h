// A minimal FastCGI client for tests that must talk to wikid's socket
// directly, as nginx would, or as a broken or hostile peer would.
#pragma once

#include <functional>
#include <map>
#include <string>

namespace wikid::testing {

// One FastCGI record, encoded: version 1, request id 1, no padding.
std::string FastCgiRecord(unsigned char type, const std::string& content);

// A whole responder request: BEGIN_REQUEST, the params, an empty PARAMS,
// `stdin_data` as STDIN records and the empty STDIN that ends it.
std::string FastCgiRequest(const std::map<std::string, std::string>& params,
                           const std::string& stdin_data);

// Connects to the unix socket, writes `bytes`, and returns the STDOUT
// stream of the reply (CGI headers and body), or "" if the connection
// closed without one. Gives up reading after `timeout_ms` (generous by
// default: an answer that takes long on a loaded machine is still one).
std::string FastCgiExchange(const std::string& socket_path,
                            const std::string& bytes, int timeout_ms = 30000);

// The same, calling `between` after connecting and before writing: a
// worker has then accepted the connection and waits for its first bytes.
std::string FastCgiExchangeAfter(const std::string& socket_path, const std::string& bytes,
                                 const std::function<void()>& between,
                                 int timeout_ms = 30000);

// A reply read up to its END_REQUEST record, with the connection left
// open, as a busy nginx might leave it for a while: `fd` is the caller's
// to close (-1 if connecting failed).
struct HeldExchange {
  std::string stdout_data;
  bool ended = false;  // the END_REQUEST record came
  int fd = -1;
};
HeldExchange FastCgiExchangeHeld(const std::string& socket_path, const std::string& bytes,
                                 int timeout_ms = 30000);

}  // namespace wikid::testing
