#include "model/cache/page_cache.h"

#include <charconv>
#include <string_view>

namespace wikid {
namespace {

std::string Key(const std::string& title) { return "page:" + title; }

// One field per line, a blank line, then the body. Authors and numbers
// never hold a newline.
std::string Encode(const CachedPage& page) {
  std::string out;
  out.reserve(page.body_html.size() + 128);
  out += "rev " + std::to_string(page.rev) + "\n";
  out += "id " + std::to_string(page.revision_id) + "\n";
  out += "time " + std::to_string(page.created_at) + "\n";
  out += "author " + page.author + "\n";
  if (page.author_is_account) out += "account 1\n";
  if (page.is_protected) out += "protected 1\n";
  out += "\n";
  out += page.body_html;
  return out;
}

template <typename T>
bool ParseNumber(std::string_view text, T* out) {
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), *out);
  return ec == std::errc() && end == text.data() + text.size();
}

std::optional<CachedPage> Decode(const std::string& title, std::string_view value) {
  CachedPage page;
  page.title = title;
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
    if (name == "rev") {
      ok = ParseNumber(field, &page.rev);
    } else if (name == "id") {
      ok = ParseNumber(field, &page.revision_id);
    } else if (name == "time") {
      ok = ParseNumber(field, &page.created_at);
    } else if (name == "author") {
      page.author = field;
    } else if (name == "account") {
      page.author_is_account = field == "1";
    } else if (name == "protected") {
      page.is_protected = field == "1";
    }  // other names: fields of a newer wikid, ignored
    if (!ok) return std::nullopt;
    ++fields;
  }
  if (fields < 4 || page.rev < 1) return std::nullopt;
  page.body_html = value;
  return page;
}

}  // namespace

std::optional<Stamp> PageCache::StampFor(const std::string& title, bool with_site) {
  return versions_.ForPage(title, with_site);
}

std::optional<CachedPage> PageCache::Find(const std::string& title,
                                          const std::optional<Stamp>& stamp, bool* absent) {
  if (absent != nullptr) *absent = false;
  if (!stamp) return std::nullopt;
  auto payload = views_.Find(Key(title), *stamp, absent);
  if (!payload) return std::nullopt;
  return Decode(title, *payload);
}

void PageCache::Store(const CachedPage& page, const std::optional<Stamp>& stamp,
                      StoreMode mode) {
  if (stamp) views_.Store(Key(page.title), Encode(page), *stamp, page.rev, mode);
}

bool PageCache::Invalidate(const std::string& title, bool created) {
  return versions_.Bump(title, created);
}

bool PageCache::InvalidatePages(const std::vector<std::string>& titles) {
  return versions_.BumpPages(titles);
}

}  // namespace wikid
