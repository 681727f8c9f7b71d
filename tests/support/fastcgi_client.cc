#include "tests/support/fastcgi_client.h"

#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstdio>

namespace wikid::testing {
namespace {

constexpr unsigned char kBeginRequest = 1, kEndRequest = 3, kParams = 4,
                        kStdin = 5, kStdout = 6;

// Name-value pair lengths: one byte below 128, else four with the top bit.
std::string Length(size_t n) {
  if (n < 128) return std::string(1, static_cast<char>(n));
  return {static_cast<char>(0x80 | (n >> 24)), static_cast<char>(n >> 16),
          static_cast<char>(n >> 8), static_cast<char>(n)};
}

// Connects to the unix socket and writes `bytes`: the open fd, or -1.
int ConnectAndSend(const std::string& socket_path, const std::string& bytes,
                   const std::function<void()>& between, int timeout_ms) {
  int fd = socket(AF_UNIX, SOCK_STREAM, 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::snprintf(addr.sun_path, sizeof addr.sun_path, "%s", socket_path.c_str());
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    close(fd);
    return -1;
  }
  between();
  for (size_t sent = 0; sent < bytes.size();) {
    // MSG_NOSIGNAL: a peer that closed must fail the test, not kill it.
    ssize_t n = send(fd, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) break;
    sent += static_cast<size_t>(n);
  }
  timeval timeout{timeout_ms / 1000, (timeout_ms % 1000) * 1000};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  return fd;
}

// The STDOUT records' content of `reply`; `ended` tells whether an
// END_REQUEST record came.
std::string StdoutOf(const std::string& reply, bool* ended) {
  std::string out;
  *ended = false;
  for (size_t at = 0; at + 8 <= reply.size();) {
    auto type = static_cast<unsigned char>(reply[at + 1]);
    size_t length = (static_cast<unsigned char>(reply[at + 4]) << 8) |
                    static_cast<unsigned char>(reply[at + 5]);
    size_t padding = static_cast<unsigned char>(reply[at + 6]);
    if (at + 8 + length + padding > reply.size()) break;  // not all there yet
    if (type == kStdout) out += reply.substr(at + 8, length);
    if (type == kEndRequest) *ended = true;
    at += 8 + length + padding;
  }
  return out;
}

}  // namespace

std::string FastCgiRecord(unsigned char type, const std::string& content) {
  std::string r = {1, static_cast<char>(type), 0, 1,
                   static_cast<char>(content.size() >> 8),
                   static_cast<char>(content.size() & 0xff), 0, 0};
  return r + content;
}

std::string FastCgiRequest(const std::map<std::string, std::string>& params,
                           const std::string& stdin_data) {
  std::string out = FastCgiRecord(kBeginRequest, {0, 1, 0, 0, 0, 0, 0, 0});
  std::string pairs;
  for (const auto& [name, value] : params) {
    pairs += Length(name.size()) + Length(value.size()) + name + value;
  }
  for (size_t at = 0; at < pairs.size(); at += 65535) {
    out += FastCgiRecord(kParams, pairs.substr(at, 65535));
  }
  out += FastCgiRecord(kParams, "");
  for (size_t at = 0; at < stdin_data.size(); at += 65535) {
    out += FastCgiRecord(kStdin, stdin_data.substr(at, 65535));
  }
  out += FastCgiRecord(kStdin, "");
  return out;
}

std::string FastCgiExchange(const std::string& socket_path,
                            const std::string& bytes, int timeout_ms) {
  return FastCgiExchangeAfter(socket_path, bytes, [] {}, timeout_ms);
}

std::string FastCgiExchangeAfter(const std::string& socket_path, const std::string& bytes,
                                 const std::function<void()>& between, int timeout_ms) {
  int fd = ConnectAndSend(socket_path, bytes, between, timeout_ms);
  if (fd < 0) return "";
  std::string reply;
  char buf[65536];
  for (ssize_t n; (n = read(fd, buf, sizeof buf)) > 0;) reply.append(buf, n);
  close(fd);
  bool ended;
  return StdoutOf(reply, &ended);
}

HeldExchange FastCgiExchangeHeld(const std::string& socket_path, const std::string& bytes,
                                 int timeout_ms) {
  HeldExchange held;
  held.fd = ConnectAndSend(socket_path, bytes, [] {}, timeout_ms);
  if (held.fd < 0) return held;
  std::string reply;
  char buf[65536];
  while (!held.ended) {
    ssize_t n = read(held.fd, buf, sizeof buf);
    if (n <= 0) break;
    reply.append(buf, n);
    held.stdout_data = StdoutOf(reply, &held.ended);
  }
  return held;
}

}  // namespace wikid::testing
