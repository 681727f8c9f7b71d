// /_metrics in-process: the exposition format writer (MetricsText), the
// shared counters it reads (ProcessMetrics), and who may read it.
#define BOOST_TEST_MODULE metrics
#include <boost/test/unit_test.hpp>
#include <cmath>
#include <limits>

#include "model/base/process_metrics.h"
#include "tests/support/wiki_fixture.h"
#include "views/metrics_handlers.h"
#include "views/metrics_text.h"

namespace wikid {
namespace {

using testing::WikiFixture;

BOOST_AUTO_TEST_SUITE(metrics_text)

BOOST_AUTO_TEST_CASE(a_family_has_help_and_type_before_its_samples) {
  MetricsText out;
  out.Family("wikid_saves_total", "counter", "Revisions saved.");
  out.Sample("wikid_saves_total", {}, int64_t{3});
  out.Family("wikid_cache_hits_total", "counter", "Hits by tier.");
  out.Sample("wikid_cache_hits_total", {{"tier", "render"}}, int64_t{0});
  out.Sample("wikid_cache_hits_total", {{"tier", "worker"}, {"kind", "page"}},
             int64_t{12});
  BOOST_TEST(out.text() ==
             "# HELP wikid_saves_total Revisions saved.\n"
             "# TYPE wikid_saves_total counter\n"
             "wikid_saves_total 3\n"
             "# HELP wikid_cache_hits_total Hits by tier.\n"
             "# TYPE wikid_cache_hits_total counter\n"
             "wikid_cache_hits_total{tier=\"render\"} 0\n"
             "wikid_cache_hits_total{tier=\"worker\",kind=\"page\"} 12\n");
}

BOOST_AUTO_TEST_CASE(label_values_and_help_are_escaped) {
  BOOST_TEST(EscapeLabelValue("a\\b\"c\nd") == "a\\\\b\\\"c\\nd");
  BOOST_TEST(EscapeLabelValue("/_edit/*") == "/_edit/*");
  // A help text keeps its double quotes: only backslash and newline.
  BOOST_TEST(EscapeHelp("say \"hi\"\\\nthere") == "say \"hi\"\\\\\\nthere");
  MetricsText out;
  out.Sample("m", {{"path", "x\"y"}}, int64_t{1});
  BOOST_TEST(out.text() == "m{path=\"x\\\"y\"} 1\n");
}

BOOST_AUTO_TEST_CASE(
    floats_are_written_exactly_and_specials_as_the_format_spells_them) {
  MetricsText out;
  out.Sample("a", {}, 0.25);
  out.Sample("b", {}, 1e-6);
  out.Sample("c", {}, std::numeric_limits<double>::infinity());
  out.Sample("d", {}, -std::numeric_limits<double>::infinity());
  out.Sample("e", {}, std::nan(""));
  BOOST_TEST(out.text() == "a 0.25\nb 1e-06\nc +Inf\nd -Inf\ne NaN\n");
}

BOOST_AUTO_TEST_CASE(
    histogram_buckets_are_cumulative_and_end_with_inf_sum_and_count) {
  MetricsText out;
  const double bounds[] = {0.001, 0.0025, 1};
  const int64_t counts[] = {2, 0, 3, 1};  // the last: past 1 s
  out.Histogram("lat_seconds", {{"route", "/*"}}, bounds, counts, 4.5);
  BOOST_TEST(out.text() ==
             "lat_seconds_bucket{route=\"/*\",le=\"0.001\"} 2\n"
             "lat_seconds_bucket{route=\"/*\",le=\"0.0025\"} 2\n"
             "lat_seconds_bucket{route=\"/*\",le=\"1\"} 5\n"
             "lat_seconds_bucket{route=\"/*\",le=\"+Inf\"} 6\n"
             "lat_seconds_sum{route=\"/*\"} 4.5\n"
             "lat_seconds_count{route=\"/*\"} 6\n");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(process_metrics)

BOOST_AUTO_TEST_CASE(a_request_counts_its_status_class_and_latency_bucket) {
  ProcessMetrics* m = ProcessMetrics::CreatePrivate();
  BOOST_REQUIRE(m != nullptr);
  m->CountRequest(3, 404, 2'500);       // on a bound: that bucket (le is <=)
  m->CountRequest(3, 200, 2'501);       // just past it: the next
  m->CountRequest(3, 503, 60'000'000);  // past the largest bound
  const ProcessMetrics::Route& r = m->routes[3];
  BOOST_TEST(r.by_class[1].load() == 1);
  BOOST_TEST(r.by_class[3].load() == 1);
  BOOST_TEST(r.by_class[4].load() == 1);
  BOOST_TEST(r.buckets[1].load() == 1);
  BOOST_TEST(r.buckets[2].load() == 1);
  BOOST_TEST(r.buckets[ProcessMetrics::kBuckets].load() == 1);
  BOOST_TEST(r.micros.load() == 2'500 + 2'501 + 60'000'000);
  // A slot past the table counts as the unrouted one.
  m->CountRequest(ProcessMetrics::kRouteSlots + 5, 400, 10);
  BOOST_TEST(m->routes[ProcessMetrics::kUnrouted].by_class[3].load() == 1);
}

BOOST_AUTO_TEST_CASE(every_route_has_a_slot_of_its_own) {
  // Else two routes would share a slot, and /_metrics would write the
  // "unrouted" series twice.
  BOOST_TEST(Routes().size() < ProcessMetrics::kUnrouted);
  BOOST_TEST(RouteLabel(ProcessMetrics::kUnrouted) == "unrouted");
  BOOST_TEST(RouteLabel(0) == "/");
  BOOST_TEST(RouteMethodLabel(0) == "GET");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(access)

Response Scrape(WikiFixture& f, const std::string& from) {
  f.client_address = from;
  return f.Get("/_metrics");
}

BOOST_FIXTURE_TEST_CASE(loopback_by_default_and_anyone_else_is_told_why,
                        WikiFixture) {
  for (const char* local : {"127.0.0.1", "127.8.9.10", "::1"}) {
    Response r = Scrape(*this, local);
    BOOST_TEST(r.status == 200, local);
    BOOST_TEST(r.content_type == "text/plain; version=0.0.4; charset=utf-8");
    BOOST_TEST(r.body.find("# TYPE wikid_http_requests_total counter\n") !=
               std::string::npos);
  }
  Response far = Scrape(*this, "192.0.2.1");
  BOOST_TEST(far.status == 403);
  BOOST_TEST(far.body.find("only to requests from this machine") !=
             std::string::npos);
  BOOST_TEST(far.body.find("wikid_") == std::string::npos);
}

BOOST_FIXTURE_TEST_CASE(admins_mode_serves_admins_from_anywhere_and_nobody_else,
                        WikiFixture) {
  site.metrics_access = MetricsAccess::kAdmins;
  Response local = Scrape(*this, "127.0.0.1");
  BOOST_TEST(local.status == 403);
  BOOST_TEST(local.body.find("only to the wiki's admins") != std::string::npos);
  site.metrics_access = MetricsAccess::kOff;
  BOOST_TEST(Scrape(*this, "127.0.0.1").status == 404);
}

BOOST_FIXTURE_TEST_CASE(outbox_and_counters_appear, WikiFixture) {
  ProcessMetrics::Add(ctx->metrics.saves);
  Response r = Scrape(*this, "127.0.0.1");
  BOOST_TEST(r.body.find("\nwikid_saves_total 1\n") != std::string::npos);
  BOOST_TEST(r.body.find("\nwikid_outbox_messages 0\n") != std::string::npos);
  BOOST_TEST(r.body.find("\nwikid_outbox_oldest_message_age_seconds 0\n") !=
             std::string::npos);
  BOOST_TEST(r.body.find("wikid_fast_path_state{state=\"off\"} 1\n") !=
             std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace wikid
