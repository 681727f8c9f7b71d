#include "model/cache/recent_cache.h"

#include <charconv>
#include <string_view>

namespace wikid {
namespace {

bool TakeNumber(std::string_view& in, int64_t* number) {
  size_t space = in.find(' ');
  if (space == std::string_view::npos) return false;
  auto [end, ec] = std::from_chars(in.data(), in.data() + space, *number);
  if (ec != std::errc() || end != in.data() + space) return false;
  in.remove_prefix(space + 1);
  return true;
}

}  // namespace

std::string RecentCache::Key(std::optional<int64_t> before_id,
                             int limit) const {
  // "recent4": entries hold rendered lists and whether older ones exist; entries of older layouts are
  // never read as this one. The generation: nor are lists rendered with
  // the templates of before a SIGHUP, or after one.
  return "recent4:" + std::to_string(generation_) + ":" +
         (before_id ? std::to_string(*before_id) : "top") + ":" +
         std::to_string(limit);
}

std::optional<RecentWindow> RecentCache::Find(std::optional<int64_t> before_id,
                                              int limit,
                                              const std::optional<Stamp>& stamp) {
  if (!stamp) return std::nullopt;
  auto payload = views_.Find(Key(before_id, limit), *stamp);
  if (!payload) return std::nullopt;
  // Five numbers, each followed by a space, then the list.
  std::string_view in = *payload;
  RecentWindow window;
  int64_t more = 0;
  if (!TakeNumber(in, &window.page_count) ||
      !TakeNumber(in, &window.revision_count) ||
      !TakeNumber(in, &window.shown) ||
      !TakeNumber(in, &window.oldest_revision_id) || !TakeNumber(in, &more) ||
      window.shown < 0 || window.shown > limit) {
    return std::nullopt;
  }
  window.more = more != 0;
  window.list_html = in;
  return window;
}

void RecentCache::Store(std::optional<int64_t> before_id, int limit,
                        const RecentWindow& window,
                        const std::optional<Stamp>& stamp) {
  if (!stamp) return;
  std::string out;
  out.reserve(window.list_html.size() + 64);
  for (int64_t number : {window.page_count, window.revision_count, window.shown,
                         window.oldest_revision_id, int64_t{window.more}}) {
    out += std::to_string(number);
    out += ' ';
  }
  out += window.list_html;
  views_.Store(Key(before_id, limit), out, *stamp);
}

}  // namespace wikid
