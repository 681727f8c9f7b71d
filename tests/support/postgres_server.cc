#include "tests/support/postgres_server.h"

#include <fcntl.h>
#include <grp.h>
#include <libpq-fe.h>
#include <pwd.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <stdexcept>
#include <thread>
#include <utility>

#include "tests/support/loopback.h"

namespace wikid::testing {
namespace {

// Debian's PostgreSQL 15 (scripts/deps installs it).
constexpr char kBin[] = "/usr/lib/postgresql/15/bin/";

// The server's user: nobody when the tests run as root (PostgreSQL
// refuses root), else the tests' own.
struct ServerUser {
  bool switch_user = false;
  uid_t uid = 0;
  gid_t gid = 0;
};

ServerUser TheServerUser() {
  if (geteuid() != 0) return {};
  const passwd* nobody = getpwnam("nobody");
  if (nobody == nullptr) throw std::runtime_error("no user 'nobody' to run PostgreSQL as");
  return {.switch_user = true, .uid = nobody->pw_uid, .gid = nobody->pw_gid};
}

// In a forked child: becomes the server's user, dies with its parent
// (unless `detached`), sends its output to `log`, and runs `argv` in
// `dir` (PostgreSQL's programs read their current directory, which must
// be the user's to read). Never returns.
[[noreturn]] void ExecAsServerUser(const std::vector<std::string>& argv, const std::string& dir,
                                   const std::string& log, bool detached = false) {
  int out = open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  int null = open("/dev/null", O_RDONLY);
  if (out < 0 || null < 0) _exit(126);
  dup2(null, 0);
  dup2(out, 1);
  dup2(out, 2);
  const ServerUser user = TheServerUser();
  if (user.switch_user &&
      (setgroups(0, nullptr) != 0 || setgid(user.gid) != 0 || setuid(user.uid) != 0)) {
    _exit(125);
  }
  if (chdir(dir.c_str()) != 0) _exit(124);
  // After the change of user, which clears it: a test that crashes takes
  // its server with it (SIGQUIT: the immediate shutdown).
  if (!detached) prctl(PR_SET_PDEATHSIG, SIGQUIT);
  if (detached) setsid();  // nor with its terminal's signals
  std::vector<char*> args;
  for (const std::string& arg : argv) args.push_back(const_cast<char*>(arg.c_str()));
  args.push_back(nullptr);
  execv(args[0], args.data());
  _exit(127);
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

// Runs `sql` on database `db` as the superuser; throws with the server's
// message if it fails.
void RunSql(int port, const std::string& db, const std::string& sql) {
  const std::string conninfo = "host=127.0.0.1 port=" + std::to_string(port) +
                               " dbname=" + db + " user=" + PostgresServer::kUser;
  std::unique_ptr<PGconn, decltype(&PQfinish)> conn(PQconnectdb(conninfo.c_str()), PQfinish);
  if (PQstatus(conn.get()) != CONNECTION_OK) {
    throw std::runtime_error(std::string("cannot connect to the test server: ") +
                             PQerrorMessage(conn.get()));
  }
  std::unique_ptr<PGresult, decltype(&PQclear)> result(PQexec(conn.get(), sql.c_str()),
                                                       PQclear);
  if (PQresultStatus(result.get()) != PGRES_COMMAND_OK &&
      PQresultStatus(result.get()) != PGRES_TUPLES_OK) {
    throw std::runtime_error("test server refused " + sql + ": " +
                             PQerrorMessage(conn.get()));
  }
}

}  // namespace

PostgresServer::PostgresServer(Lifetime lifetime, PrivateNetwork network)
    : port_(FreePort()), lifetime_(lifetime), network_(std::move(network)) {
  const char* base = std::getenv("TMPDIR");
  std::string pattern = std::string(base && *base ? base : "/tmp") + "/wikid-pg.XXXXXX";
  if (mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  dir_ = pattern;
  const ServerUser user = TheServerUser();
  if (user.switch_user && chown(dir_.c_str(), user.uid, user.gid) != 0) {
    throw std::runtime_error("cannot give " + dir_ + " to the server's user");
  }
  // C.UTF-8: the database's ctype folds the case of every script for
  // full-text search; wikid orders names with COLLATE "C" itself.
  RunAsServerUser({std::string(kBin) + "initdb", "-D", dir_ + "/data", "-U", kUser,
                   "--auth=trust", "--no-sync", "-E", "UTF8", "--locale=C.UTF-8"});
  // Trust for the superuser, on the socket and on 127.0.0.1; a password
  // for the password role, so a test can show it never leaks. Written
  // over initdb's file, which keeps its owner.
  // From the private network, if any, the password role only, with its
  // password (pg_hba.conf's first matching line decides; none matches
  // another role from there, so it is refused).
  std::ofstream hba(dir_ + "/data/pg_hba.conf", std::ios::trunc);
  hba << "local all all trust\n"
      << "host all " << kPasswordUser << " 127.0.0.1/32 scram-sha-256\n"
      << "host all all 127.0.0.1/32 trust\n";
  if (!network_.cidr.empty()) {
    hba << "host all " << kPasswordUser << " " << network_.cidr << " scram-sha-256\n";
  }
  hba.close();
  Start();
  try {
    RunSql(port_, "postgres",
           std::string("CREATE ROLE ") + kPasswordUser + " LOGIN PASSWORD '" + kPassword + "'");
  } catch (...) {
    Stop(SIGINT);  // a detached server would outlive the failure
    throw;
  }
}

PostgresServer::PostgresServer(Attached, int port) : port_(port), attached_(true) {}

PostgresServer::~PostgresServer() {
  if (attached_) {
    // The suite's server goes on: only this process's databases go, so
    // that a run of every test keeps a bounded disk (FORCE: a wikid that
    // outlived its test may still be connected).
    for (const std::string& name : databases_) {
      try {
        RunSql(port_, "postgres", "DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
      } catch (const std::exception&) {
        // The cleanup fixture deletes the whole server anyway.
      }
    }
    return;
  }
  if (lifetime_ == Lifetime::kDetached) return;  // StopDescribed stops it
  Stop(SIGINT);  // the fast shutdown: clients are disconnected
  if (std::getenv("WIKID_KEEP_TEST_DIR") == nullptr) {
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }
}

PostgresServer& PostgresServer::Shared() {
  static PostgresServer* server = [] {
    const char* file = std::getenv("WIKID_TEST_POSTGRES");
    if (file == nullptr || *file == '\0') return new PostgresServer();
    int port = 0;
    std::ifstream(file) >> port;
    if (port <= 0) {
      throw std::runtime_error(std::string("WIKID_TEST_POSTGRES names ") + file +
                               ", which describes no server (did its fixture run?)");
    }
    return new PostgresServer(Attached{}, port);
  }();
  // Destroyed at exit, after the tests' own statics (made after it).
  static std::unique_ptr<PostgresServer> owner(server);
  return *server;
}

void PostgresServer::Describe(const std::string& file) const {
  std::ofstream(file, std::ios::trunc) << port_ << " " << pid_ << " " << dir_ << "\n";
}

void PostgresServer::StopDescribed(const std::string& file) {
  int port = 0;
  pid_t pid = -1;
  std::string dir;
  std::ifstream(file) >> port >> pid >> dir;
  // Only the server the file describes: a PID an old file names may be
  // another process's by now.
  const std::string cmdline =
      pid > 0 ? ReadFile("/proc/" + std::to_string(pid) + "/cmdline") : "";
  const bool ours = !dir.empty() && cmdline.find(dir + "/data") != std::string::npos;
  if (ours && kill(pid, SIGINT) == 0) {
    // Not this process's child: gone when kill finds no such process or
    // only its zombie, until init reaps it.
    auto gone = [pid] {
      if (kill(pid, 0) != 0) return true;
      std::string stat = ReadFile("/proc/" + std::to_string(pid) + "/stat");
      const size_t paren = stat.rfind(')');
      return paren == std::string::npos || stat.substr(paren + 2, 1) == "Z";
    };
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
    while (!gone() && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));  // a poll
    }
    if (!gone()) kill(pid, SIGQUIT);
  }
  std::error_code ignored;
  if (!dir.empty() && std::getenv("WIKID_KEEP_TEST_DIR") == nullptr) {
    std::filesystem::remove_all(dir, ignored);
  }
  std::filesystem::remove(file, ignored);
}

void PostgresServer::RunAsServerUser(const std::vector<std::string>& argv) {
  if (attached_) throw std::runtime_error("an attached server runs nothing");
  const std::string log = dir_ + "/setup.log";
  pid_t pid = fork();
  if (pid == 0) ExecAsServerUser(argv, dir_, log);
  int status = 0;
  waitpid(pid, &status, 0);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    throw std::runtime_error(argv[0] + " failed: " + ReadFile(log));
  }
}

void PostgresServer::Start() {
  const std::string log = dir_ + "/server.log";
  pid_ = fork();
  if (pid_ == 0) {
    // fsync off: see the header. Commits are still written to the WAL
    // before they are acknowledged (synchronous_commit stays on), so a
    // killed server keeps every acknowledged commit.
    ExecAsServerUser({std::string(kBin) + "postgres", "-D", dir_ + "/data", "-p",
                      std::to_string(port_), "-k", dir_, "-c",
                      "listen_addresses=127.0.0.1" +
                          (network_.address.empty() ? "" : "," + network_.address),
                      "-c", "fsync=off", "-c", "full_page_writes=off", "-c",
                      "max_connections=200"},
                     dir_, log, lifetime_ == Lifetime::kDetached);
  }
  const std::string ping = "host=127.0.0.1 port=" + std::to_string(port_) +
                           " dbname=postgres user=" + kUser + " connect_timeout=2";
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
  while (std::chrono::steady_clock::now() < deadline) {
    if (PQping(ping.c_str()) == PQPING_OK) return;
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      throw std::runtime_error("PostgreSQL exited while starting: " + ReadFile(log));
    }
    // A poll interval, not a wait for time to pass: the loop ends when
    // the server answers.
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  throw std::runtime_error("PostgreSQL did not accept connections within 120 s: " +
                           ReadFile(log));
}

void PostgresServer::Stop(int signal) {
  if (pid_ <= 0) return;
  kill(pid_, signal);
  waitpid(pid_, nullptr, 0);
  pid_ = -1;
}

void PostgresServer::Restart(Shutdown how, const std::function<void()>& while_down) {
  if (attached_) throw std::runtime_error("Restart needs a server of the test's own");
  // SIGQUIT, the immediate shutdown, stands for a crash. (SIGKILL of the
  // postmaster alone would leave its backends holding the shared memory,
  // and the next start refused.)
  Stop(how == Shutdown::kImmediate ? SIGQUIT : SIGINT);
  if (while_down) while_down();
  Start();
}

void PostgresServer::SignalEveryProcess(int signal) {
  if (attached_ || pid_ <= 0) throw std::runtime_error("SignalEveryProcess needs a running server of the test's own");
  kill(pid_, signal);  // first, so that it starts no process meanwhile
  for (const auto& entry : std::filesystem::directory_iterator("/proc")) {
    const std::string name = entry.path().filename();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    // /proc/PID/stat: "PID (COMMAND) STATE PPID ...", COMMAND may hold
    // spaces and parentheses, so read after the last ')'.
    const std::string stat = ReadFile(entry.path() / "stat");
    const size_t paren = stat.rfind(')');
    if (paren == std::string::npos) continue;
    char state = 0;
    pid_t parent = 0;
    if (std::sscanf(stat.c_str() + paren + 1, " %c %d", &state, &parent) == 2 &&
        parent == pid_) {
      kill(std::stoi(name), signal);
    }
  }
}

std::string PostgresServer::CreateDatabase(const std::string& owner) {
  // Named by process too: the suite's server has several test processes.
  const std::string name = "wikid_test_" + std::to_string(getpid()) + "_" +
                           std::to_string(databases_.size() + 1);
  RunSql(port_, "postgres", "CREATE DATABASE " + name + " OWNER " + owner);
  databases_.push_back(name);
  return Url(name, owner);
}

std::string PostgresServer::Url(const std::string& name, const std::string& user,
                                const std::string& host) const {
  return "postgresql://" + user + "@" + host + ":" + std::to_string(port_) + "/" + name;
}

}  // namespace wikid::testing
