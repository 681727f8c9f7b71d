// WatchStore: which accounts watch which pages (issue 20, watchlists), and
// what the watchers' mail needs from the stores: who is told of a saved
// revision, the one-mail-per-visit mark, and an account's confirmed
// address and watch setting.
//
// The one-mail-per-visit rule (MediaWiki's): a watcher who was mailed about
// a page is marked `notified` for it and gets no more mail about it until
// they view it again while logged in (Viewed). A watch is kept by page id,
// so it names the page whatever it is called.
//
// One per process, on the connection of the other stores; not thread-safe.
#pragma once

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "model/base/status.h"
#include "model/store/page_store.h"
#include "model/text/page_name.h"

namespace wikid {

// One account's watch of one existing page.
struct WatchState {
  int64_t page_id = 0;
  bool watching = false;
  bool notified = false;  // mailed about it since they last viewed it
};

// A watcher to be told of a revision: an enabled account with a confirmed
// address.
struct Watcher {
  int64_t user_id = 0;
  std::string name;
  std::string email;
  int64_t page_id = 0;
};

// A window of the revisions of watched pages, newest first.
struct WatchlistWindow {
  std::vector<Change> changes;
  bool more = false;  // older ones exist
  // The account watches more than kMaxWatchedPages pages: the window is
  // of the kMaxWatchedPages changed most recently.
  bool capped = false;
};

class WatchStore {
 public:
  virtual ~WatchStore() = default;

  // Whether `user_id` watches page `name`, and its id; nullopt when there
  // is no such page. One indexed read.
  virtual Result<std::optional<WatchState>> Find(int64_t user_id, const PageName& name) = 0;
  // Starts or ends a watch (either is idempotent). NotFound if there is
  // no page `page_id` (Watch only).
  virtual Status Watch(int64_t user_id, int64_t page_id) = 0;
  virtual Status Unwatch(int64_t user_id, int64_t page_id) = 0;
  // The title of page `page_id`, or NotFound.
  virtual Result<std::string> PageTitle(int64_t page_id) = 0;
  // The watcher viewed the page: mail about it may come again. A write
  // only when a notification was pending (the caller checks Find first).
  virtual Status Viewed(int64_t user_id, int64_t page_id) = 0;

  // Up to `limit` revisions of the pages `user_id` watches, newest first,
  // older than revision id `before_id` (from the newest when none). Reads
  // at most limit + 1 revisions of each watched page, of at most
  // kMaxWatchedPages pages: those changed most recently (finding them
  // reads each watched page's latest revision id, one index lookup each).
  static constexpr int kMaxWatchedPages = 1000;
  virtual Result<WatchlistWindow> List(int64_t user_id, std::optional<int64_t> before_id,
                                       int limit) = 0;

  // REQUIRES (these three): inside the transaction that saves revision
  // `title` (EventSink::RevisionSaved).
  // Makes `user_id` watch `title` if their account watches the pages it
  // creates (User::watch_created).
  virtual Status WatchCreated(int64_t user_id, const std::string& title) = 0;
  // The watchers of `title` to mail now, `editor_id` (0: anonymous) never
  // among them, each marked notified in the same transaction: enabled
  // accounts with a confirmed address who were not mailed about it since
  // they last viewed it.
  virtual Result<std::vector<Watcher>> TakeWatchersToTell(const std::string& title,
                                                          int64_t editor_id) = 0;

  // The account's setting: watch the pages it creates (on by default).
  virtual Status SetWatchCreated(int64_t user_id, bool on) = 0;
  // Marks `email` confirmed for `user_id`. Conflict if the account's
  // address is no longer `email` (it changed since the link was sent).
  virtual Status ConfirmEmail(int64_t user_id, const std::string& email) = 0;

  // The limit on confirmation mail (WatchMail::SendConfirmation), so no
  // one can use an account to flood an address that is not theirs, per
  // account: kConfirmationMailsPerWindow in any kConfirmationMailWindow
  // seconds (two, so that a mistyped address can be put right at once),
  // and kConfirmationMailsPerDay in any 24 hours.
  static constexpr int64_t kConfirmationMailWindow = 600;
  static constexpr int kConfirmationMailsPerWindow = 2;
  static constexpr int kConfirmationMailsPerDay = 5;
  // How many seconds `user_id` must wait, at `now`, before a confirmation
  // mail may go: 0 when it may go now, and then, when `claim`, it counts
  // as sent now (atomically: of two claims at once, one gets 0).
  virtual Result<int64_t> ConfirmationMailWait(int64_t user_id, int64_t now, bool claim) = 0;
};

// WatchStore::ConfirmationMailWait's rule, for both engines: how long an
// account must wait at `now` that sent `day_count` confirmation mails in
// the last 24 hours, the first of them at `day_first`, and `window_count`
// in the last kConfirmationMailWindow seconds, the first at `window_first`.
inline int64_t ConfirmationMailWaitFor(int64_t day_count, int64_t day_first,
                                       int64_t window_count, int64_t window_first,
                                       int64_t now) {
  int64_t wait = 0;
  if (window_count >= WatchStore::kConfirmationMailsPerWindow) {
    wait = window_first + WatchStore::kConfirmationMailWindow - now;
  }
  if (day_count >= WatchStore::kConfirmationMailsPerDay) {
    wait = std::max(wait, day_first + 86400 - now);
  }
  return std::max<int64_t>(wait, 0);
}

}  // namespace wikid
