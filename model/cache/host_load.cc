#include "model/cache/host_load.h"

#include <fcntl.h>
#include <unistd.h>

#include <charconv>

namespace wikid {

std::optional<CpuTicks> ParseCpuTicks(std::string_view text) {
  // "cpu  user nice system idle iowait irq softirq steal guest guest_nice";
  // guest time is counted in user time already (proc(5)).
  if (!text.starts_with("cpu ")) return std::nullopt;
  const std::string_view line = text.substr(0, text.find('\n'));
  CpuTicks ticks;
  const char* at = line.data() + 3;
  const char* end = line.data() + line.size();
  for (int field = 0; field < 8; ++field) {
    while (at < end && *at == ' ') ++at;
    uint64_t value = 0;
    auto [next, error] = std::from_chars(at, end, value);
    if (error != std::errc()) {
      if (field < 4) return std::nullopt;  // the kernel's oldest have four
      break;
    }
    at = next;
    ticks.all += value;
    if (field != 3 && field != 4) ticks.busy += value;  // idle, iowait
  }
  return ticks;
}

std::optional<CpuTicks> ReadCpuTicks() {
  const int fd = open("/proc/stat", O_RDONLY | O_CLOEXEC);
  if (fd < 0) return std::nullopt;
  char buffer[512];  // the first line is well under 200 bytes
  const ssize_t n = read(fd, buffer, sizeof buffer);
  close(fd);
  if (n <= 0) return std::nullopt;
  return ParseCpuTicks(std::string_view(buffer, static_cast<size_t>(n)));
}

bool HostLoad::Busy() {
  if (!threshold_) return false;
  if (*threshold_ <= 0) return true;
  const int64_t now = now_ms_();
  int64_t last = state_.cpu_sampled_ms.load(std::memory_order_relaxed);
  // One process samples for all; the others use its last answer.
  if (now - last >= kSampleMs &&
      state_.cpu_sampled_ms.compare_exchange_strong(last, now, std::memory_order_relaxed)) {
    Sample();
  }
  return state_.cpu_busy_percent.load(std::memory_order_relaxed) >=
         static_cast<uint32_t>(*threshold_);
}

void HostLoad::Sample() {
  auto ticks = read_ticks_();
  if (!ticks) return;  // no /proc: never busy, as before shedding
  const uint64_t busy_before = state_.cpu_busy_ticks.exchange(ticks->busy);
  const uint64_t all_before = state_.cpu_all_ticks.exchange(ticks->all);
  // The first sample has nothing to compare with, and a tick count that
  // went back (a racing sampler's older one) is no measure.
  if (all_before == 0 || ticks->all <= all_before || ticks->busy < busy_before) return;
  const uint64_t percent = (ticks->busy - busy_before) * 100 / (ticks->all - all_before);
  state_.cpu_busy_percent.store(static_cast<uint32_t>(percent), std::memory_order_relaxed);
}

}  // namespace wikid
