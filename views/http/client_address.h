// Who is asking, by address, when wikid sits behind load balancers: the
// login throttle and anonymous edits need the reader's own address, not
// the balancer's.
//
// nginx hands wikid the address it was reached from (REMOTE_ADDR) and the
// X-Forwarded-For header as the client sent it. Anyone can write that
// header, so it is believed only as far as the proxies the operator named
// (--trusted-proxies): starting from REMOTE_ADDR, each address that is a
// trusted proxy is replaced by the one it says it forwarded for (the
// header's last entry not yet used), and the first address that is not a
// trusted proxy is the client (nginx's realip with real_ip_recursive).
// Entries a client put in front of the header are never reached; a
// malformed entry stops the walk at the proxy that sent it. With no
// trusted proxies, the header is ignored.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "model/base/status.h"

namespace wikid {

class TrustedProxies {
 public:
  // None: X-Forwarded-For is ignored.
  TrustedProxies() = default;

  // A comma-separated list of addresses and CIDR ranges, IPv4 or IPv6
  // ("10.0.0.0/8, 192.0.2.7, fd00::/8"). Invalid, naming the entry, for
  // anything else.
  static Result<TrustedProxies> Parse(std::string_view list);

  bool empty() const { return ranges_.empty(); }
  // Whether `address` (a literal IPv4 or IPv6 address) is a trusted proxy.
  bool Contains(std::string_view address) const;

  // The client's address, from REMOTE_ADDR and X-Forwarded-For as sent,
  // in one spelling (inet_ntop's; IPv4-mapped IPv6 as IPv4).
  std::string ClientOf(std::string_view remote_addr,
                       std::string_view forwarded_for) const;

 private:
  struct Range {
    std::array<uint8_t, 16> bytes{};  // IPv4 as IPv4-mapped IPv6
    int prefix_bits = 0;              // of the 128
  };
  std::vector<Range> ranges_;
};

}  // namespace wikid
