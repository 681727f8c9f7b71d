#include "model/outbox.h"

#include <algorithm>
#include <limits>
#include <set>

#include "model/failpoint.h"
#include "model/page_name.h"
#include "model/time_text.h"

namespace wikid {
namespace {

constexpr char kAdminsSql[] =
    "SELECT email FROM account WHERE role = 'admin' AND disabled = 0 AND email "
    "!= '' "
    "ORDER BY id";

constexpr char kInsertSql[] = R"sql(
  INSERT INTO outbox (message_id, recipient, subject, body, created_at, next_attempt_at)
  VALUES (?1, ?2, ?3, ?4, ?5, ?5))sql";

constexpr char kColumns[] =
    "id, message_id, recipient, subject, body, created_at, state, attempts, "
    "next_attempt_at, last_error, coalesce(sent_at, 0)";

const std::string kNextDueSql =
    std::string("SELECT ") + kColumns +
    " FROM outbox WHERE state = 'queued' AND next_attempt_at <= ?1"
    " ORDER BY next_attempt_at, id LIMIT 1";

constexpr char kNextAtSql[] =
    "SELECT min(next_attempt_at) FROM outbox WHERE state = 'queued'";

constexpr char kMarkSentSql[] = R"sql(
  UPDATE outbox SET state = 'sent', sent_at = ?2, attempts = attempts + 1, last_error = ''
   WHERE id = ?1 AND state = 'queued')sql";

constexpr char kMarkFailedSql[] = R"sql(
  UPDATE outbox SET attempts = attempts + 1, last_error = ?3,
         state = CASE WHEN attempts + 1 >= ?4 THEN 'failed' ELSE 'queued' END,
         next_attempt_at = ?2 + min(86400, ?5 << min(attempts, 20))
   WHERE id = ?1 AND state = 'queued')sql";

constexpr char kAttemptSql[] =
    "INSERT INTO outbox_attempt (outbox_id, at, error) VALUES (?1, ?2, ?3)";

const std::string kListSql =
    std::string("SELECT ") + kColumns +
    " FROM outbox WHERE id < ?1 ORDER BY id DESC LIMIT ?2";

constexpr char kRetrySql[] = R"sql(
  UPDATE outbox SET state = 'queued', next_attempt_at = ?2, attempts = 0
   WHERE id = ?1 AND state = 'failed')sql";

OutboxEntry EntryFromRow(const Statement& row) {
  return OutboxEntry{.id = row.ColumnInt(0),
                     .message_id = row.ColumnText(1),
                     .recipient = row.ColumnText(2),
                     .subject = row.ColumnText(3),
                     .body = row.ColumnText(4),
                     .created_at = row.ColumnInt(5),
                     .state = row.ColumnText(6),
                     .attempts = row.ColumnInt(7),
                     .next_attempt_at = row.ColumnInt(8),
                     .last_error = row.ColumnText(9),
                     .sent_at = row.ColumnInt(10)};
}

std::string PageUrl(const MailSettings& settings, const std::string& title) {
  auto name = PageName::Parse(title);
  return settings.public_url + (name.ok() ? name->UrlPath() : "/");
}

}  // namespace

Result<std::unique_ptr<Outbox>> Outbox::Create(Database& db,
                                               MailSettings settings) {
  std::unique_ptr<Outbox> outbox(new Outbox(db, std::move(settings)));
  Status prepared = db.PrepareAll({{&outbox->admins_, kAdminsSql},
                                   {&outbox->insert_, kInsertSql},
                                   {&outbox->next_due_, kNextDueSql.c_str()},
                                   {&outbox->next_at_, kNextAtSql},
                                   {&outbox->mark_sent_, kMarkSentSql},
                                   {&outbox->mark_failed_, kMarkFailedSql},
                                   {&outbox->attempt_, kAttemptSql},
                                   {&outbox->list_, kListSql.c_str()},
                                   {&outbox->retry_, kRetrySql}});
  if (!prepared.ok()) return prepared;
  return outbox;
}

Status Outbox::QueueToAdmins(const std::string& subject,
                             const std::string& body, int64_t now) {
  std::vector<std::string> recipients;
  {
    Query q(*admins_);
    while (true) {
      auto row = q->Step();
      if (!row.ok()) return row.status();
      if (!*row) break;
      recipients.push_back(q->ColumnText(0));
    }
  }
  recipients.insert(recipients.end(), settings_.extra_recipients.begin(),
                    settings_.extra_recipients.end());
  std::set<std::string> seen;  // one message per address, in any letter case
  std::string domain = settings_.from.substr(settings_.from.find('@') + 1);
  for (const std::string& to : recipients) {
    // Stored emails were checked when set (CheckEmail), extra recipients
    // at start-up; one more look costs nothing and keeps curl safe.
    if (!CheckMailbox(to).ok()) continue;
    if (!seen.insert(AsciiLower(to)).second) continue;
    Query q(*insert_);
    q->Bind(1, NewMessageId(domain));
    q->Bind(2, to);
    q->Bind(3, subject);
    q->Bind(4, body);
    q->Bind(5, now);
    if (auto done = q->Step(); !done.ok()) return done.status();
    queued_ = true;
  }
  // Tests prove that a transaction failing after its mail was queued
  // leaves none behind (E4).
  if (FailpointValue("event_txn_fail") > 0) {
    return Status::Internal("failpoint event_txn_fail");
  }
  return Status::Ok();
}

Status Outbox::AccountCreated(const User& user) {
  if (!settings_.on_signup) return Status::Ok();
  const std::string& site = settings_.site_name;
  std::string body =
      "A new account signed up on " + site + ".\n\n" +
      "Account:  " + user.name + "\n" + "When:     " + FormatTime(user.created_at) +
      "\n" + "Email:    " + (user.email.empty() ? "(none given)" : user.email) +
      "\n" + "Profile:  " + settings_.public_url + "/_user/" + user.name +
      "\n\n" + "You get this mail as an admin of " + site + ".\n";
  return QueueToAdmins("[" + site + "] New account: " + user.name, body,
                       user.created_at);
}

Status Outbox::RevisionSaved(const SavedRevision& r) {
  bool created = r.rev == 1;
  bool watched = !r.by_account || r.created_at - r.account_created_at <
                                      settings_.watched_account_seconds;
  if (created ? !settings_.on_page_created
              : !(settings_.on_watched_edit && watched)) {
    return Status::Ok();
  }
  const std::string& site = settings_.site_name;
  const std::string page = PageUrl(settings_, r.title);
  std::string who = r.by_account ? r.author + " (" + settings_.public_url +
                                       "/_user/" + r.author + ")"
                                 : r.author + " (not logged in)";
  std::string what =
      created ? "A new page was created on " + site + "."
      : r.by_account
          ? "A page on " + site + " was edited by an account younger than " +
                std::to_string(settings_.watched_account_seconds / 86400) +
                " days."
          : "A page on " + site + " was edited by someone not logged in.";
  std::string body =
      what + "\n\n" + "Page:     " + r.title + "\n" + "By:       " + who +
      "\n" + "When:     " + FormatTime(r.created_at) + "\n" +
      "Revision: " + std::to_string(r.rev) + "\n" +
      "Summary:  " + (r.summary.empty() ? "(none)" : r.summary) + "\n\n" +
      "The page:     " + page + "\n" + "The revision: " + page +
      "?rev=" + std::to_string(r.rev) + "\n";
  if (!created) {
    auto name = PageName::Parse(r.title);
    body += "The history:  " + settings_.public_url + "/_history" +
            (name.ok() ? name->UrlPath() : "/") + "\n";
  }
  body += "\nYou get this mail as an admin of " + site + ".\n";
  std::string subject = "[" + site + "] " +
                        (created ? "New page: " : "Edited: ") + r.title +
                        " (by " + r.author + ")";
  return QueueToAdmins(subject, body, r.created_at);
}

bool Outbox::TakeQueued() { return std::exchange(queued_, false); }

Result<std::optional<OutboxEntry>> Outbox::NextDue(int64_t now) {
  Query q(*next_due_);
  q->Bind(1, now);
  auto row = q->Step();
  if (!row.ok()) return row.status();
  if (!*row) return std::optional<OutboxEntry>();
  return std::optional<OutboxEntry>(EntryFromRow(*q));
}

Result<std::optional<int64_t>> Outbox::NextAttemptAt() {
  Query q(*next_at_);
  auto row = q->Step();
  if (!row.ok()) return row.status();
  if (!*row || q->ColumnIsNull(0)) return std::optional<int64_t>();
  return std::optional<int64_t>(q->ColumnInt(0));
}

Status Outbox::RecordAttempt(int64_t id, int64_t now,
                             const std::string& error) {
  Query q(*attempt_);
  q->Bind(1, id);
  q->Bind(2, now);
  q->Bind(3, error);
  auto done = q->Step();
  return done.ok() ? Status::Ok() : done.status();
}

Status Outbox::MarkSent(int64_t id, int64_t now) {
  Transaction txn(db_);
  if (Status s = txn.Begin(); !s.ok()) return s;
  {
    Query q(*mark_sent_);
    q->Bind(1, id);
    q->Bind(2, now);
    if (auto done = q->Step(); !done.ok()) return done.status();
  }
  if (Status s = RecordAttempt(id, now, ""); !s.ok()) return s;
  return txn.Commit();
}

Status Outbox::MarkFailed(int64_t id, int64_t now, const std::string& error) {
  Transaction txn(db_);
  if (Status s = txn.Begin(); !s.ok()) return s;
  {
    Query q(*mark_failed_);
    q->Bind(1, id);
    q->Bind(2, now);
    q->Bind(3, error);
    q->Bind(4, static_cast<int64_t>(settings_.max_attempts));
    q->Bind(5, settings_.retry_seconds);
    if (auto done = q->Step(); !done.ok()) return done.status();
  }
  if (Status s = RecordAttempt(id, now, error.empty() ? "failed" : error);
      !s.ok())
    return s;
  return txn.Commit();
}

MailMessage Outbox::ToMessage(const OutboxEntry& entry) const {
  return MailMessage{.message_id = entry.message_id,
                     .from = settings_.from,
                     .from_name = settings_.site_name,
                     .to = entry.recipient,
                     .subject = entry.subject,
                     .body = entry.body,
                     .date = entry.created_at};
}

Result<OutboxWindow> Outbox::List(std::optional<int64_t> before_id, int limit) {
  OutboxWindow window;
  Query q(*list_);
  q->Bind(1, before_id.value_or(std::numeric_limits<int64_t>::max()));
  q->Bind(2, static_cast<int64_t>(limit) + 1);
  while (true) {
    auto row = q->Step();
    if (!row.ok()) return row.status();
    if (!*row) break;
    if (static_cast<int>(window.entries.size()) == limit) {
      window.more = true;
      break;
    }
    window.entries.push_back(EntryFromRow(*q));
  }
  return window;
}

Status Outbox::Retry(int64_t id, int64_t now) {
  retry_->Bind(1, id);
  retry_->Bind(2, now);
  auto changed = db_.WriteOne(*retry_);
  if (!changed.ok()) return changed.status();
  if (*changed == 0)
    return Status::NotFound("There is no failed message with that number.");
  queued_ = true;
  return Status::Ok();
}

}  // namespace wikid
