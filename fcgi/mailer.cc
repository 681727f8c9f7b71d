#include "fcgi/mailer.h"

#include <poll.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstring>
#include <ctime>
#include <string>

#include "fcgi/signals.h"
#include "model/base/failpoint.h"
#include "model/base/log.h"
#include "model/mail/admin_mail.h"
#include "model/mail/smtp.h"
#include "model/wiki.h"

namespace wikid {
namespace {

// The longest the mailer sleeps with nothing due: it also notices a
// vanished master within this time (on top of PR_SET_PDEATHSIG).
constexpr int64_t kIdleMs = 5000;

// With nothing queued for this long, the mailer exits; the master starts
// it again when a worker queues mail. Tests shorten it.
int64_t IdleExitMs() {
  int ms = FailpointValue("mailer_idle_exit_ms");
  return ms > 0 ? ms : 60000;
}

int64_t Now() { return static_cast<int64_t>(time(nullptr)); }

void Drain(int fd) {
  uint64_t count;
  while (read(fd, &count, sizeof count) > 0) {
  }
}

// After the database refused a write: a second's pause, so the same
// message is not sent again in a tight loop (a stop request still wakes).
void Pause() {
  pollfd fd = {SignalWakeFd(), POLLIN, 0};
  poll(&fd, 1, 1000);
}

// How long a claimed message is this mailer's alone (model/store/outbox.h):
// well past the longest SMTP exchange (SmtpSettings::timeout_ms, 10 s),
// so only a mailer that died gives its messages up. Tests shorten it, to
// see a dead mailer's message sent by the next.
int64_t ClaimSeconds() {
  int seconds = FailpointValue("mailer_claim_seconds");
  return seconds > 0 ? seconds : 60;
}

// This mailer, as its claims and attempts name it: "host:pid".
std::string MailerName() {
  char host[256] = {};
  if (gethostname(host, sizeof host - 1) != 0) std::strcpy(host, "?");
  return std::string(host) + ":" + std::to_string(getpid());
}

// Claims and sends one due message, if there is one. False when none was
// due (or every due one is claimed by another mailer).
bool SendOne(Outbox& outbox, const MailSettings& settings, MailTransport& transport,
             const std::string& mailer) {
  auto due = outbox.Claim(Now(), ClaimSeconds(), mailer);
  if (!due.ok()) {
    LogError("mailer: the outbox cannot be read: " + due.status().message());
    return false;
  }
  if (!due->has_value()) return false;
  const OutboxEntry& entry = **due;
  Status sent = transport.Send(MessageOf(entry, settings));
  if (sent.ok()) {
    // A crash here resends this one message, with the same Message-ID.
    FailpointHold("mailer_after_send_before_mark");
    if (Status s = outbox.MarkSent(entry.id, Now(), mailer); !s.ok()) {
      LogError("mailer: message " + entry.message_id +
               " sent but not marked: " + s.message());
      Pause();
    }
    return true;
  }
  LogWarning("mailer: message " + entry.message_id + " to " + entry.recipient +
           " not sent: " + sent.message());
  if (Status s = outbox.MarkFailed(entry.id, Now(), mailer, sent.message()); !s.ok()) {
    LogError("mailer: attempt not recorded: " + s.message());
    Pause();
  }
  return true;
}

}  // namespace

void WakeMailer(int wake_fd) {
  uint64_t one = 1;
  // Non-blocking; a full counter means a wake-up is pending anyway.
  [[maybe_unused]] ssize_t n = write(wake_fd, &one, sizeof one);
}

int RunMailer(const Config& config, int wake_fd, pid_t master_pid) {
  // Named first thing, so ps and the tests tell it from the workers.
  prctl(PR_SET_NAME, "wikid-mailer");
  InstallWorkerSignals();
  if (getppid() != master_pid) return 1;
  // No lock: every host's mailer (and the mailer of a crashed master,
  // finishing) may run at once; claims keep each message to one of them.
  const std::string mailer = MailerName();
  WikiOptions options = WikiOptionsOf(config);
  options.storage.application_name = "wikid mailer";  // as pg_stat_activity shows it
  auto wiki = Wiki::Open(options);
  if (!wiki.ok()) {
    LogError("mailer cannot start: " + wiki.status().message());
    return 1;
  }
  Outbox& outbox = (*wiki)->stores().outbox;
  CurlSmtp transport(config.smtp);
  auto idle_since = std::chrono::steady_clock::now();
  while (!g_signals.stop && getppid() == master_pid) {
    // Drained before the outbox is read: a wake-up that comes later stays
    // in the counter, so exiting below never loses one.
    Drain(wake_fd);
    if (SendOne(outbox, config.mail, transport, mailer)) {
      idle_since = std::chrono::steady_clock::now();
      continue;
    }
    // Nothing due: sleep until woken, or until the next retry is due.
    int64_t timeout_ms = kIdleMs;
    auto next = outbox.NextAttemptAt();
    if (next.ok() && next->has_value()) {
      timeout_ms = std::clamp<int64_t>((**next - Now()) * 1000, 0, kIdleMs);
      idle_since = std::chrono::steady_clock::now();
    } else if (next.ok()) {
      // Nothing queued at all: leave once idle for IdleExitMs (the master
      // restarts us on demand), waking then rather than up to kIdleMs late.
      const auto left = std::chrono::milliseconds(IdleExitMs()) -
                        (std::chrono::steady_clock::now() - idle_since);
      if (left <= std::chrono::milliseconds(0)) return 0;
      timeout_ms = std::min<int64_t>(
          kIdleMs, std::chrono::ceil<std::chrono::milliseconds>(left).count());
    }
    pollfd fds[2] = {{wake_fd, POLLIN, 0}, {SignalWakeFd(), POLLIN, 0}};
    poll(fds, 2, static_cast<int>(timeout_ms));
    if (fds[1].revents != 0) DrainSignalWakeFd();
    if (fds[0].revents != 0) idle_since = std::chrono::steady_clock::now();
  }
  return 0;
}

}  // namespace wikid
