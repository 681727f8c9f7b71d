#include "model/base/log.h"

#include <unistd.h>

namespace wikid {

void Log(LogLevel level, const std::string& message) {
  const char* label = level == LogLevel::kError     ? "error: "
                      : level == LogLevel::kWarning ? "warning: "
                                                    : "";
  std::string line = "wikid[" + std::to_string(getpid()) + "]: " + label + message + "\n";
  [[maybe_unused]] ssize_t n = write(STDERR_FILENO, line.data(), line.size());
}

}  // namespace wikid
