#include "views/http/client_address.h"

#include <arpa/inet.h>

#include <algorithm>
#include <cstring>
#include <optional>

namespace wikid {
namespace {

std::string_view Trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

// `text` as 16 bytes (IPv4 mapped into IPv6), and whether it was IPv4.
std::optional<std::array<uint8_t, 16>> ParseAddress(std::string_view text, bool* v4) {
  if (text.empty() || text.size() > INET6_ADDRSTRLEN) return std::nullopt;
  const std::string copy(text);
  std::array<uint8_t, 16> bytes{};
  in_addr four;
  if (inet_pton(AF_INET, copy.c_str(), &four) == 1) {
    bytes[10] = bytes[11] = 0xff;
    std::memcpy(bytes.data() + 12, &four, 4);
    if (v4) *v4 = true;
    return bytes;
  }
  if (inet_pton(AF_INET6, copy.c_str(), bytes.data()) == 1) {
    if (v4) *v4 = false;
    return bytes;
  }
  return std::nullopt;
}

// One spelling per address, as inet_ntop writes it (an IPv4-mapped IPv6
// address as plain IPv4), so that the throttle counts one client once
// however a proxy wrote it. Text that is no address stays as it was.
std::string Canonical(std::string_view address) {
  bool v4 = false;
  auto bytes = ParseAddress(address, &v4);
  if (!bytes) return std::string(address);
  char text[INET6_ADDRSTRLEN] = {};
  const bool mapped = std::all_of(bytes->begin(), bytes->begin() + 10, [](uint8_t b) { return b == 0; }) &&
                      (*bytes)[10] == 0xff && (*bytes)[11] == 0xff;
  if (v4 || mapped) {
    inet_ntop(AF_INET, bytes->data() + 12, text, sizeof text);
  } else {
    inet_ntop(AF_INET6, bytes->data(), text, sizeof text);
  }
  return text;
}

bool InRange(const std::array<uint8_t, 16>& address, const std::array<uint8_t, 16>& base,
             int prefix_bits) {
  int whole = prefix_bits / 8;
  if (std::memcmp(address.data(), base.data(), whole) != 0) return false;
  int rest = prefix_bits % 8;
  if (rest == 0) return true;
  uint8_t mask = static_cast<uint8_t>(0xff << (8 - rest));
  return (address[whole] & mask) == (base[whole] & mask);
}

}  // namespace

Result<TrustedProxies> TrustedProxies::Parse(std::string_view list) {
  TrustedProxies proxies;
  while (!list.empty()) {
    size_t comma = list.find(',');
    std::string_view entry = Trim(list.substr(0, comma));
    list = comma == std::string_view::npos ? std::string_view() : list.substr(comma + 1);
    if (entry.empty()) continue;
    std::string_view address = entry;
    std::optional<int> prefix;
    if (size_t slash = entry.find('/'); slash != std::string_view::npos) {
      address = entry.substr(0, slash);
      std::string_view digits = entry.substr(slash + 1);
      int bits = 0;
      bool ok = !digits.empty() && digits.size() <= 3;
      // Three digits at most are read (more overflowed an int: found by
      // fuzz_serve_config through --trusted-proxies).
      for (size_t i = 0; ok && i < digits.size(); ++i) {
        ok = digits[i] >= '0' && digits[i] <= '9';
        bits = bits * 10 + (digits[i] - '0');
      }
      if (!ok) return Status::Invalid("'" + std::string(entry) + "' has no prefix length after '/'");
      prefix = bits;
    }
    bool v4 = false;
    auto bytes = ParseAddress(address, &v4);
    if (!bytes) {
      return Status::Invalid("'" + std::string(entry) +
                             "' is not an IPv4 or IPv6 address or CIDR range");
    }
    const int width = v4 ? 32 : 128;
    if (prefix && *prefix > width) {
      return Status::Invalid("'" + std::string(entry) + "': a prefix of at most " +
                             std::to_string(width) + " bits");
    }
    proxies.ranges_.push_back(
        Range{.bytes = *bytes, .prefix_bits = (v4 ? 96 : 0) + prefix.value_or(width)});
  }
  return proxies;
}

bool TrustedProxies::Contains(std::string_view address) const {
  auto bytes = ParseAddress(Trim(address), nullptr);
  if (!bytes) return false;
  for (const Range& range : ranges_) {
    if (InRange(*bytes, range.bytes, range.prefix_bits)) return true;
  }
  return false;
}

std::string TrustedProxies::ClientOf(std::string_view remote_addr,
                                     std::string_view forwarded_for) const {
  // No proxies (the usual case): nginx's own address text, as it is.
  if (ranges_.empty()) return std::string(remote_addr);
  std::string_view client = remote_addr;
  while (Contains(client) && !forwarded_for.empty()) {
    size_t comma = forwarded_for.rfind(',');
    std::string_view hop =
        Trim(comma == std::string_view::npos ? forwarded_for : forwarded_for.substr(comma + 1));
    forwarded_for = comma == std::string_view::npos ? std::string_view()
                                                    : forwarded_for.substr(0, comma);
    if (!ParseAddress(hop, nullptr)) break;  // the proxy that sent it stays
    client = hop;
  }
  return Canonical(client);
}

}  // namespace wikid
