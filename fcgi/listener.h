// The FastCGI listening socket: created by wikid itself, never by
// FCGX_OpenSocket, which unlinks a live socket path and calls exit() when
// bind fails.
#pragma once

#include <string>

#include "model/base/status.h"

namespace wikid {

struct Listener {
  int fd = -1;
  std::string unix_path;  // set when we created a unix socket (to unlink)
};

// Opens `spec`: a unix socket path, or "127.0.0.1:PORT" (an IPv4 literal
// and a port). A unix path that another process still serves is refused;
// a stale one (nothing accepting) is replaced. The socket file gets
// `mode` and, if not empty, `group`. The fd is non-blocking: workers poll
// it and several race to accept.
Result<Listener> OpenListener(const std::string& spec, unsigned mode,
                              const std::string& group);

// The listening socket handed to us by our parent: systemd socket
// activation (LISTEN_FDS=1 with LISTEN_PID = our pid, fd 3) or the FastCGI
// convention of a listening socket on fd 0 (spawn-fcgi). NotFound if there
// is none.
Result<Listener> InheritedListener();

// Removes the socket path so no new connection can reach us (connections
// already accepted are unaffected). Safe to call twice.
void UnlinkListener(Listener& listener);

}  // namespace wikid
