// RenderCache against a real memcached: a miss renders once and stores
// the rendering over the claim it made (long texts only), a claim someone else holds is
// waited on and then rendered over, and a rendering memcached refuses
// leaves no claim behind (C4's stampede guard, issue 16's cheaper miss).
#define BOOST_TEST_MODULE render_cache
#include <boost/test/unit_test.hpp>

#include "model/cache/memcache.h"
#include "model/cache/render_cache.h"
#include "tests/support/memcached_server.h"

namespace wikid {
namespace {

struct RenderFixture {
  testing::MemcachedServer server;
  std::unique_ptr<Memcache> cache;
  std::unique_ptr<RenderCache> renders;
  RenderKey key{.revision_id = 7, .existing_links = {{"Other page", "Other page"}}};
  int rendered = 0;
  size_t source_bytes = 64 * 1024;  // long enough for a claim

  RenderFixture() {
    CacheOptions options;
    options.servers = {server.address()};
    options.prefix = "test:";
    options.max_value_bytes = 64 * 1024;
    options.connect_timeout_ms = 300;
    options.poll_timeout_ms = 300;
    cache = std::make_unique<Memcache>(options);
    renders = std::make_unique<RenderCache>(*cache, "");
  }
  std::string Get(const std::string& html, bool* hit) {
    return renders->Get(key, source_bytes, [&] { ++rendered; return html; }, hit);
  }
  std::string Raw() {
    CacheItem item;
    return cache->Get(key.ToString(), &item) == CacheStatus::kOk ? item.value : "<miss>";
  }
};

// Where a link leads is part of the key as much as whether it leads
// anywhere: [[foo]] beside "Foo" renders another link than beside "foo".
BOOST_AUTO_TEST_CASE(links_leading_to_other_pages_never_share_a_key) {
  RenderKey exact{.revision_id = 7, .existing_links = {{"foo", "foo"}}};
  RenderKey other{.revision_id = 7, .existing_links = {{"foo", "Foo"}}};
  RenderKey none{.revision_id = 7};
  BOOST_TEST(exact.ToString() != other.ToString());
  BOOST_TEST(exact.ToString() != none.ToString());
  BOOST_TEST(other.ToString() != none.ToString());
}

// An embedded file's new revision (other bytes, another size) is a new
// key, so no rendering showing the old image is read again; and a file
// never hashes like a link.
BOOST_AUTO_TEST_CASE(an_embedded_files_new_revision_is_a_new_key) {
  RenderKey before{.revision_id = 7, .files = {{"Chart.png", "Chart.png\tsha1\t400x300"}}};
  RenderKey after{.revision_id = 7, .files = {{"Chart.png", "Chart.png\tsha2\t200x400"}}};
  RenderKey linked{.revision_id = 7,
                   .existing_links = {{"Chart.png", "Chart.png\tsha1\t400x300"}}};
  BOOST_TEST(before.ToString() != after.ToString());
  BOOST_TEST(before.ToString() != linked.ToString());
  BOOST_TEST(before.ToString() != RenderKey{.revision_id = 7}.ToString());
}

BOOST_FIXTURE_TEST_CASE(a_miss_renders_once_and_replaces_its_claim, RenderFixture) {
  bool hit = true;
  BOOST_TEST(Get("<p>x</p>", &hit) == "<p>x</p>");
  BOOST_TEST(!hit);
  BOOST_TEST(rendered == 1);
  BOOST_TEST(Raw() == "<!-- wikid " + key.ToString() + " -->\n<p>x</p>");
  BOOST_TEST(Get("<p>other</p>", &hit) == "<p>x</p>");
  BOOST_TEST(hit);
  BOOST_TEST(rendered == 1);
  BOOST_TEST(renders->counters().renders == 1);
  BOOST_TEST(renders->counters().hits == 1);
}

// The claim is there while a long text renders; a short text renders
// without one (its add would cost every miss a round trip).
BOOST_FIXTURE_TEST_CASE(only_long_texts_are_claimed_while_they_render, RenderFixture) {
  const std::string claim = "<!-- wikid rendering -->";
  std::string seen;
  bool hit = true;
  auto render = [&] {
    seen = Raw();
    return std::string("<p>x</p>");
  };
  renders->Get(key, 64 * 1024, render, &hit);
  BOOST_TEST(seen == claim);
  key.revision_id = 8;
  renders->Get(key, 2 * 1024, render, &hit);
  BOOST_TEST(seen == "<miss>");
  BOOST_TEST(!hit);
  // Stored all the same.
  BOOST_TEST(Raw() == "<!-- wikid " + key.ToString() + " -->\n<p>x</p>");
}

// A renderer that makes other HTML (a newer wikid sharing the memcached)
// never reads what an older one rendered, and the other way round.
BOOST_FIXTURE_TEST_CASE(renderer_versions_never_share_renderings, RenderFixture) {
  RenderCache older(*cache, "1"), newer(*cache, "2");
  bool hit = true;
  BOOST_TEST(older.Get(key, 100, [] { return std::string("<h1>old</h1>"); }, &hit) ==
             "<h1>old</h1>");
  BOOST_TEST(newer.Get(key, 100, [] { return std::string("<h1 id=\"x\">new</h1>"); }, &hit) ==
             "<h1 id=\"x\">new</h1>");
  BOOST_TEST(!hit);
  BOOST_TEST(older.Get(key, 100, [] { return std::string("again"); }, &hit) == "<h1>old</h1>");
  BOOST_TEST(hit);
  // A saver's rendering too (PageWrites::Publish stores it), and a claim.
  key.revision_id = 9;
  newer.Store(key, "<p>saved</p>");
  BOOST_TEST(older.Get(key, 64 * 1024, [] { return std::string("<p>mine</p>"); }, &hit) ==
             "<p>mine</p>");
  BOOST_TEST(!hit);
  BOOST_TEST(newer.Get(key, 64 * 1024, [] { return std::string("x"); }, &hit) == "<p>saved</p>");
  BOOST_TEST(hit);
}

BOOST_FIXTURE_TEST_CASE(a_claim_that_never_resolves_is_rendered_past, RenderFixture) {
  // A worker claimed the rendering and died.
  BOOST_REQUIRE(cache->Add(key.ToString(), "<!-- wikid rendering -->", 60) == CacheStatus::kOk);
  bool hit = true;
  BOOST_TEST(Get("<p>x</p>", &hit) == "<p>x</p>");
  BOOST_TEST(!hit);
  BOOST_TEST(rendered == 1);
  BOOST_TEST(renders->counters().bad_frames == 0);  // a claim is no bad entry
  // The rendering replaces the orphaned claim, so the next view is a hit
  // instead of another wait.
  BOOST_TEST(Raw() == "<!-- wikid " + key.ToString() + " -->\n<p>x</p>");
  BOOST_TEST(Get("<p>other</p>", &hit) == "<p>x</p>");
  BOOST_TEST(hit);
  BOOST_TEST(rendered == 1);
}

BOOST_FIXTURE_TEST_CASE(a_savers_rendering_replaces_a_readers_claim, RenderFixture) {
  BOOST_REQUIRE(cache->Add(key.ToString(), "<!-- wikid rendering -->", 60) == CacheStatus::kOk);
  renders->Store(key, "<p>saved</p>");
  bool hit = false;
  BOOST_TEST(Get("<p>other</p>", &hit) == "<p>saved</p>");
  BOOST_TEST(hit);
  BOOST_TEST(rendered == 0);
}

BOOST_FIXTURE_TEST_CASE(a_rendering_too_big_to_keep_leaves_no_claim, RenderFixture) {
  const std::string big(100 * 1024, 'x');
  bool hit = true;
  BOOST_TEST(Get(big, &hit).size() == big.size());
  BOOST_TEST(Raw() == "<miss>");
  // So the next view renders at once instead of waiting on a claim.
  BOOST_TEST(Get(big, &hit).size() == big.size());
  BOOST_TEST(renders->counters().waited_hits == 0);
  BOOST_TEST(rendered == 2);
}

}  // namespace
}  // namespace wikid
