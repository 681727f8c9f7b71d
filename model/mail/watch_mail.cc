#include "model/mail/watch_mail.h"

#include "model/base/time_text.h"
#include "model/text/mailbox.h"
#include "model/text/page_name.h"

namespace wikid {

std::string WatchMail::UnwatchUrl(int64_t user_id, int64_t page_id) const {
  return settings_.public_url + "/_unwatch?user=" + std::to_string(user_id) +
         "&page=" + std::to_string(page_id) +
         "&token=" + links_.UnwatchToken(user_id, page_id);
}

std::string WatchMail::ConfirmUrl(const User& user, int64_t expires) const {
  return settings_.public_url + "/_confirm-email?name=" + PercentEncode(user.name, "-._~") +
         "&expires=" + std::to_string(expires) +
         "&token=" + links_.ConfirmToken(user.id, user.email, expires);
}

Status WatchMail::Queue(const std::string& to, const std::string& subject,
                        const std::string& body, int64_t now) {
  // Stored addresses were checked when set (CheckEmail); one more look
  // costs nothing and keeps curl safe.
  if (!CheckMailbox(to).ok()) return Status::Ok();
  std::string domain = settings_.from.substr(settings_.from.find('@') + 1);
  return outbox_.Queue(NewMessageId(domain), to, subject, body, now);
}

// A signup sends no confirmation (yet): the address is confirmed when its
// owner asks for the link on their profile, or changes the address. So a
// signup still mails only the admins, as before watchlists; mailing the
// link at signup too is a one-line change here once the suites that count
// a signup's mail expect it.
Status WatchMail::AccountCreated(const User&) { return Status::Ok(); }

std::string WatchMail::WaitMessage(int64_t seconds) {
  return "Too many confirmation links were sent for this account lately (at most " +
         std::to_string(WatchStore::kConfirmationMailsPerWindow) + " in " +
         FormatWait(WatchStore::kConfirmationMailWindow) + " and " +
         std::to_string(WatchStore::kConfirmationMailsPerDay) +
         " a day, so that no one can flood an address with them). Please try again in " +
         FormatWait(seconds) + ".";
}

Result<int64_t> WatchMail::SendConfirmation(const User& user, int64_t now) {
  if (user.email.empty()) return Status::Invalid("There is no address to confirm.");
  auto wait = watches_.ConfirmationMailWait(user.id, now, /*claim=*/true);
  if (!wait.ok() || *wait > 0) return wait;
  const std::string& site = settings_.site_name;
  std::string body =
      "Someone, probably you, gave this address for the account " + user.name + " on " +
      site + ".\n\n" + "To confirm it, open this link within " +
      std::to_string(SignedLinks::kConfirmSeconds / 86400) + " days:\n\n" +
      ConfirmUrl(user, now + SignedLinks::kConfirmSeconds) + "\n\n" +
      "Until it is confirmed, " + site +
      " sends no mail about watched pages to it. If this was not you, ignore this mail.\n";
  if (Status s = Queue(user.email, "[" + site + "] Confirm your email address", body, now);
      !s.ok()) {
    return s;
  }
  return int64_t{0};
}

Status WatchMail::RevisionSaved(const SavedRevision& r) {
  // The pages an account creates, not the redirects its moves leave (a
  // page's watchers keep watching it under its new name: watches are by
  // page id).
  if (r.rev == 1 && r.account_id != 0 && !r.by_move) {
    if (Status s = watches_.WatchCreated(r.account_id, r.title); !s.ok()) return s;
  }
  auto watchers = watches_.TakeWatchersToTell(r.title, r.account_id);
  if (!watchers.ok()) return watchers.status();
  if (watchers->empty()) return Status::Ok();
  const std::string& site = settings_.site_name;
  auto name = PageName::Parse(r.title);
  const std::string path = name.ok() ? name->UrlPath() : "/";
  const std::string page = settings_.public_url + path;
  std::string who = r.by_account ? r.author : r.author + " (not logged in)";
  std::string common =
      "The page " + r.title + " on " + site + " was changed by " + who + ".\n\n" +
      "When:     " + FormatTime(r.created_at) + "\n" + "Revision: " + std::to_string(r.rev) +
      "\n" + "Summary:  " + (r.summary.empty() ? "(none)" : r.summary) + "\n\n" +
      "The page:     " + page + "\n";
  if (r.rev > 1) {
    common += "The changes:  " + settings_.public_url + "/_diff" + path +
              "?from=" + std::to_string(r.rev - 1) + "&to=" + std::to_string(r.rev) + "\n";
  }
  common += "The history:  " + settings_.public_url + "/_history" + path + "\n\n" +
            "There will be no more mail about this page until you visit it while logged "
            "in.\n\n";
  std::string subject = "[" + site + "] " + r.title + " was changed by " + r.author;
  for (const Watcher& w : *watchers) {
    std::string body = common + "You get this mail because " + w.name + " watches " +
                       r.title + " (your watchlist: " + settings_.public_url +
                       "/_watchlist).\n" + "To stop watching it: " +
                       UnwatchUrl(w.user_id, w.page_id) + "\n";
    if (Status s = Queue(w.email, subject, body, r.created_at); !s.ok()) return s;
  }
  return Status::Ok();
}

}  // namespace wikid
