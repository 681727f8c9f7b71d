#include "model/page_cache.h"

#include <charconv>
#include <cstdlib>
#include <string_view>

namespace wikid {
namespace {

// Current views are kept a day at most; memcached may evict them sooner.
constexpr int kTtlSeconds = 24 * 3600;
constexpr int kCasAttempts = 5;

struct Entry {
  CachedPage page;
  PageCache::Stamp stamp;
};

std::string Key(const std::string& title) { return "page:" + title; }

// The stored form: a frame naming the key (checked on every read), one
// field per line, a blank line, the body. Titles, authors and numbers
// never hold a newline.
std::string Encode(const std::string& key, const Entry& e) {
  std::string out;
  out.reserve(e.page.body_html.size() + 256);
  out += "<!-- wikid " + key + " -->\n";
  out += "stamp " + std::to_string(e.stamp.page) + " " +
         std::to_string(e.stamp.links) + "\n";
  out += "rev " + std::to_string(e.page.rev) + "\n";
  out += "id " + std::to_string(e.page.revision_id) + "\n";
  out += "time " + std::to_string(e.page.created_at) + "\n";
  out += "author " + e.page.author + "\n";
  out += "\n";
  out += e.page.body_html;
  return out;
}

template <typename T>
bool ParseNumber(std::string_view text, T* out) {
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), *out);
  return ec == std::errc() && end == text.data() + text.size();
}

std::optional<Entry> Decode(const std::string& key, const std::string& title,
                            std::string_view value) {
  std::string frame = "<!-- wikid " + key + " -->\n";
  if (!value.starts_with(frame)) return std::nullopt;
  value.remove_prefix(frame.size());
  Entry e;
  e.page.title = title;
  int fields = 0;
  while (true) {
    size_t end = value.find('\n');
    if (end == std::string_view::npos) return std::nullopt;
    std::string_view line = value.substr(0, end);
    value.remove_prefix(end + 1);
    if (line.empty()) break;
    size_t space = line.find(' ');
    if (space == std::string_view::npos) return std::nullopt;
    std::string_view name = line.substr(0, space), field = line.substr(space + 1);
    bool ok = true;
    if (name == "stamp") {
      size_t gap = field.find(' ');
      ok = gap != std::string_view::npos &&
           ParseNumber(field.substr(0, gap), &e.stamp.page) &&
           ParseNumber(field.substr(gap + 1), &e.stamp.links);
    } else if (name == "rev") {
      ok = ParseNumber(field, &e.page.rev);
    } else if (name == "id") {
      ok = ParseNumber(field, &e.page.revision_id);
    } else if (name == "time") {
      ok = ParseNumber(field, &e.page.created_at);
    } else if (name == "author") {
      e.page.author = field;
    }  // other names: fields of a newer wikid, ignored
    if (!ok) return std::nullopt;
    ++fields;
  }
  if (fields < 5 || e.page.rev < 1) return std::nullopt;
  e.page.body_html = value;
  return e;
}

// Stamps only grow, so a larger one was read later; ties go to the later
// revision.
bool Newer(const Entry& a, const Entry& b) {
  if (a.stamp.page != b.stamp.page) return a.stamp.page > b.stamp.page;
  if (a.stamp.links != b.stamp.links) return a.stamp.links > b.stamp.links;
  return a.page.rev > b.page.rev;
}

// Test builds only: WIKID_UNSAFE_CACHE_FILL=1 trusts any view in memcached
// and fills with a plain set, the design every guarantee above replaces,
// so a test can show its checker catches the stale views that follow.
bool Unsafe() {
#ifdef WIKID_TESTING
  static const bool unsafe = std::getenv("WIKID_UNSAFE_CACHE_FILL") != nullptr;
  return unsafe;
#else
  return false;
#endif
}

}  // namespace

PageCache::Stamp PageCache::StampFor(const std::string& title) const {
  return Stamp{state_.PageSlot(title).load(), state_.links.load()};
}

std::optional<CachedPage> PageCache::Find(const std::string& title,
                                          const Stamp& stamp) {
  if (!cache_.enabled()) return std::nullopt;
  if (auto it = local_.find(title); it != local_.end()) {
    if (it->second.stamp.page == stamp.page &&
        it->second.stamp.links == stamp.links && !Unsafe()) {
      lru_.splice(lru_.begin(), lru_, it->second.lru);
      ++counters_.local_hits;
      return it->second.page;
    }
  }
  std::string key = Key(title);
  CacheItem item;
  if (cache_.Get(key, &item) != CacheStatus::kOk) {
    ++counters_.misses;
    return std::nullopt;
  }
  auto entry = Decode(key, title, item.value);
  if (!entry) {
    ++counters_.bad_entries;
    return std::nullopt;
  }
  if (!Unsafe() && (entry->stamp.page != stamp.page ||
                    entry->stamp.links != stamp.links)) {
    ++counters_.stale;
    return std::nullopt;
  }
  ++counters_.hits;
  Remember(entry->page, entry->stamp);
  return std::move(entry->page);
}

void PageCache::Remember(const CachedPage& page, const Stamp& stamp) {
  size_t size = page.body_html.size() + page.title.size();
  if (size > local_limit_ / 8) return;  // a few huge pages must not fill it
  if (auto it = local_.find(page.title); it != local_.end()) {
    local_bytes_ -= it->second.page.body_html.size() + it->second.page.title.size();
    lru_.erase(it->second.lru);
    local_.erase(it);
  }
  while (local_bytes_ + size > local_limit_ && !lru_.empty()) {
    auto oldest = local_.find(lru_.back());
    local_bytes_ -= oldest->second.page.body_html.size() + oldest->second.page.title.size();
    local_.erase(oldest);
    lru_.pop_back();
  }
  lru_.push_front(page.title);
  local_.emplace(page.title, Local{page, stamp, lru_.begin()});
  local_bytes_ += size;
}

void PageCache::Store(const CachedPage& page, const Stamp& stamp) {
  if (!cache_.enabled()) return;
  Remember(page, stamp);
  std::string key = Key(page.title);
  Entry mine{page, stamp};
  std::string value = Encode(key, mine);
  if (Unsafe()) {
    cache_.Set(key, value, kTtlSeconds);
    return;
  }
  for (int attempt = 0; attempt < kCasAttempts; ++attempt) {
    CacheItem item;
    CacheStatus got = cache_.Get(key, &item);
    CacheStatus put;
    if (got == CacheStatus::kMiss) {
      put = cache_.Add(key, value, kTtlSeconds);
    } else if (got == CacheStatus::kOk) {
      auto theirs = Decode(key, page.title, item.value);
      if (theirs && !Newer(mine, *theirs)) return;  // as new or newer there
      put = cache_.Cas(key, value, item.cas, kTtlSeconds);
    } else {
      return;
    }
    // kNotStored or kMiss: someone changed it meanwhile; look again.
    if (put != CacheStatus::kNotStored && put != CacheStatus::kMiss) return;
  }
}

void PageCache::Committed(const std::string& title, bool created) {
  if (created) state_.links.fetch_add(1);
  state_.PageSlot(title).fetch_add(1);
}

}  // namespace wikid
