// WatchMail: the mail a page's watchers get (issue 20, watchlists), and
// the mail that confirms an address before any of it is sent there.
//
// As an EventSink it is told, inside the save's transaction, of every
// revision: the author starts watching a page they created (if their
// account says so), and each watcher with a confirmed address, the author
// never among them, gets one message in the Outbox, in that same
// transaction, and is marked notified (WatchStore::TakeWatchersToTell):
// no more mail about the page until they view it again while logged in.
// A new account's address is confirmed when its owner asks for the link
// (the profile's button) or changes the address (SendConfirmation).
//
// Each message carries a signed link that ends the watch without a login
// (SignedLinks); the confirmation mail one that confirms the address.
//
// One per process (Wiki::Open); not thread-safe.
#pragma once

#include <cstdint>
#include <string>

#include "model/mail/admin_mail.h"
#include "model/mail/signed_links.h"
#include "model/store/events.h"
#include "model/store/outbox.h"
#include "model/store/watch_store.h"

namespace wikid {

class WatchMail : public EventSink {
 public:
  // `outbox` and `watches` must outlive it.
  WatchMail(Outbox& outbox, WatchStore& watches, MailSettings settings, LinkKeys keys)
      : outbox_(outbox), watches_(watches), settings_(std::move(settings)),
        links_(std::move(keys)) {}

  // EventSink.
  Status AccountCreated(const User& user) override;
  Status RevisionSaved(const SavedRevision& revision) override;

  // Queues the message that confirms `user`'s address (a link valid for
  // SignedLinks::kConfirmSeconds from `now`) and returns 0. Invalid if
  // they have none. Within the account's limit only
  // (WatchStore::ConfirmationMailWait), so that no one can use it to
  // flood an address: past it, nothing is queued and the seconds to wait
  // are returned.
  Result<int64_t> SendConfirmation(const User& user, int64_t now);

  // Why a confirmation mail waits `seconds`, as the account's owner reads it.
  static std::string WaitMessage(int64_t seconds);

  // The links in the mail, checked by the views that answer them.
  const SignedLinks& links() const { return links_; }
  // Absolute URLs of the two links.
  std::string UnwatchUrl(int64_t user_id, int64_t page_id) const;
  std::string ConfirmUrl(const User& user, int64_t expires) const;

 private:
  Status Queue(const std::string& to, const std::string& subject, const std::string& body,
               int64_t now);

  Outbox& outbox_;
  WatchStore& watches_;
  MailSettings settings_;
  SignedLinks links_;
};

}  // namespace wikid
