#include "tests/support/memcached_server.h"

#include "tests/support/loopback.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <thread>

namespace wikid::testing {
namespace {

int ConnectUnix(const std::string& path) {
  int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  path.copy(addr.sun_path, sizeof addr.sun_path - 1);
  if (fd >= 0 && connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    close(fd);
    return -1;
  }
  return fd;
}

// True once "version" gets an answer.
bool Answers(const std::string& ip, int port, const std::string& socket_path) {
  int fd = socket_path.empty() ? ConnectTcp(ip, port) : ConnectUnix(socket_path);
  bool ok = false;
  if (fd >= 0) {
    timeval timeout{0, 200000};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    const char request[] = "version\r\n";
    char reply[64];
    ok = write(fd, request, sizeof request - 1) > 0 &&
         read(fd, reply, sizeof reply) > 0;
  }
  if (fd >= 0) close(fd);
  return ok;
}

}  // namespace

MemcachedServer::MemcachedServer() : port_(FreePort()) { Start(); }

MemcachedServer::MemcachedServer(std::string socket_path)
    : socket_path_(std::move(socket_path)) {
  Start();
}

MemcachedServer::MemcachedServer(OnAddress on) : port_(FreePort()), ip_(std::move(on.ip)) {
  Start();
}

MemcachedServer::~MemcachedServer() {
  if (pid_ > 0) {
    kill(pid_, SIGCONT);
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
  }
}

void MemcachedServer::Start() {
  pid_ = fork();
  if (pid_ == 0) {
    int null = open("/dev/null", O_RDWR);
    dup2(null, 0);
    dup2(null, 1);
    dup2(null, 2);
    std::string port = std::to_string(port_);
    // -U 0: no UDP. -u: memcached refuses to run as root without a user
    // (its own, for a socket only its owner may use).
    if (!socket_path_.empty()) {
      unlink(socket_path_.c_str());
      execlp("memcached", "memcached", "-s", socket_path_.c_str(), "-a", "0600", "-m", "64",
             "-u", getuid() == 0 ? "root" : "nobody", nullptr);
    } else {
      execlp("memcached", "memcached", "-l", ip_.c_str(), "-p", port.c_str(),
             "-U", "0", "-m", "64", "-u", "nobody", nullptr);
    }
    _exit(127);
  }
  for (int i = 0; i < 6000; ++i) {  // up to a minute, on a loaded machine
    if (Answers(ip_, port_, socket_path_)) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  throw std::runtime_error("memcached did not start on port " +
                           std::to_string(port_));
}

void MemcachedServer::Stop() {
  kill(pid_, SIGCONT);
  kill(pid_, SIGKILL);
  waitpid(pid_, nullptr, 0);
  pid_ = -1;
}

void MemcachedServer::Pause() {
  kill(pid_, SIGSTOP);
  // A signal is delivered asynchronously; a test must not race it. Wait
  // until the kernel reports every thread stopped ("T" in each
  // /proc/PID/task/TID/stat), for up to a minute.
  const std::string tasks = "/proc/" + std::to_string(pid_) + "/task";
  auto stopped = [&] {
    std::error_code error;
    for (const auto& task : std::filesystem::directory_iterator(tasks, error)) {
      std::ifstream stat(task.path() / "stat");
      std::string text((std::istreambuf_iterator<char>(stat)), {});
      size_t close = text.rfind(')');
      if (close == std::string::npos || close + 2 >= text.size() || text[close + 2] != 'T') {
        return false;
      }
    }
    return !error;
  };
  for (int i = 0; i < 60000; ++i) {
    if (stopped()) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  throw std::runtime_error("memcached did not stop on SIGSTOP");
}
void MemcachedServer::Resume() { kill(pid_, SIGCONT); }

BlackHole::BlackHole() {
  fd_ = BindLoopback(0, &port_);
  listen(fd_, 64);  // the kernel completes handshakes; nobody reads
}

BlackHole::~BlackHole() { close(fd_); }

CacheOptions PatientCacheOptions(std::vector<std::string> servers) {
  CacheOptions options;
  options.servers = std::move(servers);
  options.connect_timeout_ms = 10'000;
  options.poll_timeout_ms = 10'000;
  return options;
}

}  // namespace wikid::testing
