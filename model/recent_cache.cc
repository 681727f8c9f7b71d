#include "model/recent_cache.h"

#include <charconv>
#include <string_view>

namespace wikid {
namespace {

std::string Key(std::optional<int64_t> before_id, int limit) {
  // "recent2": entries gained the author_is_account field; entries of the
  // old layout are never read as the new one.
  return "recent2:" + (before_id ? std::to_string(*before_id) : "top") + ":" +
         std::to_string(limit);
}

// Each field as "<length>:<bytes>", so summaries may hold anything.
void Put(std::string& out, std::string_view field) {
  out += std::to_string(field.size());
  out += ':';
  out += field;
}
void Put(std::string& out, int64_t number) { Put(out, std::to_string(number)); }

bool Take(std::string_view& in, std::string* field) {
  size_t colon = in.find(':');
  size_t length = 0;
  if (colon == std::string_view::npos) return false;
  auto [end, ec] = std::from_chars(in.data(), in.data() + colon, length);
  if (ec != std::errc() || end != in.data() + colon || in.size() - colon - 1 < length) {
    return false;
  }
  field->assign(in.substr(colon + 1, length));
  in.remove_prefix(colon + 1 + length);
  return true;
}

bool Take(std::string_view& in, int64_t* number) {
  std::string text;
  if (!Take(in, &text)) return false;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), *number);
  return ec == std::errc() && end == text.data() + text.size();
}

}  // namespace

std::optional<RecentChanges> RecentCache::Find(std::optional<int64_t> before_id,
                                               int limit, const Stamp& stamp) {
  auto payload = views_.Find(Key(before_id, limit), stamp);
  if (!payload) return std::nullopt;
  std::string_view in = *payload;
  RecentChanges recent;
  int64_t count = 0;
  if (!Take(in, &recent.page_count) || !Take(in, &recent.revision_count) ||
      !Take(in, &count) || count < 0 || count > limit) {
    return std::nullopt;
  }
  for (int64_t i = 0; i < count; ++i) {
    Change c;
    int64_t account = 0;
    if (!Take(in, &c.title) || !Take(in, &c.rev) || !Take(in, &c.revision_id) ||
        !Take(in, &c.author) || !Take(in, &c.created_at) || !Take(in, &c.summary) ||
        !Take(in, &c.size_change) || !Take(in, &account)) {
      return std::nullopt;
    }
    c.author_is_account = account != 0;
    recent.changes.push_back(std::move(c));
  }
  return recent;
}

void RecentCache::Store(std::optional<int64_t> before_id, int limit,
                        const RecentChanges& recent, const Stamp& stamp) {
  std::string out;
  Put(out, recent.page_count);
  Put(out, recent.revision_count);
  Put(out, static_cast<int64_t>(recent.changes.size()));
  for (const Change& c : recent.changes) {
    Put(out, c.title);
    Put(out, c.rev);
    Put(out, c.revision_id);
    Put(out, c.author);
    Put(out, c.created_at);
    Put(out, c.summary);
    Put(out, c.size_change);
    Put(out, c.author_is_account ? 1 : 0);
  }
  views_.Store(Key(before_id, limit), out, stamp);
}

}  // namespace wikid
