#include "fcgi/worker.h"

#include <fcgiapp.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <ctime>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "fcgi/accept_wait.h"
#include "fcgi/fastcgi_answer.h"
#include "fcgi/mailer.h"
#include "fcgi/request_check.h"
#include "fcgi/request_log.h"
#include "fcgi/signals.h"
#include "model/base/clock.h"
#include "model/base/failpoint.h"
#include "model/base/process_id.h"
#include "model/cache/fast_path.h"
#include "model/wiki.h"
#include "views/base/shared_views.h"
#include "views/base/render.h"
#include "views/router.h"
#include "views/site.h"

namespace wikid {
namespace {

// How often a worker checks that its master is still alive, idle or busy,
// on top of PR_SET_PDEATHSIG (which a master that exec'd would not
// trigger).
constexpr int kIdleCheckMs = 1000;

std::string Param(const FCGX_Request& r, const char* name) {
  const char* value = FCGX_GetParam(name, r.envp);
  return value ? value : "";
}

enum class BodyRead { kOk, kTooLarge, kShort, kBadLength };

// How much of a multipart form too large to keep is kept: its fields
// before the file (the upload form puts them first), so the refusal can
// show them again.
constexpr size_t kKeptPrefixBytes = 64 << 10;

// Reads the request body to its end, always: a body left unread can break
// the next request on the connection. Keeps it only if it fits `limit`;
// past that, only its first `keep_prefix` bytes (kTooLarge).
BodyRead ReadBody(FCGX_Stream* in, const std::string& content_length,
                  size_t limit, size_t keep_prefix, std::string* body) {
  size_t declared = 0;
  if (!content_length.empty()) {  // nginx sends "" for a GET
    auto [end, ec] = std::from_chars(
        content_length.data(), content_length.data() + content_length.size(),
        declared);
    if (ec != std::errc() ||
        end != content_length.data() + content_length.size()) {
      declared = 0;
      body->clear();
      char sink[16384];
      while (FCGX_GetStr(sink, sizeof sink, in) > 0) {
      }
      return BodyRead::kBadLength;
    }
  }
  bool keep = declared <= limit;
  if (keep) body->reserve(declared);
  size_t received = 0;
  char buf[16384];
  int n;
  while ((n = FCGX_GetStr(buf, sizeof buf, in)) > 0) {
    received += static_cast<size_t>(n);
    if (keep && received <= limit) {
      body->append(buf, static_cast<size_t>(n));
    } else {
      keep = false;
      if (body->size() < keep_prefix) {
        body->append(buf, std::min(static_cast<size_t>(n), keep_prefix - body->size()));
      }
    }
  }
  if (!keep) {
    body->resize(std::min(body->size(), keep_prefix));
    return BodyRead::kTooLarge;
  }
  return received < declared ? BodyRead::kShort : BodyRead::kOk;
}

// Header values come from our own code, but a CR or LF in one would split
// the response: drop them rather than trust every caller.
std::string HeaderSafe(std::string value) {
  std::erase_if(value, [](char c) { return c == '\r' || c == '\n'; });
  return value;
}

// Sends the whole answer in one system call (fcgi/fastcgi_answer.h), then
// closes libfcgi's writer unused, so that FCGX_Finish_r writes nothing
// more: no STDOUT records of its own, and no second END_REQUEST (it
// writes that when its STDOUT writer closes, and its STDERR writer, which
// closes first and was never written to, writes nothing).
void WriteResponse(FCGX_Request& request, const Response& r, bool head,
                   const std::string& debug_headers, std::chrono::milliseconds timeout) {
  std::string h;
  h.reserve(512);
  h += "Status: " + std::to_string(r.status) + " " + ReasonPhrase(r.status) +
       "\r\nContent-Type: " + r.content_type +
       "\r\nContent-Length: " + std::to_string(r.body.size()) + "\r\n";
  for (const auto& [name, value] : SecurityHeaders()) {
    h += name + ": " + value + "\r\n";
  }
  for (const auto& [name, value] : r.headers) {
    h += name + ": " + HeaderSafe(value) + "\r\n";
  }
  h += debug_headers;
  h += "\r\n";
  // A client that left makes this fail; there is nobody to tell.
  SendAnswer(request.ipcFd, static_cast<unsigned>(request.requestId), h,
             head ? std::string_view() : std::string_view(r.body), timeout);
  request.out->wasFCloseCalled = 1;
  request.out->isClosed = 1;
}

// Closes the connection, answered. libfcgi's own close shuts down the
// write side and then waits, up to two seconds, for nginx to close its end
// (a lingering close, so that unread request bytes cannot turn into a
// reset that destroys the response): the worker sat idle for every
// request until nginx had read the response. Serve always reads the
// request to the end of its input, so once that end was seen nothing is
// left unread and the connection is closed at once.
void FinishRequest(FCGX_Request& request) {
  if (FCGX_HasSeenEOF(request.in) == EOF) FCGX_Detach(&request);
  FCGX_Finish_r(&request);
}

// What accepting the next connection gave.
enum class Accepted {
  kRequest,  // a request, read by libfcgi: serve it
  kNone,     // no connection was waiting (another worker took it)
  kDropped,  // one was closed unanswered (fcgi/request_check.h)
};

// Accepts a connection (from `allowed` over TCP), checks its request's
// head, waiting at most `head_timeout`, before libfcgi reads it, then lets
// FCGX_Accept_r read that connection: with ipcFd set it accepts nothing
// itself, and keepConnection keeps the FCGX_Finish_r it starts with from
// closing the connection.
Accepted AcceptNext(int listen_fd, const std::vector<std::string>& allowed,
                    std::chrono::milliseconds head_timeout, const Config& config,
                    FCGX_Request& request) {
  std::string why;
  int fd = AcceptChecked(listen_fd, allowed, head_timeout,
                         std::chrono::milliseconds(config.fastcgi_timeout_ms), &why);
  if (fd < 0) {
    if (why.empty()) return Accepted::kNone;
    LogWarning("closed a FastCGI connection unanswered: " + why);
    return Accepted::kDropped;
  }
  request.ipcFd = fd;
  request.keepConnection = 1;
  return FCGX_Accept_r(&request) >= 0 ? Accepted::kRequest : Accepted::kDropped;
}

// Ends the request and its connection. A peer that asked to keep the
// connection (FCGI_KEEP_CONN) gets it closed all the same: every request
// must come through AcceptNext's checks, and a kept connection would tie
// a pre-forked worker to one nginx connection.
void EndRequest(FCGX_Request& request) {
  FinishRequest(request);
  if (request.ipcFd >= 0) FCGX_Free(&request, 1);
}

// Everything one worker owns, opened once after fork().
class Worker {
 public:
  Worker(const Config& config, const SharedParts& shared)
      : config_(config), shared_(shared) {}

  Status Open() {
    WikiOptions options = WikiOptionsOf(config_);
    options.storage.application_name = "wikid worker";  // as pg_stat_activity shows it
    auto wiki = Wiki::Open(options,
                           ProcessState{.cache_state = &shared_.cache_state,
                                        .fast_path = &shared_.fast_path,
                                        .hash_slots = &shared_.hash_slots,
                                        .metrics = &shared_.metrics});
    if (!wiki.ok()) return wiki.status();
    wiki_ = std::move(*wiki);
    // What a worker killed mid-copy left (model/cache/file_cache.h).
    wiki_->caches().file_cache.SweepTemporaries();
    auto site = Site::Open(config_.site, *wiki_, config_.templates_dir, config_.dev,
                           [fd = shared_.mail_wake_fd] { WakeMailer(fd); },
                           [] { return static_cast<int64_t>(time(nullptr)); });
    if (!site.ok()) return site.status();
    site_ = std::move(*site);
    return Status::Ok();
  }

  // Work that waits for no request: at start, after each request, and
  // when idle.
  void BetweenRequests() {
    wiki_->caches().fast_path.Sync();
    wiki_->caches().file_cache.SweepPublished(time(nullptr));
  }

  // Where this worker says whether it is reading a request (null: no slot).
  void SetPhaseSlot(WorkerPhases::Slot* slot) { phase_ = slot; }

  // This process should end after its request (Site::WantsReplacing).
  bool WantsReplacing() const { return site_->WantsReplacing(); }

  // How long an idle worker may wait before BetweenRequests again: not
  // long with a fast path, whose shared state this host must keep reading
  // (one worker at a time reads it, every kSyncMs).
  int IdleWaitMs() const {
    return wiki_->caches().fast_path.enabled() ? static_cast<int>(kSyncMs) : kIdleCheckMs;
  }

  void Serve(FCGX_Request& r) {
    // Tests make requests slow on purpose (graceful stop, rolling restart).
    FailpointSleep("request_sleep");
    // The cache epoch, read again if this worker's copy is over 100 ms old
    // (model/cache/versions.h): at the start of the request, before its
    // stamp is read, so that its views rarely need to. It is one indexed
    // read at most ten times a second per worker, and the test headers'
    // query count leaves it out: it belongs to no request in particular
    // (a test's "this view ran no query" would otherwise depend on when
    // the worker last looked).
    wiki_->caches().versions.Refresh();
    // What this request cost: for the admins' Server-Timing, and for
    // tests (X-Wikid-*, compiled out of Release builds).
    const StorageCounters before = wiki_->stores().storage.counters();
    const RenderCounters renders_before = wiki_->caches().renders.counters();
    const auto started = std::chrono::steady_clock::now();
    // nginx's $request_id, so its access log and this line share it.
    const std::string request_id = RequestIdOf(Param(r, "WIKID_REQUEST_ID"));
    size_t route = Routes().size();
    Asker asker;
    Response response = Handle(r, &route, &asker);
    response.headers.emplace_back("X-Request-Id", request_id);
    const StorageCounters after = wiki_->stores().storage.counters();
    const RenderCounters& renders_after = wiki_->caches().renders.counters();
    const std::string_view cache = PublishCounters();
    const bool head = Param(r, "REQUEST_METHOD") == "HEAD";
    // Admins only: where the time goes is nobody else's business (and
    // would tell a reader which pages others read lately).
    if (asker.admin) {
      response.headers.emplace_back(
          "Server-Timing",
          ServerTiming({.total_micros = MicrosSince(started),
                        .db_queries = after.queries - before.queries,
                        .db_rows = after.rows - before.rows,
                        .renders = renders_after.renders - renders_before.renders,
                        .render_micros = renders_after.render_micros - renders_before.render_micros,
                        .cache = cache}));
    }
    std::string debug;
#ifdef WIKID_TESTING
    debug = "X-Wikid-Queries: " + std::to_string(after.queries - before.queries) +
            "\r\nX-Wikid-Rows: " + std::to_string(after.rows - before.rows) +
            "\r\nX-Wikid-Worker: " + std::to_string(ThisProcess()) +
            "\r\nX-Wikid-Renders: " +
            std::to_string(renders_after.renders - renders_before.renders) + "\r\n";
#endif
    WriteResponse(r, response, head, debug, std::chrono::milliseconds(config_.fastcgi_timeout_ms));
    // Counted before the request ends (EndRequest), so that a client
    // that has its answer finds it counted by the next scrape.
    const int64_t micros = MicrosSince(started);
    shared_.metrics.CountRequest(route < Routes().size() ? route : ProcessMetrics::kUnrouted,
                                 response.status, micros);
    // Written by LogRequest, once the answer has gone.
    request_line_ = RequestLine({.request_id = request_id,
                                 .method = Param(r, "REQUEST_METHOD"),
                                 .request_uri = Param(r, "REQUEST_URI"),
                                 .status = response.status,
                                 .bytes = head ? 0 : response.body.size(),
                                 .micros = micros,
                                 .cache = cache,
                                 .user_id = asker.user_id});
  }

  // Writes the line of the request Serve answered (fcgi/request_log.h),
  // after EndRequest: the client does not wait for it.
  void LogRequest() {
    if (request_line_.empty()) return;
    WriteLogLine(request_line_);
    request_line_.clear();
  }

 private:
  static int64_t MicrosSince(std::chrono::steady_clock::time_point started) {
    return std::chrono::duration_cast<std::chrono::microseconds>(
               std::chrono::steady_clock::now() - started)
        .count();
  }

  // What this worker's caches and database connection counted since it
  // last published, added to the host's totals (ProcessMetrics): a few
  // relaxed adds, none for a counter that did not move. Published after
  // every request, so the change is that request's: returns where its
  // view came from (RequestRecord::cache).
  std::string_view PublishCounters() {
    const StampedCacheCounters& views = wiki_->caches().views.counters();
    const LocalViewCounters& kept = wiki_->caches().views.local_counters();
    const LocalViewCounters& whole = wiki_->caches().anonymous_views.counters();
    const RenderCounters& renders = wiki_->caches().renders.counters();
    const Published now{
        .worker_hits = kept.hits + whole.hits,
        .worker_misses = kept.misses + kept.outdated + whole.misses + whole.outdated,
        .memcached_hits = views.hits,
        .memcached_misses = views.misses + views.stale + views.bad_entries,
        .render_hits = renders.hits + renders.waited_hits,
        .render_misses = renders.renders,
        .busy_waits = wiki_->stores().storage.counters().busy_waits,
    };
    ProcessMetrics& m = shared_.metrics;
    ProcessMetrics::Publish(m.worker_copy_hits, now.worker_hits - published_.worker_hits);
    ProcessMetrics::Publish(m.worker_copy_misses, now.worker_misses - published_.worker_misses);
    ProcessMetrics::Publish(m.memcached_hits, now.memcached_hits - published_.memcached_hits);
    ProcessMetrics::Publish(m.memcached_misses,
                            now.memcached_misses - published_.memcached_misses);
    ProcessMetrics::Publish(m.render_hits, now.render_hits - published_.render_hits);
    ProcessMetrics::Publish(m.render_misses, now.render_misses - published_.render_misses);
    ProcessMetrics::Publish(m.busy_waits, now.busy_waits - published_.busy_waits);
    const Published before = std::exchange(published_, now);
    if (now.worker_hits > before.worker_hits) return "worker";
    if (now.memcached_hits > before.memcached_hits) return "memcached";
    if (now.render_hits > before.render_hits) return "render";
    if (now.worker_misses > before.worker_misses ||
        now.memcached_misses > before.memcached_misses ||
        now.render_misses > before.render_misses) {
      return "miss";
    }
    return "-";
  }

  Response Handle(FCGX_Request& r, size_t* route, Asker* asker) {
    RawRequest raw;
    raw.method = Param(r, "REQUEST_METHOD");
    raw.request_uri = Param(r, "REQUEST_URI");
    raw.content_type = Param(r, "CONTENT_TYPE");
    raw.cookie_header = Param(r, "HTTP_COOKIE");
    raw.if_match = Param(r, "HTTP_IF_MATCH");
    raw.if_none_match = Param(r, "HTTP_IF_NONE_MATCH");
    raw.authorization = Param(r, "HTTP_AUTHORIZATION");
    raw.remote_address = Param(r, "REMOTE_ADDR");
    raw.forwarded_for = Param(r, "HTTP_X_FORWARDED_FOR");
    raw.forwarded_proto = Param(r, "HTTP_X_FORWARDED_PROTO");
    raw.https = Param(r, "HTTPS") == "on";
    raw.fast_path = Param(r, "WIKID_FAST_PATH");
    // A route that takes files takes a body as large as an upload and its
    // form; a multipart form past the limit keeps its first fields, for
    // the router's 413 to show them again (views/router.h).
    const std::string_view path = std::string_view(raw.request_uri).substr(
        0, raw.request_uri.find('?'));
    const size_t limit =
        TakesUploads(path)
            ? std::max(config_.max_body_bytes, config_.site.max_upload_bytes + kUploadFormBytes)
            : config_.max_body_bytes;
    const bool multipart = IsMultipartForm(raw.content_type);
    const BodyRead body = ReadBody(r.in, Param(r, "CONTENT_LENGTH"), limit,
                                   multipart ? kKeptPrefixBytes : 0, &raw.body);
    // Out of libfcgi's reading: from here on this worker may write.
    if (phase_) phase_->Set(WorkerPhases::Phase::kWorking);
    switch (body) {
      case BodyRead::kOk:
        break;
      case BodyRead::kTooLarge:
        if (multipart) {
          raw.body_too_large = true;
          break;
        }
        return ErrorFor(site_->context(), raw.request_uri, 413,
                        "The request body is larger than the " + std::to_string(limit) +
                            " bytes this wiki accepts.");
      case BodyRead::kShort:
        return ErrorFor(site_->context(), raw.request_uri, 400,
                        "The request body is shorter than its Content-Length says.");
      case BodyRead::kBadLength:
        return ErrorFor(site_->context(), raw.request_uri, 400, "The Content-Length is not a number.");
    }
    auto request = DecodeRequest(raw, config_.trusted_proxies);
    if (!request.ok()) return ErrorFor(site_->context(), raw.request_uri, 400, request.status().message());
    return Dispatch(*request, site_->context(), route, asker);
  }

  const Config& config_;
  SharedParts shared_;
  WorkerPhases::Slot* phase_ = nullptr;
  // This worker's counts as PublishCounters last added them.
  struct Published {
    int64_t worker_hits = 0, worker_misses = 0, memcached_hits = 0, memcached_misses = 0,
            render_hits = 0, render_misses = 0, busy_waits = 0;
  };
  Published published_;
  std::string request_line_;  // the last request's, until LogRequest
  std::unique_ptr<Wiki> wiki_;
  std::unique_ptr<Site> site_;
};

}  // namespace

int RunWorker(const Config& config, int listen_fd, int ready_fd,
              pid_t master_pid, const SharedParts& shared) {
  InstallWorkerSignals();
  // The master may have died between fork() and PR_SET_PDEATHSIG.
  if (getppid() != master_pid) return 1;

  Worker worker(config, shared);
  if (Status s = worker.Open(); !s.ok()) {
    LogError("worker cannot start: " + s.message());
    return 1;
  }
  FCGX_Request request;
  // No listening socket for libfcgi: it must never accept a connection
  // itself, unchecked (AcceptNext hands it each one).
  if (FCGX_InitRequest(&request, -1, 0) != 0) {
    LogError("FCGX_InitRequest failed");
    return 1;
  }
  auto waiter = AcceptWait::Create(listen_fd, SignalWakeFd());
  if (!waiter.ok()) {
    LogError("worker cannot wait for connections: " + waiter.status().message());
    return 1;
  }
  // Named once it can serve, as it tells the master: ps and the tests
  // count "wikid-worker"s as the workers serving (a worker that is still
  // loading its templates, or failing to, keeps the master's name).
  prctl(PR_SET_NAME, "wikid-worker");
  char ready = 1;
  [[maybe_unused]] ssize_t n = write(ready_fd, &ready, 1);
  close(ready_fd);

  // The accept loop. Wait on the listening socket and the signal pipe
  // (AcceptWait), so a stop request wakes an idle worker at once (stop
  // signals are delivered only there: see HoldWorkerStopSignals); then
  // AcceptNext on the non-blocking socket, which finds nothing when
  // another worker won the race for the connection (EAGAIN), and drops a
  // peer that sent garbage or too little in time.
  // Reading a request (inside libfcgi) or anything else, for the master
  // should this process die (fcgi/worker_phases.h).
  WorkerPhases::Slot* phase = shared.worker_phases.Claim(ThisProcess());
  worker.SetPhaseSlot(phase);
  auto reading = [phase] {
    if (phase) phase->Set(WorkerPhases::Phase::kReading);
  };
  const sigset_t wait_mask = HoldWorkerStopSignals();
  const std::vector<std::string> allowed = WebServerAddresses();
  const std::chrono::milliseconds timeout(config.fastcgi_timeout_ms);
  worker.BetweenRequests();
  int64_t master_checked_ms = MonotonicMs();
  while (!g_signals.stop) {
    AcceptWait::Woken woken = waiter->Wait(worker.IdleWaitMs(), wait_mask);
    if (woken.signal) DrainSignalWakeFd();
    if (g_signals.stop) break;
    // Whether the master still lives: when woken by a signal or idle, and
    // at most every kIdleCheckMs under load. getppid() is a system call,
    // and a master's death sends this worker SIGTERM anyway.
    if (const int64_t now = MonotonicMs();
        woken.signal || !woken.connection || now - master_checked_ms >= kIdleCheckMs) {
      master_checked_ms = now;
      if (getppid() != master_pid) break;
    }
    if (!woken.connection) {
      worker.BetweenRequests();
      continue;
    }
    reading();
    if (AcceptNext(listen_fd, allowed, timeout, config, request) != Accepted::kRequest) {
      if (phase) phase->Set(WorkerPhases::Phase::kWorking);
      continue;
    }
    worker.Serve(request);
    EndRequest(request);
    worker.LogRequest();
    if (worker.WantsReplacing()) {
      LogWarning("worker " + std::to_string(ThisProcess()) +
                 " ends: a rendering overran its budget and still runs");
      FCGX_Free(&request, 1);
      return kWorkerReplaceMeExit;
    }
    worker.BetweenRequests();
  }

  // The master is gone (killed; its death sent us SIGTERM): nobody keeps
  // the fast path's switch now, and this host's nginx lives on.
  if (getppid() != master_pid && config.FastPathOn()) {
    SwitchOffForGood(config.FastPathFlag(), "the master is gone");
  }

  // Stopping. nginx may already have queued connections on the socket
  // that no worker has accepted; the master removed the socket path before
  // it signalled us, so no more can arrive (on a unix socket). Serve what
  // is queued, then leave, so a graceful stop drops no request. Bounded in
  // time, for a TCP socket under load, well inside the master's patience.
  auto drain_until = std::chrono::steady_clock::now() +
                     std::chrono::seconds(config.shutdown_timeout_seconds) / 2;
  while (g_signals.stop && std::chrono::steady_clock::now() < drain_until) {
    // A slow peer may take only what is left of the drain.
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        drain_until - std::chrono::steady_clock::now());
    reading();
    Accepted next = AcceptNext(listen_fd, allowed, std::min(timeout, left), config, request);
    if (next == Accepted::kNone) {
      if (phase) phase->Set(WorkerPhases::Phase::kWorking);
      break;
    }
    if (next != Accepted::kRequest) continue;
    worker.Serve(request);
    EndRequest(request);
    worker.LogRequest();
    // Its rendering still runs: every later one would be refused. Leave
    // the rest of the queue to the other workers (or nginx's retry).
    if (worker.WantsReplacing()) {
      FCGX_Free(&request, 1);
      return kWorkerReplaceMeExit;
    }
  }
  FCGX_Free(&request, 1);
  return 0;
}

}  // namespace wikid
