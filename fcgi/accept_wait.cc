#include "fcgi/accept_wait.h"

#include <sys/epoll.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

namespace wikid {

Result<AcceptWait> AcceptWait::Create(int listen_fd, int signal_fd) {
  int epoll_fd = epoll_create1(EPOLL_CLOEXEC);
  if (epoll_fd < 0) {
    return Status::Internal(std::string("epoll_create1: ") +
                            std::strerror(errno));
  }
  epoll_event on_listen{};
  on_listen.events = EPOLLIN | EPOLLEXCLUSIVE;
  on_listen.data.fd = listen_fd;
  epoll_event on_signal{};
  on_signal.events = EPOLLIN;
  on_signal.data.fd = signal_fd;
  if (epoll_ctl(epoll_fd, EPOLL_CTL_ADD, listen_fd, &on_listen) != 0 ||
      epoll_ctl(epoll_fd, EPOLL_CTL_ADD, signal_fd, &on_signal) != 0) {
    std::string message = std::string("epoll_ctl: ") + std::strerror(errno);
    close(epoll_fd);
    return Status::Internal(message);
  }
  return AcceptWait(epoll_fd, listen_fd);
}

AcceptWait::AcceptWait(AcceptWait&& other) noexcept
    : epoll_fd_(other.epoll_fd_), listen_fd_(other.listen_fd_) {
  other.epoll_fd_ = -1;
}

AcceptWait::~AcceptWait() {
  if (epoll_fd_ >= 0) close(epoll_fd_);
}

AcceptWait::Woken AcceptWait::Wait(int timeout_ms,
                                   const sigset_t& signal_mask) {
  epoll_event events[2];
  int n = epoll_pwait(epoll_fd_, events, 2, timeout_ms, &signal_mask);
  Woken woken;
  for (int i = 0; i < n; ++i) {
    if (events[i].data.fd == listen_fd_) {
      woken.connection = true;
    } else {
      woken.signal = true;
    }
  }
  return woken;
}

}  // namespace wikid
