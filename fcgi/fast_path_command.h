// `wikid fast-path off [wikid serve's options]`: points this host's
// fast-path switch off (model/cache/fast_path.h), so that its nginx sends
// every page view to wikid. For when every wikid process of a host was
// killed at once and none could do it on the way out: wikid.service runs
// it as ExecStopPost, with ExecStart's options, so that it finds the same
// switch (--data, or --fast-path-flag in the config file). The running
// masters of the other hosts are not concerned; this host's master, when
// it starts, points the switch again.
#pragma once

#include <string>
#include <vector>

namespace wikid {

// Runs the command with `args` (what follows "wikid fast-path"). Returns
// the exit code: 0 done (or no switch to point), 1 failed (the message
// says why), 2 bad usage.
int RunFastPathCommand(const std::vector<std::string>& args);

}  // namespace wikid
