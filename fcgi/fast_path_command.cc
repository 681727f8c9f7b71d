#include "fcgi/fast_path_command.h"

#include <sys/stat.h>

#include <iostream>

#include "fcgi/config.h"
#include "model/cache/fast_path.h"

namespace wikid {
namespace {

constexpr char kUsage[] = "usage: wikid fast-path off [wikid serve's options]\n";

}  // namespace

int RunFastPathCommand(const std::vector<std::string>& args) {
  if (args.empty() || args[0] != "off") {
    std::cerr << kUsage;
    return 2;
  }
  // serve's own parser, so the switch is the one `wikid serve` with these
  // options points.
  auto parsed = ParseServeCommandLine({args.begin() + 1, args.end()});
  if (!parsed.ok()) {
    std::cerr << "wikid fast-path: " << parsed.status().message() << "\n" << kUsage;
    return 2;
  }
  const Config& config = parsed->config;
  const std::string flag = config.FastPathFlag();
  struct stat info;
  if (!config.FastPathOn() && lstat(flag.c_str(), &info) != 0) {
    std::cout << "no fast path here: nothing to switch off\n";
    return 0;
  }
  SwitchOffForGood(flag, "wikid fast-path off");
  // Off, or no switch at all: either way nginx asks wikid.
  const std::string now = FastPathSwitch(flag);
  if (now != "off" && lstat(flag.c_str(), &info) == 0) {
    std::cerr << "wikid fast-path: " << flag << " still points at '" << now << "'\n";
    return 1;
  }
  std::cout << "fast path off: this host's nginx asks wikid for every view until a "
               "wikid master starts\n";
  return 0;
}

}  // namespace wikid
