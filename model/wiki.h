// Wiki: the one factory of wikid's model objects. A worker, the mailer,
// the command-line tools and the tests all open their stores, caches and
// secrets here, so a new subsystem is wired in one place.
//
// Opening is cheap where nothing is configured: without memcached servers
// the caches are disabled shells (every view renders), and without the
// master's shared memory the Wiki maps private state of its own (tools,
// tests). The database and the site's first secret key are created on
// first open.
//
// One per process, opened after fork(); not thread-safe.
#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <string>

#include "model/accounts/accounts.h"
#include "model/accounts/hash_slots.h"
#include "model/accounts/site_keys.h"
#include "model/base/files.h"
#include "model/base/process_metrics.h"
#include "model/base/status.h"
#include "model/cache/cache_state.h"
#include "model/cache/fast_path.h"
#include "model/cache/file_cache.h"
#include "model/cache/local_views.h"
#include "model/cache/memcache.h"
#include "model/cache/page_cache.h"
#include "model/cache/recent_cache.h"
#include "model/cache/render_cache.h"
#include "model/cache/stamped_cache.h"
#include "model/cache/versions.h"
#include "model/cache/view_admission.h"
#include "model/mail/admin_mail.h"
#include "model/mail/watch_mail.h"
#include "model/store/storage.h"

namespace wikid {

// Where the wiki's data lives.
struct StorageOptions {
  // This host's own files (and the database, unless `database` names it).
  std::string data_dir = "var";
  // The database: "sqlite:PATH", empty for data_dir/wikid.db (several
  // wikids on one machine may share one: WAL needs one machine's memory),
  // or "postgresql://USER@HOST:PORT/DATABASE" ("postgres://" too), read
  // by libpq with its environment and password file as usual; never with
  // a password in it (CheckPostgresUrl says why).
  std::string database;
  int busy_timeout_ms = 5000;    // how long a writer waits for another's lock
  // PostgreSQL: the longest one statement may run (the server cancels it
  // and the request answers 503), so a stuck query cannot hold a worker.
  int statement_timeout_ms = 5000;
  // PostgreSQL: the connection's application_name (PgOptions), which says
  // what kind of process holds it ("wikid worker", "wikid mailer").
  std::string application_name = "wikid";
};

// The database file `options` name: the PATH of --database sqlite:PATH, else
// wikid.db in the data directory. Invalid for a PostgreSQL database (whose
// copies are pg_dump's) or any other --database.
Result<std::string> DatabaseFile(const StorageOptions& options);

// For `wikid serve`'s master: a hold on the database for as long as the
// returned lock lives, so that `wikid restore` refuses while wikid runs
// even when no worker has the database open (before the first one, or
// while one is replaced). Waits the busy timeout for a restore that runs
// (Busy after). An empty hold for PostgreSQL, which has no file to hold.
Result<FileLock> HoldDatabase(const StorageOptions& options);

// Ok when `options` name a database an engine takes, with no password in
// a PostgreSQL URL (CheckPostgresUrl); Invalid, saying why, otherwise.
// Opens nothing.
Status CheckDatabaseName(const StorageOptions& options);

// Opens (creating and migrating if needed) the database `options` name,
// on its engine: the one place that says which engine stores the wiki.
// Invalid for a --database no engine takes.
Result<std::unique_ptr<Storage>> OpenStorage(const StorageOptions& options);

// The process model's shared memory, mapped by the master before it forks
// the workers so that all of them share it. A null member makes the Wiki
// map a private one (tools and tests run in one process).
struct ProcessState {
  CacheState* cache_state = nullptr;
  FastPathShared* fast_path = nullptr;
  HashSlots* hash_slots = nullptr;
  ProcessMetrics* metrics = nullptr;  // what /_metrics shows
};

struct WikiOptions {
  StorageOptions storage;
  MailSettings mail;  // what the admins hear about...
  // ...from this process's writes. Off for the operator's own commands
  // (`wikid user create` makes an admin without mailing the others).
  bool tell_admins = true;
  ThrottlePolicy throttle;  // failed logins allowed
  // Processes that may hash a password at once (HashSlots::SlotsFor).
  int hash_slot_count = 1;
  // memcached; no servers: no shared cache, every view renders.
  CacheOptions cache;
  // Bytes of views each worker keeps in its own memory in front of
  // memcached (0: none).
  size_t local_cache_bytes = 0;
  // Bytes of whole anonymous responses each worker keeps
  // (views/base/shared_views.h; 0: none).
  size_t anonymous_view_bytes = 0;
  // What the renderer makes, in every rendering's key (render_cache.h).
  std::string renderer_version;
  // Which page views use and fill the shared caches (view_admission.h).
  CacheAdmission cache_admission = CacheAdmission::kFirstView;
  // From how busy a share of the host's CPU only hot or cached pages use
  // the caches, in percent (host_load.h); nullopt: every admitted view.
  std::optional<int> cache_shed_cpu_percent;
  // nginx serves anonymous views from memcached while `fast_path_flag`
  // exists (model/cache/fast_path.h).
  bool fast_path = false;
  std::string fast_path_flag;
  // This host's copies of uploaded files, which nginx serves
  // (model/cache/file_cache.h); empty: none.
  std::string file_cache_dir;
};

// The stores, borrowed from the Wiki that opened them. Pages are read
// here and written through PageWrites (model/page_writes.h).
struct Stores {
  const Storage& storage;  // its counters (opening stores is the Wiki's)
  PageReader& pages;
  UserStore& users;
  SessionStore& sessions;
  ApiTokenStore& tokens;  // the JSON API's Authorization: Bearer tokens
  LoginThrottle& throttle;
  Outbox& outbox;  // mail, queued in the transactions that cause it
  FileReader& files;  // uploads, written through FileWrites (model/file_writes.h)
  WatchStore& watches;  // who watches which page (issue 20)
};

// The caches in front of the stores, borrowed likewise.
struct Caches {
  Memcache& memcache;
  Versions& versions;    // what every cached view is stamped with
  StampedCache& views;   // page views and landing views, checked by stamp
  RenderCache& renders;  // rendered revisions, by immutable key
  PageCache& page_cache;
  RecentCache& recent;
  FastPath& fast_path;  // the views nginx serves from memcached itself
  // This worker's copies of whole responses to anonymous page views.
  LocalViews& anonymous_views;
  // Whether a page view uses and fills the shared caches at all.
  ViewAdmission& admission;
  // This host's copies of uploaded files' bytes, for nginx to serve.
  FileCache& file_cache;
};

class Wiki {
 public:
  // Opens (creating and migrating if needed) the database in the data
  // directory, loads or makes the secret key, and builds the stores and
  // caches on them. Unavailable or Invalid with the reason when the data
  // directory cannot be used.
  static Result<std::unique_ptr<Wiki>> Open(const WikiOptions& options,
                                            ProcessState process = {});
  ~Wiki();
  Wiki(const Wiki&) = delete;
  Wiki& operator=(const Wiki&) = delete;

  const Stores& stores() const { return *stores_; }
  const Caches& caches() const { return *caches_; }
  // The pages with their writes, for PageWrites and the operator's
  // commands (reindex): a write here, outside PageWrites, leaves the
  // caches unaware of it.
  PageStore& page_store() { return *pages_; }
  // The files with their writes, for FileWrites alone.
  FileStore& file_store() { return *files_; }
  Accounts& accounts() { return *accounts_; }
  HashSlots& hash_slots() { return *process_.hash_slots; }
  // The host's counters for /_metrics (model/base/process_metrics.h).
  ProcessMetrics& metrics() { return *process_.metrics; }
  // The site's secret keys (model/accounts/site_keys.h): never logged.
  SiteKeys& site_keys() { return *site_keys_; }
  // The watchers' mail and its signed links (model/mail/watch_mail.h).
  WatchMail& watch_mail() { return *watch_mail_; }

 private:
  Wiki() = default;
  Status OpenStores(const WikiOptions& options);
  void OpenCaches(const WikiOptions& options);

  ProcessState process_;
  // Declared in the order they depend on each other: the stores borrow
  // the storage's connection, and the page and user stores the admins'
  // mail, which borrows the outbox.
  std::unique_ptr<Storage> storage_;
  std::unique_ptr<Outbox> outbox_;
  std::unique_ptr<AdminMail> admin_mail_;
  std::unique_ptr<WatchStore> watches_;
  std::unique_ptr<WatchMail> watch_mail_;
  std::unique_ptr<EventSink> events_;  // both of the above, in turn
  std::unique_ptr<PageStore> pages_;
  std::unique_ptr<UserStore> users_;
  std::unique_ptr<SessionStore> sessions_;
  std::unique_ptr<ApiTokenStore> tokens_;
  std::unique_ptr<LoginThrottle> throttle_;
  std::unique_ptr<SiteKeyStore> site_key_store_;
  std::unique_ptr<CacheEpochStore> cache_epoch_;
  std::unique_ptr<FastPathStore> fast_path_store_;
  std::unique_ptr<FastPathRecord> fast_path_record_;
  std::unique_ptr<FileStore> files_;
  std::unique_ptr<SiteKeys> site_keys_;
  std::unique_ptr<Accounts> accounts_;
  std::unique_ptr<Memcache> memcache_;
  std::unique_ptr<Memcache> fast_memcache_;
  std::unique_ptr<Versions> versions_;
  std::unique_ptr<FastPath> fast_path_;
  std::unique_ptr<LocalViews> anonymous_views_;
  std::unique_ptr<RenderCache> renders_;
  std::unique_ptr<StampedCache> views_;
  std::unique_ptr<PageCache> page_cache_;
  std::unique_ptr<RecentCache> recent_;
  std::unique_ptr<ViewAdmission> admission_;
  std::unique_ptr<FileCache> file_cache_;
  std::unique_ptr<Stores> stores_;
  std::unique_ptr<Caches> caches_;
};

}  // namespace wikid
