#include "model/wiki.h"

#include <ctime>
#include <string_view>
#include <vector>

#include "model/base/secret_key.h"
#include "model/fast_path_record.h"
#include "model/store/postgres/postgres_storage.h"
#include "model/store/sqlite/sqlite_storage.h"

namespace wikid {
namespace {

// Moves what was opened into `slot`, or says why nothing was.
template <typename T>
Status Take(Result<std::unique_ptr<T>> opened, std::unique_ptr<T>& slot) {
  if (!opened.ok()) return opened.status();
  slot = std::move(*opened);
  return Status::Ok();
}

// The first secret key of a new wiki: the key file of a wikid from before
// keys lived in the database, so its forms and cookies stay valid, else a
// new one.
Result<std::string> FirstSecretKey(const std::string& data_dir) {
  auto kept = ReadSecretKeyFile(data_dir + "/secret.key");
  if (!kept.ok()) return kept.status();
  if (kept->has_value()) return std::move(**kept);
  return NewSecretKey();
}

// Tells each of `sinks` of every event, in turn, inside the same
// transaction; the first error rolls the event back.
class EventSinks : public EventSink {
 public:
  explicit EventSinks(std::vector<EventSink*> sinks) : sinks_(std::move(sinks)) {}
  Status AccountCreated(const User& user) override {
    for (EventSink* sink : sinks_) {
      if (Status s = sink->AccountCreated(user); !s.ok()) return s;
    }
    return Status::Ok();
  }
  Status RevisionSaved(const SavedRevision& revision) override {
    for (EventSink* sink : sinks_) {
      if (Status s = sink->RevisionSaved(revision); !s.ok()) return s;
    }
    return Status::Ok();
  }

 private:
  std::vector<EventSink*> sinks_;
};

}  // namespace

Result<std::string> DatabaseFile(const StorageOptions& options) {
  if (options.database.empty()) return options.data_dir + "/wikid.db";
  constexpr std::string_view kSqlite = "sqlite:";
  if (options.database.starts_with(kSqlite) && options.database.size() > kSqlite.size()) {
    return options.database.substr(kSqlite.size());
  }
  if (IsPostgresUrl(options.database)) {
    return Status::Invalid(
        "a PostgreSQL wiki is not a file: back it up with pg_dump or the server's "
        "own backups");
  }
  return Status::Invalid(
      "--database must be sqlite:PATH or postgresql://USER@HOST:PORT/DATABASE");
}

Result<FileLock> HoldDatabase(const StorageOptions& options) {
  if (IsPostgresUrl(options.database)) return FileLock();
  auto path = DatabaseFile(options);
  if (!path.ok()) return path.status();
  return LockDatabaseFile(*path, FileLock::Mode::kShared,
                          options.busy_timeout_ms);
}

Status CheckDatabaseName(const StorageOptions& options) {
  if (IsPostgresUrl(options.database)) return CheckPostgresUrl(options.database);
  return DatabaseFile(options).status();
}

Result<std::unique_ptr<Storage>> OpenStorage(const StorageOptions& options) {
  if (IsPostgresUrl(options.database)) {
    auto storage = PostgresStorage::Open(
        options.database, PgOptions{.statement_timeout_ms = options.statement_timeout_ms,
                                    .application_name = options.application_name});
    if (!storage.ok()) return storage.status();
    return std::unique_ptr<Storage>(std::move(*storage));
  }
  auto path = DatabaseFile(options);
  if (!path.ok()) return path.status();
  auto storage =
      SqliteStorage::Open(*path, Database::Options{.busy_timeout_ms = options.busy_timeout_ms});
  if (!storage.ok()) return storage.status();
  return std::unique_ptr<Storage>(std::move(*storage));
}

Result<std::unique_ptr<Wiki>> Wiki::Open(const WikiOptions& options,
                                         ProcessState process) {
  std::unique_ptr<Wiki> wiki(new Wiki());
  if (process.cache_state == nullptr)
    process.cache_state = CacheState::CreatePrivate();
  if (process.fast_path == nullptr)
    process.fast_path = FastPathShared::CreatePrivate();
  if (process.hash_slots == nullptr)
    process.hash_slots = HashSlots::CreatePrivate();
  if (process.metrics == nullptr) process.metrics = ProcessMetrics::CreatePrivate();
  if (!process.cache_state || !process.fast_path || !process.hash_slots ||
      !process.metrics) {
    return Status::Unavailable("cannot map the process's shared state");
  }
  wiki->process_ = process;
  if (Status s = wiki->OpenStores(options); !s.ok()) return s;
  wiki->site_keys_ = std::make_unique<SiteKeys>(*wiki->site_key_store_);
  const std::string data_dir = options.storage.data_dir;
  if (Status s = wiki->site_keys_->Load([&] { return FirstSecretKey(data_dir); }, time(nullptr));
      !s.ok()) {
    return s;
  }
  wiki->accounts_ = std::make_unique<Accounts>(
      *wiki->users_, *wiki->sessions_, *wiki->throttle_, *process.hash_slots,
      options.hash_slot_count);
  wiki->OpenCaches(options);
  return wiki;
}

Wiki::~Wiki() = default;

Status Wiki::OpenStores(const WikiOptions& options) {
  auto storage = OpenStorage(options.storage);
  if (!storage.ok()) return storage.status();
  storage_ = std::move(*storage);
  if (Status s = Take(storage_->OpenOutbox(options.mail.retry), outbox_);
      !s.ok())
    return s;
  if (Status s = Take(storage_->OpenWatches(), watches_); !s.ok()) return s;
  // The admins' mail and the watchers' hear of saves and signups inside
  // their transactions. The watchers' links are signed with the site's
  // keys, loaded after the stores (Wiki::Open) and read when a link is made.
  admin_mail_ = std::make_unique<AdminMail>(*outbox_, options.mail);
  watch_mail_ = std::make_unique<WatchMail>(
      *outbox_, *watches_, options.mail,
      LinkKeys{.signing = [this]() -> const std::string& { return site_keys_->Signing(); },
               .verifying = [this]() -> const std::vector<std::string>& {
                 return site_keys_->Verifying();
               },
               .reload = [this] { return site_keys_->Reload(); }});
  events_ = std::make_unique<EventSinks>(
      std::vector<EventSink*>{admin_mail_.get(), watch_mail_.get()});
  EventSink* events = options.tell_admins ? events_.get() : nullptr;
  for (Status s :
       {Take(storage_->OpenPages(events), pages_),
        Take(storage_->OpenUsers(events), users_),
        Take(storage_->OpenSessions(), sessions_),
        Take(storage_->OpenApiTokens(), tokens_),
        Take(storage_->OpenSiteKeys(), site_key_store_),
        Take(storage_->OpenCacheEpoch(), cache_epoch_),
        Take(storage_->OpenFastPath(), fast_path_store_),
        Take(storage_->OpenFiles(), files_),
        Take(storage_->OpenLoginThrottle(options.throttle), throttle_)}) {
    if (!s.ok()) return s;
  }
  stores_ = std::make_unique<Stores>(Stores{.storage = *storage_,
                                            .pages = *pages_,
                                            .users = *users_,
                                            .sessions = *sessions_,
                                            .tokens = *tokens_,
                                            .throttle = *throttle_,
                                            .outbox = *outbox_,
                                            .files = *files_,
                                            .watches = *watches_});
  return Status::Ok();
}

void Wiki::OpenCaches(const WikiOptions& options) {
  // memcached connects on first use; a server that is down now costs
  // nothing until then, and is retried after its breaker interval.
  memcache_ = std::make_unique<Memcache>(options.cache);
  // nginx reads its entries from one server (nginx/fast-path.conf), so
  // they go to the first one, not wherever ketama would put them.
  CacheOptions fast_options = options.cache;
  if (fast_options.servers.size() > 1) fast_options.servers.resize(1);
  fast_memcache_ = std::make_unique<Memcache>(fast_options);
  // Reads the configuration generation once: what this worker renders
  // belongs to the configuration it started with.
  CacheState& state = *process_.cache_state;
  // The epoch every view's stamp holds lives in the database.
  CacheEpochStore& epoch = *cache_epoch_;
  versions_ = std::make_unique<Versions>(
      *memcache_, state,
      EpochRecord{.read = [&epoch] { return epoch.Read(); },
                  .advance = [&epoch] { return epoch.Advance(); }});
  // So does the fast path's state, which every host's nginx follows.
  fast_path_record_ = std::make_unique<StoredFastPathRecord>(*fast_path_store_);
  fast_path_ = std::make_unique<FastPath>(*fast_memcache_, *process_.fast_path, state,
                                          fast_path_record_.get(), options.fast_path_flag,
                                          options.fast_path);
  anonymous_views_ = std::make_unique<LocalViews>(options.anonymous_view_bytes);
  renders_ = std::make_unique<RenderCache>(*memcache_, options.renderer_version);
  views_ =
      std::make_unique<StampedCache>(*memcache_, options.local_cache_bytes);
  page_cache_ = std::make_unique<PageCache>(*views_, *versions_);
  recent_ =
      std::make_unique<RecentCache>(*views_, *versions_, state.generation.load());
  admission_ = std::make_unique<ViewAdmission>(state, options.cache_admission,
                                               options.cache_shed_cpu_percent);
  file_cache_ = std::make_unique<FileCache>(options.file_cache_dir);
  caches_ =
      std::make_unique<Caches>(Caches{.memcache = *memcache_,
                                      .versions = *versions_,
                                      .views = *views_,
                                      .renders = *renders_,
                                      .page_cache = *page_cache_,
                                      .recent = *recent_,
                                      .fast_path = *fast_path_,
                                      .anonymous_views = *anonymous_views_,
                                      .admission = *admission_,
                                      .file_cache = *file_cache_});
}

}  // namespace wikid
