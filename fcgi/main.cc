// wikid: a wiki engine that runs as a long-lived FastCGI application.
//
//   wikid [serve] [options]   run the master and its workers (see --help)
//   wikid user ...            manage accounts (fcgi/user_command.h)
//   wikid reindex             rebuild the search index (fcgi/reindex_command.h)
//   wikid key rotate          a new secret key for forms (fcgi/key_command.h)
//   wikid backup              copy the wiki (fcgi/backup_command.h)
//   wikid restore             put a copy back (fcgi/restore_command.h)
//   wikid copy-database       move a wiki to another database (fcgi/copy_database_command.h)
//   wikid export, import      a wiki in MediaWiki's XML format (fcgi/exchange_commands.h)
//   wikid version             print the version
#include <fcgiapp.h>
#include <fcntl.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <string>
#include <thread>
#include <vector>

#include "fcgi/backup_command.h"
#include "fcgi/config.h"
#include "fcgi/copy_database_command.h"
#include "fcgi/fast_path_command.h"
#include "fcgi/exchange_commands.h"
#include "fcgi/key_command.h"
#include "fcgi/listener.h"
#include "fcgi/master.h"
#include "fcgi/signals.h"
#include "fcgi/reindex_command.h"
#include "fcgi/restore_command.h"
#include "fcgi/user_command.h"
#include "model/cache/cache_state.h"
#include "model/accounts/hash_slots.h"
#include "model/base/failpoint.h"
#include "model/base/files.h"
#include "model/base/log.h"
#include "model/base/token.h"
#include "model/wiki.h"

namespace {

using wikid::Status;

// Creates or migrates the database and the secret key once, in the master,
// so that errors are reported before any worker starts. The connection is
// closed before fork(): a SQLite connection must never cross a fork. The
// returned hold on the database is the master's for its whole life
// (wikid::HoldDatabase): no worker may have the database open for a while.
// `*has_admin` says whether the wiki has an admin account yet.
wikid::Result<wikid::FileLock> PrepareDataDirectory(const wikid::Config& config,
                                                    bool* has_admin) {
  if (Status s = wikid::MakeDirectories(config.data_dir); !s.ok()) return s;
  wikid::WikiOptions options = wikid::WikiOptionsOf(config);
  // Tests shorten the wait for another's lock here, to see a locked start
  // try again without first waiting the whole busy timeout.
  if (int ms = wikid::FailpointValue("start_busy_timeout_ms"); ms > 0) {
    options.storage.busy_timeout_ms = ms;
  }
  auto hold = wikid::HoldDatabase(options.storage);
  if (!hold.ok()) return hold.status();
  // Tests hold the master here: it runs, and no process has the database
  // open, as between a worker's exit and its replacement's first open.
  wikid::FailpointHold("serve_before_first_open");
  // Busy past the busy timeout: another host migrating the database it
  // shares (hosts started together take turns under its lock), or a burst
  // of saves on a loaded machine. A start waits for its turn, a minute at
  // most, rather than exit.
  auto wiki = wikid::Wiki::Open(options);
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::minutes(1);
  while (!wiki.ok() && wiki.status().code() == Status::Code::kBusy &&
         std::chrono::steady_clock::now() < give_up) {
    wikid::LogWarning("starting: " + wiki.status().message() + "; trying again");
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    wiki = wikid::Wiki::Open(options);
  }
  if (!wiki.ok()) return wiki.status();
  auto any_admin = (*wiki)->stores().users.AnyAdmin();
  if (!any_admin.ok()) return any_admin.status();
  *has_admin = *any_admin;
  return hold;
}

// A wiki without an admin gets a one-time setup link (views/accounts/setup_handlers.h
// says why this is safe): a fresh random token whose hash the workers
// check, the link written to DATA/setup-link for the operator alone (mode
// 0600, made anew: a file left with wider permissions is replaced, not
// reused) and never logged. With an admin, an old link file is removed.
// The hash to give the workers ("" with an admin), or the failure.
wikid::Result<std::string> OfferSetup(const wikid::Config& config, bool has_admin) {
  const std::string path = config.data_dir + "/setup-link";
  if (unlink(path.c_str()) != 0 && errno != ENOENT) {
    return Status::Unavailable(wikid::ErrnoMessage("cannot remove " + path));
  }
  if (has_admin) return std::string();
  const std::string token = wikid::NewToken();
  const std::string link = config.site.public_url + "/_setup?token=" + token + "\n";
  int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) return Status::Unavailable(wikid::ErrnoMessage("cannot write " + path));
  const bool written = write(fd, link.data(), link.size()) == static_cast<ssize_t>(link.size());
  close(fd);
  if (!written) return Status::Unavailable(wikid::ErrnoMessage("cannot write " + path));
  wikid::LogInfo("no admin account yet: the one-time link that makes the first one is in " +
                 path + " (or run: wikid user create NAME --admin)");
  return wikid::TokenHash(token);
}

// What the master makes before it forks anything, so every worker shares
// it: the process model's memory and the mailer's wake-up eventfd.
wikid::Result<wikid::SharedParts> MapSharedParts() {
  wikid::CacheState* cache_state = wikid::CacheState::CreateShared();
  if (cache_state == nullptr) return Status::Unavailable("cannot map the shared cache state");
  wikid::HashSlots* hash_slots = wikid::HashSlots::CreateShared();
  if (hash_slots == nullptr) {
    return Status::Unavailable("cannot map the shared password-hash slots");
  }
  wikid::FastPathShared* fast_path = wikid::FastPathShared::CreateShared();
  if (fast_path == nullptr) return Status::Unavailable("cannot map the shared fast-path state");
  wikid::WorkerPhases* worker_phases = wikid::WorkerPhases::CreateShared();
  if (worker_phases == nullptr) return Status::Unavailable("cannot map the workers' phases");
  wikid::ProcessMetrics* metrics = wikid::ProcessMetrics::CreateShared();
  if (metrics == nullptr) return Status::Unavailable("cannot map the shared metrics");
  // Workers write to it after they queue mail; the mailer sleeps on it.
  int mail_wake_fd = eventfd(0, EFD_NONBLOCK);
  if (mail_wake_fd < 0) {
    return Status::Unavailable(std::string("cannot make the mailer's eventfd: ") +
                               strerror(errno));
  }
  return wikid::SharedParts{*cache_state, *hash_slots, *fast_path, *worker_phases,
                            *metrics, mail_wake_fd};
}

int Serve(const std::vector<std::string>& args) {
  auto parsed = wikid::ParseServeCommandLine(args);
  if (!parsed.ok()) {
    std::cerr << "wikid: " << parsed.status().message()
              << "\n(see wikid serve --help)\n";
    return 2;
  }
  if (parsed->help) {
    std::cout << parsed->usage;
    return 0;
  }
  wikid::Config& config = parsed->config;
  // Workers load the templates; a missing directory is worth saying now,
  // before any worker fails on it.
  if (access((config.templates_dir + "/layout.tpl").c_str(), R_OK) != 0) {
    std::cerr << "wikid: no templates in " << config.templates_dir
              << " (layout.tpl is missing); pass --templates DIR\n";
    return 1;
  }

  // Before anything is logged, and before any process is forked, so that
  // all share the file (and its reopening on SIGUSR1).
  if (!config.log_file.empty()) {
    if (Status s = wikid::OpenLogFile(config.log_file); !s.ok()) {
      std::cerr << "wikid: " << s.message() << "\n";
      return 1;
    }
  }
  // Our handlers first: FCGX_Init then leaves SIGTERM and SIGPIPE alone.
  wikid::InstallMasterSignals();
  auto listener = config.socket.empty()
                      ? wikid::InheritedListener()
                      : wikid::OpenListener(config.socket, config.socket_mode,
                                            config.socket_group);
  if (!listener.ok()) {
    std::cerr << "wikid: " << listener.status().message() << "\n";
    return 1;
  }
  // For a TCP socket, libfcgi accepts only the addresses listed here.
  if (listener->unix_path.empty() && !std::getenv("FCGI_WEB_SERVER_ADDRS")) {
    setenv("FCGI_WEB_SERVER_ADDRS", "127.0.0.1", 0);
  }
  if (FCGX_Init() != 0) {
    std::cerr << "wikid: FCGX_Init failed\n";
    return 1;
  }
  bool has_admin = false;
  auto database_hold = PrepareDataDirectory(config, &has_admin);
  auto setup = database_hold.ok() ? OfferSetup(config, has_admin)
                                  : wikid::Result<std::string>(database_hold.status());
  if (!setup.ok()) {
    std::cerr << "wikid: " << setup.status().message() << "\n";
    wikid::UnlinkListener(*listener);
    return 1;
  }
  config.site.setup_token_hash = *setup;
  config.site.setup_link_path = config.data_dir + "/setup-link";
  // A reload keeps this start's setup token: the link stays valid (while
  // its file stands).
  wikid::ConfigLoader reload = [args, setup_hash = *setup,
                                link_path = config.site.setup_link_path]()
      -> wikid::Result<wikid::Config> {
    auto again = wikid::ParseServeCommandLine(args);
    if (!again.ok()) return again.status();
    again->config.site.setup_token_hash = setup_hash;
    again->config.site.setup_link_path = link_path;
    return again->config;
  };
  auto shared = MapSharedParts();
  if (!shared.ok()) {
    std::cerr << "wikid: " << shared.status().message() << "\n";
    return 1;
  }
  return wikid::RunMaster(config, *listener, reload, *shared);
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  std::string command = "serve";
  if (!args.empty() && !args[0].starts_with("-")) {
    command = args[0];
    args.erase(args.begin());
  }
  if (command == "serve") return Serve(args);
  if (command == "user") return wikid::RunUserCommand(args);
  if (command == "reindex") return wikid::RunReindexCommand(args);
  if (command == "key") return wikid::RunKeyCommand(args);
  if (command == "backup") return wikid::RunBackupCommand(args);
  if (command == "restore") return wikid::RunRestoreCommand(args);
  if (command == "copy-database") return wikid::RunCopyDatabaseCommand(args);
  if (command == "fast-path") return wikid::RunFastPathCommand(args);
  if (command == "export") return wikid::RunExportCommand(args);
  if (command == "import") return wikid::RunImportCommand(args);
  if (command == "version") {
    std::cout << "wikid 0.1.0\n";
    return 0;
  }
  std::cerr << "wikid: unknown command '" << command
            << "'\nusage: wikid [serve] [options]   (wikid serve --help)\n"
               "       wikid user create|set-password|set-role ...\n"
               "       wikid reindex [--data DIR] [--database sqlite:PATH|postgresql://...]\n"
               "       wikid key rotate [--data DIR] [--database sqlite:PATH|postgresql://...]\n"
               "       wikid backup --to FILE [--force] [--data DIR] [--database sqlite:PATH]\n"
               "       wikid restore --from FILE [--data DIR] [--database sqlite:PATH]\n"
               "       wikid copy-database --from URL --to URL [--batch N]\n"
               "       wikid fast-path off [wikid serve's options]\n"
               "       wikid export --to FILE|- [--data DIR] [--database URL]\n"
               "       wikid import FILE [--data DIR] [--database sqlite:PATH]\n";
  return 2;
}
