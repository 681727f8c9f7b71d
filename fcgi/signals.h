// Signals, the nginx way: a handler only records that the signal came and
// writes a byte to a self-pipe, so the process's poll() wakes up; the main
// loop does the work. Handlers are installed with SA_RESTART before
// FCGX_Init(), which then leaves them alone (it installs its own only over
// SIG_DFL or SIG_IGN).
//
// This is wikid's one piece of global mutable state, and it is global
// because signal handlers can reach nothing else. Each process has its
// own: a worker installs fresh handlers and a fresh pipe after fork().
#pragma once

#include <csignal>

namespace wikid {

struct SignalFlags {
  volatile sig_atomic_t stop = 0;    // SIGTERM or SIGINT: stop gracefully
  volatile sig_atomic_t reload = 0;  // SIGHUP: replace the workers
  volatile sig_atomic_t child = 0;   // SIGCHLD: a worker exited
  volatile sig_atomic_t reopen = 0;  // SIGUSR1: open the log file again
};
extern SignalFlags g_signals;

// Master: TERM/INT -> stop, HUP -> reload, CHLD -> child, USR1 -> reopen;
// PIPE ignored.
void InstallMasterSignals();

// Worker, right after fork(): TERM/INT -> stop, HUP and USR1 ignored (the
// master handles them: a worker follows a reopened log by itself), CHLD default, PIPE ignored (a client that went away must
// cost one write error, not the worker). Also asks the kernel to send
// SIGTERM if the master dies, so no worker outlives it.
void InstallWorkerSignals();

// Blocks the worker's stop signals (TERM, INT) and returns the signal mask
// to wait with, in which they are open. libfcgi cannot survive a signal
// inside FCGX_Accept_r: for a unix socket, OS_Accept waits for a new
// connection's first bytes with select(), which SA_RESTART does not
// restart, and an interrupted select() makes it close the connection it
// just accepted (nginx answers that request 502). So the worker keeps
// them blocked while it accepts and serves, and lets them in only while
// it waits, atomically, with epoll_pwait() (fcgi/accept_wait.h).
sigset_t HoldWorkerStopSignals();

// The read end of the self-pipe, for poll().
int SignalWakeFd();

// Empties the self-pipe after poll() reported it readable.
void DrainSignalWakeFd();

}  // namespace wikid
