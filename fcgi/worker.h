// A worker process: opens its database, statements and templates once,
// then accepts and serves FastCGI requests one at a time until told to
// stop.
#pragma once

#include <sys/types.h>

#include "fcgi/config.h"
#include "fcgi/master.h"
#include "model/cache/cache_state.h"
#include "model/accounts/hash_slots.h"

namespace wikid {

// Runs in a freshly forked child. `ready_fd` gets one byte once the worker
// can serve (the master waits for it during a rolling restart) and is then
// closed. Returns the process exit code: 0 after a graceful stop, non-zero
// if start-up failed.
// `shared` are the master's shared parts.
// The exit code of a worker that ended itself after answering, because a
// rendering overran its budget and still runs on its thread
// (views/markup/budgeted_thread.h). Nothing was left half-done: the master
// starts another worker and trusts the caches.
constexpr int kWorkerReplaceMeExit = 3;

int RunWorker(const Config& config, int listen_fd, int ready_fd,
              pid_t master_pid, const SharedParts& shared);

}  // namespace wikid
