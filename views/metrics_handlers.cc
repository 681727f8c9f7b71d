#include "views/metrics_handlers.h"

#include <array>

#include "model/base/process_metrics.h"
#include "views/http/client_address.h"
#include "views/metrics_text.h"
#include "views/router.h"

namespace wikid {
namespace {

// This machine's own addresses: 127.0.0.0/8 and ::1 (an IPv4-mapped
// loopback address is IPv4 to TrustedProxies).
bool IsLoopback(std::string_view address) {
  static const TrustedProxies kLoopback =
      *TrustedProxies::Parse("127.0.0.0/8, ::1");
  return kLoopback.Contains(address);
}

// Who may read the metrics, or the refusal that says why not.
std::optional<Response> RefuseScrape(const Request& req, const Context& ctx) {
  switch (ctx.site.metrics_access) {
    case MetricsAccess::kLoopback:
      if (IsLoopback(req.client_address)) return std::nullopt;
      return Response::PlainText(403,
                                 "The metrics are served only to requests from "
                                 "this machine (wikid runs with "
                                 "--metrics loopback); " +
                                     req.client_address +
                                     " is not one of its addresses.\n");
    case MetricsAccess::kAdmins:
      if (ctx.viewer.is_admin()) return std::nullopt;
      return Response::PlainText(
          403,
          "The metrics are served only to the wiki's admins (wikid runs with "
          "--metrics "
          "admins): log in as one, or send an admin's API token as "
          "\"Authorization: Bearer TOKEN\".\n");
    case MetricsAccess::kOff:
      break;
  }
  return Response::PlainText(
      404,
      "This wiki does not publish metrics (wikid runs with "
      "--metrics off).\n");
}

constexpr const char* kClasses[ProcessMetrics::kStatusClasses] = {
    "1xx", "2xx", "3xx", "4xx", "5xx"};

void WriteRequests(const ProcessMetrics& m, MetricsText& out) {
  out.Family("wikid_http_requests_total", "counter",
             "Requests wikid answered, by the router's route (its pattern, "
             "never the path), "
             "method and status class. Views nginx served from its fast path "
             "never reach "
             "wikid and are not counted here.");
  for (size_t i = 0; i < ProcessMetrics::kRouteSlots; ++i) {
    const ProcessMetrics::Route& r = m.routes[i];
    for (size_t c = 0; c < ProcessMetrics::kStatusClasses; ++c) {
      const int64_t n = r.by_class[c].load(std::memory_order_relaxed);
      if (n == 0) continue;
      out.Sample("wikid_http_requests_total",
                 {{"route", RouteLabel(i)},
                  {"method", RouteMethodLabel(i)},
                  {"status", kClasses[c]}},
                 n);
    }
  }
  static const std::array<double, ProcessMetrics::kBuckets> kBounds = [] {
    std::array<double, ProcessMetrics::kBuckets> bounds;
    for (size_t b = 0; b < bounds.size(); ++b) {
      bounds[b] = static_cast<double>(ProcessMetrics::kBucketMicros[b]) / 1e6;
    }
    return bounds;
  }();
  out.Family("wikid_http_request_duration_seconds", "histogram",
             "Time from a request's acceptance to its answer handed to nginx, "
             "by route "
             "and method.");
  for (size_t i = 0; i < ProcessMetrics::kRouteSlots; ++i) {
    const ProcessMetrics::Route& r = m.routes[i];
    std::array<int64_t, ProcessMetrics::kBuckets + 1> counts;
    int64_t total = 0;
    for (size_t b = 0; b < counts.size(); ++b) {
      counts[b] = r.buckets[b].load(std::memory_order_relaxed);
      total += counts[b];
    }
    if (total == 0) continue;
    out.Histogram(
        "wikid_http_request_duration_seconds",
        {{"route", RouteLabel(i)}, {"method", RouteMethodLabel(i)}}, kBounds,
        counts,
        static_cast<double>(r.micros.load(std::memory_order_relaxed)) / 1e6);
  }
}

void WriteCaches(const ProcessMetrics& m, Context& ctx, MetricsText& out) {
  const FastPathShared& fast = ctx.caches.fast_path.shared();
  struct Tier {
    const char* name;
    int64_t hits;
    int64_t misses;
  };
  const Tier tiers[] = {
      {"worker", m.worker_copy_hits.load(), m.worker_copy_misses.load()},
      {"memcached", m.memcached_hits.load(), m.memcached_misses.load()},
      {"render", m.render_hits.load(), m.render_misses.load()},
  };
  out.Family("wikid_cache_hits_total", "counter",
             "Lookups that found their entry, by tier: worker (a worker's own "
             "copies of "
             "views), memcached (views shared by the workers and hosts), "
             "render (rendered "
             "revisions).");
  for (const Tier& t : tiers)
    out.Sample("wikid_cache_hits_total", {{"tier", t.name}}, t.hits);
  out.Family("wikid_cache_misses_total", "counter",
             "Lookups that did not find their entry, by tier; fast_path: "
             "anonymous views "
             "nginx looked for in memcached and did not find, so asked wikid "
             "(its hits are "
             "in nginx's log alone).");
  for (const Tier& t : tiers) {
    out.Sample("wikid_cache_misses_total", {{"tier", t.name}}, t.misses);
  }
  out.Sample("wikid_cache_misses_total", {{"tier", "fast_path"}},
             fast.misses.load());
  out.Family("wikid_fast_path_fills_total", "counter",
             "Entries wikid added to memcached for nginx's fast path.");
  out.Sample("wikid_fast_path_fills_total", {}, fast.fills.load());
  out.Family(
      "wikid_fast_path_state", "gauge",
      "1 for the state nginx's fast path is in on this host: serving (nginx "
      "answers "
      "anonymous views from memcached), suspended (every view goes to wikid "
      "until "
      "the next generation serves), or off (--no-fast-path, or no memcached).");
  const FastPath& fast_path = ctx.caches.fast_path;
  const char* state = !fast_path.enabled()    ? "off"
                      : fast_path.suspended() ? "suspended"
                                              : "serving";
  for (const char* s : {"serving", "suspended", "off"}) {
    out.Sample("wikid_fast_path_state", {{"state", s}},
               static_cast<int64_t>(std::string_view(s) == state));
  }
}

void WriteCounter(MetricsText& out, const char* name, const char* help,
                  const std::atomic<int64_t>& value) {
  out.Family(name, "counter", help);
  out.Sample(name, {}, value.load(std::memory_order_relaxed));
}

void WriteEvents(const ProcessMetrics& m, MetricsText& out) {
  WriteCounter(
      out, "wikid_saves_total",
      "Revisions saved by the edit form, restores and the JSON API (saves "
      "whose "
      "text equalled the latest revision make none and are not counted).",
      m.saves);
  WriteCounter(out, "wikid_save_merges_total",
               "Saves based on an older revision, merged with the changes made "
               "since (also "
               "in wikid_saves_total).",
               m.merges);
  WriteCounter(
      out, "wikid_save_conflicts_total",
      "Saves refused because changes made since their base revision overlapped "
      "theirs (409, the text kept).",
      m.conflicts);
  WriteCounter(
      out, "wikid_login_failures_total",
      "Logins refused for a wrong name or password, or a disabled account.",
      m.login_failures);
  WriteCounter(out, "wikid_login_throttled_total",
               "Logins refused unchecked: too many failures lately for the "
               "name or address.",
               m.login_throttled);
  WriteCounter(out, "wikid_database_busy_waits_total",
               "Statements that found another connection's lock on the SQLite "
               "database and "
               "waited for it (up to the busy timeout).",
               m.busy_waits);
  out.Family("wikid_worker_restarts_total", "counter",
             "Workers the master started in place of one that ended: died "
             "(killed, crashed "
             "or exited unasked) or asked (a rendering overran its budget).");
  out.Sample("wikid_worker_restarts_total", {{"reason", "died"}},
             m.workers_died.load());
  out.Sample("wikid_worker_restarts_total", {{"reason", "asked"}},
             m.workers_asked.load());
}

// The outbox: one indexed query. When the database does not answer, the
// two gauges are left out (a scrape's absence says more than a made-up 0).
void WriteOutbox(Context& ctx, MetricsText& out) {
  auto depth = ctx.stores.outbox.Depth();
  if (!depth.ok()) return;
  out.Family(
      "wikid_outbox_messages", "gauge",
      "Mail to admins queued and not yet sent (due, or waiting for a retry).");
  out.Sample("wikid_outbox_messages", {}, depth->queued);
  out.Family(
      "wikid_outbox_oldest_message_age_seconds", "gauge",
      "How long the oldest queued message has waited; 0 when none waits.");
  const int64_t age =
      depth->oldest_created_at
          ? std::max<int64_t>(0, ctx.now() - *depth->oldest_created_at)
          : 0;
  out.Sample("wikid_outbox_oldest_message_age_seconds", {}, age);
}

}  // namespace

std::string_view RouteLabel(size_t index) {
  const std::vector<Route>& routes = Routes();
  return index < routes.size() ? routes[index].pattern
                               : std::string_view("unrouted");
}

std::string_view RouteMethodLabel(size_t index) {
  const std::vector<Route>& routes = Routes();
  if (index >= routes.size()) return "any";
  switch (routes[index].method) {
    case Method::kGet:
      return "GET";
    case Method::kHead:
      return "HEAD";
    case Method::kPost:
      return "POST";
    case Method::kPut:
      return "PUT";
    case Method::kOther:
      break;
  }
  return "other";
}

Response ShowMetrics(const Request& req, Context& ctx, std::string_view) {
  if (auto refused = RefuseScrape(req, ctx)) return std::move(*refused);
  MetricsText out;
  WriteRequests(ctx.metrics, out);
  WriteCaches(ctx.metrics, ctx, out);
  WriteEvents(ctx.metrics, out);
  WriteOutbox(ctx, out);
  Response response;
  response.content_type = MetricsText::kContentType;
  response.headers.emplace_back("Cache-Control", "no-store");
  response.body = out.text();
  return response;
}

}  // namespace wikid
