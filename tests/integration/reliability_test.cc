// The reliability matrix (shared/RELIABILITY-NOTES.md) for storage and the
// FastCGI edge: concurrent writers, conflicts, crashes mid-save, a full or
// read-only disk, failing fsync, bodies that are too big or lie about their
// size, peers that hold a worker, and the ways a socket can reach wikid.
#define BOOST_TEST_MODULE reliability
#include <boost/test/unit_test.hpp>

#include <signal.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <future>
#include <thread>

#include "model/store/sqlite/database.h"
#include "tests/support/fastcgi_client.h"
#include "tests/support/test_wiki.h"

namespace wikid::testing {
namespace {

using namespace std::chrono_literals;
namespace utf = boost::unit_test;

std::string IntegrityCheck(const std::string& db_path) {
  auto db = Database::Open(db_path, {});
  BOOST_REQUIRE(db.ok());
  auto stmt = (*db)->Prepare("PRAGMA integrity_check");
  Query q(**stmt);
  BOOST_REQUIRE(*q->Step());
  return q->ColumnText(0);
}



// A small tmpfs for the data directory; needs root (CAP_SYS_ADMIN).
class SmallDisk {
 public:
  explicit SmallDisk(const std::string& size) {
    mounted_ = mount("tmpfs", dir_.path().c_str(), "tmpfs", 0,
                     ("size=" + size).c_str()) == 0;
  }
  ~SmallDisk() {
    if (mounted_) umount2(dir_.path().c_str(), MNT_DETACH);
  }
  bool mounted() const { return mounted_; }
  std::string path() const { return dir_.path(); }
  bool Remount(bool read_only) {
    return mount("tmpfs", dir_.path().c_str(), "tmpfs",
                 MS_REMOUNT | (read_only ? MS_RDONLY : 0), nullptr) == 0;
  }

 private:
  TempDir dir_;
  bool mounted_ = false;
};

// Root in a container may still lack CAP_SYS_ADMIN: try it.
bool CanMountTmpfs() {
  SmallDisk probe("64k");
  return probe.mounted();
}

BOOST_AUTO_TEST_SUITE(storage)

// S3: a worker killed while a 5 MB revision is inside its transaction,
// three times in the suite (WIKID_S3_ROUNDS; scripts/soak: the matrix's
// 20). The failpoint puts every kill at the same point, after the
// revision's rows are written and before the commit, so the rounds differ
// only in what the WAL holds when the kill comes: the first round's kill
// finds a clean one; the second, a WAL that still holds the first's
// uncommitted frames (5 MB spill past SQLite's 2 MB page cache before the
// commit), which the recovery between them must have passed over; the
// third, the same after a recovery of that. More rounds repeat these.
BOOST_AUTO_TEST_CASE(a_crash_mid_save_leaves_no_half_revision) {
  const char* rounds_text = std::getenv("WIKID_S3_ROUNDS");
  const int rounds = rounds_text != nullptr ? std::atoi(rounds_text) : 3;
  TestWiki wiki{TestWikiOptions{
      .nginx_max_body = "8m",
      .extra_args = {"--max-body-bytes", "8388608", "--max-page-bytes",
                     "6291456"},
      .env = {{"WIKID_FAILPOINTS", "save_in_txn_sleep=1500"}}}};
  const std::string big(5 << 20, 'q');
  BOOST_REQUIRE(wiki.Save("Heavy", 0, "small").status == 303);
  for (int i = 0; i < rounds; ++i) {
    BOOST_REQUIRE(wiki.WaitForWorkerCount(2, 60s));
    const size_t inside_before = wiki.LogCount("failpoint save_in_txn_sleep");
    auto save = std::async(std::launch::async, [&] { return wiki.Save("Heavy", 1, big); });
    // Killed once the save is inside its 1.5 s transaction (the failpoint
    // says so in the log), holding the write lock: on a loaded machine the
    // 5 MB upload alone can take longer than a fixed wait, and a write
    // lock alone may be a new worker's brief WAL recovery, not the save.
    auto deadline = std::chrono::steady_clock::now() + 30s;
    while (wiki.LogCount("failpoint save_in_txn_sleep") == inside_before &&
           std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(10ms);  // a poll under the deadline above
    }
    BOOST_REQUIRE(wiki.WaitForWriteLock(60s));
    for (pid_t pid : wiki.WorkerPids()) kill(pid, SIGKILL);
    BOOST_TEST(save.get().status == 502);
  }
  BOOST_REQUIRE(wiki.WaitForWorkerCount(2, 60s));
  BOOST_TEST(IntegrityCheck(wiki.db_path()) == "ok");
  BOOST_TEST(wiki.Scalar( "SELECT count(*) FROM revision") == 1);
  BOOST_TEST(wiki.Scalar(
                    "SELECT count(*) FROM revision WHERE size != length(CAST("
                    "text AS BLOB))") == 0);
  // Whoever held the write lock is dead: the next save gets it (a lock
  // left behind would make it wait out the busy timeout and answer 503).
  BOOST_TEST(wiki.Save("Heavy", 1, "after the crashes").status == 303);
}

// S4: the disk fills up. Saves get 503 with the text kept; views go on;
// freeing space is enough to recover.
BOOST_AUTO_TEST_CASE(a_full_disk_refuses_saves_but_keeps_text_and_views,
                     *utf::precondition([](utf::test_unit_id) {
                       return CanMountTmpfs();
                     })) {
  SmallDisk disk("4m");
  BOOST_REQUIRE_MESSAGE(disk.mounted(), "cannot mount a tmpfs here");
  TestWiki wiki{TestWikiOptions{.data_dir = disk.path() + "/data"}};
  BOOST_REQUIRE(wiki.Save("Kept", 0, "still readable").status == 303);
  {  // fill what is left
    std::ofstream filler(disk.path() + "/filler");
    std::string block(1 << 16, 'f');
    while (filler.write(block.data(), block.size())) {
    }
  }
  std::string text = "a new page that does not fit " + std::string(300000, 'x');
  HttpResponse full = wiki.Save("Too_Much", 0, text);
  BOOST_TEST(full.status == 503);
  BOOST_TEST(TextareaText(full.body) == text);
  BOOST_TEST(wiki.Get("/Kept").status == 200);
  std::filesystem::remove(disk.path() + "/filler");
  BOOST_TEST(wiki.Save("Too_Much", 0, text).status == 303);
  BOOST_TEST(IntegrityCheck(wiki.db_path()) == "ok");
}

// Makes chosen system calls of every worker fail, through strace's fault
// injection, for as long as it lives.
class FaultInjector {
 public:
  FaultInjector(TestWiki& wiki, const std::string& syscalls,
                const std::string& error) {
    std::vector<std::string> argv = {"strace", "-f", "-o", "/dev/null",
                                     "-e", "trace=" + syscalls, "-e",
                                     "inject=" + syscalls + ":error=" + error};
    for (pid_t pid : wiki.WorkerPids()) {
      argv.push_back("-p");
      argv.push_back(std::to_string(pid));
    }
    pid_ = fork();
    if (pid_ == 0) {
      std::vector<char*> args;
      for (auto& a : argv) args.push_back(a.data());
      args.push_back(nullptr);
      execvp("strace", args.data());
      _exit(127);
    }
    // Faults start once strace has attached to every thread of every
    // worker: wait for that, as the kernel reports it, not for a time.
    const std::vector<pid_t> workers = wiki.WorkerPids();
    auto deadline = std::chrono::steady_clock::now() + 60s;
    while (!TracesAll(workers)) {
      if (std::chrono::steady_clock::now() > deadline) {
        throw std::runtime_error("strace did not attach to the workers");
      }
      std::this_thread::sleep_for(5ms);  // a poll, under the deadline above
    }
  }
  ~FaultInjector() {
    kill(pid_, SIGTERM);
    waitpid(pid_, nullptr, 0);
  }

 private:
  // Whether every thread of `workers` has strace (pid_) as its tracer.
  bool TracesAll(const std::vector<pid_t>& workers) const {
    for (pid_t worker : workers) {
      const std::string tasks = "/proc/" + std::to_string(worker) + "/task";
      std::error_code error;
      for (const auto& task : std::filesystem::directory_iterator(tasks, error)) {
        std::ifstream status(task.path() / "status");
        std::string line;
        pid_t tracer = 0;
        while (std::getline(status, line)) {
          if (line.starts_with("TracerPid:")) tracer = std::stoi(line.substr(10));
        }
        if (tracer != pid_) return false;
      }
      if (error) return false;
    }
    return true;
  }

  pid_t pid_ = -1;
};

bool HaveStrace() { return std::system("strace -V >/dev/null 2>&1") == 0; }

// S5: the database cannot be written (EROFS on every write): saves get 503
// with the text kept, views go on, and writes work again afterwards.
// (Remounting a tmpfs read-only is refused while SQLite holds files open
// for writing, so the fault is injected instead.)
BOOST_AUTO_TEST_CASE(a_read_only_disk_refuses_saves_and_recovers,
                     *utf::precondition([](utf::test_unit_id) { return HaveStrace(); })) {
  TestWiki wiki{TestWikiOptions{}};
  BOOST_REQUIRE(wiki.Save("Ro", 0, "before").status == 303);
  BOOST_REQUIRE(wiki.WaitForWorkerCount(2, 60s));
  {
    FaultInjector read_only(wiki, "pwrite64,fsync,fdatasync", "EROFS");
    HttpResponse refused = wiki.Save("Ro", 1, "during\nthe fault");
    BOOST_TEST(refused.status == 503);
    BOOST_TEST(TextareaText(refused.body) == "during\nthe fault");
    BOOST_TEST(refused.body.find("cannot accept changes") != std::string::npos);
  }
  BOOST_TEST(wiki.Get("/Ro").status == 200);
  BOOST_TEST(IntegrityCheck(wiki.db_path()) == "ok");
  BOOST_TEST(wiki.Save("Ro", 1, "after").status == 303);
  BOOST_TEST(wiki.Get("/Ro").body.find("after") != std::string::npos);
}

// S6: fsync fails (EIO) under one save: it is never acknowledged.
BOOST_AUTO_TEST_CASE(a_failing_fsync_is_never_acknowledged,
                     *utf::precondition([](utf::test_unit_id) { return HaveStrace(); })) {
  TestWiki wiki{TestWikiOptions{}};
  BOOST_REQUIRE(wiki.Save("Synced", 0, "one").status == 303);
  BOOST_REQUIRE(wiki.WaitForWorkerCount(2, 60s));
  HttpResponse r;
  {
    FaultInjector eio(wiki, "fsync,fdatasync", "EIO");
    r = wiki.Save("Synced", 1, "two");
    BOOST_TEST(wiki.Get("/Synced").status == 200);
  }
  BOOST_TEST(r.status == 503);
  BOOST_TEST(IntegrityCheck(wiki.db_path()) == "ok");
  // The refused save is not there, and saving works again.
  BOOST_TEST(wiki.Get("/Synced").body.find("two") == std::string::npos);
  BOOST_TEST(wiki.Save("Synced", 1, "two").status == 303);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(requests)

// A 500 says nothing about why; the log says everything.
BOOST_AUTO_TEST_CASE(an_internal_error_is_a_plain_500_with_details_logged) {
  TestWiki wiki{TestWikiOptions{.env = {{"WIKID_FAILPOINTS", "dispatch_throw=1"}}}};
  HttpResponse r = wiki.Get("/Anything");
  BOOST_TEST(r.status == 500);
  BOOST_TEST(r.body.find("secret detail") == std::string::npos);
  BOOST_TEST(wiki.WikidLog().find("secret detail") != std::string::npos);
  BOOST_REQUIRE(wiki.WaitForWorkerCount(2, 1s));
  BOOST_TEST(wiki.WikidLog().find("killed") == std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(sockets)

// Whether a process still listens on the unix socket at `path`.
bool Listened(const std::string& path) {
  int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  path.copy(addr.sun_path, sizeof addr.sun_path - 1);
  bool listened = connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  close(fd);
  return listened;
}

// spawn-fcgi and systemd hand the listening socket over on fd 0.
BOOST_AUTO_TEST_CASE(a_socket_on_fd_0_is_used) {
  TestWiki wiki{TestWikiOptions{.inherit_socket = true}};
  BOOST_TEST(wiki.Get("/_pages").status == 200);
  BOOST_TEST(wiki.Save("Inherited", 0, "works").status == 303);
}

// A TCP socket on the loopback works as well as a unix one.
BOOST_AUTO_TEST_CASE(a_tcp_socket_on_the_loopback_works) {
  TestWiki wiki{TestWikiOptions{.tcp_socket = true}};
  BOOST_TEST(wiki.socket_path().starts_with("127.0.0.1:"));
  BOOST_TEST(wiki.Save("Over_Tcp", 0, "fine").status == 303);
  BOOST_TEST(wiki.Get("/Over_Tcp").status == 200);
}

// F9: after the master is killed, a new wikid starts on the same socket.
BOOST_AUTO_TEST_CASE(a_new_wikid_starts_on_the_socket_a_killed_one_left) {
  TestWiki wiki{TestWikiOptions{}};
  auto workers = wiki.WorkerPids();
  kill(wiki.master_pid(), SIGKILL);
  waitpid(wiki.master_pid(), nullptr, 0);
  // The orphaned workers exit when they see the master gone; until the
  // last has, the socket still has a listener and a new wikid rightly
  // refuses it. Asked of the socket itself, as the new wikid's probe does.
  auto deadline = std::chrono::steady_clock::now() + 60s;
  while (Listened(wiki.socket_path()) && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(20ms);  // a poll, under the deadline above
  }
  BOOST_REQUIRE(!Listened(wiki.socket_path()));
  wiki.StartWikid();
  BOOST_TEST(wiki.Get("/_pages").status == 200);
}

// Start-up errors are said at once, with a non-zero exit.
BOOST_AUTO_TEST_CASE(start_up_errors_are_reported_clearly) {
  TempDir dir;
  auto run = [&](const std::string& args) {
    std::string command = std::string(WIKID_BINARY) + " serve --socket " +
                          dir.File("s.sock") + " --data " + dir.File("data") +
                          " " + args + " > " + dir.File("out") + " 2>&1";
    int status = std::system(command.c_str());
    std::ifstream in(dir.File("out"));
    return std::pair{WEXITSTATUS(status),
                     std::string((std::istreambuf_iterator<char>(in)), {})};
  };
  auto [code, out] = run("--templates " + dir.File("nowhere"));
  BOOST_TEST(code == 1);
  BOOST_TEST(out.find("no templates in") != std::string::npos, out);
  std::tie(code, out) = run("--workers 0");
  BOOST_TEST(code == 2);
  BOOST_TEST(out.find("--workers must be 1 to 64") != std::string::npos, out);
  std::tie(code, out) = run("--cache-admission sometimes");
  BOOST_TEST(code == 2);
  BOOST_TEST(out.find("--cache-admission must be 'second-view', 'third-view' or 'first-view'") !=
                 std::string::npos, out);
  std::tie(code, out) = run("--trusted-proxies 10.0.0.0/99");
  BOOST_TEST(code == 2);
  BOOST_TEST(out.find("--trusted-proxies: '10.0.0.0/99'") != std::string::npos, out);
  std::tie(code, out) = run("--no-such-option");
  BOOST_TEST(code == 2);
  BOOST_TEST(out.find("no-such-option") != std::string::npos, out);
  std::tie(code, out) = run("--help");
  BOOST_TEST(code == 0);
  BOOST_TEST(out.find("--max-page-bytes") != std::string::npos);
}

// SIGHUP re-reads the configuration file.
BOOST_AUTO_TEST_CASE(sighup_applies_a_changed_configuration) {
  TempDir conf;
  std::ofstream(conf.File("wikid.conf")) << "site-name = Before\n";
  TestWiki wiki{TestWikiOptions{.extra_args = {"--config", conf.File("wikid.conf")}}};
  BOOST_TEST(wiki.Get("/_pages").body.find(">Before<") != std::string::npos);
  std::ofstream(conf.File("wikid.conf")) << "site-name = After\n";
  kill(wiki.master_pid(), SIGHUP);
  bool applied = false;
  auto deadline = std::chrono::steady_clock::now() + 60s;
  while (!applied && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(50ms);  // a poll, under the deadline above
    applied = wiki.Get("/_pages").body.find(">After<") != std::string::npos &&
              wiki.Get("/_pages").body.find(">After<") != std::string::npos;
  }
  BOOST_TEST(applied);
}

BOOST_AUTO_TEST_SUITE_END()

// --- One stack for what needs no isolation ------------------------------
//
// The cases below share one nginx and wikid (each stack costs more than a
// CPU-second to start and stop): none kills a process, injects a fault or
// changes the configuration; each saves pages of its own names, and what
// it counts of the wiki's global state (pages, revisions, log lines) it
// counts from what it read first. Three workers, for F2's two held
// workers beside one serving; wikid's body limit lowered for F5 (the
// other cases' bodies are far below it, or refused for their type).

struct SharedWiki {
  SharedWiki() {
    wiki = new TestWiki(TestWikiOptions{
        .workers = 3,
        .nginx_max_body = "2m",
        .extra_args = {"--max-body-bytes", "1048576"}});
  }
  ~SharedWiki() { delete wiki; }
  static inline TestWiki* wiki = nullptr;
};

// What a case of one_stack sees: the suite's stack.
struct OnSharedWiki {
  TestWiki& wiki = *SharedWiki::wiki;
};

BOOST_AUTO_TEST_SUITE(one_stack, *boost::unit_test::fixture<SharedWiki>())

// S1: four clients, each saving 100 revisions of its own page at once.
BOOST_FIXTURE_TEST_CASE(concurrent_writers_lose_nothing, OnSharedWiki) {
  const size_t log_before = wiki.WikidLog().size();
  constexpr int kClients = 4, kEdits = 100;
  std::atomic<int> acknowledged = 0, other = 0;
  std::vector<std::thread> clients;
  for (int c = 0; c < kClients; ++c) {
    clients.emplace_back([&, c] {
      std::string page = "Writer_" + std::to_string(c);
      for (int i = 0; i < kEdits; ++i) {
        HttpResponse r = wiki.Save(page, i, "edit " + std::to_string(i));
        (r.status == 303 ? acknowledged : other)++;
      }
    });
  }
  for (auto& t : clients) t.join();
  BOOST_TEST(acknowledged == kClients * kEdits);
  BOOST_TEST(other == 0);
  for (int c = 0; c < kClients; ++c) {
    std::string page = "'Writer " + std::to_string(c) + "'";
    BOOST_TEST(wiki.Scalar(
                      "SELECT count(*) FROM revision r JOIN page p ON "
                      "p.id = r.page_id WHERE p.name = " + page) == kEdits);
    BOOST_TEST(wiki.Scalar(
                      "SELECT max(rev) - min(rev) + 1 FROM revision r JOIN page "
                      "p ON p.id = r.page_id WHERE p.name = " + page) == kEdits);
  }
  BOOST_TEST(wiki.WikidLog().find("locked", log_before) == std::string::npos);
}

// S2: two editors start from the same revision, fifty times.
BOOST_FIXTURE_TEST_CASE(edit_conflicts_lose_no_text, OnSharedWiki) {
  const int64_t revisions_before = wiki.Scalar("SELECT count(*) FROM revision");
  BOOST_REQUIRE(wiki.Save("Contested", 0, "start").status == 303);
  int64_t base = 1;
  int won = 0, lost_intact = 0;
  for (int round = 0; round < 50; ++round) {
    std::string a = "A's <text> & \"quotes\" " + std::to_string(round);
    std::string b = "B's 'text'\n  line two " + std::to_string(round);
    auto fa = std::async(std::launch::async, [&] { return wiki.Save("Contested", base, a); });
    auto fb = std::async(std::launch::async, [&] { return wiki.Save("Contested", base, b); });
    HttpResponse ra = fa.get(), rb = fb.get();
    won += (ra.status == 303) + (rb.status == 303);
    if (ra.status == 409 && TextareaText(ra.body) == a) ++lost_intact;
    if (rb.status == 409 && TextareaText(rb.body) == b) ++lost_intact;
    ++base;
  }
  BOOST_TEST(won == 50);
  BOOST_TEST(lost_intact == 50);
  BOOST_TEST(wiki.Scalar("SELECT count(*) FROM revision") - revisions_before == 51);
}

// F4: rejected bodies are drained, so the next request is unharmed.
BOOST_FIXTURE_TEST_CASE(rejected_bodies_never_break_the_next_request, OnSharedWiki) {
  const size_t log_before = wiki.NginxErrorLog().size();
  std::string body(200000, 'j');
  int as_expected = 0;
  for (int i = 0; i < 100; ++i) {
    as_expected += wiki.PostRaw("/_edit/X", body, "application/json").status == 400;
    as_expected += wiki.Get("/_pages").status == 200;
  }
  BOOST_TEST(as_expected == 200);
  BOOST_TEST(wiki.NginxErrorLog().find("upstream prematurely", log_before) == std::string::npos);
}

// F5: bodies over each limit, and bodies that lie about their length.
BOOST_FIXTURE_TEST_CASE(body_limits_and_lying_lengths, OnSharedWiki) {
  std::string form = "text=" + std::string(1 << 20, 'b') + "&base_rev=0";
  // Over wikid's limit, under nginx's: wikid drains it and says 413.
  HttpResponse app = wiki.PostRaw("/_edit/Big", form, "application/x-www-form-urlencoded");
  BOOST_TEST(app.status == 413);
  BOOST_TEST(app.body.find("1048576 bytes") != std::string::npos);
  // Over nginx's limit: nginx answers 413 itself.
  BOOST_TEST(wiki.PostRaw("/_edit/Big", std::string(3 << 20, 'b'),
                          "application/x-www-form-urlencoded")
                 .status == 413);
  // Chunked: nginx buffers it, then applies the same limits.
  BOOST_TEST(wiki.PostRaw("/_edit/Big", form, "application/x-www-form-urlencoded",
                          {"Transfer-Encoding: chunked"})
                 .status == 413);
  // A Content-Length that promises more than arrives, straight at the
  // socket (nginx would wait for the rest): 400, and the worker lives.
  std::string reply = FastCgiExchange(
      wiki.socket_path(),
      FastCgiRequest({{"REQUEST_METHOD", "POST"}, {"REQUEST_URI", "/_edit/Lie"},
                      {"CONTENT_TYPE", "application/x-www-form-urlencoded"},
                      {"CONTENT_LENGTH", "1000"}},
                     "text=short"));
  BOOST_TEST(reply.starts_with("Status: 400"), reply.substr(0, 80));
  BOOST_TEST(wiki.Get("/_pages").status == 200);
}

// F2: peers that send half a request and wait hold one worker each; the
// others keep serving.
BOOST_FIXTURE_TEST_CASE(slow_peers_hold_only_their_own_workers, OnSharedWiki) {
  std::string half = FastCgiRecord(1, {0, 1, 0, 0, 0, 0, 0, 0}) +
                     FastCgiRecord(4, "").substr(0, 4);
  std::vector<std::future<std::string>> holders;
  for (int i = 0; i < 2; ++i) {
    holders.push_back(std::async(std::launch::async, [&] {
      return FastCgiExchange(wiki.socket_path(), half, 4000);
    }));
  }
  // Both held before the views: a worker holding half a head waits in
  // epoll_wait for the rest (fcgi/request_check.cc), where an idle one
  // waits in epoll_pwait for a connection. Each holder gives up 4 s after
  // it sent, so a view made after that meets a free worker: the check is
  // weaker then, never wrong.
  auto held = [&] {
    int workers = 0;
    for (pid_t worker : wiki.WorkerPids()) {
      const std::vector<std::string> call = BlockedIn(worker);
      workers += !call.empty() && call[0] == std::to_string(SYS_epoll_wait);
    }
    return workers;
  };
  BOOST_REQUIRE(WaitUntil([&] { return held() == 2; }, 30s));
  int ok = 0;
  for (int i = 0; i < 200; ++i) ok += wiki.Get("/_pages").status == 200;
  BOOST_TEST(ok == 200);
  for (auto& h : holders) h.get();
}

// N1 over HTTP: an invalid name never becomes a page.
BOOST_FIXTURE_TEST_CASE(invalid_names_create_no_pages, OnSharedWiki) {
  const int64_t pages_before = wiki.Scalar("SELECT count(*) FROM page");
  for (std::string name : std::vector<std::string>{"a//b", "_x", "%2e%2e", "a/%2E%2E/b", "x%E2%80%8Bz",
                           "%C0%AF", std::string(201, 'n'), "a%7Cb"}) {
    BOOST_TEST_CONTEXT(name) {
      HttpResponse r = wiki.Save(name, 0, "should not exist");
      BOOST_TEST(r.status == 400);
    }
  }
  BOOST_TEST(wiki.Scalar("SELECT count(*) FROM page") == pages_before);
}

// A second wikid must not steal a live socket.
BOOST_FIXTURE_TEST_CASE(a_second_wikid_refuses_a_live_socket, OnSharedWiki) {
  std::string log = wiki.data_dir() + "/second.log";
  std::string command = std::string(WIKID_BINARY) + " serve --socket " +
                        wiki.socket_path() + " --data " + wiki.data_dir() +
                        " > " + log + " 2>&1";
  int status = std::system(command.c_str());
  BOOST_TEST(WEXITSTATUS(status) == 1);
  std::ifstream in(log);
  std::string text((std::istreambuf_iterator<char>(in)), {});
  BOOST_TEST(text.find("already serving") != std::string::npos, text);
  BOOST_TEST(wiki.Get("/_pages").status == 200);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace wikid::testing
