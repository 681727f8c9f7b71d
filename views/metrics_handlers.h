// GET /_metrics: what this wikid host is doing, in Prometheus's text
// exposition format, for a Prometheus server to scrape.
//
// Every worker answers with the same numbers: the counters live in memory
// the master shares with all of them (model/base/process_metrics.h,
// model/cache/fast_path.h), and the outbox is read from the database.
// Counters are this host's since its master started; several hosts are
// added up by Prometheus (sum by (...)).
//
// Who may read it is --metrics (SiteConfig::metrics_access): requests
// from this machine's own addresses by default (a Prometheus or an agent
// on the host), logged-in admins (or an admin's API token) otherwise, or
// nobody (404). Anyone else gets 403 and a sentence saying why.
#pragma once

#include <string_view>

#include "views/base/context.h"
#include "views/http/http.h"

namespace wikid {

Response ShowMetrics(const Request& req, Context& ctx, std::string_view);

// The route label of the router's row `index` (its pattern), or
// "unrouted" past the table; and its method label.
std::string_view RouteLabel(size_t index);
std::string_view RouteMethodLabel(size_t index);

}  // namespace wikid
