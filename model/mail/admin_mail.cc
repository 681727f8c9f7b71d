#include "model/mail/admin_mail.h"

#include <set>

#include "model/base/failpoint.h"
#include "model/base/time_text.h"
#include "model/text/mailbox.h"
#include "model/text/page_name.h"
#include "model/text/user_name.h"

namespace wikid {
namespace {

std::string PageUrl(const MailSettings& settings, const std::string& title) {
  auto name = PageName::Parse(title);
  return settings.public_url + (name.ok() ? name->UrlPath() : "/");
}

}  // namespace

Status AdminMail::QueueToAdmins(const std::string& subject,
                               const std::string& body, int64_t now) {
  auto recipients = outbox_.AdminAddresses();
  if (!recipients.ok()) return recipients.status();
  recipients->insert(recipients->end(), settings_.extra_recipients.begin(),
                     settings_.extra_recipients.end());
  std::set<std::string> seen;  // one message per address, in any letter case
  std::string domain = settings_.from.substr(settings_.from.find('@') + 1);
  for (const std::string& to : *recipients) {
    // Stored emails were checked when set (CheckEmail), extra recipients
    // at start-up; one more look costs nothing and keeps curl safe.
    if (!CheckMailbox(to).ok()) continue;
    if (!seen.insert(AsciiLower(to)).second) continue;
    if (Status s = outbox_.Queue(NewMessageId(domain), to, subject, body, now); !s.ok()) {
      return s;
    }
  }
  // Tests prove that a transaction failing after its mail was queued
  // leaves none behind (E4).
  if (FailpointValue("event_txn_fail") > 0) {
    return Status::Internal("failpoint event_txn_fail");
  }
  return Status::Ok();
}

Status AdminMail::AccountCreated(const User& user) {
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

Status AdminMail::RevisionSaved(const SavedRevision& r) {
  // The redirect a move leaves is revision 1 of a page no one wrote.
  if (r.by_move && r.rev == 1) return Status::Ok();
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

MailMessage MessageOf(const OutboxEntry& entry, const MailSettings& settings) {
  return MailMessage{.message_id = entry.message_id,
                     .from = settings.from,
                     .from_name = settings.site_name,
                     .to = entry.recipient,
                     .subject = entry.subject,
                     .body = entry.body,
                     .date = entry.created_at};
}

}  // namespace wikid
