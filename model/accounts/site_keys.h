// SiteKeys: this process's copy of the site's secret keys (the database's
// site_key table, SiteKeyStore), the ones forms are signed and checked
// with (views/http/csrf.h).
//
// Shared by every host through the database, so a form shown by one host
// may be posted to another. The newest key signs; the one before it still
// verifies, so forms shown before a rotation (`wikid key rotate`) can
// still be sent. A process learns of a rotation within kRefreshMs of its
// next use, or at once when a token fails every key it knows (Reload, at
// most once per kReloadGapMs, so forged tokens cannot make every request
// query the database).
//
// One per process; not thread-safe.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "model/base/clock.h"
#include "model/base/status.h"
#include "model/store/site_key_store.h"

namespace wikid {

class SiteKeys {
 public:
  static constexpr int kKept = 2;  // the signing key and the one before
  static constexpr int64_t kRefreshMs = 60000;
  static constexpr int64_t kReloadGapMs = 1000;

  // `store` must outlive it. `steady_ms` reads a monotonic clock (tests
  // pass their own).
  explicit SiteKeys(SiteKeyStore& store, std::function<int64_t()> steady_ms = MonotonicMs);

  // Reads the keys, first adding the one `first` gives as the wiki's first
  // key if it has none (`now`: unix seconds); `first` is called only then.
  // Its error, or Unavailable if the database cannot be read.
  Status Load(const std::function<Result<std::string>()>& first, int64_t now);

  // The key to sign with, and every key a token may be checked against,
  // newest first (re-read when older than kRefreshMs).
  const std::string& Signing();
  const std::vector<std::string>& Verifying();

  // Makes `key` the newest (`wikid key rotate`): this process signs with
  // it at once, the others within kRefreshMs.
  Status Rotate(const std::string& key, int64_t now);

  // After a token matched none of Verifying(): reads the keys again unless
  // that was done less than kReloadGapMs ago. True if they changed.
  bool Reload();

 private:
  void RefreshIfOld();
  bool Read();

  SiteKeyStore& store_;
  std::function<int64_t()> steady_ms_;
  std::vector<std::string> keys_;  // newest first; never empty once loaded
  int64_t read_at_ms_ = 0;
};

}  // namespace wikid
