// ThisProcess: this process's id, without a system call each time.
//
// glibc's getpid() asks the kernel on every call, and on the virtual
// machines this project is measured on a system call costs 5-20 µs: a
// cached page view made two of them (the memcached handle's check that it
// was not inherited across a fork, and the request's log line). The id is
// read once, and read again in a child after fork() (a pthread_atfork
// handler). That cached id is process-wide mutable state, which the
// process model needs: it only ever holds what getpid() would answer, in
// a process made by fork() (every process of wikid's; a child made
// otherwise, by posix_spawn or vfork, runs exec before any of this code).
#pragma once

#include <sys/types.h>

namespace wikid {

pid_t ThisProcess();

}  // namespace wikid
