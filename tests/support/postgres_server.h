// PostgresServer: a real PostgreSQL 15 server for tests, in a temporary
// directory of its own, listening on 127.0.0.1 and a free port (and, if
// asked, a private network's address: PrivateNetwork) and on a unix
// socket in that directory. Started by the constructor, which waits
// until it accepts connections (pg_isready's question, asked through
// libpq's PQping, under a deadline); stopped by the destructor, by the
// PID it started (a fast shutdown, then waiting for the process).
//
// PostgreSQL refuses to run as root, so when the tests run as root the
// server runs as `nobody` (its directory is nobody's); otherwise as the
// tests' own user. The server dies with the process that started it
// (PR_SET_PDEATHSIG) should a test crash before its destructor runs;
// the suite's one server (Lifetime::kDetached, started and stopped by
// ctest's fixture, tests/support/postgres_for_suite.cc) outlives it.
//
// Made for tests, not speed of durability: fsync is off, so a test's
// database lives in the page cache (a crash of the machine is not what
// these tests are about; a crash of the server is, and fsync does not
// change what a killed server keeps).
#pragma once

#include <sys/types.h>

#include <functional>
#include <string>
#include <vector>

namespace wikid::testing {

class PostgresServer {
 public:
  // kOwn: the server dies with this process and its destructor.
  // kDetached: it outlives both (the suite's one server, below), to be
  // stopped by StopDescribed.
  enum class Lifetime { kOwn, kDetached };
  // Reachable from a private network too (the several-hosts test's
  // bridge, tests/support/netns_hosts.h): the server listens on `address`
  // beside 127.0.0.1, and from `cidr` lets in the password role only,
  // with its password (scram-sha-256); no other role, and no one without
  // the password, from there. Empty: 127.0.0.1 only.
  struct PrivateNetwork {
    std::string address;  // one of this machine's, e.g. 10.231.7.1
    std::string cidr;     // the clients', e.g. 10.231.7.0/24
  };
  explicit PostgresServer(Lifetime lifetime = Lifetime::kOwn, PrivateNetwork network = {});
  ~PostgresServer();
  PostgresServer(const PostgresServer&) = delete;
  PostgresServer& operator=(const PostgresServer&) = delete;

  // The server of this test process, on first use: the suite's one server
  // if the environment names its description (WIKID_TEST_POSTGRES, set by
  // tests/CMakeLists.txt for the tests of the fixture that starts it;
  // each test makes databases of its own there, dropped when the process
  // ends), else one of the process's own (initdb takes a second or two).
  static PostgresServer& Shared();

  // The suite's server (tests/support/postgres_for_suite.cc): writes what
  // Shared needs to reach it to `file`, and stops the server `file`
  // describes (by its PID), deleting its directory and the file.
  void Describe(const std::string& file) const;
  static void StopDescribed(const std::string& file);

  int port() const { return port_; }
  pid_t pid() const { return pid_; }
  // The superuser every test connects as (trusted, no password, on
  // 127.0.0.1 and the socket).
  static constexpr const char* kUser = "wikid";
  // A role that must give a password (scram-sha-256) over TCP, with it.
  static constexpr const char* kPasswordUser = "wikid_password";
  static constexpr const char* kPassword = "s3cret-Not-In-Logs";

  // Makes a new, empty database owned by `owner` and returns its URL for
  // that user: postgresql://OWNER@127.0.0.1:PORT/NAME.
  std::string CreateDatabase(const std::string& owner = kUser);
  // The URL of database `name` for `user` (no password in it), at `host`
  // (the private network's address, say).
  std::string Url(const std::string& name, const std::string& user = kUser,
                  const std::string& host = "127.0.0.1") const;

  // How Restart stops the server: kImmediate (SIGQUIT: every backend
  // killed at once, no checkpoint, the next start recovering from the WAL,
  // as after a crash), or kFast (SIGINT: open transactions rolled back,
  // clients disconnected, a clean stop), an operator's restart.
  enum class Shutdown { kImmediate, kFast };
  // Stops the server and starts it again on the same directory and port,
  // waiting until it accepts connections: what a connection sees when its
  // server restarts. `while_down` runs between the two, once the server
  // has exited (the outage a client meets). Only on a server of the
  // process's own (other tests share the suite's).
  void Restart(Shutdown how = Shutdown::kImmediate,
               const std::function<void()>& while_down = {});

  // Sends `signal` to the server and to every process it started, by PID
  // (the postmaster first, then the processes /proc names as its
  // children): SIGSTOP freezes it as a server that stops answering while
  // its host still acknowledges every packet; SIGCONT thaws it. Only on a
  // server of the process's own.
  void SignalEveryProcess(int signal);

 private:
  struct Attached {};
  // The server another process started, listening on `port`.
  PostgresServer(Attached, int port);
  void Start();
  void Stop(int signal);
  // Runs `argv` as the server's user and waits for it; throws on failure.
  void RunAsServerUser(const std::vector<std::string>& argv);

  std::string dir_;  // the server's own temporary directory ("" if attached)
  int port_ = 0;
  pid_t pid_ = -1;
  Lifetime lifetime_ = Lifetime::kOwn;
  PrivateNetwork network_;
  bool attached_ = false;
  std::vector<std::string> databases_;  // made here: dropped at the end if attached
};

}  // namespace wikid::testing
