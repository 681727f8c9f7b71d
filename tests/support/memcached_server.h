// MemcachedServer: a real memcached on 127.0.0.1 and a free port, for one
// test. Started by the constructor (waits until it answers), killed by the
// destructor. Stop/Start, Pause/Resume (SIGSTOP/SIGCONT) let tests take
// it away under the code being tested.
#pragma once

#include <sys/types.h>

#include <string>
#include <utility>
#include <vector>

#include "model/cache/memcache.h"

namespace wikid::testing {

class MemcachedServer {
 public:
  MemcachedServer();
  // On a unix socket at `socket_path` (mode 0600) instead of TCP.
  explicit MemcachedServer(std::string socket_path);
  // On TCP at `ip` (an address of this machine other than 127.0.0.1: a
  // private bridge's, tests/support/netns_hosts.h) and a free port.
  struct OnAddress {
    std::string ip;
  };
  explicit MemcachedServer(OnAddress on);
  ~MemcachedServer();
  MemcachedServer(const MemcachedServer&) = delete;
  MemcachedServer& operator=(const MemcachedServer&) = delete;

  int port() const { return port_; }
  // What --memcached takes: IP:PORT, or the socket's path.
  std::string address() const {
    return socket_path_.empty() ? ip_ + ":" + std::to_string(port_) : socket_path_;
  }
  pid_t pid() const { return pid_; }

  // Kills it (SIGKILL: memcached takes ~3 s to exit on SIGTERM) and starts
  // a new, empty one on the same port.
  void Stop();
  void Start();
  // Freezes it: connections are accepted by the kernel but never answered.
  void Pause();
  void Resume();

 private:
  int port_ = 0;
  std::string ip_ = "127.0.0.1";
  std::string socket_path_;
  pid_t pid_ = -1;
};

// Options for a test's own client of `servers` (to look at, plant or
// flush what wikid keeps there). The product's 50 ms connect and poll
// timeouts are for a server that is either there or hung; on a loaded
// test machine a healthy memcached can take longer than that to be
// scheduled, and a look that should find an entry would find nothing. So
// a test's client waits seconds, unless it is the product's timeouts that
// the test is about.
CacheOptions PatientCacheOptions(std::vector<std::string> servers);

// A port that accepts connections and never answers, for as long as this
// object lives (a "black hole" memcached).
class BlackHole {
 public:
  BlackHole();
  ~BlackHole();
  BlackHole(const BlackHole&) = delete;
  BlackHole& operator=(const BlackHole&) = delete;
  std::string address() const { return "127.0.0.1:" + std::to_string(port_); }

 private:
  int fd_ = -1;
  int port_ = 0;
};

}  // namespace wikid::testing
