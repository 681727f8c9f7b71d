#include "fcgi/config.h"

#include "fcgi/option_error.h"
#include "model/accounts/hash_slots.h"
#include "model/cache/memcache.h"
#include "model/text/characters.h"
#include "model/text/mailbox.h"
#include "model/text/page_name.h"
#include "views/http/http_decode.h"
#include "views/markup/markdown.h"

#include <boost/program_options.hpp>
#include <charconv>
#include <fstream>
#include <sstream>

namespace wikid {
namespace po = boost::program_options;

namespace {

// Options read as text or in other units, converted and checked after
// parsing.
struct RawOptions {
  std::string mode_text;
  std::string admission_text = "second-view";
  std::string shed_cpu_text = "75";
  std::string trusted_proxies;
  std::string policy_text;
  std::string metrics_text;
  int session_days = 30;
  std::string mail_events = "signup,page-created,watched-edit";
  std::string admin_emails;
  int watch_days = 7;
  bool no_fast_path = false;
};

po::options_description Options(Config& c, RawOptions& raw) {
  po::options_description desc("wikid serve options");
  SiteConfig& s = c.site;
  // clang-format off
  desc.add_options()
    ("help,h", "print this help and exit")
    ("config", po::value(&c.config_file),
     "read options from this file (key = value lines); the command line wins")
    ("socket", po::value(&c.socket),
     "listen on this unix socket path or IPV4:PORT; without it, use the "
     "listening socket on fd 0 (spawn-fcgi) or from systemd (LISTEN_FDS)")
    ("socket-mode", po::value(&raw.mode_text)->default_value("0660"),
     "permission bits of the unix socket (octal)")
    ("socket-group", po::value(&c.socket_group),
     "group of the unix socket, e.g. www-data, so nginx can connect")
    ("workers", po::value(&c.workers)->default_value(c.workers),
     "worker processes (1-64)")
    ("data", po::value(&c.data_dir)->default_value(c.data_dir),
     "directory of the database (unless --database names one) and of this "
     "host's own files, created if missing")
    ("database", po::value(&c.database),
     "the database: sqlite:PATH (default: DATA/wikid.db; several wikids on "
     "one machine may name the same one), or postgresql://USER@HOST:PORT/DATABASE "
     "(libpq's URL and PG* environment; the password from PGPASSWORD or a password "
     "file such as ~/.pgpass, never in the URL)")
    ("templates", po::value(&c.templates_dir)->default_value(c.templates_dir),
     "directory of the page templates")
    ("dev", po::bool_switch(&c.dev),
     "development mode: reload templates when they change on disk")
    ("max-body-bytes", po::value(&c.max_body_bytes)->default_value(c.max_body_bytes),
     "largest request body accepted (bytes); larger ones get 413")
    ("log-file", po::value(&c.log_file),
     "append the log to this file instead of stderr; SIGUSR1 opens it again "
     "(for logrotate)")
    ("shutdown-timeout", po::value(&c.shutdown_timeout_seconds)
         ->default_value(c.shutdown_timeout_seconds),
     "seconds a stopping worker may take to finish its request (1-600)")
    ("fastcgi-timeout-ms", po::value(&c.fastcgi_timeout_ms)
         ->default_value(c.fastcgi_timeout_ms),
     "milliseconds a FastCGI peer may take to send a request's parameters, and any "
     "later read or write may wait, before its connection is closed (100-600000)")
    ("statement-timeout-ms", po::value(&c.statement_timeout_ms)
         ->default_value(c.statement_timeout_ms),
     "PostgreSQL: milliseconds one statement may run, waiting for a lock included, "
     "before the server cancels it and the request answers 503 (100-600000)")
    ("memcached", po::value(&c.memcached),
     "memcached servers, host:port or a unix socket's /path, comma-separated; "
     "without it, no cache")
    ("memcached-timeout-ms", po::value(&c.memcached_timeout_ms)
         ->default_value(c.memcached_timeout_ms),
     "milliseconds wikid waits for a memcached server to connect or answer before the "
     "call fails and the page is made without it (1-10000); raise it when memcached "
     "is on another host")
    ("cache-prefix", po::value(&c.cache_prefix)->default_value(c.cache_prefix),
     "prefix of every cache key, so several wikis can share memcached")
    ("no-fast-path", po::bool_switch(&raw.no_fast_path),
     "never let nginx serve page views from memcached (nginx/fast-path.conf)")
    ("fast-path-flag", po::value(&c.fast_path_flag),
     "the switch nginx checks before it serves page views from memcached: a symlink "
     "wikid points at FLAG.d/off or at the generation being served "
     "(default: DATA/fast-path); nginx must be able to resolve it")
    ("local-cache-bytes", po::value(&c.local_cache_bytes)->default_value(c.local_cache_bytes),
     "bytes of page views each worker keeps in memory in front of memcached, and as many "
     "again of whole pages as anonymous readers get them (0: none)")
    ("cache-admission", po::value(&raw.admission_text)->default_value(raw.admission_text),
     "which page views fill the shared caches: 'second-view' (of pages viewed lately on this "
     "host; a first view renders and fills nothing), 'third-view' (of pages viewed twice "
     "lately) or 'first-view' (every view)")
    ("cache-shed-cpu", po::value(&raw.shed_cpu_text)->default_value(raw.shed_cpu_text),
     "while the host's CPU is at least this many percent busy, a view fills the shared caches "
     "only for a page read often (and looks only for one read often or found there lately): "
     "a fill costs more than a view without cache, and pays back only if read again; "
     "'off': fill as --cache-admission says")
    ("site-name", po::value(&s.site_name)->default_value(s.site_name),
     "the wiki's name, shown in every page header")
    ("front-page", po::value(&s.front_page)->default_value(s.front_page),
     "the page shown at /")
    ("max-upload-bytes", po::value(&s.max_upload_bytes)->default_value(s.max_upload_bytes),
     "largest file accepted (bytes); a larger one gets 413 with the form kept. nginx's "
     "limit for uploads (scripts/nginx-config --max-upload-bytes) must be the same")
    ("max-image-pixels", po::value(&s.max_image_pixels)->default_value(s.max_image_pixels),
     "largest image accepted, in pixels (width x height, read from its header before "
     "anything decodes it); a larger one gets 422")
    ("file-cache", po::value(&c.file_cache),
     "folder of this host's copies of uploaded files, which nginx serves "
     "(default: DATA/files); nginx's user must be able to read it")
    ("max-page-bytes", po::value(&s.max_page_bytes)->default_value(s.max_page_bytes),
     "longest page text accepted (bytes); longer saves get 413 with the text kept")
    ("render-budget-ms", po::value(&s.render_budget_ms)->default_value(s.render_budget_ms),
     "CPU time one parse of Markdown may take (100-60000 ms): text that needs more "
     "(nesting thousands deep) gets 422 with the text kept at save and preview, and "
     "the worker that tried is replaced; 1 MiB of ordinary text needs well under 100 ms")
    ("history-page-size", po::value(&s.history_page_size)
         ->default_value(s.history_page_size),
     "revisions per history page (1-1000)")
    ("edit-policy", po::value(&raw.policy_text)->default_value("users"),
     "who may edit pages: users (logged in) or anyone")
    ("metrics", po::value(&raw.metrics_text)->default_value("loopback"),
     "who may read /_metrics (Prometheus's text format): loopback (requests from "
     "this machine only, as the client address is read: see --trusted-proxies), "
     "admins (logged-in admins, or an admin's API token as a Bearer token, from "
     "anywhere) or off")
    ("signup", po::value(&s.signup_enabled)->default_value(s.signup_enabled),
     "let people create accounts at /_signup (true or false)")
    ("session-days", po::value(&raw.session_days)->default_value(raw.session_days),
     "days a login lasts (1-3650)")
    ("trusted-proxies", po::value(&raw.trusted_proxies),
     "addresses and CIDR ranges of load balancers in front of nginx, comma-"
     "separated: the client address is then taken from the X-Forwarded-For "
     "they add (never from anyone else's)")
    ("login-names-per-address", po::value(&c.throttle.max_names_per_address)
         ->default_value(c.throttle.max_names_per_address),
     "different account names that may fail to log in from one address in 15 "
     "minutes before every login from it must wait (1-10000): password spraying; "
     "failures against one name never hold up the others")
    ("login-failures-per-address", po::value(&c.throttle.max_failures_per_address)
         ->default_value(c.throttle.max_failures_per_address),
     "failed logins from one address in 15 minutes, whatever the names, before "
     "every login from it must wait (1-10000): a backstop above the names limit")
    ("public-url", po::value(&c.mail.public_url)->default_value(c.mail.public_url),
     "the wiki's address as readers see it, for links in mail")
    ("mail-from", po::value(&c.mail.from)->default_value(c.mail.from),
     "the address mail to admins comes from")
    ("mail-events", po::value(&raw.mail_events)->default_value(raw.mail_events),
     "what admins get mail about: any of signup, page-created, watched-edit, "
     "comma-separated, or none")
    ("watch-account-days", po::value(&raw.watch_days)->default_value(raw.watch_days),
     "edits by accounts younger than this many days (and anonymous edits) "
     "are watched-edit events (0-3650)")
    ("admin-emails", po::value(&raw.admin_emails),
     "more addresses that get admins' mail, comma-separated")
    ("smtp-url", po::value(&c.smtp.url)->default_value(c.smtp.url),
     "the SMTP server: smtp://HOST:PORT or smtps://HOST:PORT")
    ("smtp-starttls", po::bool_switch(&c.smtp.starttls),
     "require STARTTLS on an smtp:// server")
    ("smtp-ca-file", po::value(&c.smtp.ca_file),
     "PEM file of the certificates to trust for TLS to the SMTP server "
     "(default: the system's)")
    ("smtp-user", po::value(&c.smtp.user), "SMTP login name, if the server wants one")
    ("smtp-password", po::value(&c.smtp.password),
     "SMTP password (put it in the --config file, not on the command line)")
    ("mail-max-attempts", po::value(&c.mail.retry.max_attempts)->default_value(c.mail.retry.max_attempts),
     "delivery attempts before a message is marked failed (1-100)")
    ("mail-retry-seconds", po::value(&c.mail.retry.retry_seconds)->default_value(c.mail.retry.retry_seconds),
     "delay before the first retry, doubled after each failure (1-86400)");
  // clang-format on
  return desc;
}

Status CheckRanges(const Config& c) {
  auto bad = [](const std::string& what) { return Status::Invalid(what); };
  if (c.workers < 1 || c.workers > 64) return bad("--workers must be 1 to 64");
  if (c.shutdown_timeout_seconds < 1 || c.shutdown_timeout_seconds > 600) {
    return bad("--shutdown-timeout must be 1 to 600 seconds");
  }
  if (c.fastcgi_timeout_ms < 100 || c.fastcgi_timeout_ms > 600000) {
    return bad("--fastcgi-timeout-ms must be 100 to 600000");
  }
  if (c.statement_timeout_ms < 100 || c.statement_timeout_ms > 600000) {
    return bad("--statement-timeout-ms must be 100 to 600000");
  }
  if (c.max_body_bytes < 1024 || c.max_body_bytes > (size_t{1} << 30)) {
    return bad("--max-body-bytes must be 1 KiB to 1 GiB");
  }
  if (c.site.max_page_bytes < 1 || c.site.max_page_bytes > c.max_body_bytes) {
    return bad("--max-page-bytes must be 1 to --max-body-bytes");
  }
  if (c.site.render_budget_ms < 100 || c.site.render_budget_ms > 60000) {
    return bad("--render-budget-ms must be 100 to 60000");
  }
  if (c.site.history_page_size < 1 || c.site.history_page_size > 1000) {
    return bad("--history-page-size must be 1 to 1000");
  }
  if (c.throttle.max_failures_per_address < 1 ||
      c.throttle.max_failures_per_address > 10000) {
    return bad("--login-failures-per-address must be 1 to 10000");
  }
  if (c.throttle.max_names_per_address < 1 || c.throttle.max_names_per_address > 10000) {
    return bad("--login-names-per-address must be 1 to 10000");
  }
  if (c.socket_mode > 0777) return bad("--socket-mode must be octal, <= 0777");
  if (c.data_dir.empty()) return bad("--data must not be empty");
  if (c.templates_dir.empty()) return bad("--templates must not be empty");
  // Both are shown on every page and in every feed; a front page that is
  // no page name would make "/" an error page for everyone.
  if (c.site.site_name.empty() || !IsValidUtf8(c.site.site_name) ||
      FindUnwantedCharacter(c.site.site_name, /*multiline=*/false)) {
    return bad("--site-name must be UTF-8 text without control characters");
  }
  if (auto front = PageName::Parse(c.site.front_page); !front.ok()) {
    return bad("--front-page must be a page name: " + front.status().message());
  }
  if (auto servers = ParseServerList(c.memcached); !servers.ok()) {
    return servers.status();
  }
  if (c.memcached_timeout_ms < 1 || c.memcached_timeout_ms > 10000) {
    return bad("--memcached-timeout-ms must be 1 to 10000");
  }
  if (c.local_cache_bytes > (size_t{1} << 30)) {
    return bad("--local-cache-bytes must be at most 1 GiB");
  }
  if (c.cache_prefix.empty() || c.cache_prefix.size() > 64 ||
      c.cache_prefix.find_first_of(" \t\r\n") != std::string::npos) {
    return bad("--cache-prefix must be 1 to 64 characters without spaces");
  }
  if (c.site.max_upload_bytes < 1024 || c.site.max_upload_bytes > (size_t{1} << 30)) {
    return bad("--max-upload-bytes must be 1 KiB to 1 GiB");
  }
  if (c.site.max_image_pixels < 1 || c.site.max_image_pixels > (int64_t{1} << 40)) {
    return bad("--max-image-pixels must be 1 to 2^40");
  }
  if (c.file_cache.find_first_of("\r\n") != std::string::npos) {
    return bad("--file-cache must be a path");
  }
  if (c.fast_path_flag.find_first_of("\r\n") != std::string::npos) {
    return bad("--fast-path-flag must be a path");
  }
  return Status::Ok();
}

std::vector<std::string> SplitList(const std::string& text) {
  std::vector<std::string> items;
  std::stringstream in(text);
  for (std::string item; std::getline(in, item, ',');) {
    item.erase(0, item.find_first_not_of(" \t"));
    item.erase(item.find_last_not_of(" \t") + 1);
    if (!item.empty()) items.push_back(item);
  }
  return items;
}

// The mail options: events, addresses (checked as strictly as any address
// that reaches curl), the SMTP URL and the retry schedule.
Status ApplyMailOptions(const RawOptions& raw, Config& c) {
  MailSettings& m = c.mail;
  m.site_name = c.site.site_name;
  m.on_signup = m.on_page_created = m.on_watched_edit = false;
  for (const std::string& event : SplitList(raw.mail_events)) {
    if (event == "signup") {
      m.on_signup = true;
    } else if (event == "page-created") {
      m.on_page_created = true;
    } else if (event == "watched-edit") {
      m.on_watched_edit = true;
    } else if (event != "none") {
      return Status::Invalid("--mail-events: unknown event '" + event +
                             "' (signup, page-created, watched-edit or none)");
    }
  }
  if (raw.watch_days < 0 || raw.watch_days > 3650) {
    return Status::Invalid("--watch-account-days must be 0 to 3650");
  }
  m.watched_account_seconds = int64_t{raw.watch_days} * 86400;
  m.extra_recipients = SplitList(raw.admin_emails);
  for (const std::string& address : m.extra_recipients) {
    if (Status s = CheckMailbox(address); !s.ok()) {
      return Status::Invalid("--admin-emails: '" + address + "': " + s.message());
    }
  }
  if (!CheckMailbox(m.from).ok()) {
    return Status::Invalid("--mail-from must be an address like wiki@example.org");
  }
  while (m.public_url.ends_with('/')) m.public_url.pop_back();
  if (!(m.public_url.starts_with("http://") || m.public_url.starts_with("https://")) ||
      m.public_url.find_first_of(" \t\r\n") != std::string::npos) {
    return Status::Invalid("--public-url must be an http:// or https:// address");
  }
  c.site.public_url = m.public_url;
  const std::string& url = c.smtp.url;
  if (!(url.starts_with("smtp://") || url.starts_with("smtps://")) ||
      url.find_first_of(" \t\r\n") != std::string::npos) {
    return Status::Invalid("--smtp-url must be smtp://HOST:PORT or smtps://HOST:PORT");
  }
  if (m.retry.max_attempts < 1 || m.retry.max_attempts > 100) {
    return Status::Invalid("--mail-max-attempts must be 1 to 100");
  }
  if (m.retry.retry_seconds < 1 || m.retry.retry_seconds > 86400) {
    return Status::Invalid("--mail-retry-seconds must be 1 to 86400");
  }
  return Status::Ok();
}

}  // namespace

Result<ParsedCommandLine> ParseServeCommandLine(
    const std::vector<std::string>& args) {
  ParsedCommandLine parsed;
  Config& c = parsed.config;
#ifdef WIKID_DEFAULT_TEMPLATE_DIR
  c.templates_dir = WIKID_DEFAULT_TEMPLATE_DIR;
#endif
  RawOptions raw;
  po::options_description desc = Options(c, raw);
  std::ostringstream usage;
  usage << "usage: wikid serve [options]\n\n" << desc;
  parsed.usage = usage.str();
  try {
    po::variables_map vm;
    po::store(po::command_line_parser(args).options(desc).run(), vm);
    if (vm.count("config")) {
      const std::string file = vm["config"].as<std::string>();
      std::ifstream in(file);
      if (!in) return Status::Invalid("cannot read config file " + file);
      // Stored second: values already given on the command line win.
      po::store(po::parse_config_file(in, desc), vm);
    }
    po::notify(vm);
    parsed.help = vm.count("help") > 0;
    c.site.mail_configured = !vm["smtp-url"].defaulted();
  } catch (const po::error& e) {
    return Status::Invalid(OptionErrorMessage(e));
  }
  size_t end = 0;
  try {
    c.socket_mode = static_cast<unsigned>(std::stoul(raw.mode_text, &end, 8));
  } catch (const std::exception&) {
    end = 0;
  }
  if (end == 0 || end != raw.mode_text.size()) {
    return Status::Invalid("--socket-mode must be an octal number like 0660");
  }
  if (raw.policy_text == "users") {
    c.site.edit_policy = EditPolicy::kUsers;
  } else if (raw.policy_text == "anyone") {
    c.site.edit_policy = EditPolicy::kAnyone;
  } else {
    return Status::Invalid("--edit-policy must be 'users' or 'anyone'");
  }
  if (raw.metrics_text == "loopback") {
    c.site.metrics_access = MetricsAccess::kLoopback;
  } else if (raw.metrics_text == "admins") {
    c.site.metrics_access = MetricsAccess::kAdmins;
  } else if (raw.metrics_text == "off") {
    c.site.metrics_access = MetricsAccess::kOff;
  } else {
    return Status::Invalid("--metrics must be 'loopback', 'admins' or 'off'");
  }
  if (raw.session_days < 1 || raw.session_days > 3650) {
    return Status::Invalid("--session-days must be 1 to 3650");
  }
  c.site.session_seconds = int64_t{raw.session_days} * 86400;
  c.fast_path = !raw.no_fast_path;
  if (raw.admission_text == "second-view") {
    c.cache_admission = CacheAdmission::kSecondView;
  } else if (raw.admission_text == "first-view") {
    c.cache_admission = CacheAdmission::kFirstView;
  } else if (raw.admission_text == "third-view") {
    c.cache_admission = CacheAdmission::kThirdView;
  } else {
    return Status::Invalid("--cache-admission must be 'second-view', 'third-view' or 'first-view'");
  }
  if (raw.shed_cpu_text == "off") {
    c.cache_shed_cpu = std::nullopt;
  } else {
    int percent = -1;
    const char* end = raw.shed_cpu_text.data() + raw.shed_cpu_text.size();
    auto [at, error] = std::from_chars(raw.shed_cpu_text.data(), end, percent);
    if (error != std::errc() || at != end || percent < 0 || percent > 100) {
      return Status::Invalid("--cache-shed-cpu must be a percentage from 0 to 100, or 'off'");
    }
    c.cache_shed_cpu = percent;
  }
  auto proxies = TrustedProxies::Parse(raw.trusted_proxies);
  if (!proxies.ok()) return Status::Invalid("--trusted-proxies: " + proxies.status().message());
  c.trusted_proxies = std::move(*proxies);
  if (Status s = ApplyMailOptions(raw, c); !s.ok()) return s;
  if (Status s = CheckRanges(c); !s.ok()) return s;
  return parsed;
}

WikiOptions WikiOptionsOf(const Config& config) {
  WikiOptions options;
  options.storage.data_dir = config.data_dir;
  options.storage.database = config.database;
  options.storage.statement_timeout_ms = config.statement_timeout_ms;
  options.renderer_version = kRendererVersion;
  options.mail = config.mail;
  options.throttle = config.throttle;
  options.hash_slot_count = HashSlots::SlotsFor(config.workers);
  // ParseServeCommandLine checked the list.
  if (auto servers = ParseServerList(config.memcached); servers.ok()) {
    options.cache.servers = std::move(*servers);
  }
  options.cache.prefix = config.cache_prefix;
  options.cache.connect_timeout_ms = config.memcached_timeout_ms;
  options.cache.poll_timeout_ms = config.memcached_timeout_ms;
  options.local_cache_bytes = config.local_cache_bytes;
  // Without memcached nothing at all is cached (--no-cache measures that);
  // in development mode a template may change under any request.
  options.anonymous_view_bytes =
      !config.memcached.empty() && !config.dev ? config.local_cache_bytes : 0;
  options.fast_path = config.FastPathOn();
  options.cache_admission = config.cache_admission;
  options.cache_shed_cpu_percent = config.cache_shed_cpu;
  options.fast_path_flag = config.FastPathFlag();
  options.file_cache_dir = config.FileCacheDir();
  return options;
}

}  // namespace wikid
