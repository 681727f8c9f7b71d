// AcceptWait: how an idle worker waits for its next connection (or a stop
// signal, or its idle tick). Every worker listens on the one socket the
// master opened. With poll(), each new connection woke every idle worker;
// one accepted it and the others found nothing (EAGAIN), so on two cores a
// page view paid for a wake-up per worker. This waits with epoll and
// EPOLLEXCLUSIVE instead: the kernel wakes one idle worker per connection.
// A connection that arrives while every worker is busy is still seen by
// whichever worker waits next (level-triggered), so none is left queued.
#pragma once

#include <csignal>

#include "model/base/status.h"

namespace wikid {

class AcceptWait {
 public:
  // What woke a Wait. Both may be set; neither after a timeout or EINTR.
  struct Woken {
    bool connection = false;  // the listening socket has one to accept
    bool signal = false;      // `signal_fd` (the self-pipe) is readable
  };

  // Watches `listen_fd` (exclusively: see above) and `signal_fd`. Neither
  // is owned. Made in the worker, after fork: each worker needs its own.
  static Result<AcceptWait> Create(int listen_fd, int signal_fd);

  AcceptWait(AcceptWait&& other) noexcept;
  AcceptWait& operator=(AcceptWait&&) = delete;
  AcceptWait(const AcceptWait&) = delete;
  ~AcceptWait();

  // Waits at most `timeout_ms`, with `signal_mask` as the signal mask
  // meanwhile (atomically, like ppoll), so signals held blocked elsewhere
  // are delivered only here.
  Woken Wait(int timeout_ms, const sigset_t& signal_mask);

 private:
  AcceptWait(int epoll_fd, int listen_fd)
      : epoll_fd_(epoll_fd), listen_fd_(listen_fd) {}
  int epoll_fd_;
  int listen_fd_;
};

}  // namespace wikid
