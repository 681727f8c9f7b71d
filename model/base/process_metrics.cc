#include "model/base/process_metrics.h"

#include <algorithm>

#include "model/base/shared_memory.h"

namespace wikid {

void ProcessMetrics::CountRequest(size_t route, int status, int64_t micros) {
  Route& r = routes[std::min(route, kUnrouted)];
  const int status_class =
      std::clamp(status / 100, 1, static_cast<int>(kStatusClasses));
  Add(r.by_class[status_class - 1]);
  const auto bound =
      std::lower_bound(kBucketMicros.begin(), kBucketMicros.end(), micros);
  Add(r.buckets[bound - kBucketMicros.begin()]);
  r.micros.fetch_add(std::max<int64_t>(micros, 0), std::memory_order_relaxed);
}

ProcessMetrics* ProcessMetrics::CreateShared() {
  return MapAnonymous<ProcessMetrics>(true);
}
ProcessMetrics* ProcessMetrics::CreatePrivate() {
  return MapAnonymous<ProcessMetrics>(false);
}

}  // namespace wikid
