#include "model/accounts/site_keys.h"

#include "model/base/log.h"

namespace wikid {

SiteKeys::SiteKeys(SiteKeyStore& store, std::function<int64_t()> steady_ms)
    : store_(store), steady_ms_(std::move(steady_ms)) {}

Status SiteKeys::Load(const std::function<Result<std::string>()>& first, int64_t now) {
  auto keys = store_.Newest(kKept);
  if (!keys.ok()) return keys.status();
  // Written only by the first process of a new wiki: a worker's start
  // takes no write lock.
  if (keys->empty()) {
    auto key = first();
    if (!key.ok()) return key.status();
    if (Status s = store_.AddFirst(*key, now); !s.ok()) return s;
    keys = store_.Newest(kKept);
    if (!keys.ok()) return keys.status();
  }
  if (keys->empty()) return Status::Internal("the site has no secret key");
  keys_ = std::move(*keys);
  read_at_ms_ = steady_ms_();
  return Status::Ok();
}

bool SiteKeys::Read() {
  read_at_ms_ = steady_ms_();
  auto keys = store_.Newest(kKept);
  // Keys cannot be read (a busy or failing database): keep signing with
  // the ones known; they were valid a moment ago.
  if (!keys.ok() || keys->empty()) {
    LogWarning("the site keys could not be read again; keeping the known ones");
    return false;
  }
  if (*keys == keys_) return false;
  keys_ = std::move(*keys);
  return true;
}

void SiteKeys::RefreshIfOld() {
  if (steady_ms_() - read_at_ms_ >= kRefreshMs) Read();
}

const std::string& SiteKeys::Signing() {
  RefreshIfOld();
  return keys_.front();
}

const std::vector<std::string>& SiteKeys::Verifying() {
  RefreshIfOld();
  return keys_;
}

Status SiteKeys::Rotate(const std::string& key, int64_t now) {
  if (Status s = store_.Add(key, now); !s.ok()) return s;
  Read();
  return Status::Ok();
}

bool SiteKeys::Reload() {
  if (steady_ms_() - read_at_ms_ < kReloadGapMs) return false;
  return Read();
}

}  // namespace wikid
