// Config: every setting of the wikid process, read once at start-up (and
// again on SIGHUP) from the command line and an optional config file.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "model/base/status.h"
#include "model/mail/admin_mail.h"
#include "model/mail/smtp.h"
#include "model/store/login_throttle.h"
#include "model/wiki.h"
#include "views/http/client_address.h"
#include "views/base/context.h"

namespace wikid {

struct Config {
  // Where to listen: a unix socket path, or 127.0.0.1:PORT. Empty: use the
  // listening socket handed in by systemd (LISTEN_FDS) or on fd 0
  // (spawn-fcgi).
  std::string socket;
  // Permission bits of a unix socket. 0660: only the owner and the group
  // (nginx's) may connect; libfcgi must not be reachable by anyone else,
  // since one crafted record can kill a worker (CVE-2025-23016 residue).
  unsigned socket_mode = 0660;
  // Group to give the unix socket (e.g. www-data); empty keeps ours.
  std::string socket_group;
  // Worker processes. Each serves one request at a time.
  int workers = 2;
  // Directory of this host's files and, unless `database` names another,
  // of the database (wikid.db); created if missing.
  std::string data_dir = "var";
  // The database: "sqlite:PATH" (several wikids on one machine may name
  // the same one), empty for DATA/wikid.db, or "postgresql://..."
  // (StorageOptions::database, model/wiki.h).
  std::string database;
  // Directory of the ctemplate files.
  std::string templates_dir;
  // Development mode: templates reload from disk when they change.
  bool dev = false;
  // Largest request body read; a bigger one is drained and answered 413.
  // nginx's client_max_body_size should be at least this.
  size_t max_body_bytes = 2 << 20;
  // The log file (--log-file), appended to and opened again on SIGUSR1
  // (model/base/log.h); empty: stderr, as whoever started wikid gave it.
  std::string log_file;
  // Seconds a stopping worker may take to finish its request before the
  // master kills it.
  int shutdown_timeout_seconds = 10;
  // Milliseconds a FastCGI peer may take to send a request's head, and
  // each later read or write may wait (fcgi/request_check.h).
  int fastcgi_timeout_ms = 10000;
  // PostgreSQL: the longest one statement may run (a lock waited for
  // included) before the server cancels it and the request answers 503.
  int statement_timeout_ms = 5000;
  // memcached servers ("host:port,host:port"); empty: no cache.
  std::string memcached;
  // How long wikid waits for a memcached server to connect or answer
  // before the call counts as failed (three in a row open the breaker).
  int memcached_timeout_ms = 50;
  // Put before every cache key, so several wikis can share a memcached.
  std::string cache_prefix = "wikid:";
  // nginx serves anonymous page views from memcached (model/cache/fast_path.h)
  // while this file exists: wikid creates and removes it. Only with a
  // memcached and outside development mode (templates change underfoot).
  bool fast_path = true;
  std::string fast_path_flag;  // empty: data_dir + "/fast-path"
  bool FastPathOn() const { return fast_path && !dev && !memcached.empty(); }
  std::string FastPathFlag() const {
    return fast_path_flag.empty() ? data_dir + "/fast-path" : fast_path_flag;
  }
  // This host's copies of uploaded files, which nginx serves
  // (model/cache/file_cache.h); empty: data_dir + "/files". nginx's user
  // must be able to read it.
  std::string file_cache;
  std::string FileCacheDir() const {
    return file_cache.empty() ? data_dir + "/files" : file_cache;
  }
  // Bytes of page views each worker keeps in its own memory in front of
  // memcached (0: none).
  size_t local_cache_bytes = 16 << 20;
  // Which page views use and fill the shared caches
  // (model/cache/view_admission.h).
  CacheAdmission cache_admission = CacheAdmission::kSecondView;
  // From how busy a share of the host's CPU (percent) a view fills the
  // caches only for a hot page (model/cache/host_load.h); nullopt: off.
  std::optional<int> cache_shed_cpu = 75;
  // The login throttle: progressive delays per account name, and limits
  // per client address on the names tried and the failures
  // (model/store/login_throttle.h).
  ThrottlePolicy throttle;
  // Load balancers in front of nginx whose X-Forwarded-For is believed
  // (views/http/client_address.h); none by default.
  TrustedProxies trusted_proxies;
  // The admins' mail: which events, to whom, how it is retried...
  MailSettings mail;
  // ...and the SMTP server the mailer process sends it through.
  SmtpSettings smtp;
  // The config file that was read, if any (re-read on SIGHUP).
  std::string config_file;
  // What the handlers see.
  SiteConfig site;
};

// What the model layer is opened with (model/wiki.h), from `config`.
WikiOptions WikiOptionsOf(const Config& config);

struct ParsedCommandLine {
  Config config;
  bool help = false;   // --help was given: print `usage` and exit 0
  std::string usage;   // the option summary
};

// Parses `args` (the arguments after "wikid serve") and then the config
// file named by --config, where the command line wins. Invalid with a
// message naming the option for an unknown option, a malformed value or a
// value out of range.
Result<ParsedCommandLine> ParseServeCommandLine(
    const std::vector<std::string>& args);

}  // namespace wikid
