// TrustedProxies (views/http/client_address.h): the client's address behind
// load balancers, believed only as far as the proxies the operator named;
// X-Forwarded-For from anyone else changes nothing.
#define BOOST_TEST_MODULE client_address
#include "views/http/client_address.h"

#include <boost/test/unit_test.hpp>

#include "views/http/http.h"

namespace wikid {
namespace {

TrustedProxies Proxies(std::string_view list) {
  auto parsed = TrustedProxies::Parse(list);
  BOOST_REQUIRE_MESSAGE(parsed.ok(), parsed.status().message());
  return *parsed;
}

BOOST_AUTO_TEST_CASE(addresses_and_ranges_of_both_families) {
  TrustedProxies proxies = Proxies(" 10.0.0.0/8, 192.0.2.7 ,fd00::/8,2001:db8::1, 172.16.0.0/12");
  BOOST_TEST(proxies.Contains("10.1.2.3"));
  BOOST_TEST(proxies.Contains("192.0.2.7"));
  BOOST_TEST(!proxies.Contains("192.0.2.8"));
  BOOST_TEST(proxies.Contains("172.31.255.255"));
  BOOST_TEST(!proxies.Contains("172.32.0.0"));
  BOOST_TEST(proxies.Contains("fd12::3"));
  BOOST_TEST(!proxies.Contains("fe80::1"));
  BOOST_TEST(proxies.Contains("2001:db8::1"));
  BOOST_TEST(!proxies.Contains("2001:db8::2"));
  BOOST_TEST(!proxies.Contains("not an address"));
  BOOST_TEST(!proxies.Contains(""));
  // An IPv4 range never matches an IPv6 address outside the mapped range.
  BOOST_TEST(!Proxies("0.0.0.0/0").Contains("2001:db8::1"));
  BOOST_TEST(Proxies("0.0.0.0/0").Contains("203.0.113.9"));
  BOOST_TEST(Proxies("::/0").Contains("2001:db8::1"));
  BOOST_TEST(Proxies("").empty());
}

BOOST_AUTO_TEST_CASE(anything_else_is_refused_naming_the_entry) {
  for (std::string_view bad : {"10.0.0.0/33", "::/129", "10.0.0.0/", "10.0.0.0/x", "example.org",
                               "10.0.0.1, 300.1.1.1", "10.0.0.0/8/8",
                               // Long prefixes (each once overflowed an int while read).
                               "10.0.0.0/99999999999999",
                               "10.0.0.0/\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff"}) {
    auto parsed = TrustedProxies::Parse(bad);
    BOOST_TEST_CONTEXT(bad) {
      BOOST_TEST(parsed.status().IsInvalid());
      BOOST_TEST(parsed.status().message().find('\'') != std::string::npos);
    }
  }
}

BOOST_AUTO_TEST_CASE(forwarded_for_is_ignored_unless_a_trusted_proxy_sent_it) {
  TrustedProxies none;
  BOOST_TEST(none.ClientOf("203.0.113.5", "198.51.100.1") == "203.0.113.5");
  TrustedProxies balancer = Proxies("10.0.0.0/8");
  // A client talking to nginx directly cannot pose as someone else.
  BOOST_TEST(balancer.ClientOf("203.0.113.5", "198.51.100.1") == "203.0.113.5");
  // Through the balancer: the address it saw.
  BOOST_TEST(balancer.ClientOf("10.0.0.2", "198.51.100.1") == "198.51.100.1");
  // No header from a trusted proxy: the proxy itself.
  BOOST_TEST(balancer.ClientOf("10.0.0.2", "") == "10.0.0.2");
}

BOOST_AUTO_TEST_CASE(only_the_entries_trusted_proxies_added_are_read) {
  TrustedProxies chain = Proxies("10.0.0.0/8, 192.0.2.7");
  // The client wrote "1.1.1.1" itself: the balancers appended what they saw.
  BOOST_TEST(chain.ClientOf("10.0.0.2", "1.1.1.1, 198.51.100.9, 192.0.2.7") == "198.51.100.9");
  // Every hop trusted: the leftmost one reached.
  BOOST_TEST(chain.ClientOf("10.0.0.2", "10.0.0.9,192.0.2.7") == "10.0.0.9");
  // A malformed entry stops at the proxy that sent it.
  BOOST_TEST(chain.ClientOf("10.0.0.2", "198.51.100.9, garbage") == "10.0.0.2");
  BOOST_TEST(chain.ClientOf("10.0.0.2", "198.51.100.9, 192.0.2.7, ") == "10.0.0.2");
  BOOST_TEST(chain.ClientOf("10.0.0.2", "  2001:db8::5 ") == "2001:db8::5");
  // One client, one spelling: the throttle must not count it twice.
  BOOST_TEST(chain.ClientOf("10.0.0.2", "2001:DB8:0::5") == "2001:db8::5");
  BOOST_TEST(chain.ClientOf("10.0.0.2", "::ffff:198.51.100.9") == "198.51.100.9");
  BOOST_TEST(chain.ClientOf("::ffff:10.0.0.2", "198.51.100.9") == "198.51.100.9");
}

// A GET of "/" that reached nginx from 10.0.0.2.
RawRequest FromTenZeroZeroTwo() {
  RawRequest raw;
  raw.method = "GET";
  raw.request_uri = "/";
  raw.remote_address = "10.0.0.2";
  return raw;
}

BOOST_AUTO_TEST_CASE(the_decoded_request_carries_the_client) {
  RawRequest raw = FromTenZeroZeroTwo();
  raw.forwarded_for = "198.51.100.9";
  BOOST_TEST(DecodeRequest(raw)->client_address == "10.0.0.2");
  BOOST_TEST(DecodeRequest(raw, Proxies("10.0.0.2"))->client_address == "198.51.100.9");
}

// TLS that ended at a load balancer: its X-Forwarded-Proto makes the
// request HTTPS (so cookies are Secure), and nobody else's does.
BOOST_AUTO_TEST_CASE(a_trusted_proxy_says_whether_the_reader_came_over_tls) {
  RawRequest raw = FromTenZeroZeroTwo();
  raw.forwarded_proto = "https";
  BOOST_TEST(!DecodeRequest(raw)->https);
  BOOST_TEST(DecodeRequest(raw, Proxies("10.0.0.0/8"))->https);
  BOOST_TEST(!DecodeRequest(raw, Proxies("192.0.2.1"))->https);
  raw.forwarded_proto = "http";
  BOOST_TEST(!DecodeRequest(raw, Proxies("10.0.0.0/8"))->https);
  // nginx's own TLS needs no one's word.
  raw.forwarded_proto = "";
  raw.https = true;
  BOOST_TEST(DecodeRequest(raw)->https);
}

}  // namespace
}  // namespace wikid
