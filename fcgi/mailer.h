// The mailer process: the process that sends the admins' mail (one per
// host; claims keep each message to one mailer, model/store/outbox.h). The
// master forks it at start (for mail left queued by an earlier run),
// whenever a worker queues mail while none runs, and every few minutes
// while none runs (mail another host queued and did not live to send),
// restarts it if it dies, and stops it with the workers. It sleeps in poll() until a worker queues
// mail (a write to the shared eventfd `wake_fd`) or a retry falls due;
// after a minute with nothing queued it exits, so an idle wiki has no
// mailer most of the time. libcurl is initialised only when a message is sent.
#pragma once

#include <sys/types.h>

#include "fcgi/config.h"

namespace wikid {

// Runs in a freshly forked child (named "wikid-mailer") until told to
// stop, or until idle. Returns the exit code: 0 after a graceful stop or
// when idle, non-zero if it could not start.
int RunMailer(const Config& config, int wake_fd, pid_t master_pid);

// Wakes the mailer: called by a worker after it committed queued mail.
void WakeMailer(int wake_fd);

}  // namespace wikid
