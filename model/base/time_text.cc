#include "model/base/time_text.h"

#include <ctime>

namespace wikid {

namespace {

std::string Format(int64_t unix_seconds, const char* format) {
  time_t t = static_cast<time_t>(unix_seconds);
  tm utc{};
  gmtime_r(&t, &utc);
  char buf[32];
  strftime(buf, sizeof buf, format, &utc);
  return buf;
}

}  // namespace

std::string FormatTime(int64_t unix_seconds) {
  return Format(unix_seconds, "%Y-%m-%d %H:%M UTC");
}

std::string FormatRfc3339(int64_t unix_seconds) {
  return Format(unix_seconds, "%Y-%m-%dT%H:%M:%SZ");
}

std::string FormatWait(int64_t seconds) {
  if (seconds < 60) return std::to_string(seconds) + (seconds == 1 ? " second" : " seconds");
  int64_t minutes = (seconds + 59) / 60;
  return std::to_string(minutes) + (minutes == 1 ? " minute" : " minutes");
}

}  // namespace wikid
