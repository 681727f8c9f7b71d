// RunProcessesTogether: a race between processes, for the tests that show
// two writers on one database never both win. Each process gets ready on
// its own (opens its own connection, after fork, as a worker does) and
// then waits; all start together once every one has been forked.
#pragma once

#include <functional>

namespace wikid::testing {

// Forks `count` processes; process i runs `child(i, start)`, which calls
// start() once ready and returns its exit status (0 for success). Returns
// when all have exited; a check fails for each that did not exit with 0.
void RunProcessesTogether(
    int count, const std::function<int(int index, const std::function<void()>& start)>& child);

}  // namespace wikid::testing
