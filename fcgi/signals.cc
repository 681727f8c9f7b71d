#include "fcgi/signals.h"

#include <fcntl.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>

namespace wikid {

SignalFlags g_signals;

namespace {

int g_wake_pipe[2] = {-1, -1};

void Wake() {
  int saved = errno;  // a handler must not change errno under the code
  char byte = 1;
  [[maybe_unused]] ssize_t n = write(g_wake_pipe[1], &byte, 1);
  errno = saved;
}

void OnStop(int) { g_signals.stop = 1; Wake(); }
void OnReload(int) { g_signals.reload = 1; Wake(); }
void OnChild(int) { g_signals.child = 1; Wake(); }
void OnReopen(int) { g_signals.reopen = 1; Wake(); }

void Handle(int signo, void (*handler)(int)) {
  struct sigaction sa {};
  sa.sa_handler = handler;
  sigemptyset(&sa.sa_mask);
  // SA_RESTART: a signal must not cut a request's read or write short
  // (libfcgi does not retry EINTR).
  sa.sa_flags = SA_RESTART;
  sigaction(signo, &sa, nullptr);
}

void MakeWakePipe() {
  if (g_wake_pipe[0] >= 0) {
    close(g_wake_pipe[0]);
    close(g_wake_pipe[1]);
  }
  if (pipe2(g_wake_pipe, O_NONBLOCK | O_CLOEXEC) != 0) {
    std::perror("wikid: pipe2");
    std::exit(1);
  }
}

}  // namespace

void InstallMasterSignals() {
  MakeWakePipe();
  Handle(SIGTERM, OnStop);
  Handle(SIGINT, OnStop);
  Handle(SIGHUP, OnReload);
  Handle(SIGCHLD, OnChild);
  Handle(SIGUSR1, OnReopen);
  Handle(SIGPIPE, SIG_IGN);
}

void InstallWorkerSignals() {
  g_signals = SignalFlags();
  MakeWakePipe();  // the master's pipe must not see the worker's signals
  Handle(SIGTERM, OnStop);
  Handle(SIGINT, OnStop);
  Handle(SIGHUP, SIG_IGN);
  Handle(SIGUSR1, SIG_IGN);
  Handle(SIGCHLD, SIG_DFL);
  Handle(SIGPIPE, SIG_IGN);
  prctl(PR_SET_PDEATHSIG, SIGTERM);
}

sigset_t HoldWorkerStopSignals() {
  sigset_t stop, open;
  sigemptyset(&stop);
  sigaddset(&stop, SIGTERM);
  sigaddset(&stop, SIGINT);
  sigprocmask(SIG_BLOCK, &stop, &open);
  sigdelset(&open, SIGTERM);
  sigdelset(&open, SIGINT);
  return open;
}

int SignalWakeFd() { return g_wake_pipe[0]; }

void DrainSignalWakeFd() {
  char buf[64];
  while (read(g_wake_pipe[0], buf, sizeof buf) > 0) {
  }
}

}  // namespace wikid
