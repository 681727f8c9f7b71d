// Small helpers for test servers on 127.0.0.1.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <stdexcept>
#include <string>

namespace wikid::testing {

// A TCP socket bound to 127.0.0.1:`port` (0: any free port), with the
// port it got in *bound_port. The caller closes it.
inline int BindLoopback(int port, int* bound_port) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  int one = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<uint16_t>(port));
  socklen_t len = sizeof addr;
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    close(fd);
    throw std::runtime_error("cannot bind a loopback port");
  }
  *bound_port = ntohs(addr.sin_port);
  return fd;
}

// A port nobody listens on now (the kernel's choice).
inline int FreePort() {
  int port = 0;
  close(BindLoopback(0, &port));
  return port;
}

// A connected socket to `ip`:`port` (IPv4), or -1.
inline int ConnectTcp(const std::string& ip, int port) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  if (inet_pton(AF_INET, ip.c_str(), &addr.sin_addr) != 1) {
    close(fd);
    return -1;
  }
  addr.sin_port = htons(static_cast<uint16_t>(port));
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    close(fd);
    return -1;
  }
  return fd;
}

// A connected socket to 127.0.0.1:`port`, or -1.
inline int ConnectLoopback(int port) { return ConnectTcp("127.0.0.1", port); }

}  // namespace wikid::testing
