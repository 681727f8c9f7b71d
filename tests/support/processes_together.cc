#include "tests/support/processes_together.h"

#include <sys/wait.h>
#include <unistd.h>

#include <boost/test/unit_test.hpp>
#include <vector>

namespace wikid::testing {

void RunProcessesTogether(
    int count, const std::function<int(int index, const std::function<void()>& start)>& child) {
  // Every child blocks reading the pipe until the parent closes its end:
  // a start signal that needs no time and no polling.
  int go[2];
  BOOST_REQUIRE(pipe(go) == 0);
  std::vector<pid_t> pids;
  for (int i = 0; i < count; ++i) {
    pid_t pid = fork();
    BOOST_REQUIRE(pid >= 0);
    if (pid == 0) {
      close(go[1]);
      const std::function<void()> start = [&] {
        char byte;
        if (read(go[0], &byte, 1) != 0) _exit(99);
      };
      _exit(child(i, start));
    }
    pids.push_back(pid);
  }
  close(go[0]);
  close(go[1]);
  for (pid_t pid : pids) {
    int status = 0;
    waitpid(pid, &status, 0);
    BOOST_TEST((WIFEXITED(status) && WEXITSTATUS(status) == 0));
  }
}

}  // namespace wikid::testing
