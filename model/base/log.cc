#include "model/base/log.h"

#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ctime>

#include "model/base/process_id.h"
#include "model/base/shared_memory.h"

namespace wikid {
namespace {

// The log file's path ("" for stderr as it was given), the generation of
// reopenings every process shares (in memory mapped before the master
// forks), and the one this process last opened. Process-wide because the
// log is: every line of every layer goes to the one stderr.
std::string g_log_path;
std::atomic<uint64_t>* g_log_generation = nullptr;
uint64_t g_log_seen = 0;

// Opens `path` and makes it stderr. Errno is left as open() set it.
bool OpenOnStderr(const std::string& path) {
  int fd = open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
  if (fd < 0) return false;
  if (fd != STDERR_FILENO) {
    dup2(fd, STDERR_FILENO);
    close(fd);
  }
  return true;
}

// Opens the file again if some process asked since this one last did.
// A file that cannot be opened leaves the old one in use, said once.
void FollowReopen() {
  if (g_log_generation == nullptr) return;
  const uint64_t now = g_log_generation->load(std::memory_order_relaxed);
  if (now == g_log_seen) return;
  g_log_seen = now;
  if (!OpenOnStderr(g_log_path)) {
    std::string line;
    AppendLogPrefix(LogLevel::kError, &line);
    line += " msg=";
    AppendLogValue("cannot open the log file " + g_log_path + " again (" +
                       std::strerror(errno) + "); still writing to the old one",
                   &line);
    line += '\n';
    [[maybe_unused]] ssize_t n = write(STDERR_FILENO, line.data(), line.size());
  }
}

bool IsPlain(char c) {
  return c > ' ' && c != '"' && c != '=' && c != '\\' && c != 0x7f;
}

}  // namespace

void AppendLogPrefix(LogLevel level, std::string* line) {
  timespec now{};
  clock_gettime(CLOCK_REALTIME, &now);
  tm utc{};
  gmtime_r(&now.tv_sec, &utc);
  char stamp[40];
  const int n = std::snprintf(stamp, sizeof stamp, "ts=%04d-%02d-%02dT%02d:%02d:%02d.%03ldZ",
                              utc.tm_year + 1900, utc.tm_mon + 1, utc.tm_mday, utc.tm_hour,
                              utc.tm_min, utc.tm_sec, now.tv_nsec / 1'000'000);
  line->append(stamp, static_cast<size_t>(n));
  line->append(level == LogLevel::kError     ? " level=error pid="
               : level == LogLevel::kWarning ? " level=warning pid="
                                             : " level=info pid=");
  line->append(std::to_string(ThisProcess()));
}

void AppendLogValue(std::string_view value, std::string* line) {
  bool plain = !value.empty();
  for (char c : value) {
    // Bytes of UTF-8 past ASCII are plain: names of pages are written as
    // they are.
    if (!IsPlain(c) && !(static_cast<unsigned char>(c) >= 0x80)) {
      plain = false;
      break;
    }
  }
  if (plain) {
    line->append(value);
    return;
  }
  line->push_back('"');
  for (char c : value) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      line->push_back('\\');
      line->push_back(c);
    } else if (u < 0x20 || u == 0x7f) {
      char escaped[5];
      std::snprintf(escaped, sizeof escaped, "\\x%02x", u);
      line->append(escaped, 4);
    } else {
      line->push_back(c);
    }
  }
  line->push_back('"');
}

void WriteLogLine(std::string_view line) {
  FollowReopen();
  [[maybe_unused]] ssize_t n = write(STDERR_FILENO, line.data(), line.size());
}

void Log(LogLevel level, const std::string& message) {
  std::string line;
  line.reserve(64 + message.size());
  AppendLogPrefix(level, &line);
  line += " msg=";
  AppendLogValue(message, &line);
  line += '\n';
  WriteLogLine(line);
}

Status OpenLogFile(const std::string& path) {
  if (!OpenOnStderr(path)) {
    return Status::Unavailable("cannot open the log file " + path + ": " +
                               std::strerror(errno));
  }
  g_log_path = path;
  if (g_log_generation == nullptr) {
    g_log_generation = MapAnonymous<std::atomic<uint64_t>>(/*shared=*/true);
    if (g_log_generation == nullptr) {
      return Status::Unavailable("cannot map the log's shared state");
    }
  }
  g_log_seen = g_log_generation->load(std::memory_order_relaxed);
  return Status::Ok();
}

void LogReopen() {
  if (g_log_generation == nullptr) return;
  g_log_generation->fetch_add(1, std::memory_order_relaxed);
  FollowReopen();
}

}  // namespace wikid
