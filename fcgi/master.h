// The master process: forks the workers and keeps them running.
//
// - A worker that dies is logged (how it died) and replaced at once.
// - SIGHUP re-reads the configuration and replaces the workers one at a
//   time: a new worker is started and reports ready before an old one is
//   asked to stop, so some worker always accepts.
// - SIGTERM or SIGINT: the socket path is removed (no new connections),
//   every worker finishes the request it is serving and exits; one that
//   takes longer than the shutdown timeout is killed.
#pragma once

#include <functional>

#include "fcgi/config.h"
#include "fcgi/listener.h"
#include "fcgi/worker_phases.h"
#include "model/cache/cache_state.h"
#include "model/cache/fast_path.h"
#include "model/accounts/hash_slots.h"
#include "model/base/process_metrics.h"

namespace wikid {

// Reads the configuration again for SIGHUP; an error keeps the old one.
using ConfigLoader = std::function<Result<Config>()>;

// What the master makes before it forks anything, for all its children:
// memory shared with every worker (model/cache/cache_state.h, model/accounts/hash_slots.h,
// model/cache/fast_path.h, fcgi/worker_phases.h, model/base/process_metrics.h)
// and the eventfd by which workers wake the mailer.
struct SharedParts {
  CacheState& cache_state;
  HashSlots& hash_slots;
  FastPathShared& fast_path;
  WorkerPhases& worker_phases;
  ProcessMetrics& metrics;  // what /_metrics shows (model/base/process_metrics.h)
  int mail_wake_fd;
};

// Runs the workers and the one mailer process until stopped. Returns the
// process exit code: 0 after a graceful stop, 1 if no worker could start.
int RunMaster(Config config, Listener listener, const ConfigLoader& reload,
              SharedParts shared);

}  // namespace wikid
