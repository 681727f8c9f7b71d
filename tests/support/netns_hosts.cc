#include "tests/support/netns_hosts.h"

#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <random>
#include <regex>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "model/cache/fast_path.h"
#include "tests/support/loopback.h"

namespace wikid::testing {
namespace {

using namespace std::chrono_literals;

// wikid's FastCGI port in every namespace (each has its own ports).
constexpr int kFastCgiPort = 9000;

CommandRun Ip(const std::vector<std::string>& args) {
  std::vector<std::string> argv = {"ip"};
  argv.insert(argv.end(), args.begin(), args.end());
  return RunCommand(argv, {}, 60s);
}

// `ip ARGS`, which must succeed.
void MustIp(const std::vector<std::string>& args) {
  CommandRun run = Ip(args);
  if (run.code != 0) {
    std::string line = "ip";
    for (const std::string& a : args) line += " " + a;
    throw std::runtime_error(line + " failed: " + run.output);
  }
}

bool PidAlive(pid_t pid) { return kill(pid, 0) == 0 || errno == EPERM; }

// Namespaces and bridges of earlier runs whose process is gone (killed by
// ctest's timeout, say, before its destructor ran).
void DeleteLeftovers() {
  std::istringstream namespaces(Ip({"netns", "list"}).output);
  static const std::regex netns_name(R"(^(wikid-(\d+)-\d+-\d+)\b)");
  for (std::string line; std::getline(namespaces, line);) {
    std::smatch m;
    if (std::regex_search(line, m, netns_name) && !PidAlive(std::stoi(m[2]))) {
      Ip({"netns", "del", m[1]});
    }
  }
  std::istringstream links(Ip({"-o", "link", "show", "type", "bridge"}).output);
  static const std::regex bridge_name(R"(^\d+: (wk(\d+)b\d+)[:@])");
  for (std::string line; std::getline(links, line);) {
    std::smatch m;
    if (std::regex_search(line, m, bridge_name) && !PidAlive(std::stoi(m[2]))) {
      Ip({"link", "del", m[1]});
    }
  }
}

// Waits until every one of `pids` is gone. They were a killed master's
// children: orphans now, reaped by init; gone once the kernel says so.
void WaitGone(const std::vector<pid_t>& pids) {
  WaitUntil(
      [&] {
        for (pid_t pid : pids) {
          if (ProcessAlive(pid)) return false;
        }
        return true;
      },
      60s);
}

bool Accepts(const std::string& ip, int port) {
  int fd = ConnectTcp(ip, port);
  if (fd >= 0) close(fd);
  return fd >= 0;
}

}  // namespace

HttpResponse NginxTarget::Request(const std::string& method, const std::string& path,
                                  const std::string& body, const HeaderList& headers) {
  return CurlRequest(method, "http://127.0.0.1:" + std::to_string(port_) + path, body, headers);
}

std::string NetnsHosts::Unavailable() {
  if (geteuid() != 0) return "network namespaces need root (this test runs as root in CI)";
  const std::string probe = "wikid-" + std::to_string(getpid()) + "-probe-0";
  CommandRun add = Ip({"netns", "add", probe});
  if (add.code != 0) return "`ip netns add` failed here: " + add.output;
  Ip({"netns", "del", probe});
  return "";
}

NetnsHosts::NetnsHosts(NetnsHostsOptions options) : options_(std::move(options)) {
  DeleteLeftovers();
  try {
    SetUpNetwork();
    SetUpDatabase();
    for (int i = 0; i < options_.memcached_servers; ++i) {
      memcached_.push_back(std::make_unique<MemcachedServer>(
          MemcachedServer::OnAddress{prefix_ + ".1"}));
    }
    if (options_.smtp) smtp_ = std::make_unique<SmtpSink>(SmtpSinkOptions{.ip = prefix_ + ".1"});
    // All at once: their first opens of the new database race, as hosts
    // started together would (migrations run once, under a lock).
    for (int i = 0; i < size(); ++i) SpawnHost(i);
    for (int i = 0; i < size(); ++i) WaitForHost(i);
    std::vector<int> all;
    for (int i = 0; i < size(); ++i) {
      all.push_back(i);
      hosts_[i].nginx = std::make_unique<NginxTarget>(FreePort());
      StartHostNginx(i);
    }
    const int port = FreePort();
    balanced_pid_ = StartNginxServer(NginxArgs(port, all, 0), dir_.File("nginx-all"), port);
    balanced_ = std::make_unique<NginxTarget>(port);
  } catch (...) {
    TearDown();
    throw;
  }
}

NetnsHosts::~NetnsHosts() { TearDown(); }

void NetnsHosts::SetUpNetwork() {
  static int runs = 0;
  const int n = runs++;
  const std::string pid = std::to_string(getpid());
  const std::string run = pid + "-" + std::to_string(n);
  // A /24 of 10.231.0.0/16 that no interface here has yet.
  const std::string addresses = Ip({"-o", "-4", "addr", "show"}).output;
  std::random_device random;
  for (int attempt = 0; prefix_.empty(); ++attempt) {
    const std::string candidate = "10.231." + std::to_string(1 + random() % 254);
    if (addresses.find(" " + candidate + ".") == std::string::npos) prefix_ = candidate;
    if (attempt > 1000) throw std::runtime_error("no free 10.231.X.0/24 here");
  }
  // Interface names: 15 characters at most (IFNAMSIZ).
  bridge_ = "wk" + pid + "b" + std::to_string(n);
  MustIp({"link", "add", bridge_, "type", "bridge"});
  MustIp({"addr", "add", prefix_ + ".1/24", "dev", bridge_});
  MustIp({"link", "set", bridge_, "up"});
  for (int i = 0; i < options_.hosts; ++i) {
    Host host;
    host.netns = "wikid-" + run + "-" + std::to_string(i);
    host.veth = "wk" + pid + "v" + std::to_string(n) + "h" + std::to_string(i);
    host.ip = prefix_ + "." + std::to_string(2 + i);
    host.data = dir_.File("host-" + std::to_string(i));
    hosts_.push_back(std::move(host));
    const Host& h = hosts_.back();
    MustIp({"netns", "add", h.netns});
    MustIp({"link", "add", h.veth, "type", "veth", "peer", "name", "eth0", "netns", h.netns});
    MustIp({"link", "set", h.veth, "master", bridge_, "up"});
    MustIp({"-n", h.netns, "addr", "add", h.ip + "/24", "dev", "eth0"});
    MustIp({"-n", h.netns, "link", "set", "eth0", "up"});
    MustIp({"-n", h.netns, "link", "set", "lo", "up"});
    std::filesystem::create_directories(FailpointDir(i));
  }
}

void NetnsHosts::SetUpDatabase() {
  if (EngineUnderTest() == Engine::kSqlite) {
    hosts_database_ = "sqlite:" + dir_.File("wiki.db");
    database_ = std::make_unique<TestDatabase>(hosts_database_, TestConnections::kKept);
    return;
  }
  // See the header: a server of its own, on the bridge too (an initdb, a
  // second or two), and a database the password role owns, as the
  // hosts migrate it.
  const std::string bridge = prefix_ + ".1";
  postgres_ = std::make_unique<PostgresServer>(
      PostgresServer::Lifetime::kOwn, PostgresServer::PrivateNetwork{bridge, prefix_ + ".0/24"});
  const std::string url = postgres_->CreateDatabase(PostgresServer::kPasswordUser);
  postgres_database_ = url.substr(url.rfind('/') + 1);
  hosts_database_ = BridgeDatabaseUrl(PostgresServer::kPasswordUser);
  database_ = std::make_unique<TestDatabase>(postgres_->Url(postgres_database_),
                                             TestConnections::kKept);
}

std::string NetnsHosts::BridgeDatabaseUrl(const std::string& user) const {
  return postgres_->Url(postgres_database_, user, prefix_ + ".1");
}

CommandRun NetnsHosts::RunOnHost(int i, std::vector<std::string> argv,
                                 const std::map<std::string, std::string>& env) const {
  argv.insert(argv.begin(), {"ip", "netns", "exec", hosts_[i].netns});
  return RunCommand(argv, env);
}

int64_t NetnsHosts::Scalar(const std::string& sql) const {
  const std::vector<std::string> column = database_->Column(sql);
  BOOST_REQUIRE_MESSAGE(!column.empty(), "no row from " << sql);
  return column.front().empty() ? 0 : std::stoll(column.front());
}

void NetnsHosts::TearDown() {
  StopServer(balanced_pid_, SIGQUIT, 5000ms);
  balanced_pid_ = -1;
  for (Host& h : hosts_) {
    StopServer(h.nginx_pid, SIGQUIT, 5000ms);
    h.nginx_pid = -1;
    StopServer(h.pid, SIGTERM, 10000ms);
    h.pid = -1;
  }
  smtp_.reset();
  memcached_.clear();
  postgres_.reset();  // a fast shutdown, then its directory deleted
  // Deleting a namespace deletes the veth end in it, and so its peer.
  for (const Host& h : hosts_) Ip({"netns", "del", h.netns});
  if (!bridge_.empty()) Ip({"link", "del", bridge_});
  bridge_.clear();
}

std::string NetnsHosts::MemcachedList() const {
  std::string list;
  for (const auto& m : memcached_) list += (list.empty() ? "" : ",") + m->address();
  return list;
}

std::string NetnsHosts::FastCgiAddress(int i) const {
  return hosts_[i].ip + ":" + std::to_string(kFastCgiPort);
}

std::string NetnsHosts::FailpointDir(int i) const { return hosts_[i].data + "-failpoints"; }

void NetnsHosts::SpawnHost(int i) {
  const Host& h = hosts_[i];
  std::vector<std::string> argv = {
      "ip", "netns", "exec", h.netns, WIKID_BINARY, "serve",
      "--socket", FastCgiAddress(i),
      "--workers", std::to_string(options_.workers),
      "--data", h.data,
      "--database", hosts_database_,
      "--templates", std::string(WIKID_SOURCE_DIR) + "/views/templates",
      "--memcached", MemcachedList(),
      "--memcached-timeout-ms", std::to_string(options_.memcached_timeout_ms),
      "--fast-path-flag", h.data + "/fast-path",
      // Views fill as admission says, however busy the test's machine.
      "--cache-shed-cpu", "off"};
  if (smtp_) argv.insert(argv.end(), {"--smtp-url", smtp_->url()});
  argv.insert(argv.end(), options_.extra_args.begin(), options_.extra_args.end());
  std::map<std::string, std::string> env = options_.env;
  env["WIKID_FAILPOINT_DIR"] = FailpointDir(i);
  // Over TCP wikid answers 127.0.0.1 only unless told which web servers
  // may connect (README, "Several hosts"): here the nginx servers, which
  // reach the namespaces from the bridge's address.
  env["FCGI_WEB_SERVER_ADDRS"] = prefix_ + ".1";
  // libpq reads it; never on the command line, where ps shows it.
  if (postgres_) env["PGPASSWORD"] = PostgresServer::kPassword;
  if (auto own = options_.host_env.find(i); own != options_.host_env.end()) {
    for (const auto& [name, value] : own->second) env[name] = value;
  }
  // `ip netns exec` execs wikid in the namespace: the pid is wikid's.
  hosts_[i].pid = Spawn(argv, h.data + ".log", env);
}

void NetnsHosts::WaitForHost(int i) {
  const Host& h = hosts_[i];
  auto deadline = std::chrono::steady_clock::now() + 60s;
  // The workers first: the master listens before it forks them, and each
  // probe while it is still forking waits in the backlog for a worker,
  // which logs it as a connection closed unanswered (hundreds of lines
  // on a loaded machine, burying the log a failure prints).
  while (MasterChildren(h.pid, false).size() != static_cast<size_t>(options_.workers) ||
         !Accepts(h.ip, kFastCgiPort)) {
    if (std::chrono::steady_clock::now() > deadline || WaitExit(h.pid, 0ms) != -1) {
      throw std::runtime_error("host " + std::to_string(i) + " did not start:\n" + HostLog(i));
    }
    std::this_thread::sleep_for(10ms);  // a poll, under the deadline above
  }
}

void NetnsHosts::StartHostNginx(int i) {
  const int port = hosts_[i].nginx->port();
  hosts_[i].nginx_pid =
      StartNginxServer(NginxArgs(port, {i}, i), dir_.File("nginx-" + std::to_string(i)), port);
}

void NetnsHosts::StartHost(int i) {
  SpawnHost(i);
  WaitForHost(i);
  if (hosts_[i].nginx_pid == -1) StartHostNginx(i);
}

void NetnsHosts::KillHost(int i) {
  Host& h = hosts_[i];
  std::vector<pid_t> children = Children(h.pid);
  for (pid_t child : children) kill(child, SIGKILL);
  KillProcesses(i, children);
  // nginx's workers too: without their master they would go on serving
  // (and hold the port its next start needs).
  const std::vector<pid_t> nginx_workers = Children(h.nginx_pid);
  kill(h.nginx_pid, SIGKILL);
  for (pid_t worker : nginx_workers) kill(worker, SIGKILL);
  waitpid(h.nginx_pid, nullptr, 0);
  h.nginx_pid = -1;
  WaitGone(nginx_workers);
}

void NetnsHosts::KillMaster(int i) {
  Host& h = hosts_[i];
  std::vector<pid_t> children = Children(h.pid);
  KillProcesses(i, children);
}

void NetnsHosts::KillProcesses(int i, const std::vector<pid_t>& children) {
  Host& h = hosts_[i];
  kill(h.pid, SIGKILL);
  waitpid(h.pid, nullptr, 0);
  WaitGone(children);
  h.pid = -1;
}

pid_t NetnsHosts::MailerPid(int i) const {
  auto mailer = MasterChildren(hosts_[i].pid, true);
  return mailer.empty() ? 0 : mailer.front();
}

std::string NetnsHosts::FastPathSwitch(int i) const {
  return wikid::FastPathSwitch(hosts_[i].data + "/fast-path");
}

bool NetnsHosts::WaitForFastPath(int i, std::chrono::milliseconds timeout) const {
  return WaitUntil([&] { return FastPathSwitch(i).size() == 16; }, timeout);
}

std::string NetnsHosts::HostLog(int i) const { return ReadFile(hosts_[i].data + ".log"); }

size_t NetnsHosts::LogCount(int i, const std::string& text) const {
  const std::string log = HostLog(i);
  size_t n = 0;
  for (size_t at = log.find(text); at != std::string::npos; at = log.find(text, at + 1)) ++n;
  return n;
}

std::string NetnsHosts::AllLogs() const {
  std::string all;
  for (int i = 0; i < size(); ++i) {
    all += "--- host " + std::to_string(i) + "\n" + HostLog(i);
    all += "--- its nginx\n" + ReadFile(dir_.File("nginx-" + std::to_string(i)) + "/logs/error.log");
  }
  return all + "--- the balanced nginx\n" + ReadFile(dir_.File("nginx-all/logs/error.log"));
}

void NetnsHosts::CreateUser(const std::string& name, const std::string& password, bool admin,
                            const std::string& email) {
  CreateUserIn({"--data", hosts_[0].data, "--database", database_->url()},
               dir_.File("user-command.log"), name, password, admin, email);
}

std::vector<std::string> NetnsHosts::NginxArgs(int port, const std::vector<int>& hosts,
                                               int flag_of) const {
  std::vector<std::string> args = {"--port", std::to_string(port)};
  for (int i : hosts) args.insert(args.end(), {"--socket", FastCgiAddress(i)});
  // nginx reads fast-path entries from the first server (README).
  args.insert(args.end(),
              {"--file-cache", hosts_[flag_of].data + "/files", "--memcached",
               memcached_.front()->address(), "--fast-path-flag",
               hosts_[flag_of].data + "/fast-path", "--memcached-timeout-ms",
               std::to_string(options_.memcached_timeout_ms)});
  return args;
}

}  // namespace wikid::testing
