#include "model/base/log.h"

#include <unistd.h>

namespace wikid {

void LogError(const std::string& message) {
  std::string line = "wikid[" + std::to_string(getpid()) + "]: " + message + "\n";
  [[maybe_unused]] ssize_t n = write(STDERR_FILENO, line.data(), line.size());
}

}  // namespace wikid
