// Events: what the stores tell, inside their own transaction, to whoever
// must act on it in the same transaction (today: the mail outbox). A sink
// that returns an error rolls the event back with it.
#pragma once

#include <cstdint>
#include <string>

#include "model/base/status.h"
#include "model/store/user.h"

namespace wikid {

// A revision that was just written, before its transaction commits.
struct SavedRevision {
  std::string title;
  int64_t rev = 0;  // 1: the page was created
  int64_t revision_id = 0;
  std::string author;  // account name or client address
  bool by_account = false;
  int64_t account_id = 0;  // the saving account's; 0 when anonymous
  int64_t account_created_at = 0;  // when the saving account was made
  std::string summary;
  int64_t created_at = 0;
  // A move's revision (PageStore::Move): the moved page's, or the redirect
  // it leaves, which is revision 1 of a page nobody wrote; so neither
  // watched by its mover nor mailed to admins as a new page.
  bool by_move = false;
};

class EventSink {
 public:
  virtual ~EventSink() = default;
  // REQUIRES: called inside the transaction that writes the event.
  virtual Status AccountCreated(const User& user) = 0;
  virtual Status RevisionSaved(const SavedRevision& revision) = 0;
};

}  // namespace wikid
