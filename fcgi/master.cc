#include "fcgi/master.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <deque>
#include <map>
#include <utility>
#include <vector>

#include "fcgi/mailer.h"
#include "fcgi/signals.h"
#include "fcgi/worker.h"
#include "model/base/failpoint.h"
#include "model/base/log.h"

namespace wikid {
namespace {

using Clock = std::chrono::steady_clock;

// A worker that dies before it is ready was probably killed by its own
// start-up (a bad template, an unreadable database). Wait this long before
// trying again, so a broken configuration does not become a fork storm.
constexpr auto kStartupFailureBackoff = std::chrono::seconds(1);

struct WorkerInfo {
  int generation = 0;
  int ready_fd = -1;  // read end of its readiness pipe, until ready
  bool ready = false;
};

std::string DescribeExit(int status) {
  if (WIFSIGNALED(status)) {
    int sig = WTERMSIG(status);
    return "killed by signal " + std::to_string(sig) + " (" +
           strsignal(sig) + ")";
  }
  return "exited with status " + std::to_string(WEXITSTATUS(status));
}

class Master {
 public:
  Master(Config config, Listener listener, const ConfigLoader& reload,
         SharedParts shared)
      : config_(std::move(config)), listener_(std::move(listener)),
        reload_(reload), shared_(shared) {}

  int Run() {
    // Entries an earlier run left in memcached are not trusted (it may have
    // died between a commit and a delete): nginx asks wikid until a worker
    // has set the shared state off and a new generation serves
    // (model/cache/fast_path.h).
    RequestSuspension(shared_.fast_path, config_.FastPathFlag(), "starting",
                      MonotonicMs());
    RemoveOldFastPathFlag();
    for (int i = 0; i < config_.workers; ++i) Spawn();
    SpawnMailer();
    LogInfo("master started " + std::to_string(config_.workers) +
             " workers and the mailer");
    while (true) {
      std::vector<pollfd> fds = {{SignalWakeFd(), POLLIN, 0}};
      for (const auto& [pid, info] : workers_) {
        if (info.ready_fd >= 0) fds.push_back({info.ready_fd, POLLIN, 0});
      }
      // With no mailer, a worker's wake-up starts one (which drains it).
      bool watch_mail = mailer_ == 0 && mailer_idle_;
      if (watch_mail) fds.push_back({shared_.mail_wake_fd, POLLIN, 0});
      poll(fds.data(), fds.size(), PollTimeoutMs());
      DrainSignalWakeFd();
      if (watch_mail && fds.back().revents != 0) mailer_idle_ = false;
      if (watch_mail) fds.pop_back();
      CheckReadiness(fds);
      if (g_signals.child) {
        g_signals.child = 0;
        Reap();
      }
      if (g_signals.stop) return Stop();
      // logrotate moved the file: every process opens it again by name
      // (workers and the mailer before their next line).
      if (g_signals.reopen) {
        g_signals.reopen = 0;
        LogReopen();
        LogInfo("SIGUSR1: log file opened again");
      }
      if (g_signals.reload) {
        g_signals.reload = 0;
        BeginReload();
      }
      ContinueReload();
      RespawnMissing();
      // This host's nginx follows the state every host shares, as far as
      // this host's copy of it is fresh.
      if (config_.FastPathOn()) {
        KeepSwitch(shared_.fast_path, config_.FastPathFlag(), MonotonicMs());
      }
      if (mailer_ == 0 && !mailer_idle_ && Clock::now() >= next_mailer_) SpawnMailer();
      // Now and then an idle mailer looks anyway: another host of the wiki
      // may have queued mail and died before it was sent.
      if (mailer_ == 0 && mailer_idle_ && Clock::now() >= mailer_idle_since_ + MailerRecheck()) {
        SpawnMailer();
      }
      if (!any_ready_ && workers_.empty() && failures_at_start_ >= 3) {
        LogError("no worker could start; giving up");
        UnlinkListener(listener_);
        return 1;
      }
    }
  }

 private:
  // Forks one worker of the current generation. Returns its pid, or 0.
  pid_t Spawn() {
    int pipe_fds[2];
    if (pipe2(pipe_fds, O_CLOEXEC) != 0) {
      LogError(std::string("pipe2: ") + strerror(errno));
      return 0;
    }
    pid_t master = getpid();
    pid_t pid = fork();
    if (pid < 0) {
      LogError(std::string("fork: ") + strerror(errno));
      close(pipe_fds[0]);
      close(pipe_fds[1]);
      return 0;
    }
    if (pid == 0) {
      close(pipe_fds[0]);
      for (const auto& [other, info] : workers_) {
        if (info.ready_fd >= 0) close(info.ready_fd);
      }
      _exit(RunWorker(config_, listener_.fd, pipe_fds[1], master, shared_));
    }
    close(pipe_fds[1]);
    workers_[pid] = WorkerInfo{generation_, pipe_fds[0], false};
    return pid;
  }

  // How long an idle mailer stays away before it looks at the outbox
  // anyway (tests shorten it).
  static std::chrono::milliseconds MailerRecheck() {
    int ms = FailpointValue("mailer_recheck_ms");
    return std::chrono::milliseconds(ms > 0 ? ms : 240'000);
  }

  // Forks the mailer (fcgi/mailer.h). One at a time: mailer_ is its pid.
  void SpawnMailer() {
    pid_t master = getpid();
    pid_t pid = fork();
    if (pid < 0) {
      LogError(std::string("fork: ") + strerror(errno));
      next_mailer_ = Clock::now() + kStartupFailureBackoff;
      return;
    }
    if (pid == 0) {
      for (const auto& [other, info] : workers_) {
        if (info.ready_fd >= 0) close(info.ready_fd);
      }
      close(listener_.fd);  // the mailer serves no requests
      _exit(RunMailer(config_, shared_.mail_wake_fd, master));
    }
    mailer_ = pid;
    mailer_idle_ = false;
    mailer_started_ = Clock::now();
  }

  // The mailer exited. Idle (status 0): started again when a worker wakes
  // it. Otherwise at once, unless it died young (then after a pause, so a
  // broken configuration is no fork storm).
  void MailerExited(int status) {
    mailer_ = 0;
    if (std::exchange(mailer_retiring_, false) || g_signals.stop) return;
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
      mailer_idle_ = true;
      mailer_idle_since_ = Clock::now();
      return;
    }
    LogWarning("mailer " + DescribeExit(status) + "; starting a new one");
    if (Clock::now() - mailer_started_ < kStartupFailureBackoff) {
      next_mailer_ = Clock::now() + kStartupFailureBackoff;
    }
  }

  // A byte on a worker's pipe means ready; EOF without one means it died
  // during start-up (Reap() reports how).
  void CheckReadiness(const std::vector<pollfd>& fds) {
    for (size_t i = 1; i < fds.size(); ++i) {
      if (fds[i].revents == 0) continue;
      for (auto& [pid, info] : workers_) {
        if (info.ready_fd != fds[i].fd) continue;
        char byte;
        info.ready = read(info.ready_fd, &byte, 1) == 1;
        close(info.ready_fd);
        info.ready_fd = -1;
        if (info.ready) any_ready_ = true;
      }
    }
  }

  void Reap() {
    int status = 0;
    pid_t pid;
    while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
      if (pid == mailer_) {
        MailerExited(status);
        continue;
      }
      auto it = workers_.find(pid);
      if (it == workers_.end()) continue;
      bool was_ready = it->second.ready;
      if (it->second.ready_fd >= 0) close(it->second.ready_fd);
      workers_.erase(it);
      // Whether it died inside libfcgi, reading a request: then it wrote
      // nothing, and no view needs distrusting (fcgi/worker_phases.h).
      const bool died_reading = shared_.worker_phases.Release(pid);
      if (retiring_.erase(pid) > 0 && WIFEXITED(status) &&
          WEXITSTATUS(status) == 0) {
        continue;  // an old worker leaving after a reload, as asked
      }
      if (WIFEXITED(status) && WEXITSTATUS(status) == kWorkerReplaceMeExit) {
        // It answered its request and asked to be replaced (a runaway
        // rendering): nothing half-done, so the caches stay trusted.
        LogWarning("worker " + std::to_string(pid) + " asked to be replaced");
        ProcessMetrics::Add(shared_.metrics.workers_asked);
        if (pid == replacing_) replacing_ = 0;
        continue;
      }
      if (g_signals.stop) {
        if (!(WIFEXITED(status) && WEXITSTATUS(status) == 0)) {
          LogError("worker " + std::to_string(pid) + " " +
                   DescribeExit(status) + " while stopping");
          // Killed past the shutdown timeout, perhaps mid-save.
          if (!died_reading) {
            DistrustViews("worker " + std::to_string(pid) + " died while stopping");
          }
        }
        continue;
      }
      ProcessMetrics::Add(shared_.metrics.workers_died);
      if (died_reading) {
        LogError("worker " + std::to_string(pid) + " " + DescribeExit(status) +
                 " while reading a request (malformed FastCGI records?); starting a "
                 "new one, caches trusted: it was writing nothing");
      } else {
        LogError("worker " + std::to_string(pid) + " " + DescribeExit(status) +
                 "; starting a new one");
        DistrustViews("worker " + std::to_string(pid) + " died");
      }
      if (!was_ready) {
        next_spawn_ = Clock::now() + kStartupFailureBackoff;
        if (!any_ready_) ++failures_at_start_;
        if (pid == successor_ && replacing_ != 0) AbortReload();
      }
      // The old worker being replaced died on its own: its successor
      // simply stays.
      if (pid == replacing_) replacing_ = 0;
    }
  }

  // A worker died unasked: it may have committed a save and died before
  // its invalidation (model/page_writes.h, step 2). Every view cached so
  // far may miss that save: the fast path is suspended (its next
  // generation starts empty) and the workers are asked to move the links
  // and site numbers, which every view's stamp holds, before their next
  // stamp (model/cache/versions.h), so no worker serves an older view.
  void DistrustViews(const std::string& why) {
    shared_.cache_state.bumps_asked.fetch_add(1);
    RequestSuspension(shared_.fast_path, config_.FastPathFlag(), why, MonotonicMs());
  }

  // Before generations, the default flag was DATA/fast-path-on, a plain
  // file whose presence let nginx serve entries that this wikid no longer
  // writes or deletes: gone, nginx (until its configuration is made
  // again) asks wikid for every view.
  void RemoveOldFastPathFlag() {
    const std::string old_flag = config_.data_dir + "/fast-path-on";
    if (old_flag == config_.FastPathFlag()) return;
    if (unlink(old_flag.c_str()) == 0) {
      LogWarning("removed " + old_flag + ", the fast path's flag of an older wikid: make "
                 "nginx's configuration again (scripts/nginx-config) for the fast path");
    }
  }

  // Keeps at least config_.workers workers that are not retiring. During a
  // reload there is one more: the successor starting beside an old worker.
  void RespawnMissing() {
    if (Clock::now() < next_spawn_) return;
    int live = static_cast<int>(workers_.size() - retiring_.size());
    for (int i = live; i < config_.workers; ++i) {
      if (Spawn() == 0) return;
    }
  }

  void BeginReload() {
    auto fresh = reload_();
    if (!fresh.ok()) {
      LogWarning("SIGHUP: configuration not reloaded: " +
               fresh.status().message());
      return;
    }
    if (fresh->socket != config_.socket) {
      LogWarning("SIGHUP: a new --socket needs a restart; keeping " +
               config_.socket);
      fresh->socket = config_.socket;
    }
    // nginx's configuration names the memcached, the key prefix and the
    // flag file (by default in --data): wikid cannot move them under it.
    if (fresh->memcached != config_.memcached || fresh->cache_prefix != config_.cache_prefix ||
        fresh->FastPathFlag() != config_.FastPathFlag()) {
      LogWarning("SIGHUP: new --memcached, --cache-prefix, --fast-path-flag or --data "
               "need a restart (and nginx's configuration to match); keeping the old ones");
      fresh->memcached = config_.memcached;
      fresh->cache_prefix = config_.cache_prefix;
      fresh->fast_path_flag = config_.fast_path_flag;
      fresh->data_dir = config_.data_dir;
    }
    // New templates or settings change what a view shows: workers still
    // running the old ones must not fill or restore the fast path.
    shared_.cache_state.generation.fetch_add(1);
    RequestSuspension(shared_.fast_path, config_.FastPathFlag(), "SIGHUP",
                      MonotonicMs());
    int old_workers = config_.workers;
    previous_config_ = config_;
    config_ = std::move(*fresh);
    ++generation_;
    to_replace_.clear();
    for (const auto& [pid, info] : workers_) {
      if (info.generation < generation_ && !retiring_.contains(pid)) {
        to_replace_.push_back(pid);
      }
    }
    LogInfo("SIGHUP: replacing " + std::to_string(to_replace_.size()) +
             " workers one by one, and the mailer");
    // The mailer takes the new settings by starting again; a message in
    // flight finishes first (it stops between messages).
    if (mailer_ != 0) {
      mailer_retiring_ = true;
      kill(mailer_, SIGTERM);
    }
    // Fewer workers wanted: the surplus old ones are retired without a
    // successor once the rest are replaced.
    surplus_ = std::max(0, old_workers - config_.workers);
  }

  // One step of a rolling reload: start a successor, and once it is ready,
  // ask the old worker to finish and leave.
  void ContinueReload() {
    if (replacing_ != 0) {
      auto it = workers_.find(successor_);
      if (it == workers_.end()) {
        // The successor died after it was ready: try that one again.
        to_replace_.push_front(replacing_);
        replacing_ = 0;
      } else if (!it->second.ready) {
        return;
      } else {
        Retire(replacing_);
        replacing_ = 0;
      }
    }
    while (!to_replace_.empty() && replacing_ == 0) {
      pid_t old = to_replace_.front();
      to_replace_.pop_front();
      if (!workers_.contains(old)) continue;
      if (static_cast<int>(to_replace_.size()) < surplus_) {
        Retire(old);
        continue;
      }
      replacing_ = old;
      successor_ = Spawn();
      if (successor_ == 0) {
        AbortReload();
        return;
      }
    }
  }

  // The new configuration cannot start a worker: go on with the old one
  // (the workers not yet replaced still run it).
  void AbortReload() {
    LogError("SIGHUP: a new worker failed to start; keeping the old "
             "configuration");
    config_ = previous_config_;
    to_replace_.clear();
    replacing_ = 0;
  }

  void Retire(pid_t pid) {
    retiring_.insert({pid, true});
    kill(pid, SIGTERM);
  }

  int PollTimeoutMs() const {
    if (g_signals.stop) return 100;
    if (Clock::now() < next_spawn_) return 100;
    if (config_.FastPathOn()) return static_cast<int>(kKeepMs);
    return 1000;
  }

  int Stop() {
    LogInfo("stopping: waiting for workers to finish their requests");
    // This host's nginx lives on without wikid (model/cache/fast_path.h).
    if (config_.FastPathOn()) SwitchOffForGood(config_.FastPathFlag(), "wikid stops");
    UnlinkListener(listener_);
    close(listener_.fd);
    for (const auto& [pid, info] : workers_) kill(pid, SIGTERM);
    if (mailer_ != 0) kill(mailer_, SIGTERM);
    auto deadline =
        Clock::now() + std::chrono::seconds(config_.shutdown_timeout_seconds);
    while (!workers_.empty() || mailer_ != 0) {
      if (Clock::now() >= deadline) {
        for (const auto& [pid, info] : workers_) {
          LogError("worker " + std::to_string(pid) +
                   " did not finish in time; killing it");
          kill(pid, SIGKILL);
        }
        if (mailer_ != 0) kill(mailer_, SIGKILL);
        deadline = Clock::now() + std::chrono::hours(1);
      }
      pollfd fd = {SignalWakeFd(), POLLIN, 0};
      poll(&fd, 1, 100);
      DrainSignalWakeFd();
      Reap();
    }
    LogInfo("stopped");
    return 0;
  }

  Config config_;
  Config previous_config_;  // before the last reload, for AbortReload
  Listener listener_;
  const ConfigLoader& reload_;
  SharedParts shared_;
  pid_t mailer_ = 0;                  // the one mailer process, or 0
  Clock::time_point next_mailer_{};   // when a dead mailer may start again
  Clock::time_point mailer_started_{};
  bool mailer_retiring_ = false;      // asked to stop for a reload
  bool mailer_idle_ = false;          // left when idle: start on a wake-up
  Clock::time_point mailer_idle_since_{};  // ...or after MailerRecheck()
  std::map<pid_t, WorkerInfo> workers_;
  std::map<pid_t, bool> retiring_;  // asked to stop after a reload
  std::deque<pid_t> to_replace_;    // old workers still to be replaced
  pid_t replacing_ = 0;             // old worker whose successor is starting
  pid_t successor_ = 0;
  int surplus_ = 0;
  int generation_ = 0;
  bool any_ready_ = false;
  int failures_at_start_ = 0;
  Clock::time_point next_spawn_{};
};

}  // namespace

int RunMaster(Config config, Listener listener, const ConfigLoader& reload,
              SharedParts shared) {
  Master master(std::move(config), std::move(listener), reload, shared);
  return master.Run();
}

}  // namespace wikid
