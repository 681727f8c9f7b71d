#include "model/text/redirect.h"

#include <cctype>

namespace wikid {
namespace {

constexpr std::string_view kRedirectWord = "#redirect";

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

// The target as typed and where the link ends in `text`, or npos.
struct Parsed {
  std::string_view target;
  size_t end = std::string_view::npos;
};

Parsed ParseRedirect(std::string_view text) {
  size_t i = 0;
  while (i < text.size() && IsSpace(text[i])) ++i;
  if (text.size() - i < kRedirectWord.size()) return {};
  for (char want : kRedirectWord) {
    if (std::tolower(static_cast<unsigned char>(text[i])) != want) return {};
    ++i;
  }
  while (i < text.size() && (text[i] == ' ' || text[i] == '\t')) ++i;
  if (i < text.size() && text[i] == ':') ++i;
  while (i < text.size() && (text[i] == ' ' || text[i] == '\t')) ++i;
  if (text.substr(i, 2) != "[[") return {};
  i += 2;
  const size_t close = text.find("]]", i);
  const size_t newline = text.find('\n', i);
  if (close == std::string_view::npos || close > newline) return {};
  std::string_view inside = text.substr(i, close - i);
  inside = inside.substr(0, inside.find('|'));
  inside = inside.substr(0, inside.find('#'));
  return {inside, close + 2};
}

}  // namespace

std::optional<std::string> RedirectTarget(std::string_view text) {
  Parsed parsed = ParseRedirect(text);
  if (parsed.end == std::string_view::npos) return std::nullopt;
  auto name = PageName::Parse(parsed.target);
  if (!name.ok()) return std::nullopt;
  return name->title();
}

bool IsOnlyRedirect(std::string_view text) {
  Parsed parsed = ParseRedirect(text);
  if (parsed.end == std::string_view::npos || !RedirectTarget(text)) return false;
  for (char c : text.substr(parsed.end)) {
    if (!IsSpace(c)) return false;
  }
  return true;
}

std::string RedirectText(const PageName& target) {
  return "#REDIRECT [[" + target.title() + "]]\n";
}

std::optional<std::string> FollowRedirect(const std::string& start, const std::string& target,
                                          const RedirectLookup& lookup) {
  const std::string start_key = PageKey(start);
  auto first = lookup(target);
  if (!first || PageKey(first->title) == start_key) return std::nullopt;
  if (!first->target) return first->title;
  // A redirect to a redirect: followed once more, unless that goes back.
  const std::string first_key = PageKey(first->title);
  const std::string second_key = PageKey(*first->target);
  if (second_key == start_key || second_key == first_key) return first->title;
  auto second = lookup(*first->target);
  if (!second) return first->title;
  const std::string arrived_key = PageKey(second->title);
  if (arrived_key == start_key || arrived_key == first_key) return first->title;
  return second->title;
}

}  // namespace wikid
