// LocalViews: a worker's own copies, served only under the stamp they
// were made with, bounded in bytes with the least recently used dropped.
#define BOOST_TEST_MODULE local_views
#include "model/cache/local_views.h"

#include <boost/test/unit_test.hpp>
#include <string>

namespace wikid {
namespace {

const Stamp kFirst{.page = 7, .links = 3};
const Stamp kLater{.page = 8, .links = 3};

BOOST_AUTO_TEST_CASE(a_copy_is_served_only_under_its_own_stamp) {
  LocalViews views(1 << 20);
  views.Store("page:A", "<p>one</p>", kFirst, 1);
  const LocalViews::Entry* found = views.Find("page:A", kFirst);
  BOOST_REQUIRE(found != nullptr);
  BOOST_TEST(found->payload == "<p>one</p>");
  BOOST_TEST(found->order == 1);
  // A save moved the page's number: the copy is gone for good, even if
  // the old stamp were asked for again.
  BOOST_TEST(views.Find("page:A", kLater) == nullptr);
  BOOST_TEST(views.Find("page:A", kFirst) == nullptr);
  BOOST_TEST(views.bytes() == 0u);
  BOOST_TEST(views.Find("page:B", kFirst) == nullptr);
  BOOST_TEST(views.counters().hits == 1);
  BOOST_TEST(views.counters().outdated == 1);
  BOOST_TEST(views.counters().misses == 2);
}

BOOST_AUTO_TEST_CASE(remembering_again_replaces_the_copy) {
  LocalViews views(1 << 20);
  views.Store("k", "old", kFirst);
  views.Store("k", "newer", kLater);
  BOOST_TEST(views.Find("k", kFirst) == nullptr);
  views.Store("k", "newer", kLater);
  BOOST_REQUIRE(views.Find("k", kLater) != nullptr);
  BOOST_TEST(views.Find("k", kLater)->payload == "newer");
  BOOST_TEST(views.bytes() ==
             std::string("k").size() + std::string("newer").size());
}

BOOST_AUTO_TEST_CASE(the_least_recently_used_copy_goes_first) {
  // Room for eight 10-byte payloads with their one-byte keys, not nine.
  LocalViews views(8 * 11 + 5);
  const std::string payload(10, 'x');
  for (char key = 'a'; key < 'a' + 8; ++key)
    views.Store(std::string(1, key), payload, kFirst);
  BOOST_REQUIRE(views.Find("a", kFirst) != nullptr);  // "b" is now the oldest
  views.Store("i", payload, kFirst);
  BOOST_TEST(views.Find("b", kFirst) == nullptr);
  for (std::string key : {"a", "c", "h", "i"}) {
    BOOST_TEST(views.Find(key, kFirst) != nullptr, key);
  }
  BOOST_TEST(views.bytes() == 8 * 11u);
}

BOOST_AUTO_TEST_CASE(a_huge_payload_or_a_zero_limit_keeps_nothing) {
  LocalViews views(800);
  views.Store("small", std::string(50, 'x'), kFirst);
  views.Store("huge", std::string(101, 'x'), kFirst);  // over 800 / 8
  BOOST_TEST(views.Find("huge", kFirst) == nullptr);
  BOOST_TEST(views.Find("small", kFirst) != nullptr);
  LocalViews none(0);
  none.Store("k", "v", kFirst);
  BOOST_TEST(none.Find("k", kFirst) == nullptr);
  BOOST_TEST(none.bytes() == 0u);
}

}  // namespace
}  // namespace wikid
