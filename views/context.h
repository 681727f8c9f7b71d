// Context: what every handler may use, built once per worker.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>

#include "model/page_store.h"
#include "model/page_cache.h"
#include "model/recent_cache.h"
#include "model/render_cache.h"
#include "views/csrf.h"
#include "views/markdown.h"
#include "views/templates.h"

namespace wikid {

// The settings handlers need. Filled from the command line and config file
// by fcgi/config.cc, which documents and range-checks each one.
struct SiteConfig {
  std::string site_name = "wikid";
  std::string front_page = "Main Page";  // what "/" shows
  size_t max_page_bytes = 1 << 20;       // longest page text accepted
  size_t max_summary_bytes = 500;        // longest edit summary accepted
  int history_page_size = 50;            // revisions per history page
  int pages_page_size = 100;             // pages per page of the page list
  int recent_page_size = 50;             // changes per page of /_recent
  int front_recent_size = 10;            // changes shown on the front page
};

// Borrowed references; the worker owns everything and outlives every
// request. `now` returns unix seconds (injected so tests can fix time).
struct Context {
  const SiteConfig& site;
  PageStore& pages;
  Templates& templates;
  Markdown& markdown;
  Memcache& cache;
  StampedCache& views;
  RenderCache& renders;
  PageCache& page_cache;
  RecentCache& recent;
  const Csrf& csrf;
  std::function<int64_t()> now;
};

}  // namespace wikid
