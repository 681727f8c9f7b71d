// Mail in-process: the RFC 5322 form of a message (no header injection,
// RFC 2047 for non-ASCII, CRLF line ends), and the outbox: what each event
// queues, for whom, in the event's transaction, the retry schedule, and
// mailers in several processes claiming messages with leases. The outbox
// runs on the engine WIKID_TEST_DATABASE names (mail_test_postgres runs
// it on PostgreSQL).
#define BOOST_TEST_MODULE mail
#include <boost/test/unit_test.hpp>

#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <regex>
#include <set>

#include "model/mail/admin_mail.h"
#include "model/mail/mail_message.h"
#include "model/mail/signed_links.h"
#include "model/store/page_store.h"
#include "tests/support/processes_together.h"
#include "tests/support/smtp_sink.h"
#include "tests/support/test_database.h"

namespace wikid {
namespace {

MailMessage Sample() {
  return MailMessage{.message_id = "<id1@example.org>",
                     .from = "wiki@example.org",
                     .from_name = "The Wiki",
                     .to = "admin@example.org",
                     .subject = "Hello",
                     .body = "line one\nline two\n",
                     .date = 1700000000};
}

// The header lines of a formatted message (before the blank line).
std::vector<std::string> HeaderLines(const std::string& message) {
  std::vector<std::string> lines;
  size_t start = 0;
  while (true) {
    size_t end = message.find("\r\n", start);
    if (end == std::string::npos || end == start) break;
    lines.push_back(message.substr(start, end - start));
    start = end + 2;
  }
  return lines;
}

BOOST_AUTO_TEST_SUITE(message)

BOOST_AUTO_TEST_CASE(has_every_header_rfc_5322_and_mime_ask_for) {
  std::string m = FormatMessage(Sample());
  auto lines = HeaderLines(m);
  std::vector<std::string> expected = {
      "Date: Tue, 14 Nov 2023 22:13:20 +0000",
      "From: The Wiki <wiki@example.org>",
      "To: <admin@example.org>",
      "Subject: Hello",
      "Message-ID: <id1@example.org>",
      "MIME-Version: 1.0",
      "Content-Type: text/plain; charset=utf-8",
      "Content-Transfer-Encoding: 8bit"};
  BOOST_TEST(lines == expected, boost::test_tools::per_element());
  BOOST_TEST(m.ends_with("\r\n\r\nline one\r\nline two\r\n"));
}

BOOST_AUTO_TEST_CASE(cr_and_lf_in_header_values_never_start_a_header) {
  MailMessage evil = Sample();
  evil.subject = "hi\r\nBcc: x@evil.test";
  evil.from_name = "Wiki\nBcc: y@evil.test";
  evil.message_id = "<a@b>\r\nBcc: z@evil.test";
  for (const std::string& line : HeaderLines(FormatMessage(evil))) {
    BOOST_TEST(!line.starts_with("Bcc"), line);
  }
  BOOST_TEST(FormatMessage(evil).find("Subject: hiBcc: x@evil.test\r\n") !=
             std::string::npos);
}

BOOST_AUTO_TEST_CASE(bare_lf_and_lone_cr_become_crlf_and_dots_are_kept) {
  MailMessage m = Sample();
  m.body = "a\n.\nb\rc\r\n..d";
  std::string text = FormatMessage(m);
  BOOST_TEST(text.ends_with("\r\n\r\na\r\n.\r\nb\r\nc\r\n..d\r\n"));
  // No LF without its CR anywhere.
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\n') BOOST_TEST((i > 0 && text[i - 1] == '\r'));
  }
}

BOOST_AUTO_TEST_CASE(non_ascii_header_text_is_rfc_2047_and_decodes_back) {
  std::string title;
  for (int i = 0; i < 30; ++i)
    title += "Caf\xc3\xa9 \xe6\x97\xa5";  // 2- and 3-byte letters
  std::string encoded = EncodeHeaderText(title);
  BOOST_TEST(encoded.starts_with("=?UTF-8?B?"));
  std::regex word(R"(=\?UTF-8\?B\?[A-Za-z0-9+/=]+\?=)");
  size_t words = 0;
  for (auto it = std::sregex_iterator(encoded.begin(), encoded.end(), word);
       it != std::sregex_iterator(); ++it) {
    BOOST_TEST(it->length() <= 75);
    ++words;
  }
  BOOST_TEST(words > 1u);  // long text is folded into several words
  BOOST_TEST(testing::DecodeHeader(encoded) == title);  // no letter cut in two
  BOOST_TEST(EncodeHeaderText("plain ASCII") == "plain ASCII");
  BOOST_TEST(EncodeHeaderText("tab\there").starts_with("=?UTF-8?B?"));
}

// Found by fuzz_mail_message (issue 23): a plain ASCII name with
// RFC 5322's specials went out unquoted ("a@b.c, Bob" read as two
// addresses), and a long plain subject made a header line past 998
// octets.
BOOST_AUTO_TEST_CASE(names_with_specials_are_encoded_and_long_headers_fold) {
  MailMessage m = Sample();
  m.from_name = "a@b.c, Bob";
  std::string text = FormatMessage(m);
  BOOST_TEST(text.find("From: =?UTF-8?B?") != std::string::npos, text);
  BOOST_TEST(text.find("a@b.c, Bob") == std::string::npos);
  m = Sample();
  m.subject = std::string(2000, 'x');
  for (const std::string& line : HeaderLines(FormatMessage(m))) {
    BOOST_TEST(line.size() <= 998u);
  }
  BOOST_TEST(EncodeHeaderText(std::string(kPlainHeaderTextMax, 'x')) ==
             std::string(kPlainHeaderTextMax, 'x'));
  // A long plain name beside a long address: the From line is folded too.
  m = Sample();
  m.from_name = std::string(900, 'n');
  m.from = std::string(64, 'a') + "@" + std::string(180, 'b') + ".example";
  for (const std::string& line : HeaderLines(FormatMessage(m))) {
    BOOST_TEST(line.size() <= 998u);
  }
}

BOOST_AUTO_TEST_CASE(message_ids_are_unique) {
  std::set<std::string> ids;
  for (int i = 0; i < 100; ++i) ids.insert(NewMessageId("example.org"));
  BOOST_TEST(ids.size() == 100u);
  BOOST_TEST(std::regex_match(
      *ids.begin(), std::regex("<[0-9a-f]{32}\\.wikid@example\\.org>")));
}

BOOST_AUTO_TEST_SUITE_END()

// The links of the watchers' mail (issue 20): a token is good for its own
// account, page, address and time, under the newest key or the one before.
BOOST_AUTO_TEST_SUITE(signed_links)

struct Keys {
  std::vector<std::string> keys = {std::string(32, 'n'), std::string(32, 'o')};
  int reloads = 0;
  LinkKeys link_keys() {
    return LinkKeys{.signing = [this]() -> const std::string& { return keys[0]; },
                    .verifying = [this]() -> const std::vector<std::string>& { return keys; },
                    .reload = [this] { ++reloads; return false; }};
  }
};

BOOST_AUTO_TEST_CASE(an_unwatch_token_names_one_account_and_one_page) {
  Keys k;
  SignedLinks links(k.link_keys());
  std::string token = links.UnwatchToken(7, 42);
  BOOST_TEST(links.CheckUnwatch(7, 42, token));
  BOOST_TEST(!links.CheckUnwatch(8, 42, token));
  BOOST_TEST(!links.CheckUnwatch(7, 43, token));
  BOOST_TEST(!links.CheckUnwatch(74, 2, token));  // the fields cannot run together
  for (size_t i = 0; i < token.size(); ++i) {
    std::string changed = token;
    changed[i] = changed[i] == 'A' ? 'B' : 'A';
    BOOST_TEST(!links.CheckUnwatch(7, 42, changed), "byte " << i);
  }
  BOOST_TEST(!links.CheckUnwatch(7, 42, token.substr(1)));
  BOOST_TEST(!links.CheckUnwatch(7, 42, ""));
  BOOST_TEST(k.reloads > 0);  // a failed token asks for the keys again
}

BOOST_AUTO_TEST_CASE(a_confirm_token_names_one_address_until_one_time) {
  Keys k;
  SignedLinks links(k.link_keys());
  std::string token = links.ConfirmToken(7, "a@example.org", 1000);
  BOOST_TEST(links.CheckConfirm(7, "a@example.org", 1000, token));
  BOOST_TEST(!links.CheckConfirm(7, "b@example.org", 1000, token));
  BOOST_TEST(!links.CheckConfirm(7, "a@example.org", 1001, token));
  BOOST_TEST(!links.CheckConfirm(8, "a@example.org", 1000, token));
  // One kind's token is never the other's.
  BOOST_TEST(!links.CheckUnwatch(7, 1000, token));
}

BOOST_AUTO_TEST_CASE(a_token_from_before_a_rotation_still_works_and_a_third_key_does_not) {
  Keys k;
  SignedLinks links(k.link_keys());
  std::string token = links.UnwatchToken(1, 2);
  k.keys.insert(k.keys.begin(), std::string(32, 'r'));  // rotated: the old one is second
  BOOST_TEST(links.CheckUnwatch(1, 2, token));
  k.keys.insert(k.keys.begin(), std::string(32, 's'));
  k.keys.resize(2);  // SiteKeys keeps two
  BOOST_TEST(!links.CheckUnwatch(1, 2, token));
}

BOOST_AUTO_TEST_SUITE_END()

struct OutboxFixture {
  testing::TestDatabase database;
  std::unique_ptr<Storage> storage;
  std::unique_ptr<Outbox> outbox;
  std::unique_ptr<AdminMail> mail;
  std::unique_ptr<UserStore> users;
  MailSettings settings;

  OutboxFixture() {
    settings.public_url = "https://wiki.example.org";
    settings.from = "wiki@example.org";
    settings.extra_recipients = {"Extra@Example.org", "ops@example.org"};
    Reopen();
  }
  void Reopen() {
    Close();
    storage = Opened(database.Open());
    outbox = Opened(storage->OpenOutbox(settings.retry));
    mail = std::make_unique<AdminMail>(*outbox, settings);
    users = Opened(storage->OpenUsers(mail.get()));
  }
  // Before forking: a child opens connections of its own.
  void Close() {
    users.reset();
    mail.reset();
    outbox.reset();
    storage.reset();
  }
  template <typename T>
  static std::unique_ptr<T> Opened(Result<std::unique_ptr<T>> opened) {
    BOOST_REQUIRE_MESSAGE(opened.ok(), opened.status().message());
    return std::move(*opened);
  }
  User Admin(const std::string& name, const std::string& email,
             bool disabled = false) {
    // Made without events, as `wikid user create` does.
    auto plain = Opened(storage->OpenUsers(nullptr));
    User u =
        *plain->Create(*UserName::Parse(name), "h", Role::kAdmin, email, 1000);
    if (disabled) BOOST_REQUIRE(plain->SetDisabled(u.id, true).ok());
    return u;
  }
  std::vector<OutboxEntry> All() {
    return outbox->List(std::nullopt, 1000)->entries;
  }
  // The mailers that made the attempts at message `id`, in order.
  std::vector<std::string> Mailers(int64_t id) {
    return database.Column("SELECT mailer FROM outbox_attempt WHERE outbox_id = " +
                           std::to_string(id) + " ORDER BY at, mailer");
  }
  // Queues `count` messages, all due at `now`.
  void QueueMany(int count, int64_t now) {
    for (int i = 0; i < count; ++i) {
      BOOST_REQUIRE(outbox
                        ->Queue("<" + std::to_string(i) + "@test>", "ops@example.org",
                                "message " + std::to_string(i), "body", now)
                        .ok());
    }
  }
};

BOOST_FIXTURE_TEST_SUITE(outbox, OutboxFixture)

BOOST_AUTO_TEST_CASE(a_signup_queues_one_message_per_admin_address) {
  Admin("boss", "boss@example.org");
  Admin("other", "extra@example.org");  // the same as an extra recipient
  Admin("quiet", "");                   // no address
  Admin("gone", "gone@example.org", /*disabled=*/true);
  BOOST_REQUIRE(users
                    ->Create(*UserName::Parse("Newbie"), "h", Role::kUser,
                             "n@example.org", 2000)
                    .ok());
  BOOST_TEST(outbox->TakeQueued());
  BOOST_TEST(!outbox->TakeQueued());
  std::set<std::string> to;
  for (const OutboxEntry& e : All()) {
    to.insert(e.recipient);
    BOOST_TEST(e.subject == "[wikid] New account: Newbie");
    BOOST_TEST(e.body.find("Account:  Newbie") != std::string::npos);
    BOOST_TEST(e.body.find("https://wiki.example.org/_user/Newbie") !=
               std::string::npos);
    BOOST_TEST(e.state == "queued");
    BOOST_TEST(e.next_attempt_at == 2000);
  }
  BOOST_TEST(
      (to == std::set<std::string>{"boss@example.org", "extra@example.org",
                                   "ops@example.org"}));
}

BOOST_AUTO_TEST_CASE(new_pages_and_watched_edits_queue_mail_with_links) {
  settings.extra_recipients = {"ops@example.org"};
  Reopen();
  SavedRevision created{.title = "Caf\xc3\xa9 page",
                        .rev = 1,
                        .revision_id = 7,
                        .author = "Writer",
                        .by_account = true,
                        .account_created_at = 0,
                        .summary = "first",
                        .created_at = 100};
  BOOST_REQUIRE(mail->RevisionSaved(created).ok());
  SavedRevision young = created;
  young.rev = 2;
  young.created_at = 100 + 86400;  // the account is a day old: watched
  BOOST_REQUIRE(mail->RevisionSaved(young).ok());
  SavedRevision old = young;
  old.created_at = 100 + 30 * 86400;  // a month old: not watched
  BOOST_REQUIRE(mail->RevisionSaved(old).ok());
  SavedRevision anonymous = young;
  anonymous.by_account = false;
  anonymous.author = "192.0.2.1";
  BOOST_REQUIRE(mail->RevisionSaved(anonymous).ok());
  auto all = All();
  BOOST_REQUIRE(all.size() == 3u);
  const OutboxEntry& page = all[2];  // newest first
  BOOST_TEST(page.subject == "[wikid] New page: Caf\xc3\xa9 page (by Writer)");
  BOOST_TEST(page.body.find("https://wiki.example.org/Caf%C3%A9_page\n") !=
             std::string::npos);
  BOOST_TEST(page.body.find("https://wiki.example.org/Caf%C3%A9_page?rev=1") !=
             std::string::npos);
  const OutboxEntry& edit = all[1];
  BOOST_TEST(edit.subject == "[wikid] Edited: Caf\xc3\xa9 page (by Writer)");
  BOOST_TEST(
      edit.body.find("https://wiki.example.org/_history/Caf%C3%A9_page") !=
      std::string::npos);
  BOOST_TEST(edit.body.find("younger than 7 days") != std::string::npos);
  BOOST_TEST(all[0].body.find("not logged in") != std::string::npos);
}

// A move's revisions reach the sinks marked as a move's (by the stores on
// each engine): the redirect it leaves is revision 1 of a page nobody
// wrote, so the admins hear of one new page, the one that was written.
BOOST_AUTO_TEST_CASE(the_redirect_a_move_leaves_is_no_new_page) {
  settings.extra_recipients = {"ops@example.org"};
  Reopen();
  const User writer = Admin("writer", "");  // an old account: its edits are not watched
  auto pages = Opened(storage->OpenPages(mail.get()));
  BOOST_REQUIRE(pages
                    ->Save(Edit{.name = *PageName::Parse("Old name"),
                                .text = "words",
                                .author = "writer",
                                .account_id = writer.id,
                                .created_at = 1700000000})
                    .ok());
  auto moved = pages->Move(PageMove{.from = *PageName::Parse("Old name"),
                                    .to = *PageName::Parse("New name"),
                                    .author = "writer",
                                    .account_id = writer.id,
                                    .created_at = 1700000001});
  BOOST_REQUIRE_MESSAGE(moved.ok(), moved.status().message());
  BOOST_REQUIRE(moved->redirect_left);
  auto all = All();
  BOOST_REQUIRE(all.size() == 1u);
  BOOST_TEST(all[0].subject == "[wikid] New page: Old name (by writer)");
}

BOOST_AUTO_TEST_CASE(events_that_are_turned_off_queue_nothing) {
  Admin("boss", "boss@example.org");
  settings.on_signup = settings.on_page_created = settings.on_watched_edit =
      false;
  Reopen();
  BOOST_REQUIRE(
      users->Create(*UserName::Parse("Newbie"), "h", Role::kUser, "", 1).ok());
  BOOST_REQUIRE(
      mail->RevisionSaved(SavedRevision{.title = "P", .rev = 1}).ok());
  BOOST_TEST(All().empty());
  BOOST_TEST(!outbox->TakeQueued());
}

BOOST_AUTO_TEST_CASE(
    failures_are_retried_with_doubling_delays_then_marked_failed) {
  settings.extra_recipients = {"ops@example.org"};
  settings.retry.max_attempts = 4;
  settings.retry.retry_seconds = 10;
  Reopen();
  BOOST_REQUIRE(mail
                    ->RevisionSaved(
                        SavedRevision{.title = "P", .rev = 1, .created_at = 0})
                    .ok());
  int64_t id = All()[0].id;
  int64_t now = 0;
  for (int64_t delay : {10, 20, 40}) {
    auto due = outbox->Claim(now, 60, "host:1");
    BOOST_REQUIRE(due->has_value());
    BOOST_REQUIRE(outbox->MarkFailed(id, now, "host:1", "421 try later").ok());
    BOOST_TEST(!outbox->Claim(now + delay - 1, 60, "host:1")->has_value());
    BOOST_TEST(**outbox->NextAttemptAt() == now + delay);
    now += delay;
  }
  BOOST_REQUIRE(outbox->Claim(now, 60, "host:1")->has_value());
  BOOST_REQUIRE(outbox->MarkFailed(id, now, "host:1", "421 try later").ok());  // the 4th
  OutboxEntry failed = All()[0];
  BOOST_TEST(failed.state == "failed");
  BOOST_TEST(failed.attempts == 4);
  BOOST_TEST(failed.last_error == "421 try later");
  BOOST_TEST(!outbox->NextAttemptAt()->has_value());
  // An admin's retry queues it again, due at once, with the same id.
  BOOST_TEST(outbox->Retry(id, 500).ok());
  BOOST_TEST(outbox->Retry(id, 500).IsNotFound());  // no longer failed
  auto again = outbox->Claim(500, 60, "host:1");
  BOOST_REQUIRE(again->has_value());
  BOOST_TEST((*again)->message_id == failed.message_id);
  BOOST_REQUIRE(outbox->MarkSent(id, 501, "host:1").ok());
  BOOST_TEST(All()[0].state == "sent");
  BOOST_TEST(All()[0].sent_at == 501);
}

// Mailers on several hosts (issue 17): a claimed message is no other
// mailer's while the claim lasts, a dead mailer's claim expires, and every
// attempt names the mailer that made it.
BOOST_AUTO_TEST_CASE(a_claimed_message_is_one_mailers_until_the_claim_expires) {
  settings.extra_recipients = {"ops@example.org"};
  Reopen();
  for (int rev : {1, 2}) {
    BOOST_REQUIRE(mail->RevisionSaved(SavedRevision{.title = "P" + std::to_string(rev),
                                                    .rev = 1, .created_at = 10 * rev})
                      .ok());
  }
  auto a = outbox->Claim(100, 60, "a:1");
  auto b = outbox->Claim(100, 60, "b:2");
  BOOST_REQUIRE(a->has_value());
  BOOST_REQUIRE(b->has_value());
  BOOST_TEST((*a)->id != (*b)->id);  // one each, oldest first
  BOOST_TEST((*a)->created_at == 10);
  // Nothing left to claim; the next chance is when a claim expires.
  BOOST_TEST(!outbox->Claim(100, 60, "c:3")->has_value());
  BOOST_TEST(**outbox->NextAttemptAt() == 160);
  // a sends; b dies holding its claim, which c takes once it expired.
  BOOST_REQUIRE(outbox->MarkSent((*a)->id, 101, "a:1").ok());
  BOOST_TEST(!outbox->Claim(159, 60, "c:3")->has_value());
  auto c = outbox->Claim(160, 60, "c:3");
  BOOST_REQUIRE(c->has_value());
  BOOST_TEST((*c)->id == (*b)->id);
  // b comes back to life and reports its failure: c's claim stands.
  BOOST_REQUIRE(outbox->MarkFailed((*b)->id, 161, "b:2", "timed out").ok());
  BOOST_TEST(!outbox->Claim(161, 60, "a:1")->has_value());
  BOOST_TEST(**outbox->NextAttemptAt() == 220);
  BOOST_REQUIRE(outbox->MarkFailed((*c)->id, 161, "c:3", "421 busy").ok());
  // A failure ends the claim: due again after the retry delay, to anyone.
  BOOST_TEST(**outbox->NextAttemptAt() == 161 + settings.retry.retry_seconds);
  BOOST_TEST(outbox->Claim(161 + settings.retry.retry_seconds, 60, "a:1")->has_value());
  BOOST_TEST(Mailers((*a)->id) == std::vector<std::string>{"a:1"});
  BOOST_TEST((Mailers((*b)->id) == std::vector<std::string>{"b:2", "c:3"}));
}

// /_metrics's outbox gauges: what is queued (claimed or not) and since
// when; sent messages leave it.
BOOST_AUTO_TEST_CASE(the_depth_counts_what_waits_and_since_when) {
  BOOST_TEST(outbox->Depth()->queued == 0);
  BOOST_TEST(!outbox->Depth()->oldest_created_at.has_value());
  BOOST_REQUIRE(outbox->Queue("<1@test>", "ops@example.org", "one", "body", 50).ok());
  BOOST_REQUIRE(outbox->Queue("<2@test>", "ops@example.org", "two", "body", 70).ok());
  BOOST_TEST(outbox->Depth()->queued == 2);
  BOOST_TEST(*outbox->Depth()->oldest_created_at == 50);
  auto claimed = outbox->Claim(100, 60, "a:1");
  BOOST_REQUIRE(claimed->has_value());
  BOOST_TEST(outbox->Depth()->queued == 2);  // claimed, not yet sent
  BOOST_REQUIRE(outbox->MarkSent((*claimed)->id, 101, "a:1").ok());
  BOOST_TEST(outbox->Depth()->queued == 1);
  BOOST_TEST(*outbox->Depth()->oldest_created_at == 70);
}

// A save's messages are written in its transaction: a save that fails
// after queuing them (here its event sink fails next) takes them with it,
// and one that commits has them.
BOOST_AUTO_TEST_CASE(mail_queued_by_a_save_that_rolls_back_is_gone_with_it) {
  settings.extra_recipients = {"ops@example.org"};
  Reopen();
  struct QueueThenFail : EventSink {
    AdminMail& mail;
    bool fail = true;
    explicit QueueThenFail(AdminMail& mail) : mail(mail) {}
    Status AccountCreated(const User& user) override { return mail.AccountCreated(user); }
    Status RevisionSaved(const SavedRevision& revision) override {
      if (Status s = mail.RevisionSaved(revision); !s.ok()) return s;
      return fail ? Status::Unavailable("the disk is full") : Status::Ok();
    }
  } events(*mail);
  auto pages = Opened(storage->OpenPages(&events));
  auto edit = [] {
    return Edit{.name = *PageName::Parse("Mailed"), .base_rev = 0, .text = "text",
                .author = "192.0.2.1", .created_at = 100};
  };
  BOOST_TEST((pages->Save(edit()).status().code() == Status::Code::kUnavailable));
  BOOST_TEST(outbox->TakeQueued());  // (the wake-up finds nothing: harmless)
  BOOST_TEST(All().empty());
  BOOST_TEST(!pages->Find(*PageName::Parse("Mailed"), std::nullopt).ok());
  events.fail = false;
  BOOST_REQUIRE(pages->Save(edit()).ok());
  BOOST_REQUIRE(All().size() == 1u);
  BOOST_TEST(All()[0].subject == "[wikid] New page: Mailed (by 192.0.2.1)");
}

// Mailers on two hosts (issue 17): two processes, each with its own
// connection, drain one outbox at once. Each message is claimed, and so
// sent, by one of them only: every message has exactly one attempt. So
// that neither drains it all before the other has begun, each waits after
// its first message until the other has sent one too.
BOOST_AUTO_TEST_CASE(two_mailers_racing_send_each_message_exactly_once) {
  constexpr int kMessages = 100;
  constexpr int64_t kNow = 1000;
  QueueMany(kMessages, kNow);
  Close();
  int sent_one[2][2];  // mailer i writes to sent_one[i] once it has sent one
  for (auto& fds : sent_one) BOOST_REQUIRE(pipe(fds) == 0);
  testing::RunProcessesTogether(2, [&](int index, const std::function<void()>& start) {
    const std::string mailer = "host" + std::to_string(index) + ":1";
    auto mine = database.Open();
    if (!mine.ok()) return 10;
    auto box = (*mine)->OpenOutbox(settings.retry);
    if (!box.ok()) return 11;
    start();
    for (int sent = 0;; ++sent) {
      if (sent == 1) {
        // A wait for the other's first message, with a deadline only a
        // mailer that failed reaches.
        pollfd other{.fd = sent_one[1 - index][0], .events = POLLIN, .revents = 0};
        if (write(sent_one[index][1], "1", 1) != 1 || poll(&other, 1, 60'000) != 1) return 14;
      }
      auto claimed = (*box)->Claim(kNow, 60, mailer);
      if (!claimed.ok()) return 12;
      if (!claimed->has_value()) return 0;  // none left that is not claimed
      if (!(*box)->MarkSent((**claimed).id, kNow, mailer).ok()) return 13;
    }
  });
  for (auto& fds : sent_one) {
    close(fds[0]);
    close(fds[1]);
  }
  Reopen();
  for (const OutboxEntry& e : All()) BOOST_TEST(e.state == "sent", e.message_id);
  BOOST_TEST(All().size() == size_t{kMessages});
  BOOST_TEST(database.Column("SELECT count(*) FROM outbox_attempt").at(0) ==
             std::to_string(kMessages));
  BOOST_TEST(database.Column("SELECT count(DISTINCT outbox_id) FROM outbox_attempt").at(0) ==
             std::to_string(kMessages));
  const auto mailers =
      database.Column("SELECT mailer || ': ' || count(*) FROM outbox_attempt GROUP BY mailer");
  BOOST_TEST(mailers.size() == 2u);  // both took part
  for (const std::string& row : mailers) BOOST_TEST_MESSAGE("sent by " << row);
}

// A mailer killed holding a claim (its host died mid-send): no other
// mailer takes the message while the claim lasts, and the first to ask
// once it has expired sends it.
BOOST_AUTO_TEST_CASE(a_dead_mailers_claim_expires_and_another_mailer_sends_it) {
  constexpr int64_t kNow = 1000, kLease = 60;
  QueueMany(2, kNow);
  Close();
  pid_t pid = fork();
  BOOST_REQUIRE(pid >= 0);
  if (pid == 0) {
    auto mine = database.Open();
    if (!mine.ok()) _exit(10);
    auto box = (*mine)->OpenOutbox(settings.retry);
    if (!box.ok()) _exit(11);
    auto claimed = (*box)->Claim(kNow, kLease, "dead:1");
    if (!claimed.ok() || !claimed->has_value()) _exit(12);
    raise(SIGKILL);  // mid-send: no MarkSent, no MarkFailed
    _exit(13);
  }
  int status = 0;
  BOOST_REQUIRE(waitpid(pid, &status, 0) == pid);
  BOOST_REQUIRE_MESSAGE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL,
                        "the mailer did not claim and die: status " << status);
  Reopen();
  // The claim holds: the other message, then nothing.
  auto other = outbox->Claim(kNow, kLease, "live:2");
  BOOST_REQUIRE(other->has_value());
  BOOST_TEST((*other)->message_id == "<1@test>");
  BOOST_REQUIRE(outbox->MarkSent((*other)->id, kNow, "live:2").ok());
  BOOST_TEST(!outbox->Claim(kNow + kLease - 1, kLease, "live:2")->has_value());
  BOOST_TEST(**outbox->NextAttemptAt() == kNow + kLease);
  // Expired: taken over.
  auto orphan = outbox->Claim(kNow + kLease, kLease, "live:2");
  BOOST_REQUIRE(orphan->has_value());
  BOOST_TEST((*orphan)->message_id == "<0@test>");
  BOOST_TEST((*orphan)->attempts == 0);
  BOOST_REQUIRE(outbox->MarkSent((*orphan)->id, kNow + kLease, "live:2").ok());
  BOOST_TEST(Mailers((*orphan)->id) == std::vector<std::string>{"live:2"});
  BOOST_TEST(!outbox->NextAttemptAt()->has_value());
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace wikid
