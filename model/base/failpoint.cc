#include "model/base/failpoint.h"

#include "model/base/log.h"

#ifdef WIKID_TESTING

#include <sys/stat.h>

#include <chrono>
#include <cstdlib>
#include <map>
#include <string>
#include <thread>

namespace wikid {
namespace {

// Parses "a=100,b=20" into {a:100, b:20}; malformed entries are ignored
// (this is test scaffolding, never user input).
std::map<std::string, int, std::less<>> ParseFailpoints(const char* spec) {
  std::map<std::string, int, std::less<>> points;
  std::string_view rest = spec ? spec : "";
  while (!rest.empty()) {
    size_t comma = rest.find(',');
    std::string_view item = rest.substr(0, comma);
    rest = comma == std::string_view::npos ? "" : rest.substr(comma + 1);
    size_t eq = item.find('=');
    if (eq == std::string_view::npos) continue;
    points[std::string(item.substr(0, eq))] =
        std::atoi(std::string(item.substr(eq + 1)).c_str());
  }
  return points;
}

}  // namespace

int FailpointValue(std::string_view name) {
  // Process-wide, read once: the environment does not change under us.
  static const auto kFailpoints = ParseFailpoints(std::getenv("WIKID_FAILPOINTS"));
  auto it = kFailpoints.find(name);
  return it == kFailpoints.end() ? 0 : it->second;
}

void FailpointSleep(std::string_view name) {
  int ms = FailpointValue(name);
  if (ms <= 0) return;
  // Said in the log, so a test can wait for the process to be here
  // instead of guessing from what else it can observe.
  LogInfo("failpoint " + std::string(name) + ": sleeping " + std::to_string(ms) + " ms");
  std::this_thread::sleep_for(std::chrono::milliseconds(ms));
}

void FailpointHold(std::string_view name) {
  int ms = FailpointValue(name);
  if (ms <= 0) return;
  const char* dir = std::getenv("WIKID_FAILPOINT_DIR");
  if (dir == nullptr || *dir == '\0') return FailpointSleep(name);
  const std::string release = std::string(dir) + "/" + std::string(name);
  LogInfo("failpoint " + std::string(name) + ": holding up to " + std::to_string(ms) +
          " ms until " + release + " exists");
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(ms);
  struct stat st {};
  while (stat(release.c_str(), &st) != 0 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

}  // namespace wikid

#endif  // WIKID_TESTING
