// TestWiki: a real nginx in front of a real wikid (two workers by
// default), on a free port of 127.0.0.1, in a temporary directory, for
// one integration test. Started by the constructor, stopped by the
// destructor. Its database is on the engine WIKID_TEST_DATABASE names
// (tests/support/test_database.h): by default the data folder's SQLite
// file, as an operator's first wiki; with "postgresql", a database of its
// own on the process's PostgreSQL server, given to wikid as --database. HTTP goes through libcurl, one handle per request, so tests
// may call it from several threads.
#pragma once

#include <sys/types.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <future>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "tests/support/memcached_server.h"
#include "tests/support/temp_dir.h"
#include "tests/support/test_database.h"

namespace wikid::testing {

class TestWiki;

// The environment of a wikid that hashes passwords at the real cost, for
// the tests of what that cost buys (timing, the hash slots). Every other
// process a test starts hashes at libsodium's least cost (Spawn).
inline const std::map<std::string, std::string> kRealPasswordCost = {
    {"WIKID_FAILPOINTS", "password_hash_minimal=0"}};

// A folder for WIKID_FAILPOINT_DIR: a process held at a failpoint there
// (model/base/failpoint.h, FailpointHold) goes on once Release(name), at
// the moment the test has seen what it waits for, instead of after a
// fixed time; Rearm(name) holds the next one again.
struct HeldFailpoints {
  TempDir dir;
  // The environment of a wikid held at `name` for `ms` at most.
  std::map<std::string, std::string> Env(const std::string& name, int ms = 600000) const {
    return {{"WIKID_FAILPOINTS", name + "=" + std::to_string(ms)},
            {"WIKID_FAILPOINT_DIR", dir.path()}};
  }
  void Release(const std::string& name) const;
  void Rearm(const std::string& name) const;
};

struct TestWikiOptions {
  int workers = 2;
  bool dev = false;
  std::string templates_dir;                // default: views/templates
  std::string data_dir;                     // default: a fresh temp dir
  std::string nginx_max_body = "2m";        // nginx client_max_body_size
  // wikid's --max-upload-bytes, and nginx's upload limit made from it
  // (0: wikid's default).
  size_t max_upload_bytes = 0;
  // Hand wikid its listening socket on fd 0 (as spawn-fcgi and systemd do)
  // instead of --socket.
  bool inherit_socket = false;
  // Listen on 127.0.0.1 and a free TCP port instead of a unix socket.
  bool tcp_socket = false;
  // Start wikid as systemd's wikid.socket does, through
  // `systemd-socket-activate -l 127.0.0.1:PORT`: the socket exists before
  // wikid, which is started by the first connection and finds its socket
  // through LISTEN_FDS. Implies tcp_socket.
  bool socket_activation = false;
  // Start a memcached for this wiki and pass it as --memcached.
  bool memcached = false;
  // Or use this one, shared with other wikids ("host:port"; the wiki
  // starts none).
  std::string memcached_address;
  // The database file (--database sqlite:PATH), shared with other wikids;
  // default: the data folder's.
  std::string database;
  // Or the database's URL (--database), shared with other wikids: a
  // TestDatabase's url(), on the engine under test.
  std::string database_url;
  // With memcached: nginx serves anonymous page views from it
  // (nginx/fast-path.conf, model/cache/fast_path.h). Off, wikid runs with
  // --no-fast-path and sees every request.
  bool fast_path = false;
  // How long wikid and nginx wait for memcached. The products' 50 and
  // 30 ms would let a healthy memcached look failed on a loaded machine;
  // tests that freeze memcached on purpose ask for those values.
  int memcached_timeout_ms = 2000;
  int nginx_memcached_timeout_ms = 2000;
  std::vector<std::string> extra_args;      // more wikid serve options
  // wikid's whole command line instead of the one built from the options
  // above (a unit's ExecStart, say), made when wikid starts, from the
  // wiki's paths (data_dir(), memcached(), fast_path_flag()); TestWiki
  // adds only --socket. `workers` must match what it asks for.
  std::function<std::vector<std::string>(TestWiki&)> command;
  // The umask wikid starts with (a unit's UMask=); -1: the test's own.
  int umask = -1;
  std::map<std::string, std::string> env;   // e.g. WIKID_FAILPOINTS
};

struct HttpResponse {
  long status = 0;  // 0: no response at all (connection failed)
  std::string body;
  std::multimap<std::string, std::string> headers;  // names lower-cased
  // The first value of header `name` (lower-case), or "".
  std::string Header(std::string_view name) const;
};

using FormList = std::vector<std::pair<std::string, std::string>>;

// A file in a multipart form.
struct FormFilePart {
  std::string field = "file";
  std::string filename;
  std::string content_type = "application/octet-stream";  // the client's claim
  std::string bytes;
};

// `fields` then `file`, as multipart/form-data with `boundary` (the order
// a browser sends a form in: the upload form's fields before its file).
std::string MultipartBody(const FormList& fields, const FormFilePart& file,
                          const std::string& boundary);
using HeaderList = std::vector<std::string>;  // "Name: value"

// False for a process that has exited, even if not reaped yet (a zombie:
// the kernel still lists it as its parent's child; counting one made a
// test see a worker that was gone, then none, on a loaded CI machine).
bool ProcessAlive(pid_t pid);

// The text of an edit form's textarea, HTML entities decoded, as a
// browser would submit it again.
std::string TextareaText(const std::string& html);

// Whether nginx answered from its fast path (model/cache/fast_path.h).
bool FromNginx(const HttpResponse& r);

// The revision a page view shows ("Revision N, saved ..."), from wikid or
// from nginx's fast path alike; 0 if the answer is no page view.
int ShownRevision(const HttpResponse& page);

// The whole text of the file at `path`; "" if it cannot be read.
std::string ReadFile(const std::string& path);

// The system call process `pid` is blocked in, from /proc/PID/syscall:
// its number (compare with <sys/syscall.h>'s SYS_ names) and its
// arguments as the kernel prints them ("0x2"); empty when the process is
// running or gone.
std::vector<std::string> BlockedIn(pid_t pid);

// Waits until `condition` holds, for at most `timeout`: a deadline for a
// loaded machine, never a guess at how long the condition takes.
bool WaitUntil(const std::function<bool()>& condition, std::chrono::milliseconds timeout);

// Starts `argv` (looked up in PATH) with its standard output and error
// appended to the file `log` and `env` added to its environment;
// `stdin_fd` becomes its fd 0 (default: /dev/null). Returns its pid.
pid_t Spawn(const std::vector<std::string>& argv, const std::string& log,
            const std::map<std::string, std::string>& env, int stdin_fd = -1);
// Waits up to `timeout` for the child `pid` to exit: its wait status, or -1.
int WaitExit(pid_t pid, std::chrono::milliseconds timeout);

// What a command said and how it ended.
struct CommandRun {
  int code = -1;       // its exit code; -1 if it did not exit by itself
  std::string output;  // standard output and error, interleaved
};
// Runs `argv` to its end, as an operator would from a shell; after
// `timeout` it is killed (code -1).
CommandRun RunCommand(const std::vector<std::string>& argv,
                      const std::map<std::string, std::string>& env = {},
                      std::chrono::milliseconds timeout = std::chrono::minutes(2));

// The living children of any process.
std::vector<pid_t> Children(pid_t parent);

// The children of a wikid master: its workers that can serve (started, not
// still loading), or its mailer.
std::vector<pid_t> MasterChildren(pid_t master, bool mailer);

// One number from the SQLite database at `path`, through a connection of
// its own; statements that return nothing. Both throw on failure.
int64_t DatabaseScalar(const std::string& path, const std::string& sql);
void DatabaseExec(const std::string& path, const std::string& sql);

// `wikid user create NAME` with `where` (--data/--database), the password
// on standard input, as an operator would; its output appended to `log`.
// Throws on failure.
void CreateUserIn(const std::vector<std::string>& where, const std::string& log,
                  const std::string& name, const std::string& password, bool admin = false,
                  const std::string& email = "");

// Writes nginx's configuration with scripts/nginx-config `config_args`
// (--port, --socket... ; --prefix is added) under `prefix`, starts nginx
// there and waits until it accepts on 127.0.0.1:`port`. Its pid; throws
// if it does not start. Logs beside the prefix (PREFIX.log,
// PREFIX-config.log) and in it (PREFIX/logs/error.log).
pid_t StartNginxServer(std::vector<std::string> config_args, const std::string& prefix, int port);
// Sends `signo`, waits up to `grace` for the child to exit, then SIGKILLs it.
void StopServer(pid_t pid, int signo, std::chrono::milliseconds grace);

// Something that answers HTTP: an nginx on 127.0.0.1 in front of wikid
// (a TestWiki's, or one of several hosts' in tests/support/netns_hosts.h).
class HttpTarget {
 public:
  virtual ~HttpTarget() = default;
  virtual HttpResponse Request(const std::string& method, const std::string& path,
                               const std::string& body, const HeaderList& headers) = 0;
};

// One request to `url` through libcurl (a handle of its own: safe from
// several threads). Redirects are not followed; the path is sent exactly
// as given (no dot-segment clean-up by curl).
HttpResponse CurlRequest(const std::string& method, const std::string& url,
                         const std::string& body, const HeaderList& headers);

// One person's browser on a wiki: it keeps the cookies the wiki sets
// (the anti-forgery cookie, the login session) and its form posts carry
// the token the wiki gives this browser, as a browser that loaded the form
// would. Safe to share between threads.
class Browser {
 public:
  explicit Browser(HttpTarget& wiki) : wiki_(&wiki) {}
  Browser(const Browser&) = delete;
  Browser& operator=(const Browser&) = delete;

  // Sends what follows to `wiki` instead, with the same cookies and form
  // token (another host of the same wiki, as a load balancer might).
  void Use(HttpTarget& wiki);

  HttpResponse Get(const std::string& path, const HeaderList& headers = {});
  // A form POST with this browser's cookies and form token.
  HttpResponse Post(const std::string& path, const FormList& fields,
                    const HeaderList& headers = {});
  // A multipart/form-data POST (a form with a file) with this browser's
  // cookies and, first among the fields, its form token unless
  // `with_token` is false.
  HttpResponse PostMultipart(const std::string& path, const FormList& fields,
                             const FormFilePart& file, bool with_token = true);
  // The same without adding a token (the fields may bring their own).
  HttpResponse PostWithoutToken(const std::string& path, const FormList& fields,
                                const HeaderList& headers = {});
  // Saves `text` as the edit form would, on top of revision `base_rev`.
  HttpResponse Save(const std::string& name, int64_t base_rev,
                    const std::string& text, const std::string& summary = "");

  HttpResponse SignUp(const std::string& name, const std::string& password,
                      const std::string& email = "");
  HttpResponse LogIn(const std::string& name, const std::string& password,
                     const std::string& next = "");
  HttpResponse LogOut();

  // The form token the wiki gives this browser now (from the login form).
  std::string FormToken();
  // A cookie's value, or "".
  std::string Cookie(const std::string& name) const;
  void SetCookie(const std::string& name, const std::string& value);
  void ClearCookies();

 private:
  HttpResponse Send(const std::string& method, const std::string& path,
                    const std::string& body, HeaderList headers);

  HttpTarget* wiki_;  // under mutex_
  mutable std::mutex mutex_;
  std::map<std::string, std::string> cookies_;
  std::string token_;  // for the cookies as they are; "" when unknown
};

class TestWiki : public HttpTarget {
 public:
  explicit TestWiki(TestWikiOptions options);
  ~TestWiki() override;
  TestWiki(const TestWiki&) = delete;
  TestWiki& operator=(const TestWiki&) = delete;

  std::string Url(std::string_view path_and_query) const;

  // Requests through nginx. Redirects are not followed; the path is sent
  // exactly as given (no dot-segment clean-up by curl).
  HttpResponse Get(const std::string& path, const HeaderList& headers = {});
  HttpResponse Head(const std::string& path);
  HttpResponse PostRaw(const std::string& path, const std::string& body,
                       const std::string& content_type,
                       const HeaderList& headers = {});
  HttpResponse Request(const std::string& method, const std::string& path,
                       const std::string& body, const HeaderList& headers) override;
  // A form POST as a browser would send it after loading the form, from
  // the editor's browser (see Editor()).
  HttpResponse Post(const std::string& path, const FormList& fields);
  // Saves `text` as the edit form would, on top of revision `base_rev`
  // (0 for a new page). `name` goes into the URL as given.
  HttpResponse Save(const std::string& name, int64_t base_rev,
                    const std::string& text, const std::string& summary = "");
  // The same without a token or cookie, as a forged request would be.
  HttpResponse PostWithoutCsrf(const std::string& path, const FormList& fields);
  // A browser logged in as the account "Tester" (a plain user), signed up
  // on first use: what Post and Save send from, so they work under the
  // default edit policy (only logged-in users edit).
  Browser& Editor();
  // Creates an account from the command line (`wikid user create`, the
  // password on standard input), as an operator would. Throws on failure.
  void CreateUser(const std::string& name, const std::string& password,
                  bool admin = false, const std::string& email = "");
  // Views `path` anonymously until nginx answers it from the fast path
  // (the first miss fills), for at most a minute: a fill that memcached
  // was too slow to confirm suspends the fast path until a new
  // generation, and on a loaded machine that can take several rounds.
  // The last answer, from nginx or not.
  HttpResponse ViewUntilFast(const std::string& path);
  // A new account made by CreateUser, and a browser logged in as it (a
  // second person, beside Editor()). Throws on failure.
  std::unique_ptr<Browser> LoggedInAs(const std::string& name, const std::string& password,
                                      bool admin = false);
  // A new plain account signed up through the wiki's own form, and its
  // browser, logged in: what LoggedInAs gives a plain user, without a
  // `wikid user create` process (about 0.4 s of CPU under the sanitizers).
  // Throws on failure.
  std::unique_ptr<Browser> SignedUpAs(const std::string& name, const std::string& password);
  // Starts a GET and hangs up after `bytes` bytes of the body.
  void GetAndHangUp(const std::string& path, size_t bytes);

  // The wikid master and its live workers that can serve.
  pid_t master_pid() const { return wikid_pid_; }
  std::vector<pid_t> WorkerPids() const;
  // The mailer process, or 0 if there is none just now.
  pid_t MailerPid() const;
  // Waits until `pid` is no longer one of the workers and the master has
  // its `n` workers again (a killed worker's replacement).
  bool WaitForReplacement(pid_t pid, size_t n,
                          std::chrono::milliseconds timeout = std::chrono::seconds(30)) const;
  // What a wikid command (serve, user, reindex...) takes to reach the
  // wiki's database: --database URL, or nothing for the data folder's file.
  std::vector<std::string> DatabaseArgs() const;
  // The wiki's database, on its engine: what tests that plant or inspect
  // rows go through (SQL in that engine's dialect).
  const TestDatabase& database() const { return *database_; }
  Engine engine() const { return database_->engine(); }
  // One number from the wiki's database, read through a connection of its
  // own. Throws if the query fails or returns no row.
  int64_t Scalar(const std::string& sql) const;
  // Waits until Scalar(sql) is at least `at_least` (a count that a worker
  // or the mailer moves on its own time).
  bool WaitForScalar(const std::string& sql, int64_t at_least,
                     std::chrono::milliseconds timeout = std::chrono::seconds(60)) const;
  // Runs statements that return nothing on the wiki's database.
  void Exec(const std::string& sql) const;
  // Waits until some process holds the database's write lock (a save is
  // inside its transaction), by trying to take it without waiting; on
  // PostgreSQL, until another connection's transaction has written (holds
  // a transaction id).
  bool WaitForWriteLock(std::chrono::milliseconds timeout) const;
  // Connections waiting in wikid's listening socket for a worker to accept
  // them (its accept queue, as `ss` reads it from the kernel).
  size_t AcceptQueueLength() const;
  // Waits until the master has exactly `n` workers that can serve.
  bool WaitForWorkerCount(size_t n, std::chrono::milliseconds timeout) const;
  // SIGTERM to the master; returns its exit status (or -1 on timeout, after
  // which it is killed).
  int StopWikid(std::chrono::seconds timeout);
  // Starts wikid again (after StopWikid, or after its master was killed).
  void StartWikid();
  // The same with `extra_args` in place of the options' from now on (an
  // operator's restart with a changed configuration).
  void StartWikid(std::vector<std::string> extra_args);

  // The wiki's memcached (options.memcached), to stop or pause it.
  MemcachedServer& memcached() { return *memcached_; }
  const std::string& socket_path() const { return socket_; }
  std::string data_dir() const {
    return options_.data_dir.empty() ? dir_.File("data") : options_.data_dir;
  }
  // The SQLite file (only on SQLite).
  std::string db_path() const {
    return options_.database.empty() ? data_dir() + "/wikid.db" : options_.database;
  }
  // This host's copies of uploaded files (wikid's default --file-cache).
  std::string file_cache_dir() const { return data_dir() + "/files"; }
  // The switch nginx checks before it serves from memcached.
  std::string fast_path_flag() const { return dir_.File("fast-path"); }
  // The folder of the wiki's own files (the socket, nginx's prefix, the
  // fast-path switch): the test's to open to other users.
  const std::string& folder() const { return dir_.path(); }
  // What the switch points at: a generation's 16 hex digits, "off", or ""
  // (model/cache/fast_path.h).
  std::string FastPathSwitch() const;
  // The generation this host's nginx reads, once it reads one: on a loaded
  // machine the master may point the switch off for a moment (no worker
  // read the shared state for a lease) and back at the same generation,
  // so a single look may see "off". "" if none is served within `timeout`.
  std::string ServingGeneration(
      std::chrono::milliseconds timeout = std::chrono::seconds(10)) const;
  // Waits until wikid serves the fast path in a generation other than
  // `not_this` (any, by default).
  bool WaitForFastPath(std::chrono::milliseconds timeout,
                       const std::string& not_this = "") const;
  std::string WikidLog() const;
  // How many times `text` occurs in wikid's log (a failpoint's line says
  // each time a process reached it).
  size_t LogCount(std::string_view text) const;
  // A GET of `path` on a thread of its own, held by a failpoint that logs
  // `held_line`: `held` once the log has one more such line than before
  // (or false if the view answered first; `response` is then ready).
  struct HeldView {
    std::future<HttpResponse> response;
    bool held = false;
  };
  HeldView StartHeldView(const std::string& path, const std::string& held_line);
  std::string NginxErrorLog() const;

 private:
  void StartNginx();
  // The wikid serve command line the options ask for, without --socket.
  std::vector<std::string> WikidCommandLine() const;
  // Waits until wikid listens and has its workers; throws if it does not.
  void WaitForWikidStart();

  TestWikiOptions options_;
  TempDir dir_;
  std::unique_ptr<TestDatabase> database_;
  std::unique_ptr<MemcachedServer> memcached_;
  std::string memcached_address_;  // own or shared; empty: none
  int port_ = 0;
  std::string socket_;
  pid_t wikid_pid_ = -1;
  pid_t nginx_pid_ = -1;
  std::mutex editor_mutex_;
  std::unique_ptr<Browser> editor_;  // signed up by Editor()
};

// One TestWiki made with `Options()`, started once for a Boost.Test suite
// whose cases need no stack of their own (a stack costs over a second of
// CPU to start and stop under the sanitizers):
//   BOOST_AUTO_TEST_SUITE(name, *boost::unit_test::fixture<SuiteWiki<Options>>())
// and `*SuiteWiki<Options>::wiki` in its cases. (BOOST_FIXTURE_TEST_SUITE
// would make one per case.) Stopped when the suite ends.
template <TestWikiOptions (*Options)()>
struct SuiteWiki {
  SuiteWiki() { wiki = new TestWiki(Options()); }
  ~SuiteWiki() {
    delete wiki;
    wiki = nullptr;
  }
  SuiteWiki(const SuiteWiki&) = delete;
  SuiteWiki& operator=(const SuiteWiki&) = delete;
  static inline TestWiki* wiki = nullptr;
};

// Writers that save through `wiki`, each logged in as an account of its
// own (writer0, writer1...) and saving revision after revision of a page
// of its own ("Writer N", Text(N, rev)), until Stop: the load a backup is
// taken under (backup_http_test, postgres_backup_http_test). Counts each
// writer's acknowledged saves (303s); a writer stops at its first other
// answer.
class SavingWriters {
 public:
  SavingWriters(TestWiki& wiki, int count);
  ~SavingWriters() { Stop(); }
  static std::string Text(int writer, int64_t rev);
  // Each writer's newest acknowledged revision.
  std::vector<int64_t> Acknowledged();
  // Waits until each writer has had `more` saves acknowledged after those
  // `than` counts (empty: none), or one has failed.
  bool WaitPast(std::vector<int64_t> than, int64_t more, std::chrono::milliseconds timeout);
  // Stops them and waits for them: what failed, a line each, "" if none.
  std::string Stop();

 private:
  std::vector<std::unique_ptr<Browser>> browsers_;
  std::mutex mutex_;
  std::vector<int64_t> acknowledged_;
  std::vector<std::string> failures_;
  std::atomic<bool> stop_{false};
  std::vector<std::thread> threads_;
};

// `wikid backup` (`argv`, its whole command line) run while `writers`
// save, held once its snapshot is taken (the failpoint
// backup_snapshot_taken) until every writer has had three more saves
// acknowledged, none of which may then be in the copy; then let go and
// waited for. A backup that blocked the writers would never get past the
// hold. The writers are stopped at the end.
struct BackupWhileSaving {
  BackupWhileSaving(SavingWriters& writers, const std::vector<std::string>& argv);
  std::vector<int64_t> before;       // acknowledged before the backup began
  std::vector<int64_t> at_snapshot;  // acknowledged when its snapshot was taken
  bool held = false;                 // it reached its snapshot
  bool saved_on = false;             // the writers got their three saves past it
  int status = -1;                   // its wait status (-1: it did not end)
  std::string output;                // what it said
  std::string failed;                // what the writers' failures were
};

}  // namespace wikid::testing
