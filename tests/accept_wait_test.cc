// AcceptWait: one new connection wakes one waiting worker, not all of
// them; a connection queued while nobody waits is still seen; the signal
// pipe and the timeout wake a waiter too. Real sockets, one epoll instance
// per "worker" (here threads, as workers each make their own after fork).
#define BOOST_TEST_MODULE accept_wait
#include "fcgi/accept_wait.h"

#include <fcntl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <atomic>
#include <boost/test/unit_test.hpp>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <string>
#include <thread>

namespace wikid {
namespace {

// A non-blocking listening unix socket in a fresh directory, as the master
// opens it.
struct ListeningSocket {
  std::string dir;
  std::string path;
  int fd = -1;
  ListeningSocket() {
    char pattern[] = "/tmp/wikid-accept-wait.XXXXXX";
    dir = mkdtemp(pattern);
    path = dir + "/s.sock";
    fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    path.copy(addr.sun_path, sizeof addr.sun_path - 1);
    BOOST_REQUIRE(bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) ==
                  0);
    BOOST_REQUIRE(listen(fd, 16) == 0);
  }
  ~ListeningSocket() {
    close(fd);
    unlink(path.c_str());
    rmdir(dir.c_str());
  }
  int Connect() const {
    int c = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    path.copy(addr.sun_path, sizeof addr.sun_path - 1);
    BOOST_REQUIRE(connect(c, reinterpret_cast<sockaddr*>(&addr), sizeof addr) ==
                  0);
    return c;
  }
};

struct Pipe {
  int read_end = -1, write_end = -1;
  Pipe() {
    int fds[2];
    BOOST_REQUIRE(pipe2(fds, O_CLOEXEC | O_NONBLOCK) == 0);
    read_end = fds[0];
    write_end = fds[1];
  }
  ~Pipe() {
    close(read_end);
    close(write_end);
  }
};

sigset_t CurrentMask() {
  sigset_t mask;
  pthread_sigmask(SIG_SETMASK, nullptr, &mask);
  return mask;
}

// Whether thread `tid` of this process sleeps in epoll_wait, read from
// the kernel (its state, and the function it sleeps in where the kernel
// shows it) rather than guessed from how long ago it started.
bool SleepsInEpoll(pid_t tid) {
  const std::string task = "/proc/self/task/" + std::to_string(tid);
  std::ifstream stat_file(task + "/stat");
  std::string stat((std::istreambuf_iterator<char>(stat_file)), std::istreambuf_iterator<char>());
  size_t paren = stat.rfind(')');
  if (paren == std::string::npos || paren + 2 >= stat.size() || stat[paren + 2] != 'S') {
    return false;
  }
  std::string wchan;
  std::ifstream(task + "/wchan") >> wchan;
  return wchan.find("epoll") != std::string::npos || wchan.empty() || wchan == "0";
}

// Polls `condition` for up to a minute (a machine under load may be slow;
// a correct run returns at once).
template <typename Condition>
bool WithinAMinute(Condition condition) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (!condition()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));  // a poll, under the deadline
  }
  return true;
}

BOOST_AUTO_TEST_CASE(one_connection_wakes_one_of_two_waiting_workers) {
  ListeningSocket listening;
  Pipe signals;
  auto first = AcceptWait::Create(listening.fd, signals.read_end);
  auto second = AcceptWait::Create(listening.fd, signals.read_end);
  BOOST_REQUIRE(first.ok());
  BOOST_REQUIRE(second.ok());
  // Neither "worker" accepts, so the connection stays ready: with a plain
  // poll() both would report it; here the second sleeps on until the
  // signal pipe wakes it, after the connection was taken.
  struct Waiter {
    std::atomic<pid_t> tid{0};
    std::atomic<bool> returned{false};
    AcceptWait::Woken woken;
  };
  Waiter waiters[2];
  const sigset_t mask = CurrentMask();
  auto wait_in = [&](AcceptWait& accept_wait, Waiter& waiter) {
    return std::thread([&accept_wait, &waiter, mask] {
      waiter.tid = gettid();
      waiter.woken = accept_wait.Wait(120000, mask);
      waiter.returned = true;
    });
  };
  std::thread a = wait_in(*first, waiters[0]);
  std::thread b = wait_in(*second, waiters[1]);
  BOOST_REQUIRE(WithinAMinute([&] {
    return waiters[0].tid && waiters[1].tid && SleepsInEpoll(waiters[0].tid) &&
           SleepsInEpoll(waiters[1].tid);
  }));
  int client = listening.Connect();
  BOOST_REQUIRE(WithinAMinute([&] { return waiters[0].returned || waiters[1].returned; }));
  Waiter& woken = waiters[0].returned ? waiters[0] : waiters[1];
  Waiter& other = waiters[0].returned ? waiters[1] : waiters[0];
  BOOST_TEST(woken.woken.connection);
  // The other was not woken: it still sleeps in epoll_wait (a thread woken
  // but not yet run would be runnable, not sleeping).
  BOOST_TEST(!other.returned);
  BOOST_TEST(SleepsInEpoll(other.tid));
  // Taken, and then the other released through the signal pipe.
  int accepted = accept(listening.fd, nullptr, nullptr);
  BOOST_TEST(accepted >= 0);
  char byte = 1;
  BOOST_REQUIRE(write(signals.write_end, &byte, 1) == 1);
  a.join();
  b.join();
  BOOST_TEST(other.woken.signal);
  BOOST_TEST(!other.woken.connection);
  close(accepted);
  close(client);
}

BOOST_AUTO_TEST_CASE(a_connection_queued_while_nobody_waited_is_seen_next) {
  ListeningSocket listening;
  Pipe signals;
  auto waiter = AcceptWait::Create(listening.fd, signals.read_end);
  BOOST_REQUIRE(waiter.ok());
  int client = listening.Connect();  // every worker busy elsewhere
  AcceptWait::Woken woken = waiter->Wait(2000, CurrentMask());
  BOOST_TEST(woken.connection);
  BOOST_TEST(!woken.signal);
  // Level-triggered: still there for the next wait until it is accepted.
  BOOST_TEST(waiter->Wait(2000, CurrentMask()).connection);
  int accepted = accept(listening.fd, nullptr, nullptr);
  BOOST_TEST(accepted >= 0);
  BOOST_TEST(!waiter->Wait(50, CurrentMask()).connection);
  close(accepted);
  close(client);
}

BOOST_AUTO_TEST_CASE(the_signal_pipe_and_the_timeout_wake_it_too) {
  ListeningSocket listening;
  Pipe signals;
  auto waiter = AcceptWait::Create(listening.fd, signals.read_end);
  BOOST_REQUIRE(waiter.ok());
  AcceptWait::Woken idle = waiter->Wait(50, CurrentMask());
  BOOST_TEST(!idle.connection);
  BOOST_TEST(!idle.signal);
  char byte = 1;
  BOOST_REQUIRE(write(signals.write_end, &byte, 1) == 1);
  AcceptWait::Woken woken = waiter->Wait(2000, CurrentMask());
  BOOST_TEST(woken.signal);
  BOOST_TEST(!woken.connection);
}

BOOST_AUTO_TEST_CASE(a_socket_that_is_not_one_is_refused) {
  Pipe signals;
  auto waiter = AcceptWait::Create(-1, signals.read_end);
  BOOST_TEST(!waiter.ok());
  BOOST_TEST(waiter.status().message().find("epoll_ctl") != std::string::npos);
}

}  // namespace
}  // namespace wikid
