// The admins' mail end to end: events through nginx and wikid, the outbox
// in SQLite, the mailer process, and a real SMTP server (aiosmtpd) on
// 127.0.0.1 (E1-E4 of the reliability matrix).
#define BOOST_TEST_MODULE mail_http
#include <fcntl.h>
#include <signal.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <boost/test/unit_test.hpp>
#include <chrono>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <thread>

#include "model/mail/smtp.h"
#include "tests/support/smtp_sink.h"
#include "tests/support/temp_dir.h"
#include "tests/support/test_wiki.h"

namespace wikid::testing {
namespace {

using namespace std::chrono_literals;

// A wiki whose mail goes to `sink`, retried after 1 s, 2 s, 4 s...
TestWikiOptions MailingWiki(const SmtpSink& sink,
                            std::vector<std::string> more = {},
                            std::map<std::string, std::string> env = {}) {
  std::vector<std::string> args = {
      "--smtp-url",           sink.url(),
      "--public-url",         "https://wiki.example.org",
      "--mail-from",          "wiki@example.org",
      "--mail-retry-seconds", "1"};
  args.insert(args.end(), more.begin(), more.end());
  return TestWikiOptions{.workers = 2, .extra_args = args, .env = env};
}

// A mailer that leaves once idle for 300 ms (fcgi/mailer.h), so that a
// test can see it has nothing more to send: for Settled.
constexpr const char* kQuickIdleExit = "mailer_idle_exit_ms=300";

// `env` with kQuickIdleExit among its failpoints.
std::map<std::string, std::string> QuickIdleExit(std::map<std::string, std::string> env = {}) {
  std::string& failpoints = env["WIKID_FAILPOINTS"];
  failpoints += (failpoints.empty() ? "" : ",") + std::string(kQuickIdleExit);
  return env;
}

// Waits until nothing more will reach the sink: the outbox holds no
// message still to send (each was marked sent, after the server took it,
// or failed), and then the mailer left, idle, having found nothing more to
// send (QuickIdleExit). A condition, not a guess at how long mail takes: a
// mailer that kept sending never leaves, and the wait fails.
bool Settled(const TestWiki& wiki) {
  return WaitUntil(
      [&] {
        return wiki.Scalar("SELECT count(*) FROM outbox WHERE state = 'queued'") == 0 &&
               wiki.MailerPid() == 0;
      },
      120s);
}

std::multiset<std::string> Recipients(const std::vector<SunkMail>& mail) {
  std::multiset<std::string> to;
  for (const SunkMail& m : mail) to.insert(m.Header("x-rcptto"));
  return to;
}

void SignUp(Browser& browser, const std::string& name) {
  BOOST_REQUIRE(
      browser.SignUp(name, "a long password", name + "@example.org").status ==
      303);
}

BOOST_AUTO_TEST_CASE(a_signup_mails_each_admin_once_with_proper_headers) {
  SmtpSink sink;
  TestWiki wiki{MailingWiki(sink, {}, QuickIdleExit())};
  wiki.CreateUser("Boss", "boss password",
                  /*admin=*/true);  // no address: no mail
  wiki.CreateUser("Chief", "chief password", /*admin=*/true,
                  "chief@example.org");
  wiki.CreateUser("Deputy", "deputy password", /*admin=*/true,
                  "deputy@example.org");
  Browser newcomer(wiki);
  SignUp(newcomer, "Newcomer");
  sink.WaitFor(2, 120);
  BOOST_REQUIRE(Settled(wiki));  // and nothing more comes
  auto mail = sink.Messages();
  BOOST_REQUIRE(mail.size() == 2u);
  BOOST_TEST(
      (Recipients(mail) ==
       std::multiset<std::string>{"chief@example.org", "deputy@example.org"}));
  std::set<std::string> ids;
  for (const SunkMail& m : mail) {
    ids.insert(m.Header("message-id"));
    BOOST_TEST(m.Header("from") == "wikid <wiki@example.org>");
    BOOST_TEST(m.Header("to") == "<" + m.Header("x-rcptto") + ">");
    BOOST_TEST(m.Header("subject") == "[wikid] New account: Newcomer");
    BOOST_TEST(std::regex_match(
        m.Header("date"),
        std::regex(
            R"([A-Z][a-z]{2}, \d\d [A-Z][a-z]{2} \d{4} \d\d:\d\d:\d\d \+0000)")));
    BOOST_TEST(
        std::regex_match(m.Header("message-id"),
                         std::regex(R"(<[0-9a-f]{32}\.wikid@example\.org>)")));
    BOOST_TEST(m.Header("mime-version") == "1.0");
    BOOST_TEST(m.Header("content-type") == "text/plain; charset=utf-8");
    BOOST_TEST(m.Header("x-mailfrom") == "wiki@example.org");
    BOOST_TEST(m.body.find("Account:  Newcomer") != std::string::npos);
    BOOST_TEST(m.body.find("Email:    Newcomer@example.org") !=
               std::string::npos);
    BOOST_TEST(m.body.find("https://wiki.example.org/_user/Newcomer") !=
               std::string::npos);
  }
  BOOST_TEST(ids.size() == 2u);
  // The mailer marks a message sent after the server took it.
  BOOST_TEST(wiki.Scalar("SELECT count(*) FROM outbox WHERE state = 'sent'") ==
             2);
}

BOOST_AUTO_TEST_CASE(a_new_page_and_a_watched_edit_mail_the_admins_with_links) {
  SmtpSink sink;
  TestWiki wiki{
      MailingWiki(sink, {"--admin-emails", "ops@example.org", "--mail-events",
                         "page-created,watched-edit"}, QuickIdleExit())};
  Browser writer(wiki);
  SignUp(writer, "Writer");  // no mail: signups are not asked for here
  BOOST_REQUIRE(
      writer.Save("Caf%C3%A9_page", 0, "one", "first . summary").status == 303);
  BOOST_REQUIRE(writer.Save("Caf%C3%A9_page", 1, "two", "").status == 303);
  sink.WaitFor(2, 120);
  BOOST_REQUIRE(Settled(wiki));
  auto mail = sink.Messages();
  BOOST_REQUIRE(mail.size() == 2u);
  std::map<std::string, const SunkMail*> by_subject;
  for (const SunkMail& m : mail)
    by_subject[DecodeHeader(m.Header("subject"))] = &m;
  const SunkMail* created =
      by_subject["[wikid] New page: Caf\xc3\xa9 page (by Writer)"];
  const SunkMail* edited =
      by_subject["[wikid] Edited: Caf\xc3\xa9 page (by Writer)"];
  BOOST_REQUIRE(created != nullptr);
  BOOST_REQUIRE(edited != nullptr);
  // Non-ASCII subjects travel as RFC 2047 encoded-words.
  BOOST_TEST(created->Header("subject").starts_with("=?UTF-8?B?"));
  BOOST_TEST(created->body.find(
                 "By:       Writer (https://wiki.example.org/_user/Writer)") !=
             std::string::npos);
  BOOST_TEST(created->body.find("Summary:  first . summary") !=
             std::string::npos);
  BOOST_TEST(
      created->body.find("https://wiki.example.org/Caf%C3%A9_page?rev=1") !=
      std::string::npos);
  BOOST_TEST(
      edited->body.find("https://wiki.example.org/_history/Caf%C3%A9_page") !=
      std::string::npos);
  BOOST_TEST(edited->body.find("younger than 7 days") != std::string::npos);
  BOOST_TEST(created->Header("x-rcptto") == "ops@example.org");
}

// E1: what users type cannot add a header or a recipient; a bad address
// is refused when wikid starts.
BOOST_AUTO_TEST_CASE(e1_typed_text_cannot_inject_headers_or_recipients) {
  SmtpSink sink;
  TestWiki wiki{MailingWiki(sink, {"--admin-emails", "ops@example.org"}, QuickIdleExit())};
  Browser writer(wiki);
  SignUp(writer, "Injector");
  // CR and LF never get into a summary, a page name or a user name.
  BOOST_TEST(writer.Save("Inject", 0, "x", "ok\r\nBcc: x@evil.test").status ==
             400);
  BOOST_TEST(writer.Save("Inject%0D%0ABcc:%20x@evil.test", 0, "x", "").status ==
             400);
  BOOST_TEST(
      Browser(wiki).SignUp("a\r\nBcc: x@evil.test", "a long password").status ==
      400);
  BOOST_REQUIRE(writer.Save("%C3%9Cber_dots", 0, ".\n.\nbody", ".").status ==
                303);
  sink.WaitFor(2, 120);
  BOOST_REQUIRE(Settled(wiki));
  auto mail = sink.Messages();
  BOOST_TEST(mail.size() == 2u);  // the signup and the page, to ops only
  for (const SunkMail& m : mail) {
    BOOST_TEST(m.Header("x-rcptto") == "ops@example.org");
    BOOST_TEST(m.headers.count("bcc") == 0u);
    BOOST_TEST(m.raw.find("evil.test") == std::string::npos);
  }
  // An admin address that tries to add a recipient stops wikid at start.
  std::string bad = std::string(WIKID_BINARY) +
                    " serve --socket /nonexistent/s --admin-emails "
                    "'a@example.org>\r\nRCPT TO:<x@evil.test>' 2>&1";
  FILE* out = popen(bad.c_str(), "r");
  char text[512] = "";
  size_t n = fread(text, 1, sizeof text - 1, out);
  text[n] = '\0';
  BOOST_TEST(WEXITSTATUS(pclose(out)) != 0);
  BOOST_TEST(std::string(text).find("--admin-emails") != std::string::npos,
             text);
}

// The SMTP layer itself: a body with lone dots arrives whole, with CRLF.
BOOST_AUTO_TEST_CASE(e1_lone_dots_and_bare_line_feeds_arrive_intact) {
  SmtpSink sink;
  CurlSmtp smtp(SmtpSettings{.url = sink.url(), .timeout_ms = 5000});
  MailMessage message{.message_id = "<dots@example.org>",
                      .from = "wiki@example.org",
                      .to = "ops@example.org",
                      .subject = "dots",
                      .body = "first\n.\nafter a lone dot\n..two dots\nlast",
                      .date = 1700000000};
  BOOST_REQUIRE(smtp.Send(message).ok());
  message.to = "ops@example.org>\r\nRCPT TO:<x@evil.test";
  BOOST_TEST(smtp.Send(message).IsInvalid());  // refused before curl sees it
  auto mail = sink.WaitFor(1, 120);
  BOOST_REQUIRE(mail.size() == 1u);
  BOOST_TEST(mail[0].body == "first\n.\nafter a lone dot\n..two dots\nlast\n");
}

// The server's options: STARTTLS required and a login, TLS from the start
// (smtps://), and a wrong password, which is an error the outbox keeps.
BOOST_AUTO_TEST_CASE(starttls_smtps_and_login_are_spoken) {
  using Tls = SmtpSinkOptions::Tls;
  SmtpSink starttls(
      {.tls = Tls::kStartTls, .user = "mailer", .password = "s3cret"});
  SmtpSink smtps({.tls = Tls::kSmtps});
  MailMessage message{.message_id = "<tls@example.org>",
                      .from = "wiki@example.org",
                      .to = "ops@example.org",
                      .subject = "over TLS",
                      .body = "hello",
                      .date = 1700000000};
  SmtpSettings settings{.url = starttls.url(),
                        .starttls = true,
                        .user = "mailer",
                        .password = "s3cret",
                        .ca_file = starttls.ca_file(),
                        .timeout_ms = 5000};
  BOOST_TEST(CurlSmtp(settings).Send(message).ok());
  // Without STARTTLS the server refuses (it requires it), and so it does
  // a wrong password: either way an error, not a silent loss.
  SmtpSettings plain = settings;
  plain.starttls = false;
  BOOST_TEST(!CurlSmtp(plain).Send(message).ok());
  SmtpSettings wrong = settings;
  wrong.password = "guess";
  Status refused = CurlSmtp(wrong).Send(message);
  BOOST_TEST(!refused.ok());
  // Refused by the server (535), not given up on after the timeout.
  BOOST_TEST(refused.message().find("Login denied") != std::string::npos,
             refused.message());
  BOOST_TEST(refused.message().find("guess") ==
             std::string::npos);  // never shown
  BOOST_TEST(starttls.WaitFor(1, 120).size() == 1u);
  BOOST_TEST(CurlSmtp(SmtpSettings{.url = smtps.url(),
                                   .ca_file = smtps.ca_file(),
                                   .timeout_ms = 5000})
                 .Send(message)
                 .ok());
  BOOST_TEST(smtps.WaitFor(1, 120).size() == 1u);
  // And through a wiki configured for it.
  TestWiki wiki{MailingWiki(
      starttls,
      {"--smtp-starttls", "--smtp-user", "mailer", "--smtp-password", "s3cret",
       "--smtp-ca-file", starttls.ca_file(), "--admin-emails",
       "ops@example.org", "--mail-events", "page-created"})};
  BOOST_REQUIRE(wiki.Save("Over_Tls", 0, "text").status == 303);
  BOOST_TEST(starttls.WaitFor(2, 120).size() == 2u);
  BOOST_TEST(wiki.WikidLog().find("s3cret") == std::string::npos);
}

// E2: with the SMTP server down, mail waits, is retried on the configured
// schedule, and is delivered exactly once when the server is back.
BOOST_AUTO_TEST_CASE(e2_mail_waits_for_a_dead_server_and_is_delivered_once) {
  SmtpSink sink;
  sink.Stop();
  TestWiki wiki{
      MailingWiki(sink,
                  {"--admin-emails", "ops@example.org", "--mail-events",
                   "page-created"},
                  QuickIdleExit()),
  };
  for (int i = 0; i < 20; ++i) {
    BOOST_REQUIRE(wiki.Save("Queued_" + std::to_string(i), 0, "text").status ==
                  303);
  }
  // Every message tried twice while the server is down, and still queued.
  BOOST_REQUIRE(wiki.WaitForScalar("SELECT min(attempts) FROM outbox", 2));
  BOOST_TEST(
      wiki.Scalar("SELECT count(*) FROM outbox WHERE state = 'queued'") == 20);
  sink.Start();
  sink.WaitFor(20, 120);
  BOOST_REQUIRE(Settled(wiki));  // and nothing more comes
  auto mail = sink.Messages();
  std::set<std::string> ids;
  for (const SunkMail& m : mail) ids.insert(m.Header("message-id"));
  BOOST_TEST(mail.size() == 20u);
  BOOST_TEST(ids.size() == 20u);
  BOOST_TEST(wiki.Scalar("SELECT count(*) FROM outbox WHERE state = 'sent'") ==
             20);
  // The schedule: each failed attempt waited at least 1, 2, 4... seconds
  // after the one before (whole seconds, so one second's slack).
  // In the order they were made: rowid on SQLite, ctid on PostgreSQL (the
  // table is only ever inserted into).
  const std::string order = wiki.engine() == Engine::kSqlite ? "rowid" : "ctid";
  int64_t last_id = 0, last_at = 0, failures = 0, checked = 0;
  for (const std::string& row : wiki.database().Column(
           "SELECT CAST(outbox_id AS TEXT) || ' ' || CAST(at AS TEXT) || ' ' || "
           "CASE WHEN error = '' THEN '0' ELSE '1' END FROM outbox_attempt "
           "ORDER BY outbox_id, at, " + order)) {
    int64_t id = 0, at = 0, failed = 0;
    std::istringstream(row) >> id >> at >> failed;
    if (id != last_id) {
      failures = 0;
    } else {
      int64_t wanted = int64_t{1} << (failures - 1);
      BOOST_TEST(at - last_at >= wanted - 1,
                 "message " << id << " attempt " << failures + 1);
      ++checked;
    }
    if (failed) ++failures;
    last_id = id;
    last_at = at;
  }
  BOOST_TEST(checked >= 40);
}

// E3: the mailer killed with SIGKILL in the middle of the queue, between
// the server's answer and its mark (held there by a failpoint), is
// restarted, and the new one delivers the rest: nothing lost, and the one
// message whose mark died sent twice, once its claim ran out (2 s here).
BOOST_AUTO_TEST_CASE(e3_a_killed_mailer_is_restarted_and_loses_nothing) {
  SmtpSink sink;
  HeldFailpoints held;
  auto env = held.Env("mailer_after_send_before_mark");
  env["WIKID_FAILPOINTS"] += ",mailer_claim_seconds=2";
  TestWiki wiki{MailingWiki(sink,
                            {"--admin-emails", "ops@example.org,ops2@example.org",
                             "--mail-events", "page-created"},
                            QuickIdleExit(env))};
  for (int i = 0; i < 25; ++i) {
    BOOST_REQUIRE(wiki.Save("Many_" + std::to_string(i), 0, "text").status ==
                  303);
  }
  // The first send is held, taken by the server and not marked.
  BOOST_REQUIRE(WaitUntil(
      [&] { return wiki.LogCount("failpoint mailer_after_send_before_mark") > 0; }, 120s));
  pid_t mailer = wiki.MailerPid();
  BOOST_REQUIRE(mailer > 0);
  BOOST_REQUIRE(kill(mailer, SIGKILL) == 0);
  held.Release("mailer_after_send_before_mark");  // the next mailer's sends go on
  sink.WaitFor(51, 120);
  BOOST_REQUIRE(Settled(wiki));  // and nothing more comes
  auto mail = sink.Messages();
  std::map<std::string, int> copies;
  for (const SunkMail& m : mail) ++copies[m.Header("message-id")];
  int duplicates = 0;
  for (const auto& [id, n] : copies) duplicates += n - 1;
  BOOST_TEST(copies.size() == 50u);
  BOOST_TEST(duplicates == 1);
  BOOST_TEST(wiki.Scalar("SELECT count(*) FROM outbox WHERE state = 'sent'") == 50);
  // Each was marked by the mailer the master started after the kill.
  BOOST_TEST(wiki.Scalar("SELECT count(*) FROM outbox_attempt WHERE mailer LIKE '%:" +
                         std::to_string(mailer) + "'") == 0);
  BOOST_TEST(wiki.WikidLog().find("mailer killed by signal 9") !=
             std::string::npos);
}

// E4: an event whose transaction fails leaves no mail behind.
BOOST_AUTO_TEST_CASE(e4_a_failed_transaction_leaves_no_mail) {
  SmtpSink sink;
  TestWiki wiki{MailingWiki(
      sink, {"--admin-emails", "ops@example.org", "--edit-policy", "anyone"},
      QuickIdleExit({{"WIKID_FAILPOINTS", "event_txn_fail=1"}}))};
  HttpResponse signup = Browser(wiki).SignUp("Doomed", "a long password");
  BOOST_TEST(signup.status == 500);
  BOOST_TEST(signup.body.find("value=\"Doomed\"") !=
             std::string::npos);  // kept
  HttpResponse save = Browser(wiki).Save("Doomed_Page", 0, "typed text");
  BOOST_TEST(save.status == 500);
  BOOST_TEST(save.body.find("typed text") != std::string::npos);
  BOOST_REQUIRE(Settled(wiki));
  BOOST_TEST(wiki.Scalar("SELECT count(*) FROM outbox") == 0);
  BOOST_TEST(wiki.Scalar("SELECT count(*) FROM account") == 0);
  BOOST_TEST(wiki.Scalar("SELECT count(*) FROM revision") == 0);
  BOOST_TEST(sink.Messages().empty());
}

// Two wikids on one database (two hosts, issue 17), each with its own
// mailer, and the SMTP server down while 50 messages queue up: once it is
// back, both mailers send, and every message arrives exactly once (each
// mailer claims a message before sending it, model/store/outbox.h). Each
// send is slowed down, so the two mailers are at work at the same time.
BOOST_AUTO_TEST_CASE(two_mailers_deliver_each_message_exactly_once) {
  SmtpSink sink;
  sink.Stop();
  const std::vector<std::string> args = {"--admin-emails", "ops@example.org", "--mail-events",
                                         "page-created", "--edit-policy", "anyone"};
  const std::map<std::string, std::string> slow = {
      {"WIKID_FAILPOINTS", "mailer_after_send_before_mark=40"}};
  TestWiki first{MailingWiki(sink, args, slow)};
  TestWikiOptions second_options = MailingWiki(sink, args, slow);
  second_options.data_dir = first.data_dir();
  second_options.database_url = first.database().url();
  TestWiki second{second_options};
  Browser on_first(first), on_second(second);
  for (int i = 0; i < 50; ++i) {
    Browser& author = i % 2 == 0 ? on_first : on_second;
    BOOST_REQUIRE(author.Save("Queued_" + std::to_string(i), 0, "text").status == 303);
  }
  // Every message tried (and failed) at least once before the server is back.
  for (int i = 0; i < 600 && first.Scalar("SELECT count(DISTINCT outbox_id) FROM outbox_attempt") < 50;
       ++i) {
    std::this_thread::sleep_for(50ms);  // a poll, under the bound of the loop
  }
  BOOST_REQUIRE(first.Scalar("SELECT count(DISTINCT outbox_id) FROM outbox_attempt") == 50);
  sink.Start();
  for (int i = 0; i < 1200 && first.Scalar("SELECT count(*) FROM outbox WHERE state = 'sent'") < 50;
       ++i) {
    std::this_thread::sleep_for(50ms);  // a poll, under the bound of the loop
  }
  BOOST_REQUIRE(first.Scalar("SELECT count(*) FROM outbox WHERE state = 'sent'") == 50);
  std::vector<SunkMail> mail = sink.WaitFor(50, 120);
  std::multiset<std::string> ids;
  for (const SunkMail& m : mail) ids.insert(m.Header("message-id"));
  BOOST_TEST(mail.size() == 50u);
  BOOST_TEST(std::set<std::string>(ids.begin(), ids.end()).size() == 50u);
  // Both mailers were at work (each host's saves woke its own).
  BOOST_TEST(first.Scalar("SELECT count(DISTINCT mailer) FROM outbox_attempt") == 2);
}

// Mail another host queued and did not live to send (issue 17): this
// host's mailer had left, idle, but looks at the outbox again now and then
// (every 4 minutes; 400 ms here), finds it and sends it.
BOOST_AUTO_TEST_CASE(an_idle_host_sends_the_mail_a_stopped_host_left) {
  SmtpSink sink;
  sink.Stop();
  TestDatabase shared;
  const std::vector<std::string> args = {"--admin-emails", "ops@example.org", "--mail-events",
                                         "page-created", "--edit-policy", "anyone"};
  auto host = [&](std::map<std::string, std::string> env) {
    TestWikiOptions options = MailingWiki(sink, args, std::move(env));
    options.database_url = shared.url();
    return options;
  };
  TestWiki idle{host({{"WIKID_FAILPOINTS", "mailer_idle_exit_ms=300,mailer_recheck_ms=400"}})};
  for (int i = 0; i < 1200 && idle.MailerPid() != 0; ++i) {
    std::this_thread::sleep_for(50ms);  // a poll, under the bound of the loop (60 s)
  }
  BOOST_REQUIRE(idle.MailerPid() == 0);
  {
    TestWiki leaving{host({})};
    BOOST_REQUIRE(leaving.Save("Left_Behind", 0, "text").status == 303);
    // Its mailer tried (the server is down) before the host went away.
    BOOST_REQUIRE(leaving.WaitForScalar("SELECT count(*) FROM outbox_attempt", 1));
    BOOST_REQUIRE(leaving.StopWikid(60s) == 0);
  }
  sink.Start();
  auto mail = sink.WaitFor(1, 120);
  BOOST_REQUIRE(mail.size() == 1u);
  BOOST_TEST(mail[0].Header("subject").find("Left Behind") != std::string::npos);
}

// An idle wiki has no mailer at all; queued mail starts one on demand.
BOOST_AUTO_TEST_CASE(the_mailer_leaves_when_idle_and_comes_back_for_new_mail) {
  SmtpSink sink;
  TestWiki wiki{MailingWiki(
      sink,
      {"--admin-emails", "ops@example.org", "--mail-events", "page-created"},
      {{"WIKID_FAILPOINTS", "mailer_idle_exit_ms=300"}})};
  for (int i = 0; i < 1200 && wiki.MailerPid() != 0; ++i)
    std::this_thread::sleep_for(50ms);  // a poll, under the bound of the loop (60 s)
  BOOST_REQUIRE(wiki.MailerPid() == 0);
  BOOST_REQUIRE(wiki.Save("Wakes_The_Mailer", 0, "text").status == 303);
  BOOST_TEST(sink.WaitFor(1, 120).size() == 1u);
  // It left as asked, not by dying: nothing in the log says otherwise.
  BOOST_TEST(wiki.WikidLog().find("mailer exited") == std::string::npos);
  BOOST_TEST(wiki.WikidLog().find("mailer killed") == std::string::npos);
}

// The mailer costs nothing while the outbox is empty, and admins see the
// outbox and retry a failed message.
BOOST_AUTO_TEST_CASE(the_outbox_page_lists_mail_and_retries_a_failed_one) {
  SmtpSink sink;
  sink.Stop();
  TestWiki wiki{
      MailingWiki(sink, {"--admin-emails", "ops@example.org", "--mail-events",
                         "page-created", "--mail-max-attempts", "1"})};
  // Idle: no CPU to speak of and no wake-ups over two seconds (clock ticks
  // of 10 ms; the idle wait is 5 s), measured once the mailer has started
  // and sleeps in poll(), so its start-up on a slow machine is not counted.
  BOOST_REQUIRE(wiki.MailerPid() > 0);
  const std::string proc = "/proc/" + std::to_string(wiki.MailerPid());
  auto ticks = [&] {
    std::ifstream stat(proc + "/stat");
    std::string field;
    for (int i = 0; i < 13; ++i) stat >> field;
    int64_t utime = 0, stime = 0;
    stat >> utime >> stime;
    return utime + stime;
  };
  auto sleeps = [&] {  // blocking waits so far (a busy loop has none)
    std::ifstream status(proc + "/status");
    for (std::string line; std::getline(status, line);) {
      if (line.starts_with("voluntary_ctxt_switches:")) {
        return static_cast<int64_t>(std::stoll(line.substr(24)));
      }
    }
    return int64_t{-1};
  };
  // In its idle wait: poll() on its two descriptors (the wake-up counter
  // and the signal pipe). Its database connection waits in poll() too, on
  // one descriptor, so "asleep in poll" alone would also match a start-up
  // query of a slow PostgreSQL start (74 wake-ups counted once).
  auto in_idle_wait = [&] {
    const std::vector<std::string> call = BlockedIn(wiki.MailerPid());
    return call.size() > 2 &&
           (call[0] == std::to_string(SYS_poll) || call[0] == std::to_string(SYS_ppoll)) &&
           call[2] == "0x2";
  };
  BOOST_REQUIRE(WaitUntil(in_idle_wait, 60s));
  int64_t ticks_before = ticks(), sleeps_before = sleeps();
  std::this_thread::sleep_for(2s);  // the window measured, not a wait
  BOOST_TEST(ticks() - ticks_before <= 2);
  BOOST_TEST(sleeps() - sleeps_before <= 2);
  BOOST_REQUIRE(wiki.Save("Lost_Mail", 0, "text").status == 303);
  BOOST_REQUIRE(wiki.WaitForScalar("SELECT count(*) FROM outbox WHERE state = 'failed'", 1));
  wiki.CreateUser("Postmaster", "admin password", /*admin=*/true);
  Browser admin(wiki);
  BOOST_REQUIRE(admin.LogIn("Postmaster", "admin password").status == 303);
  HttpResponse list = admin.Get("/_admin/mail");
  BOOST_TEST(list.status == 200);
  BOOST_TEST(list.body.find("New page: Lost_Mail") ==
             std::string::npos);  // title has a space
  BOOST_TEST(list.body.find("New page: Lost Mail") != std::string::npos);
  BOOST_TEST(list.body.find(">failed<") != std::string::npos);
  // A mail server was named (--smtp-url): no "not configured" notice.
  BOOST_TEST(list.body.find("Mail is not configured") == std::string::npos);
  BOOST_TEST(list.body.find("Couldn") !=
             std::string::npos);  // curl's "Couldn't connect"
  BOOST_TEST(Browser(wiki).Get("/_admin/mail").status == 303);  // admins only
  std::smatch retry;
  BOOST_REQUIRE(std::regex_search(
      list.body, retry, std::regex("action=\"(/_admin/mail/\\d+/retry)\"")));
  BOOST_TEST(admin.PostWithoutToken(retry[1], {}).status == 403);
  sink.Start();
  BOOST_TEST(admin.Post(retry[1], {}).status == 303);
  BOOST_TEST(admin.Get("/_admin/mail").body.find("queued again") != std::string::npos);
  BOOST_TEST(sink.WaitFor(1, 120).size() == 1u);
}

}  // namespace
}  // namespace wikid::testing
