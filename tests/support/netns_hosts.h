// NetnsHosts: several wikid "hosts" on one machine, each in a Linux
// network namespace of its own, for the multi-host test (issue 17). Needs
// root; Unavailable() says why it cannot run where it cannot.
//
// The network: a bridge in the root namespace with a private address,
// 10.231.X.1/24 (X random per run, so that parallel runs do not clash),
// and per host a namespace with a veth pair into the bridge, the host at
// 10.231.X.(2 + i), its loopback up. In the root namespace, on the
// bridge's address: the memcached servers (ketama, the same list on every
// host), PostgreSQL if that is the engine, and, if asked for, the SMTP
// sink. In each namespace: one wikid
// master (`ip netns exec NS wikid serve`), FastCGI over TCP on its
// namespace's address, a data folder of its own for what is the host's
// (the fast-path switch, file copies), and one database shared by all, on
// the engine WIKID_TEST_DATABASE names (tests/support/test_database.h):
//   - SQLite: one file, over the namespaces' shared filesystem, as
//     README's "Several hosts" allows on one machine;
//   - PostgreSQL: a server of this stack's own, listening on the bridge's
//     address beside 127.0.0.1 (PostgresServer::PrivateNetwork). The
//     suite's server cannot serve here: it listens on the root
//     namespace's loopback, which no host can reach, and PostgreSQL reads
//     its addresses at start only, before this bridge existed. The hosts
//     log in over the bridge as the password role, with its password
//     (PGPASSWORD, scram-sha-256), the only way in from the bridge's
//     network, as hosts on a private network would; the test's own
//     queries go over 127.0.0.1.
//
// The project's rule is that test servers listen on 127.0.0.1 only: the
// bridge's addresses are private (10.231.0.0/16), on a bridge with no
// uplink, reachable from this machine only; the only listeners outside
// them are the nginx servers, on 127.0.0.1:
//   - one in front of every host (an upstream of their FastCGI
//     addresses), as a load balancer would be; its fast-path switch is
//     host 0's (it stands for host 0's nginx serving for all);
//   - one per host, in front of that host only, with that host's switch
//     (each host's own nginx): a request there is pinned to the host.
//
// Everything is stopped by pid and deleted by the destructor (the
// namespaces, veths and bridge too, whatever the test's outcome); names
// carry the test process's pid, and the constructor deletes what a killed
// earlier run (whose pid is gone) left behind.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "tests/support/memcached_server.h"
#include "tests/support/postgres_server.h"
#include "tests/support/smtp_sink.h"
#include "tests/support/temp_dir.h"
#include "tests/support/test_database.h"
#include "tests/support/test_wiki.h"

namespace wikid::testing {

struct NetnsHostsOptions {
  int hosts = 3;
  int workers = 2;
  int memcached_servers = 2;
  // Start the SMTP sink and give every host --smtp-url.
  bool smtp = false;
  // How long wikid and nginx wait for memcached (see TestWikiOptions).
  int memcached_timeout_ms = 2000;
  std::map<std::string, std::string> env;  // every host's
  // Host i's own environment, on top of `env` (a failpoint on one host).
  std::map<int, std::map<std::string, std::string>> host_env;
  std::vector<std::string> extra_args;     // every host's wikid serve
};

// An nginx on 127.0.0.1:PORT.
class NginxTarget : public HttpTarget {
 public:
  explicit NginxTarget(int port) : port_(port) {}
  HttpResponse Request(const std::string& method, const std::string& path,
                       const std::string& body, const HeaderList& headers) override;
  HttpResponse Get(const std::string& path, const HeaderList& headers = {}) {
    return Request("GET", path, "", headers);
  }
  int port() const { return port_; }

 private:
  int port_;
};

class NetnsHosts {
 public:
  // Why hosts cannot be made here (not root, `ip netns add` fails...), or
  // "" if they can.
  static std::string Unavailable();

  explicit NetnsHosts(NetnsHostsOptions options = {});
  ~NetnsHosts();
  NetnsHosts(const NetnsHosts&) = delete;
  NetnsHosts& operator=(const NetnsHosts&) = delete;

  int size() const { return static_cast<int>(hosts_.size()); }
  // The nginx in front of every host.
  NginxTarget& Balanced() { return *balanced_; }
  // Host i's own nginx (i modulo the number of hosts).
  NginxTarget& Pinned(int i) { return *hosts_[i % size()].nginx; }

  MemcachedServer& memcached(int i) { return *memcached_[i]; }
  // The list every host has as --memcached.
  std::string MemcachedList() const;
  SmtpSink& smtp() { return *smtp_; }
  // The shared database, as the test reaches it (SQL in its engine's
  // dialect; the tables the multi-host cases read are alike on both).
  const TestDatabase& database() const { return *database_; }
  // One number from it (NULL reads as 0); statements that return nothing.
  // Both fail the test on failure.
  int64_t Scalar(const std::string& sql) const;
  void Exec(const std::string& sql) const { database_->Exec(sql); }
  // On PostgreSQL: the shared database's URL at the bridge's address for
  // `user` (the hosts' is the password role's).
  std::string BridgeDatabaseUrl(const std::string& user) const;
  // Runs `argv` in host i's namespace to its end (`ip netns exec`).
  CommandRun RunOnHost(int i, std::vector<std::string> argv,
                       const std::map<std::string, std::string>& env = {}) const;
  // `wikid user create` on the shared database.
  void CreateUser(const std::string& name, const std::string& password, bool admin = false,
                  const std::string& email = "");

  // Host i's FastCGI address (IP:PORT in its namespace).
  std::string FastCgiAddress(int i) const;
  pid_t MasterPid(int i) const { return hosts_[i].pid; }
  std::vector<pid_t> WorkerPids(int i) const { return MasterChildren(hosts_[i].pid, false); }
  pid_t MailerPid(int i) const;
  // The machine dies at once: SIGKILL to its wikid (master, workers,
  // mailer) and to its own nginx.
  void KillHost(int i);
  // Only wikid's master dies (SIGKILL: the OOM killer, kill -9); its
  // workers get SIGTERM from the kernel (PR_SET_PDEATHSIG), its nginx
  // lives on. Returns once the workers are gone.
  void KillMaster(int i);
  // Starts host i's wikid again (after KillHost or KillMaster), and its
  // nginx if it is gone; waits until both serve.
  void StartHost(int i);
  // What host i's fast-path switch points at (TestWiki::FastPathSwitch).
  std::string FastPathSwitch(int i) const;
  // Waits until host i's switch points at a generation.
  bool WaitForFastPath(int i, std::chrono::milliseconds timeout) const;
  std::string HostLog(int i) const;
  // How many times `text` occurs in host i's log.
  size_t LogCount(int i, const std::string& text) const;
  // Every host's log, nginx's error logs: for a failure's message.
  std::string AllLogs() const;
  // The folder host i's failpoints wait on (WIKID_FAILPOINT_DIR).
  std::string FailpointDir(int i) const;

 private:
  struct Host {
    std::string netns;
    std::string veth;
    std::string ip;
    std::string data;
    pid_t pid = -1;
    std::unique_ptr<NginxTarget> nginx;
    pid_t nginx_pid = -1;
  };
  void SetUpNetwork();
  // The database, once the bridge exists (PostgreSQL listens on it).
  void SetUpDatabase();
  void TearDown();
  // Spawns host i's wikid (does not wait).
  void SpawnHost(int i);
  void WaitForHost(int i);
  void StartHostNginx(int i);
  // SIGKILL to host i's master and `children`; waits until all are gone.
  void KillProcesses(int i, const std::vector<pid_t>& children);
  std::vector<std::string> NginxArgs(int port, const std::vector<int>& hosts, int flag_of) const;

  NetnsHostsOptions options_;
  TempDir dir_;
  std::string prefix_;  // 10.231.X
  std::string bridge_;
  std::unique_ptr<PostgresServer> postgres_;  // on PostgreSQL only
  std::string postgres_database_;             // its name there
  std::string hosts_database_;                // what every host has as --database
  std::unique_ptr<TestDatabase> database_;    // the test's way in
  std::vector<Host> hosts_;
  std::vector<std::unique_ptr<MemcachedServer>> memcached_;
  std::unique_ptr<SmtpSink> smtp_;
  std::unique_ptr<NginxTarget> balanced_;
  pid_t balanced_pid_ = -1;
};

}  // namespace wikid::testing
