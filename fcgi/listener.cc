#include "fcgi/listener.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <grp.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

namespace wikid {
namespace {

// Deep enough that a burst waits in the kernel rather than failing; nginx
// answers 502 only when the queue is full.
constexpr int kBacklog = 1024;

std::string Errno(const std::string& what) {
  return what + ": " + std::strerror(errno);
}

Status MakeNonBlocking(int fd) {
  int flags = fcntl(fd, F_GETFL, 0);
  if (flags < 0 || fcntl(fd, F_SETFL, flags | O_NONBLOCK) < 0) {
    return Status::Internal(Errno("fcntl O_NONBLOCK"));
  }
  return Status::Ok();
}

bool IsListeningSocket(int fd) {
  int accepting = 0;
  socklen_t len = sizeof accepting;
  return getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &accepting, &len) == 0 &&
         accepting != 0;
}

Result<Listener> OpenUnix(const std::string& path, unsigned mode,
                          const std::string& group) {
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  if (path.size() >= sizeof addr.sun_path) {
    return Status::Invalid("socket path is too long: " + path);
  }
  std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);

  struct stat st{};
  if (lstat(path.c_str(), &st) == 0) {
    if (!S_ISSOCK(st.st_mode)) {
      return Status::Invalid(path + " exists and is not a socket");
    }
    // Someone accepting there means another wikid is running: refuse
    // rather than steal its socket. Refused means a stale file.
    int probe = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    bool live = probe >= 0 &&
                connect(probe, reinterpret_cast<sockaddr*>(&addr),
                        sizeof addr) == 0;
    if (probe >= 0) close(probe);
    if (live) {
      return Status::Invalid("another process is already serving on " + path);
    }
    unlink(path.c_str());
  }

  int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return Status::Internal(Errno("socket"));
  // Created owner-only, then opened up to `mode`: never a moment when the
  // socket is more open than asked.
  mode_t old_umask = umask(0177);
  int rc = bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  umask(old_umask);
  if (rc < 0) {
    std::string message = Errno("bind " + path);
    close(fd);
    return Status::Invalid(message);
  }
  Listener listener{fd, path};
  if (!group.empty()) {
    struct group* g = getgrnam(group.c_str());
    if (g == nullptr || chown(path.c_str(), static_cast<uid_t>(-1), g->gr_gid) < 0) {
      UnlinkListener(listener);
      close(fd);
      return Status::Invalid("cannot give " + path + " to group " + group);
    }
  }
  if (chmod(path.c_str(), mode) < 0 || listen(fd, kBacklog) < 0) {
    std::string message = Errno("chmod/listen " + path);
    UnlinkListener(listener);
    close(fd);
    return Status::Internal(message);
  }
  if (Status s = MakeNonBlocking(fd); !s.ok()) return s;
  return listener;
}

Result<Listener> OpenTcp(const std::string& spec) {
  size_t colon = spec.rfind(':');
  std::string host = spec.substr(0, colon);
  std::string port_text = spec.substr(colon + 1);
  char* end = nullptr;
  long port = std::strtol(port_text.c_str(), &end, 10);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  if (port_text.empty() || *end != '\0' || port < 1 || port > 65535 ||
      inet_pton(AF_INET, host.c_str(), &addr.sin_addr) != 1) {
    return Status::Invalid("--socket must be a path or IPV4:PORT, not " + spec);
  }
  addr.sin_port = htons(static_cast<uint16_t>(port));
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return Status::Internal(Errno("socket"));
  int one = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) < 0 ||
      listen(fd, kBacklog) < 0) {
    std::string message = Errno("bind/listen " + spec);
    close(fd);
    return Status::Invalid(message);
  }
  if (Status s = MakeNonBlocking(fd); !s.ok()) return s;
  return Listener{fd, ""};
}

}  // namespace

Result<Listener> OpenListener(const std::string& spec, unsigned mode,
                              const std::string& group) {
  // A path has a '/' or no ':'; "127.0.0.1:9000" is TCP.
  bool tcp = spec.find('/') == std::string::npos &&
             spec.find(':') != std::string::npos;
  return tcp ? OpenTcp(spec) : OpenUnix(spec, mode, group);
}

Result<Listener> InheritedListener() {
  const char* fds = std::getenv("LISTEN_FDS");
  const char* pid = std::getenv("LISTEN_PID");
  if (fds != nullptr && pid != nullptr && std::atoi(fds) >= 1 &&
      std::atol(pid) == static_cast<long>(getpid())) {
    constexpr int kSystemdFirstFd = 3;
    if (IsListeningSocket(kSystemdFirstFd)) {
      if (Status s = MakeNonBlocking(kSystemdFirstFd); !s.ok()) return s;
      return Listener{kSystemdFirstFd, ""};
    }
  }
  if (IsListeningSocket(STDIN_FILENO)) {
    if (Status s = MakeNonBlocking(STDIN_FILENO); !s.ok()) return s;
    return Listener{STDIN_FILENO, ""};
  }
  return Status::NotFound(
      "no --socket given and no listening socket on fd 0 or from systemd");
}

void UnlinkListener(Listener& listener) {
  if (!listener.unix_path.empty()) {
    unlink(listener.unix_path.c_str());
    listener.unix_path.clear();
  }
}

}  // namespace wikid
