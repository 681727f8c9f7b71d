// Watchlists end to end (issue 20): watching a page through nginx, wikid's
// workers, memcached and the fast path, the watchers' mail through the
// outbox and the mailer to a real SMTP server (aiosmtpd), and the two
// links in that mail that work without a login.
#define BOOST_TEST_MODULE watch_http
#include <boost/test/unit_test.hpp>
#include <regex>
#include <string>
#include <vector>

#include "model/store/watch_store.h"
#include "tests/support/smtp_sink.h"
#include "tests/support/test_wiki.h"

namespace wikid::testing {
namespace {

constexpr char kPublicUrl[] = "https://wiki.example.org";

// A wiki whose mail goes to `sink`; the admins hear of nothing, so every
// message is a watcher's or a confirmation.
TestWikiOptions WatchingWiki(const SmtpSink& sink) {
  return TestWikiOptions{.workers = 2,
                         .memcached = true,
                         .fast_path = true,
                         .extra_args = {"--smtp-url", sink.url(), "--public-url", kPublicUrl,
                                        "--mail-from", "wiki@example.org",
                                        "--mail-retry-seconds", "1", "--mail-events",
                                        "none"}};
}

// One wiki and one SMTP sink for every case (each starts in seconds, the
// suite's time is short): each case has accounts, addresses and pages of
// its own.
struct Stack {
  SmtpSink sink;
  TestWiki wiki{WatchingWiki(sink)};
};

Stack& Shared() {
  static Stack stack;
  return stack;
}

// How many pages `user` watches.
int64_t Watches(TestWiki& wiki, const std::string& user) {
  return wiki.Scalar(
      "SELECT count(*) FROM watch w JOIN account a ON a.id = w.account_id WHERE a.name = '" +
      user + "'");
}

// How many messages the outbox holds for `to`: written in the transaction
// of the save (or signup) that caused them, so this is exact as soon as
// the request was answered, with no wait for the mailer.
int64_t Queued(TestWiki& wiki, const std::string& to) {
  return wiki.Scalar("SELECT count(*) FROM outbox WHERE recipient = '" + to + "'");
}

// The messages the sink got for `to`, once everything queued was sent.
std::vector<SunkMail> SentTo(TestWiki& wiki, const SmtpSink& sink, const std::string& to) {
  int64_t total = wiki.Scalar("SELECT count(*) FROM outbox");
  BOOST_REQUIRE(wiki.WaitForScalar("SELECT count(*) FROM outbox WHERE state = 'sent'", total));
  std::vector<SunkMail> mine;
  for (const SunkMail& m : sink.WaitFor(total, 120)) {
    if (m.Header("x-rcptto") == to) mine.push_back(m);
  }
  return mine;
}

// The path and query of the first link in `body` to `route` on the wiki.
std::string LinkIn(const std::string& body, const std::string& route) {
  std::smatch match;
  std::regex link(std::string(kPublicUrl) + "(" + route + R"(\?[^\s]+))");
  BOOST_REQUIRE(std::regex_search(body, match, link));
  return match[1];
}

// Signs `name` up with `email`, asks for the confirmation link from the
// profile (a signup mails only the admins) and opens it.
std::unique_ptr<Browser> ConfirmedUser(TestWiki& wiki, const SmtpSink& sink,
                                       const std::string& name, const std::string& email) {
  auto browser = std::make_unique<Browser>(wiki);
  BOOST_REQUIRE(browser->SignUp(name, "a long password", email).status == 303);
  BOOST_REQUIRE(Queued(wiki, email) == 0);
  auto profile = browser->Get("/_user/" + name);
  BOOST_TEST(profile.body.find(email + " is not confirmed yet") != std::string::npos);
  BOOST_REQUIRE(browser->Post("/_user/" + name + "/_confirm-email", {}).status == 200);
  auto mail = SentTo(wiki, sink, email);
  BOOST_REQUIRE(mail.size() == 1u);
  BOOST_TEST(mail[0].Header("subject") == "[wikid] Confirm your email address");
  auto confirmed = Browser(wiki).Get(LinkIn(mail[0].body, "/_confirm-email"));
  BOOST_TEST(confirmed.status == 200);
  BOOST_TEST(confirmed.body.find("is confirmed") != std::string::npos);
  return browser;
}

HttpResponse SetWatch(Browser& browser, const std::string& page, bool on) {
  return browser.Post("/_watch/" + page, {{"watch", on ? "1" : "0"}});
}

BOOST_AUTO_TEST_CASE(a_watcher_gets_one_mail_per_visit_and_only_at_a_confirmed_address) {
  SmtpSink& sink = Shared().sink;
  TestWiki& wiki = Shared().wiki;
  auto alice = ConfirmedUser(wiki, sink, "Alice", "alice@example.org");
  Browser bob(wiki);  // never opens his confirmation link
  BOOST_REQUIRE(bob.SignUp("Bob", "a long password", "bob@example.org").status == 303);
  BOOST_REQUIRE(bob.Post("/_user/Bob/_confirm-email", {}).status == 200);
  BOOST_REQUIRE(Queued(wiki, "bob@example.org") == 1);
  auto carol = wiki.LoggedInAs("Carol", "carol password");  // no address at all

  BOOST_REQUIRE(carol->Save("Watched_Page", 0, "one").status == 303);
  // The button is on the page and its history; without a session, neither.
  auto view = alice->Get("/Watched_Page");
  BOOST_TEST(view.body.find(R"(action="/_watch/Watched_Page")") != std::string::npos);
  BOOST_TEST(view.body.find(">Watch</button>") != std::string::npos);
  BOOST_TEST(alice->Get("/_history/Watched_Page").body.find(">Watch</button>") !=
             std::string::npos);
  BOOST_TEST(Browser(wiki).Get("/Watched_Page").body.find("/_watch/") == std::string::npos);
  BOOST_REQUIRE(SetWatch(*alice, "Watched_Page", true).status == 303);
  BOOST_REQUIRE(SetWatch(bob, "Watched_Page", true).status == 303);
  BOOST_TEST(alice->Get("/Watched_Page").body.find(">Unwatch</button>") != std::string::npos);
  // A watch needs a login and the form's token.
  BOOST_TEST(wiki.PostWithoutCsrf("/_watch/Watched_Page", {{"watch", "1"}}).status == 403);

  // Another user's edit: one mail to the confirmed watcher, none to Bob.
  BOOST_REQUIRE(carol->Save("Watched_Page", 1, "two", "second").status == 303);
  BOOST_TEST(Queued(wiki, "alice@example.org") == 2);  // the confirmation, and this
  BOOST_TEST(Queued(wiki, "bob@example.org") == 1);    // the confirmation only
  // More edits before Alice looks: no more mail.
  BOOST_REQUIRE(carol->Save("Watched_Page", 2, "three").status == 303);
  BOOST_REQUIRE(carol->Save("Watched_Page", 3, "four").status == 303);
  BOOST_TEST(Queued(wiki, "alice@example.org") == 2);
  // A look at the history is not a visit of the page.
  BOOST_REQUIRE(alice->Get("/_history/Watched_Page").status == 200);
  BOOST_REQUIRE(carol->Save("Watched_Page", 4, "five").status == 303);
  BOOST_TEST(Queued(wiki, "alice@example.org") == 2);
  // She views the page (from the cache: it was published by the save):
  // the next edit mails her again, once.
  BOOST_REQUIRE(alice->Get("/Watched_Page").status == 200);
  BOOST_REQUIRE(carol->Save("Watched_Page", 5, "six").status == 303);
  BOOST_REQUIRE(carol->Save("Watched_Page", 6, "seven").status == 303);
  BOOST_TEST(Queued(wiki, "alice@example.org") == 3);
  // Her own edit never mails her, even after a visit.
  BOOST_REQUIRE(alice->Get("/Watched_Page").status == 200);
  BOOST_REQUIRE(alice->Save("Watched_Page", 7, "eight").status == 303);
  BOOST_TEST(Queued(wiki, "alice@example.org") == 3);

  auto mail = SentTo(wiki, sink, "alice@example.org");
  BOOST_REQUIRE(mail.size() == 3u);
  std::vector<const SunkMail*> watch_mail;
  for (const SunkMail& m : mail) {
    if (m.Header("subject").find("was changed") != std::string::npos) watch_mail.push_back(&m);
  }
  BOOST_REQUIRE(watch_mail.size() == 2u);
  for (const SunkMail* m : watch_mail) {
    BOOST_TEST(m->Header("subject") == "[wikid] Watched Page was changed by Carol");
    BOOST_TEST(m->body.find("The page:     https://wiki.example.org/Watched_Page") !=
               std::string::npos);
    BOOST_TEST(m->body.find("/_diff/Watched_Page?from=") != std::string::npos);
    BOOST_TEST(m->body.find("https://wiki.example.org/_history/Watched_Page") !=
               std::string::npos);
    BOOST_TEST(m->body.find("no more mail about this page until you visit it") !=
               std::string::npos);
    BOOST_TEST(LinkIn(m->body, "/_unwatch").starts_with("/_unwatch?user="));
  }
  BOOST_TEST(SentTo(wiki, sink, "bob@example.org").size() == 1u);

  // /_watchlist: the watched page's changes, newest first, paged.
  auto list = alice->Get("/_watchlist");
  BOOST_TEST(list.status == 200);
  BOOST_TEST(list.body.find("Watched Page") != std::string::npos);
  BOOST_TEST(Browser(wiki).Get("/_watchlist").status == 303);  // to the login form
}

BOOST_AUTO_TEST_CASE(the_unsubscribe_link_works_without_login_and_cannot_be_forged) {
  SmtpSink& sink = Shared().sink;
  TestWiki& wiki = Shared().wiki;
  auto alice = ConfirmedUser(wiki, sink, "Ann", "ann@example.org");
  // She creates the page, and so watches it (the default).
  BOOST_REQUIRE(alice->Save("Her_Page", 0, "one").status == 303);
  BOOST_TEST(alice->Get("/Her_Page").body.find(">Unwatch</button>") != std::string::npos);
  auto carol = wiki.LoggedInAs("Cora", "cora password");
  BOOST_REQUIRE(carol->Save("Her_Page", 1, "two").status == 303);
  auto mail = SentTo(wiki, sink, "ann@example.org");
  BOOST_REQUIRE(mail.size() == 2u);
  const SunkMail& told =
      mail[0].Header("subject").find("was changed") != std::string::npos ? mail[0] : mail[1];
  const std::string link = LinkIn(told.body, "/_unwatch");

  Browser stranger(wiki);  // not logged in
  // Every byte of the token counts, and so do the account and the page.
  std::string forged = link;
  char& last = forged.back();
  last = last == 'A' ? 'B' : 'A';
  for (const std::string& bad :
       {forged, std::regex_replace(link, std::regex("user=\\d+"), "user=999"),
        std::regex_replace(link, std::regex("page=\\d+"), "page=999")}) {
    auto refused = stranger.Get(bad);
    BOOST_TEST(refused.status == 403, bad);
    BOOST_TEST(refused.body.find("not valid") != std::string::npos);
  }
  BOOST_TEST(stranger.Get("/_unwatch?user=1&page=1").status == 400);
  BOOST_TEST(Watches(wiki, "Ann") == 1);

  // Opening the link asks (a mail scanner opening it ends nothing)...
  auto asked = stranger.Get(link);
  BOOST_REQUIRE(asked.status == 200);
  BOOST_TEST(asked.body.find("Stop watching Her Page") != std::string::npos);
  BOOST_TEST(Watches(wiki, "Ann") == 1);
  // ...and its button, posted with a changed token, is refused too.
  std::smatch fields;
  BOOST_REQUIRE(std::regex_search(link, fields, std::regex(R"(user=(\d+)&page=(\d+)&token=(.+))")));
  FormList form = {{"user", fields[1]}, {"page", fields[2]}, {"token", fields[3]}};
  FormList forged_form = form;
  forged_form[2].second = forged.substr(forged.find("token=") + 6);
  BOOST_TEST(stranger.Post("/_unwatch", forged_form).status == 403);
  BOOST_TEST(Watches(wiki, "Ann") == 1);
  auto done = stranger.Post("/_unwatch", form);
  BOOST_TEST(done.status == 200);
  BOOST_TEST(done.body.find("You no longer watch Her Page") != std::string::npos);
  BOOST_TEST(Watches(wiki, "Ann") == 0);
  // No more mail, even after a visit.
  BOOST_REQUIRE(alice->Get("/Her_Page").status == 200);
  BOOST_REQUIRE(carol->Save("Her_Page", 2, "three").status == 303);
  BOOST_TEST(Queued(wiki, "ann@example.org") == 2);
}

BOOST_AUTO_TEST_CASE(a_changed_address_is_unconfirmed_until_its_own_link_is_opened) {
  SmtpSink& sink = Shared().sink;
  TestWiki& wiki = Shared().wiki;
  auto alice = ConfirmedUser(wiki, sink, "Amy", "amy@example.org");
  auto old_link = LinkIn(SentTo(wiki, sink, "amy@example.org")[0].body, "/_confirm-email");
  // She turns off watching what she creates, and changes her address.
  BOOST_REQUIRE(alice->Post("/_user/Amy/_edit", {{"display_name", ""},
                                                   {"bio", ""},
                                                   {"email", "amy.new@example.org"}})
                    .status == 303);
  auto profile = alice->Get("/_user/Amy");
  BOOST_TEST(profile.body.find("amy.new@example.org is not confirmed yet") != std::string::npos);
  BOOST_REQUIRE(alice->Save("Amys_Unwatched", 0, "one").status == 303);
  BOOST_TEST(Watches(wiki, "Amy") == 0);
  BOOST_REQUIRE(alice->Save("Amys_Watched", 0, "one").status == 303);
  BOOST_REQUIRE(SetWatch(*alice, "Amys_Watched", true).status == 303);
  auto carol = wiki.LoggedInAs("Cleo", "cleo password");
  BOOST_REQUIRE(carol->Save("Amys_Watched", 1, "two").status == 303);
  BOOST_TEST(Queued(wiki, "amy.new@example.org") == 1);  // its confirmation only
  // The old address's link confirms nothing now; a link past its time
  // says it expired; the new one works.
  BOOST_TEST(Browser(wiki).Get(old_link).status == 403);
  auto mail = SentTo(wiki, sink, "amy.new@example.org");
  BOOST_REQUIRE(mail.size() == 1u);
  std::string link = LinkIn(mail[0].body, "/_confirm-email");
  BOOST_TEST(Browser(wiki).Get(std::regex_replace(link, std::regex("expires=\\d+"),
                                                  "expires=1")).status == 403);
  BOOST_REQUIRE(Browser(wiki).Get(link).status == 200);
  BOOST_TEST(alice->Get("/_user/Amy").body.find("is confirmed") != std::string::npos);
  BOOST_REQUIRE(carol->Save("Amys_Watched", 2, "three").status == 303);
  BOOST_TEST(Queued(wiki, "amy.new@example.org") == 2);
  // A resend asked of a confirmed address sends nothing.
  BOOST_TEST(alice->Post("/_user/Amy/_confirm-email", {}).status == 303);
  BOOST_TEST(Queued(wiki, "amy.new@example.org") == 2);
}

// A move: its mover goes on watching what they created, not the redirect
// the move leaves (a page nobody wrote); a watcher of the moved page keeps
// watching it under its new name (watches are by page id) and is told of
// the move, which is a revision of it.
BOOST_AUTO_TEST_CASE(watches_follow_a_moved_page_and_no_one_watches_its_redirect) {
  SmtpSink& sink = Shared().sink;
  TestWiki& wiki = Shared().wiki;
  auto wendy = ConfirmedUser(wiki, sink, "Wendy", "wendy@example.org");
  auto mover = wiki.LoggedInAs("Mover", "mover password");
  BOOST_REQUIRE(mover->Save("Before_Move", 0, "text").status == 303);
  BOOST_REQUIRE(Watches(wiki, "Mover") == 1);
  BOOST_REQUIRE(SetWatch(*wendy, "Before_Move", true).status == 303);
  BOOST_REQUIRE(mover->Post("/_move/Before_Move",
                            {{"to", "After_Move"}, {"reason", ""}, {"redirect", "1"}})
                    .status == 303);
  BOOST_REQUIRE(wiki.Get("/Before_Move?redirect=no").status == 200);  // the redirect
  BOOST_TEST(Watches(wiki, "Mover") == 1);
  BOOST_TEST(wiki.Scalar("SELECT count(*) FROM watch w JOIN account a ON a.id = w.account_id "
                         "JOIN page p ON p.id = w.page_id "
                         "WHERE a.name = 'Mover' AND p.name = 'After Move'") == 1);
  BOOST_TEST(Watches(wiki, "Wendy") == 1);
  BOOST_TEST(wendy->Get("/_watchlist").body.find("href=\"/After_Move") != std::string::npos);
  BOOST_TEST(wiki.Scalar("SELECT count(*) FROM outbox WHERE recipient = 'wendy@example.org' "
                         "AND subject = '[wikid] After Move was changed by Mover'") == 1);
}

// Confirmation mail is limited per account (two in ten minutes, five a
// day: WatchStore::ConfirmationMailWait), so no one can set a victim's
// address and press "send the link again" in a loop: past the limit the
// button gets 429 with Retry-After and a message, a new address is refused
// the same way on the profile form with what was typed kept, and nothing
// more is queued.
BOOST_AUTO_TEST_CASE(confirmation_mail_is_not_sent_without_limit) {
  TestWiki& wiki = Shared().wiki;
  Browser mallory(wiki);
  BOOST_REQUIRE(mallory.SignUp("Mallory", "a long password", "victim@example.org").status ==
                303);
  BOOST_REQUIRE(mallory.Post("/_user/Mallory/_confirm-email", {}).status == 200);
  BOOST_REQUIRE(mallory.Post("/_user/Mallory/_confirm-email", {}).status == 200);
  HttpResponse third = mallory.Post("/_user/Mallory/_confirm-email", {});
  BOOST_TEST(third.status == 429);
  const int64_t retry = std::stoll("0" + third.Header("retry-after"));
  BOOST_TEST((retry > 0 && retry <= 600), "Retry-After: " << third.Header("retry-after"));
  BOOST_TEST(third.body.find("Please try again in") != std::string::npos);
  BOOST_TEST(Queued(wiki, "victim@example.org") == 2);

  HttpResponse changed = mallory.Post("/_user/Mallory/_edit",
                                      {{"display_name", "Mal <b>"},
                                       {"bio", "my typed bio"},
                                       {"email", "victim2@example.org"}});
  BOOST_TEST(changed.status == 429);
  BOOST_TEST(!changed.Header("retry-after").empty());
  BOOST_TEST(changed.body.find("Please try again in") != std::string::npos);
  BOOST_TEST(changed.body.find("value=\"victim2@example.org\"") != std::string::npos);
  BOOST_TEST(changed.body.find("my typed bio") != std::string::npos);
  BOOST_TEST(changed.body.find("Mal &lt;b&gt;") != std::string::npos);
  BOOST_TEST(Queued(wiki, "victim2@example.org") == 0);
  BOOST_TEST(mallory.Get("/_user/Mallory").body.find("victim@example.org is not confirmed") !=
             std::string::npos);
  // Another account has a limit of its own.
  Browser other(wiki);
  BOOST_REQUIRE(other.SignUp("Honest", "a long password", "honest@example.org").status == 303);
  BOOST_TEST(other.Post("/_user/Honest/_confirm-email", {}).status == 200);
}

// Past kMaxWatchedPages watched pages, the watchlist shows the changes
// of those changed most recently and says so; at the cap, it says
// nothing. The pages are planted in the database (1,001 saves through the
// wiki would cost the suite half a minute): the watchlist reads only the
// rows planted here.
BOOST_AUTO_TEST_CASE(a_watchlist_past_its_cap_says_what_it_shows) {
  TestWiki& wiki = Shared().wiki;
  Browser reader(wiki);
  BOOST_REQUIRE(reader.SignUp("Capped", "a long password", "").status == 303);
  const std::string account =
      std::to_string(wiki.Scalar("SELECT id FROM account WHERE name = 'Capped'"));
  const int cap = WatchStore::kMaxWatchedPages;
  wiki.Exec("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < " +
            std::to_string(cap + 1) +
            ") INSERT INTO page (name, name_key, latest_rev)"
            " SELECT 'Capped watch ' || i, 'capped watch ' || i, 1 FROM n");
  wiki.Exec("INSERT INTO revision (page_id, rev, author, created_at, summary, text, size,"
            " size_change) SELECT id, 1, 'planted', 1700000000, 'planted', 'x', 1, 1"
            " FROM page WHERE name LIKE 'Capped watch %' ORDER BY id");
  wiki.Exec("INSERT INTO watch (account_id, page_id) SELECT " + account +
            ", id FROM page WHERE name LIKE 'Capped watch %'");
  const std::string notice =
      "You watch more than " + std::to_string(cap) + " pages: this list shows the changes of the " +
      std::to_string(cap) + " of them changed most recently.";
  HttpResponse capped = reader.Get("/_watchlist");
  BOOST_TEST(capped.status == 200);
  BOOST_TEST(capped.body.find(notice) != std::string::npos);
  // The newest change is listed; the page changed longest ago is past the cap.
  BOOST_TEST(capped.body.find("Capped watch " + std::to_string(cap + 1)) != std::string::npos);
  wiki.Exec("DELETE FROM watch WHERE account_id = " + account +
            " AND page_id = (SELECT id FROM page WHERE name = 'Capped watch 1')");
  HttpResponse at_cap = reader.Get("/_watchlist");
  BOOST_TEST(at_cap.status == 200);
  BOOST_TEST(at_cap.body.find("You watch more than") == std::string::npos);
}

}  // namespace
}  // namespace wikid::testing
