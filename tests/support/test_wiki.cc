#include "tests/support/test_wiki.h"

#include "model/cache/fast_path.h"
#include "model/store/sqlite/database.h"
#include "tests/support/loopback.h"
#include "tests/support/postgres_server.h"

#include <curl/curl.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/stat.h>
#include <strings.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <set>
#include <regex>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace wikid::testing {
namespace {

using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

bool PortAccepts(int port) {
  int fd = ConnectLoopback(port);
  if (fd >= 0) close(fd);
  return fd >= 0;
}

// Whether process `pid` holds a socket listening on `port` (IPv4): the
// socket inodes of its descriptors against /proc/net/tcp's listening
// entries. Not "the port accepts": a port FreePort picked may be taken by
// another test's server before ours binds it, and then it accepts, but
// not for us (seen once in CI: every request of a suite went unanswered).
bool ListensOn(pid_t pid, int port) {
  char suffix[8];
  std::snprintf(suffix, sizeof suffix, ":%04X", port);
  std::set<std::string> listening;
  std::ifstream tcp("/proc/net/tcp");
  std::string line;
  std::getline(tcp, line);  // the header
  while (std::getline(tcp, line)) {
    std::istringstream fields(line);
    std::string slot, local, remote, state, queues, timer, retransmits, uid, timeout, inode;
    fields >> slot >> local >> remote >> state >> queues >> timer >> retransmits >> uid >>
        timeout >> inode;
    if (state == "0A" && local.ends_with(suffix)) listening.insert("socket:[" + inode + "]");
  }
  if (listening.empty()) return false;
  std::error_code error;
  for (const auto& fd :
       std::filesystem::directory_iterator("/proc/" + std::to_string(pid) + "/fd", error)) {
    std::error_code unreadable;
    if (listening.count(std::filesystem::read_symlink(fd.path(), unreadable).string())) return true;
  }
  return false;
}

void StopProcess(pid_t pid, int signo, std::chrono::milliseconds grace) {
  if (pid <= 0) return;
  kill(pid, signo);
  if (WaitExit(pid, grace) == -1) {
    kill(pid, SIGKILL);
    waitpid(pid, nullptr, 0);
  }
}

void InitCurlOnce() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

size_t AppendBody(char* data, size_t size, size_t n, void* out) {
  static_cast<std::string*>(out)->append(data, size * n);
  return size * n;
}

size_t AppendHeader(char* data, size_t size, size_t n, void* out) {
  std::string line(data, size * n);
  size_t colon = line.find(':');
  if (colon != std::string::npos) {
    std::string name = line.substr(0, colon);
    std::transform(name.begin(), name.end(), name.begin(), ::tolower);
    std::string value = line.substr(colon + 1);
    value.erase(0, value.find_first_not_of(" \t"));
    value.erase(value.find_last_not_of(" \t\r\n") + 1);
    static_cast<std::multimap<std::string, std::string>*>(out)->emplace(name,
                                                                        value);
  }
  return size * n;
}

std::string EncodeForm(const FormList& fields) {
  std::string body;
  CURL* curl = curl_easy_init();
  for (const auto& [name, value] : fields) {
    char* n = curl_easy_escape(curl, name.data(), static_cast<int>(name.size()));
    char* v = curl_easy_escape(curl, value.data(), static_cast<int>(value.size()));
    if (!body.empty()) body += '&';
    body += std::string(n) + "=" + v;
    curl_free(n);
    curl_free(v);
  }
  curl_easy_cleanup(curl);
  return body;
}

}  // namespace

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

pid_t Spawn(const std::vector<std::string>& argv, const std::string& log,
            const std::map<std::string, std::string>& env, int stdin_fd) {
  pid_t pid = fork();
  if (pid < 0) throw std::runtime_error("fork failed");
  if (pid == 0) {
    int fd = open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    dup2(fd, 1);
    dup2(fd, 2);
    dup2(stdin_fd >= 0 ? stdin_fd : open("/dev/null", O_RDONLY), 0);
    for (const auto& [name, value] : env) setenv(name.c_str(), value.c_str(), 1);
    // Every wikid a test starts hashes passwords at the least cost
    // (model/accounts/password.cc), a tenth of the suite's time otherwise,
    // unless the test says otherwise (kRealPasswordCost).
    std::string failpoints = "password_hash_minimal=1";
    if (const char* more = std::getenv("WIKID_FAILPOINTS"); more && *more) {
      failpoints = std::string_view(more).find("password_hash_minimal=") == std::string_view::npos
                       ? failpoints + "," + more
                       : more;
    }
    setenv("WIKID_FAILPOINTS", failpoints.c_str(), 1);
    std::vector<char*> args;
    for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    execvp(args[0], args.data());
    _exit(127);
  }
  return pid;
}

int WaitExit(pid_t pid, std::chrono::milliseconds timeout) {
  // Looked at once at least: with no time to wait, the start-up waits ask
  // whether the process has already exited (else each waited its whole
  // minute before saying a process that died at once did not start).
  const auto deadline = Clock::now() + timeout;
  for (;;) {
    int status = 0;
    if (waitpid(pid, &status, WNOHANG) == pid) return status;
    if (Clock::now() >= deadline) return -1;
    std::this_thread::sleep_for(10ms);
  }
}

CommandRun RunCommand(const std::vector<std::string>& argv,
                      const std::map<std::string, std::string>& env,
                      std::chrono::milliseconds timeout) {
  TempDir dir;
  const std::string log = dir.File("output");
  pid_t pid = Spawn(argv, log, env);
  int status = WaitExit(pid, timeout);
  if (status == -1) StopProcess(pid, SIGKILL, 10000ms);
  return {status != -1 && WIFEXITED(status) ? WEXITSTATUS(status) : -1, ReadFile(log)};
}

std::string HttpResponse::Header(std::string_view name) const {
  auto it = headers.find(std::string(name));
  return it == headers.end() ? "" : it->second;
}

TestWiki::TestWiki(TestWikiOptions options) : options_(std::move(options)) {
  InitCurlOnce();
  port_ = FreePort();
  socket_ = options_.tcp_socket || options_.socket_activation
                ? "127.0.0.1:" + std::to_string(FreePort())
                : dir_.File("wikid.sock");
  if (options_.memcached) memcached_ = std::make_unique<MemcachedServer>();
  memcached_address_ = memcached_ ? memcached_->address() : options_.memcached_address;
  std::string url = options_.database_url;
  if (url.empty() && !options_.database.empty()) url = "sqlite:" + options_.database;
  if (url.empty() && EngineUnderTest() == Engine::kPostgres) {
    url = PostgresServer::Shared().CreateDatabase();
  }
  database_ = std::make_unique<TestDatabase>(url.empty() ? "sqlite:" + db_path() : url,
                                             TestConnections::kKept);
  StartWikid();
  StartNginx();
}

TestWiki::~TestWiki() {
  StopProcess(nginx_pid_, SIGQUIT, 5000ms);
  if (wikid_pid_ > 0) StopProcess(wikid_pid_, SIGTERM, 10000ms);
}

// A listening unix socket made the way a supervisor would make it.
int ListeningUnixSocket(const std::string& path) {
  int fd = socket(AF_UNIX, SOCK_STREAM, 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::snprintf(addr.sun_path, sizeof addr.sun_path, "%s", path.c_str());
  unlink(path.c_str());
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      chmod(path.c_str(), 0660) != 0 || listen(fd, 128) != 0) {
    throw std::runtime_error("cannot make a listening socket at " + path);
  }
  return fd;
}

void TestWiki::StartWikid() {
  std::vector<std::string> argv =
      options_.command ? options_.command(*this) : WikidCommandLine();
  int inherited = -1;
  if (options_.inherit_socket) {
    inherited = ListeningUnixSocket(socket_);
  } else if (options_.socket_activation) {
    // It listens at once and execs wikid, keeping its pid, at the first
    // connection (the wait below makes it).
    argv.insert(argv.begin(), {"systemd-socket-activate", "-l", socket_});
  } else {
    argv.insert(argv.begin() + 2, {"--socket", socket_});
  }
  // Set around the fork only: the child starts with it, as under systemd.
  const mode_t test_umask = options_.umask >= 0 ? umask(options_.umask) : 0;
  wikid_pid_ = Spawn(argv, dir_.File("wikid.log"), options_.env, inherited);
  if (options_.umask >= 0) umask(test_umask);
  if (inherited >= 0) close(inherited);
  WaitForWikidStart();
}

void TestWiki::StartWikid(std::vector<std::string> extra_args) {
  options_.extra_args = std::move(extra_args);
  StartWikid();
}

std::vector<std::string> TestWiki::DatabaseArgs() const {
  // The data folder's SQLite file goes without saying, as for an operator.
  if (database_->url() == "sqlite:" + data_dir() + "/wikid.db") return {};
  return {"--database", database_->url()};
}

std::vector<std::string> TestWiki::WikidCommandLine() const {
  std::vector<std::string> argv = {WIKID_BINARY, "serve",
                                   "--workers", std::to_string(options_.workers),
                                   "--data", data_dir(),
                                   "--templates",
                                   options_.templates_dir.empty()
                                       ? std::string(WIKID_SOURCE_DIR) +
                                             "/views/templates"
                                       : options_.templates_dir};
  if (options_.dev) argv.push_back("--dev");
  for (const std::string& arg : DatabaseArgs()) argv.push_back(arg);
  if (!memcached_address_.empty()) {
    argv.push_back("--memcached");
    argv.push_back(memcached_address_);
    argv.push_back("--memcached-timeout-ms");
    argv.push_back(std::to_string(options_.memcached_timeout_ms));
    if (options_.fast_path) {
      argv.push_back("--fast-path-flag");
      argv.push_back(fast_path_flag());
    } else {
      argv.push_back("--no-fast-path");
    }
    // A test's machine is often busy: views fill as admission says, as on
    // a host with CPU to spare, unless the test asks for shedding itself.
    if (std::find(options_.extra_args.begin(), options_.extra_args.end(),
                  "--cache-shed-cpu") == options_.extra_args.end()) {
      argv.push_back("--cache-shed-cpu");
      argv.push_back("off");
    }
  }
  if (options_.max_upload_bytes != 0) {
    argv.push_back("--max-upload-bytes");
    argv.push_back(std::to_string(options_.max_upload_bytes));
  }
  for (const std::string& arg : options_.extra_args) argv.push_back(arg);
  return argv;
}

void TestWiki::WaitForWikidStart() {
  // Start-up deadlines allow a minute: they catch a server that never
  // comes up, and a loaded machine may take many seconds to start one.
  auto deadline = Clock::now() + 60s;
  struct stat st{};
  auto listening = [&] {
    if (!options_.tcp_socket && !options_.socket_activation) return stat(socket_.c_str(), &st) == 0;
    const int port = std::stoi(socket_.substr(socket_.find(':') + 1));
    // systemd-socket-activate listens, and starts wikid on the first
    // connection: that one is needed.
    return options_.socket_activation ? PortAccepts(port) : ListensOn(wikid_pid_, port);
  };
  while (!listening()) {
    if (Clock::now() > deadline || WaitExit(wikid_pid_, 0ms) != -1) {
      throw std::runtime_error("wikid did not start:\n" + WikidLog());
    }
    std::this_thread::sleep_for(10ms);
  }
  if (!WaitForWorkerCount(options_.workers, 60s)) {
    throw std::runtime_error("wikid workers did not start:\n" + WikidLog());
  }
}

std::string TestWiki::FastPathSwitch() const {
  return wikid::FastPathSwitch(fast_path_flag());
}

bool TestWiki::WaitForFastPath(std::chrono::milliseconds timeout,
                               const std::string& not_this) const {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  auto serving = [&] {
    std::string now = FastPathSwitch();
    return now.size() == 16 && now != not_this;
  };
  while (!serving()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return true;
}

std::string TestWiki::ServingGeneration(std::chrono::milliseconds timeout) const {
  std::string generation;
  WaitUntil(
      [&] {
        generation = FastPathSwitch();
        return generation.size() == 16;
      },
      timeout);
  return generation.size() == 16 ? generation : "";
}

void TestWiki::StartNginx() {
  std::vector<std::string> args = {"--port", std::to_string(port_), "--socket", socket_,
                                   "--max-body", options_.nginx_max_body, "--file-cache",
                                   file_cache_dir()};
  if (options_.max_upload_bytes != 0) {
    args.push_back("--max-upload-bytes");
    args.push_back(std::to_string(options_.max_upload_bytes));
  }
  if (!memcached_address_.empty() && options_.fast_path) {
    for (const std::string& arg :
         {std::string("--memcached"), memcached_address_, std::string("--fast-path-flag"),
          fast_path_flag(), std::string("--memcached-timeout-ms"),
          std::to_string(options_.nginx_memcached_timeout_ms)}) {
      args.push_back(arg);
    }
  }
  nginx_pid_ = StartNginxServer(args, dir_.File("nginx"), port_);
}

pid_t StartNginxServer(std::vector<std::string> config_args, const std::string& prefix, int port) {
  config_args.insert(config_args.begin(),
                     {std::string(WIKID_SOURCE_DIR) + "/scripts/nginx-config", "--prefix", prefix});
  const std::string config_log = prefix + "-config.log";
  pid_t config = Spawn(config_args, config_log, {});
  int status = WaitExit(config, 60000ms);
  if (status == -1 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    throw std::runtime_error("scripts/nginx-config failed:\n" + ReadFile(config_log));
  }
  const std::string log = prefix + ".log";
  pid_t pid = Spawn({"nginx", "-p", prefix, "-c", prefix + "/nginx.conf", "-e",
                     prefix + "/logs/error.log"},
                    log, {});
  auto deadline = Clock::now() + 60s;
  while (!ListensOn(pid, port)) {
    if (Clock::now() > deadline || WaitExit(pid, 0ms) != -1) {
      StopProcess(pid, SIGKILL, 5000ms);
      throw std::runtime_error("nginx did not start:\n" + ReadFile(prefix + "/logs/error.log") +
                               ReadFile(log));
    }
    std::this_thread::sleep_for(10ms);
  }
  return pid;
}

void StopServer(pid_t pid, int signo, std::chrono::milliseconds grace) {
  StopProcess(pid, signo, grace);
}

std::string TestWiki::Url(std::string_view path_and_query) const {
  return "http://127.0.0.1:" + std::to_string(port_) + std::string(path_and_query);
}

HttpResponse TestWiki::Request(const std::string& method,
                               const std::string& path,
                               const std::string& body,
                               const HeaderList& headers) {
  return CurlRequest(method, Url(path), body, headers);
}

HttpResponse CurlRequest(const std::string& method, const std::string& url,
                         const std::string& body, const HeaderList& headers) {
  InitCurlOnce();
  HttpResponse response;
  CURL* curl = curl_easy_init();
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT, 30L);
  // Send "/a/../b" as written: the server must see what a client sends.
  curl_easy_setopt(curl, CURLOPT_PATH_AS_IS, 1L);
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, AppendBody);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &response.body);
  curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, AppendHeader);
  curl_easy_setopt(curl, CURLOPT_HEADERDATA, &response.headers);
  if (method == "HEAD") {
    curl_easy_setopt(curl, CURLOPT_NOBODY, 1L);
  } else if (method == "POST") {
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body.data());
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE,
                     static_cast<curl_off_t>(body.size()));
  } else if (method != "GET") {
    curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, method.c_str());
    if (!body.empty()) {
      curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body.data());
      curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE,
                       static_cast<curl_off_t>(body.size()));
    }
  }
  curl_slist* list = nullptr;
  // No "Expect: 100-continue" pause on big bodies.
  list = curl_slist_append(list, "Expect:");
  for (const std::string& h : headers) list = curl_slist_append(list, h.c_str());
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, list);
  if (curl_easy_perform(curl) == CURLE_OK) {
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &response.status);
  }
  curl_slist_free_all(list);
  curl_easy_cleanup(curl);
  return response;
}

HttpResponse TestWiki::Get(const std::string& path, const HeaderList& headers) {
  return Request("GET", path, "", headers);
}

HttpResponse TestWiki::Head(const std::string& path) {
  return Request("HEAD", path, "", {});
}

HttpResponse TestWiki::PostRaw(const std::string& path, const std::string& body,
                               const std::string& content_type,
                               const HeaderList& headers) {
  HeaderList all = headers;
  all.push_back("Content-Type: " + content_type);
  return Request("POST", path, body, all);
}

Browser& TestWiki::Editor() {
  std::lock_guard lock(editor_mutex_);
  if (!editor_) {
    auto browser = std::make_unique<Browser>(*this);
    HttpResponse signed_up = browser->SignUp("Tester", "tester-password");
    // Another wikid on the same database (a second host) signed it up.
    if (signed_up.status == 409) signed_up = browser->LogIn("Tester", "tester-password");
    if (signed_up.status != 303 || browser->Cookie("wikid_session").empty()) {
      throw std::runtime_error("the editor could not sign up: " +
                               std::to_string(signed_up.status) + "\n" + signed_up.body);
    }
    editor_ = std::move(browser);
  }
  return *editor_;
}

bool FromNginx(const HttpResponse& r) { return r.Header("x-cache") == "nginx"; }

HttpResponse TestWiki::ViewUntilFast(const std::string& path) {
  HttpResponse r;
  WaitUntil(
      [&] {
        r = Get(path);
        return FromNginx(r);
      },
      std::chrono::seconds(60));
  return r;
}

std::unique_ptr<Browser> TestWiki::LoggedInAs(const std::string& name,
                                              const std::string& password, bool admin) {
  CreateUser(name, password, admin);
  auto browser = std::make_unique<Browser>(*this);
  HttpResponse logged_in = browser->LogIn(name, password);
  if (logged_in.status != 303) {
    throw std::runtime_error(name + " could not log in: " + std::to_string(logged_in.status));
  }
  return browser;
}

std::unique_ptr<Browser> TestWiki::SignedUpAs(const std::string& name,
                                              const std::string& password) {
  auto browser = std::make_unique<Browser>(*this);
  HttpResponse signed_up = browser->SignUp(name, password);
  if (signed_up.status != 303 || browser->Cookie("wikid_session").empty()) {
    throw std::runtime_error(name + " could not sign up: " + std::to_string(signed_up.status));
  }
  return browser;
}

void TestWiki::CreateUser(const std::string& name, const std::string& password,
                          bool admin, const std::string& email) {
  std::vector<std::string> where = {"--data", data_dir()};
  for (const std::string& arg : DatabaseArgs()) where.push_back(arg);
  CreateUserIn(where, dir_.File("user-command.log"), name, password, admin, email);
}

void CreateUserIn(const std::vector<std::string>& where, const std::string& log,
                  const std::string& name, const std::string& password, bool admin,
                  const std::string& email) {
  int fds[2];
  if (pipe(fds) != 0) throw std::runtime_error("pipe failed");
  std::vector<std::string> argv = {WIKID_BINARY, "user", "create", name};
  argv.insert(argv.end(), where.begin(), where.end());
  if (admin) argv.push_back("--admin");
  if (!email.empty()) argv.insert(argv.end(), {"--email", email});
  pid_t pid = Spawn(argv, log, {}, fds[0]);
  close(fds[0]);
  std::string line = password + "\n";
  [[maybe_unused]] ssize_t n = write(fds[1], line.data(), line.size());
  close(fds[1]);
  int status = WaitExit(pid, 30000ms);
  if (status == -1 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    throw std::runtime_error("wikid user create failed:\n" + ReadFile(log));
  }
}

HttpResponse TestWiki::Post(const std::string& path, const FormList& fields) {
  return Editor().Post(path, fields);
}

HttpResponse TestWiki::Save(const std::string& name, int64_t base_rev,
                            const std::string& text, const std::string& summary) {
  return Post("/_edit/" + name, {{"text", text},
                                 {"base_rev", std::to_string(base_rev)},
                                 {"summary", summary}});
}

HttpResponse TestWiki::PostWithoutCsrf(const std::string& path,
                                       const FormList& fields) {
  return PostRaw(path, EncodeForm(fields), "application/x-www-form-urlencoded");
}

void TestWiki::GetAndHangUp(const std::string& path, size_t bytes) {
  struct Budget {
    size_t left;
  } budget{bytes};
  CURL* curl = curl_easy_init();
  std::string url = Url(path);
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT, 10L);
  // Returning less than was offered makes curl abort the transfer.
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION,
                   +[](char*, size_t size, size_t n, void* data) -> size_t {
                     auto* b = static_cast<Budget*>(data);
                     if (b->left <= size * n) return 0;
                     b->left -= size * n;
                     return size * n;
                   });
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &budget);
  curl_easy_perform(curl);
  curl_easy_cleanup(curl);
}

bool ProcessAlive(pid_t pid) {
  std::string stat = ReadFile("/proc/" + std::to_string(pid) + "/stat");
  size_t paren = stat.rfind(')');
  if (paren == std::string::npos || paren + 2 >= stat.size()) return false;
  const char state = stat[paren + 2];
  return state != 'Z' && state != 'X';
}

std::vector<pid_t> Children(pid_t parent) {
  std::vector<pid_t> pids;
  std::string children = ReadFile("/proc/" + std::to_string(parent) + "/task/" +
                                  std::to_string(parent) + "/children");
  std::istringstream in(children);
  for (pid_t pid; in >> pid;) {
    if (ProcessAlive(pid)) pids.push_back(pid);
  }
  return pids;
}

std::vector<pid_t> MasterChildren(pid_t master, bool mailer) {
  // By the name each gives itself: the mailer first thing, a worker once
  // it can serve (fcgi/worker.cc). A child forked a moment ago, or a
  // worker still loading its templates, has the master's name and is
  // neither (a mailer started again by a reload once counted as a worker;
  // a worker that read a template the test was about to break, as one
  // the test had waited for).
  const std::string wanted = mailer ? "wikid-mailer\n" : "wikid-worker\n";
  std::vector<pid_t> pids;
  for (pid_t pid : Children(master)) {
    if (ReadFile("/proc/" + std::to_string(pid) + "/comm") == wanted) pids.push_back(pid);
  }
  return pids;
}

std::vector<pid_t> TestWiki::WorkerPids() const { return MasterChildren(wikid_pid_, false); }

pid_t TestWiki::MailerPid() const {
  auto mailer = MasterChildren(wikid_pid_, true);
  return mailer.empty() ? 0 : mailer.front();
}

int64_t TestWiki::Scalar(const std::string& sql) const {
  auto column = database_->TryColumn(sql);
  if (!column.ok()) throw std::runtime_error("bad query " + sql + ": " + column.status().message());
  if (column->empty()) throw std::runtime_error("no row from " + sql);
  // NULL (a max() of no rows, say) reads as 0, as SQLite's column_int.
  return column->front().empty() ? 0 : std::stoll(column->front());
}

void TestWiki::Exec(const std::string& sql) const {
  if (Status s = database_->TryExec(sql); !s.ok()) {
    throw std::runtime_error("cannot run " + sql + ": " + s.message());
  }
}

int64_t DatabaseScalar(const std::string& path, const std::string& sql) {
  auto db = Database::Open(path, Database::Options{});
  if (!db.ok()) throw std::runtime_error("cannot open the database: " + db.status().message());
  auto stmt = (*db)->Prepare(sql);
  if (!stmt.ok()) throw std::runtime_error("bad query " + sql + ": " + stmt.status().message());
  Query q(**stmt);
  auto row = q->Step();
  if (!row.ok() || !*row) throw std::runtime_error("no row from " + sql);
  return q->ColumnInt(0);
}

void DatabaseExec(const std::string& path, const std::string& sql) {
  auto db = Database::Open(path, Database::Options{});
  if (!db.ok()) throw std::runtime_error("cannot open the database: " + db.status().message());
  if (Status s = (*db)->Exec(sql.c_str()); !s.ok()) {
    throw std::runtime_error("cannot run " + sql + ": " + s.message());
  }
}

bool TestWiki::WaitForScalar(const std::string& sql, int64_t at_least,
                             std::chrono::milliseconds timeout) const {
  auto deadline = Clock::now() + timeout;
  while (Scalar(sql) < at_least) {
    if (Clock::now() > deadline) return false;
    std::this_thread::sleep_for(20ms);  // a poll, under the deadline above
  }
  return true;
}

bool TestWiki::WaitForWriteLock(std::chrono::milliseconds timeout) const {
  if (engine() == Engine::kPostgres) {
    // No lock on the whole database here: a transaction that has written
    // has a transaction id, and only a worker's connection could have one.
    return WaitUntil(
        [&] {
          return Scalar("SELECT count(*) FROM pg_stat_activity WHERE datname = "
                        "current_database() AND backend_xid IS NOT NULL AND "
                        "pid <> pg_backend_pid()") > 0;
        },
        timeout);
  }
  auto db = Database::Open(db_path(), Database::Options{.busy_timeout_ms = 0});
  if (!db.ok()) return false;
  auto deadline = Clock::now() + timeout;
  while (Clock::now() < deadline) {
    {
      Transaction probe(**db);
      if (probe.Begin().code() == Status::Code::kBusy) return true;
    }  // rolled back at once
    std::this_thread::sleep_for(10ms);
  }
  return false;
}

bool TestWiki::WaitForWorkerCount(size_t n,
                                  std::chrono::milliseconds timeout) const {
  auto deadline = Clock::now() + timeout;
  while (WorkerPids().size() != n) {
    if (Clock::now() > deadline) return false;
    std::this_thread::sleep_for(10ms);
  }
  return true;
}

bool TestWiki::WaitForReplacement(pid_t pid, size_t n,
                                  std::chrono::milliseconds timeout) const {
  auto deadline = Clock::now() + timeout;
  while (Clock::now() < deadline) {
    auto pids = WorkerPids();
    if (pids.size() == n && std::find(pids.begin(), pids.end(), pid) == pids.end()) return true;
    std::this_thread::sleep_for(10ms);  // a poll under the deadline above
  }
  return false;
}

int TestWiki::StopWikid(std::chrono::seconds timeout) {
  kill(wikid_pid_, SIGTERM);
  int status = WaitExit(wikid_pid_, timeout);
  if (status == -1) {
    kill(wikid_pid_, SIGKILL);
    waitpid(wikid_pid_, nullptr, 0);
  }
  wikid_pid_ = -1;
  return status == -1 ? -1 : WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

size_t TestWiki::AcceptQueueLength() const {
  // For a listening socket, ss's Recv-Q is the accept queue's length.
  const std::string command = "ss -xlH src '" + socket_ + "'";
  FILE* out = popen(command.c_str(), "r");
  if (out == nullptr) throw std::runtime_error("cannot run ss");
  char line[512] = {};
  const bool read = fgets(line, sizeof line, out) != nullptr;
  pclose(out);
  std::istringstream fields(read ? line : "");
  std::string type, state;
  size_t queued = 0;
  if (!(fields >> type >> state >> queued)) {
    throw std::runtime_error("ss does not list " + socket_ + ": " + line);
  }
  return queued;
}

size_t TestWiki::LogCount(std::string_view text) const {
  const std::string log = WikidLog();
  size_t n = 0;
  for (size_t at = log.find(text); at != std::string::npos; at = log.find(text, at + text.size())) {
    ++n;
  }
  return n;
}

void HeldFailpoints::Release(const std::string& name) const {
  std::ofstream(dir.File(name)).flush();
}

void HeldFailpoints::Rearm(const std::string& name) const {
  std::remove(dir.File(name).c_str());
}

TestWiki::HeldView TestWiki::StartHeldView(const std::string& path,
                                           const std::string& held_line) {
  const size_t before = LogCount(held_line);
  HeldView view{.response = std::async(std::launch::async, [this, path] { return Get(path); })};
  auto held = [&] { return LogCount(held_line) > before; };
  auto answered = [&] {
    return view.response.wait_for(std::chrono::seconds(0)) == std::future_status::ready;
  };
  if (!WaitUntil([&] { return held() || answered(); }, std::chrono::seconds(120))) {
    throw std::runtime_error("a view of " + path + " was neither held nor answered");
  }
  view.held = held();
  return view;
}

std::string TestWiki::WikidLog() const { return ReadFile(dir_.File("wikid.log")); }

std::string TestWiki::NginxErrorLog() const {
  return ReadFile(dir_.File("nginx/logs/error.log"));
}

// ---------------------------------------------------------------------------
// Browser

HttpResponse Browser::Send(const std::string& method, const std::string& path,
                           const std::string& body, HeaderList headers) {
  {
    std::lock_guard lock(mutex_);
    std::string cookie;
    for (const auto& [name, value] : cookies_) {
      cookie += (cookie.empty() ? "" : "; ") + name + "=" + value;
    }
    if (!cookie.empty()) headers.push_back("Cookie: " + cookie);
  }
  const bool typed = std::any_of(headers.begin(), headers.end(), [](const std::string& h) {
    return h.size() > 13 && strncasecmp(h.c_str(), "content-type:", 13) == 0;
  });
  if (method == "POST" && !typed) {
    headers.push_back("Content-Type: application/x-www-form-urlencoded");
  }
  HttpTarget* wiki = nullptr;
  {
    std::lock_guard lock(mutex_);
    wiki = wiki_;
  }
  HttpResponse response = wiki->Request(method, path, body, headers);
  std::lock_guard lock(mutex_);
  for (auto [it, end] = response.headers.equal_range("set-cookie"); it != end; ++it) {
    std::string pair = it->second.substr(0, it->second.find(';'));
    size_t eq = pair.find('=');
    if (eq == std::string::npos) continue;
    std::string name = pair.substr(0, eq), value = pair.substr(eq + 1);
    if (value.empty() || it->second.find("Max-Age=0") != std::string::npos) {
      cookies_.erase(name);
    } else {
      cookies_[name] = value;
    }
    token_.clear();
  }
  return response;
}

void Browser::Use(HttpTarget& wiki) {
  std::lock_guard lock(mutex_);
  wiki_ = &wiki;
}

HttpResponse Browser::Get(const std::string& path, const HeaderList& headers) {
  return Send("GET", path, "", headers);
}

std::string Browser::FormToken() {
  {
    std::lock_guard lock(mutex_);
    if (!token_.empty()) return token_;
  }
  HttpResponse form = Get("/_login");
  std::smatch token;
  if (!std::regex_search(form.body, token,
                         std::regex("name=\"csrf\" value=\"([^\"]+)\""))) {
    // What came instead says why (seen once, not understood: keep it).
    throw std::runtime_error("no form token in /_login: status " + std::to_string(form.status) +
                             ", body: " + form.body.substr(0, 500));
  }
  std::lock_guard lock(mutex_);
  token_ = token[1];
  return token_;
}

HttpResponse Browser::Post(const std::string& path, const FormList& fields,
                           const HeaderList& headers) {
  FormList with_token = fields;
  with_token.emplace_back("csrf", FormToken());
  return Send("POST", path, EncodeForm(with_token), headers);
}

std::string MultipartBody(const FormList& fields, const FormFilePart& file,
                          const std::string& boundary) {
  std::string body;
  for (const auto& [name, value] : fields) {
    body += "--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + name +
            "\"\r\n\r\n" + value + "\r\n";
  }
  body += "--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + file.field +
          "\"; filename=\"" + file.filename + "\"\r\nContent-Type: " + file.content_type +
          "\r\n\r\n" + file.bytes + "\r\n--" + boundary + "--\r\n";
  return body;
}

HttpResponse Browser::PostMultipart(const std::string& path, const FormList& fields,
                                    const FormFilePart& file, bool with_token) {
  FormList all;
  if (with_token) all.emplace_back("csrf", FormToken());
  all.insert(all.end(), fields.begin(), fields.end());
  const std::string boundary = "----wikidTestBoundary7MA4YWxkTrZu0gW";
  return Send("POST", path, MultipartBody(all, file, boundary),
              {"Content-Type: multipart/form-data; boundary=" + boundary});
}

HttpResponse Browser::PostWithoutToken(const std::string& path, const FormList& fields,
                                       const HeaderList& headers) {
  return Send("POST", path, EncodeForm(fields), headers);
}

int ShownRevision(const HttpResponse& page) {
  static const std::regex shown("Revision (\\d+), saved");
  std::smatch m;
  if (page.status != 200 || !std::regex_search(page.body, m, shown)) return 0;
  return std::stoi(m[1]);
}

std::vector<std::string> BlockedIn(pid_t pid) {
  // "NR arg1 ... arg6 sp pc", or "running", or nothing once it is gone.
  std::istringstream line(ReadFile("/proc/" + std::to_string(pid) + "/syscall"));
  std::vector<std::string> fields;
  for (std::string field; line >> field;) fields.push_back(field);
  if (fields.empty() || fields[0] == "running") return {};
  return fields;
}

bool WaitUntil(const std::function<bool()>& condition, std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  while (!condition()) {
    if (Clock::now() > deadline) return false;
    std::this_thread::sleep_for(10ms);  // a poll, under the deadline above
  }
  return true;
}

std::string TextareaText(const std::string& html) {
  size_t open = html.find("name=\"text\"");
  open = html.find('>', open) + 1;
  if (html[open] == '\n') ++open;  // as a browser does
  std::string text = html.substr(open, html.find("</textarea>", open) - open);
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    const std::pair<const char*, char> entities[] = {
        {"&amp;", '&'}, {"&lt;", '<'}, {"&gt;", '>'}, {"&quot;", '"'},
        {"&#39;", '\''}};
    bool matched = false;
    for (const auto& [entity, c] : entities) {
      if (text.compare(i, std::strlen(entity), entity) == 0) {
        out += c;
        i += std::strlen(entity) - 1;
        matched = true;
        break;
      }
    }
    if (!matched) out += text[i];
  }
  return out;
}

HttpResponse Browser::Save(const std::string& name, int64_t base_rev,
                           const std::string& text, const std::string& summary) {
  return Post("/_edit/" + name, {{"text", text},
                                 {"base_rev", std::to_string(base_rev)},
                                 {"summary", summary}});
}

HttpResponse Browser::SignUp(const std::string& name, const std::string& password,
                             const std::string& email) {
  return Post("/_signup", {{"name", name},
                           {"email", email},
                           {"password", password},
                           {"password2", password}});
}

HttpResponse Browser::LogIn(const std::string& name, const std::string& password,
                            const std::string& next) {
  return Post("/_login", {{"name", name}, {"password", password}, {"next", next}});
}

HttpResponse Browser::LogOut() { return Post("/_logout", {}); }

std::string Browser::Cookie(const std::string& name) const {
  std::lock_guard lock(mutex_);
  auto it = cookies_.find(name);
  return it == cookies_.end() ? "" : it->second;
}

void Browser::SetCookie(const std::string& name, const std::string& value) {
  std::lock_guard lock(mutex_);
  cookies_[name] = value;
  token_.clear();
}

void Browser::ClearCookies() {
  std::lock_guard lock(mutex_);
  cookies_.clear();
  token_.clear();
}

SavingWriters::SavingWriters(TestWiki& wiki, int count) : acknowledged_(count, 0) {
  for (int w = 0; w < count; ++w) {
    wiki.CreateUser("writer" + std::to_string(w), "writer-password-" + std::to_string(w));
  }
  // Logged in one after another: argon2id hashes at once would meet the
  // password-hash slots' back-pressure (503), which is not what they test.
  for (int w = 0; w < count; ++w) {
    browsers_.push_back(std::make_unique<Browser>(wiki));
    const std::string n = std::to_string(w);
    const long status = browsers_.back()->LogIn("writer" + n, "writer-password-" + n).status;
    if (status != 303) throw std::runtime_error("writer" + n + " cannot log in: " +
                                                std::to_string(status));
  }
  for (int w = 0; w < count; ++w) {
    threads_.emplace_back([this, w] {
      for (int64_t rev = 1; !stop_; ++rev) {
        HttpResponse saved = browsers_[w]->Save("Writer_" + std::to_string(w), rev - 1,
                                                Text(w, rev), "save " + std::to_string(rev));
        std::lock_guard lock(mutex_);
        if (saved.status != 303) {
          failures_.push_back("writer" + std::to_string(w) + " revision " + std::to_string(rev) +
                              ": " + std::to_string(saved.status));
          return;
        }
        acknowledged_[w] = rev;
      }
    });
  }
}

std::string SavingWriters::Text(int writer, int64_t rev) {
  return "writer " + std::to_string(writer) + " saves revision " + std::to_string(rev);
}

std::vector<int64_t> SavingWriters::Acknowledged() {
  std::lock_guard lock(mutex_);
  return acknowledged_;
}

bool SavingWriters::WaitPast(std::vector<int64_t> than, int64_t more,
                             std::chrono::milliseconds timeout) {
  than.resize(acknowledged_.size(), 0);
  return WaitUntil(
      [&] {
        std::lock_guard lock(mutex_);
        if (!failures_.empty()) return true;
        for (size_t w = 0; w < than.size(); ++w) {
          if (acknowledged_[w] < than[w] + more) return false;
        }
        return true;
      },
      timeout);
}

std::string SavingWriters::Stop() {
  stop_ = true;
  for (std::thread& t : threads_) {
    if (t.joinable()) t.join();
  }
  std::lock_guard lock(mutex_);
  std::string failed;
  for (const std::string& f : failures_) failed += f + "\n";
  return failed;
}

BackupWhileSaving::BackupWhileSaving(SavingWriters& writers,
                                     const std::vector<std::string>& argv) {
  before = writers.Acknowledged();
  HeldFailpoints points;
  TempDir logs;
  const std::string log = logs.File("backup.log");
  const pid_t backup = Spawn(argv, log, points.Env("backup_snapshot_taken"));
  held = WaitUntil(
      [&] {
        return ReadFile(log).find("failpoint backup_snapshot_taken: holding") !=
               std::string::npos;
      },
      std::chrono::seconds(120));
  at_snapshot = writers.Acknowledged();
  saved_on = held && writers.WaitPast(at_snapshot, 3, std::chrono::seconds(120));
  points.Release("backup_snapshot_taken");
  status = WaitExit(backup, std::chrono::seconds(120));
  output = ReadFile(log);
  failed = writers.Stop();
}

}  // namespace wikid::testing
