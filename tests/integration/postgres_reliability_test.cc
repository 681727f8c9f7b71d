// PostgreSQL's failures under load, through nginx (issue 18; what SQLite's
// disk and file cases in reliability_test stand for on this engine):
//   - the server restarted (a fast shutdown) and killed (an immediate
//     shutdown, as a crash, with a save held inside its transaction)
//     while writers save: every acknowledged save is there afterwards,
//     all of it; requests meanwhile get 503 with Retry-After and the text
//     kept; the workers reconnect by themselves;
//   - a worker's connection ended inside a save's transaction
//     (pg_terminate_backend): that save answers 503, nothing of it is
//     written, and the next request works;
//   - one connection per worker and one for the mailer, no more after many
//     requests or after reconnecting;
//   - a save stuck behind another's lock is cancelled by the statement
//     timeout (503, the text kept) instead of holding its worker.
// The cases that stop the server have one of their own; the others share
// the suite's (tests/support/postgres_server.h).
#define BOOST_TEST_MODULE postgres_reliability
#include <boost/test/unit_test.hpp>

#include <signal.h>

#include <atomic>
#include <chrono>
#include <future>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "model/store/postgres/pg_connection.h"
#include "tests/support/postgres_server.h"
#include "tests/support/test_wiki.h"

namespace wikid::testing {
namespace {

using namespace std::chrono_literals;

// A 503 as the edit form answers it: when to come back, and the text.
void CheckRefusedKeepingText(const HttpResponse& r, const std::string& text) {
  BOOST_TEST(r.status == 503);
  BOOST_TEST(!r.Header("retry-after").empty());
  BOOST_TEST(TextareaText(r.body) == text);
}

// Saves of new pages by a few writers at once, each retried until it is
// acknowledged (303) or found made by an attempt that was not (409: the
// page exists). Every answer is one of those or a 503 that keeps the text.
class Writers {
 public:
  // Pages PREFIX_W_I, for writer W's save I.
  Writers(TestWiki& wiki, int writers, int saves, std::string prefix = "Load")
      : prefix_(std::move(prefix)) {
    for (int w = 0; w < writers; ++w) {
      threads_.emplace_back([this, &wiki, w, saves] {
        for (int i = 0; i < saves; ++i) Write(wiki, w, i);
      });
    }
  }
  ~Writers() { Join(); }
  void Join() {
    for (auto& t : threads_) {
      if (t.joinable()) t.join();
    }
  }
  int acknowledged() const { return acknowledged_count_; }

  // Page names and texts acknowledged, and those made by an attempt that
  // was not; answers that were none of 303, 409 or a 503 keeping the text.
  std::mutex mutex;
  std::vector<std::pair<std::string, std::string>> acknowledged_pages, unconfirmed_pages;
  std::vector<std::string> wrong_answers;
  std::atomic<int> refusals = 0;  // 503s
  // Odd while the test stops and starts the server; even once it accepts
  // connections again (Restart returns when a connection check has
  // succeeded). A save sent and answered within one even generation met
  // a server that was up all along: a 503 then is refused_while_up.
  std::atomic<int> generation = 0;
  std::vector<std::string> refused_while_up;

 private:
  void Write(TestWiki& wiki, int w, int i) {
    const std::string suffix = std::to_string(w) + " " + std::to_string(i);
    const std::string name = prefix_ + " " + suffix;
    // A link, so a half-written save would show as a revision without it.
    const std::string text = "Saved under load, " + suffix + ", see [[Target " + suffix + "]]";
    const auto deadline = std::chrono::steady_clock::now() + 180s;
    while (std::chrono::steady_clock::now() < deadline) {
      const int sent_in = generation;
      HttpResponse r =
          wiki.Save(prefix_ + "_" + std::to_string(w) + "_" + std::to_string(i), 0, text);
      const bool up_throughout = sent_in % 2 == 0 && generation == sent_in;
      auto note_if_up = [&] {  // under the lock
        if (r.status == 503 && up_throughout) {
          refused_while_up.push_back(name + " (worker " + r.Header("x-wikid-worker") +
                                     "): " + r.body.substr(0, 300));
        }
      };
      if (r.status == 503 && !r.Header("retry-after").empty() && TextareaText(r.body) == text) {
        ++refusals;
        {
          std::lock_guard lock(mutex);
          note_if_up();
        }
        // A pause between retries, as a person would take, not a wait for
        // anything: the loop ends on a 303 or the deadline above, however
        // long the outage lasts. Outside the lock, so the other writers
        // keep trying meanwhile.
        std::this_thread::sleep_for(10ms);
        continue;
      }
      std::lock_guard lock(mutex);
      note_if_up();
      if (r.status == 303) {
        acknowledged_pages.emplace_back(name, text);
        ++acknowledged_count_;
        return;
      }
      if (r.status == 409) {  // an earlier attempt was stored, unconfirmed
        unconfirmed_pages.emplace_back(name, text);
        return;
      }
      wrong_answers.push_back(name + ": " + std::to_string(r.status) + " " +
                              r.body.substr(0, 300));
      return;
    }
    std::lock_guard lock(mutex);
    wrong_answers.push_back(name + ": never saved");
  }

  const std::string prefix_;
  std::atomic<int> acknowledged_count_ = 0;
  std::vector<std::thread> threads_;
};

// Every revision whole, when every text links somewhere: its links and its
// page's search entry there, its size its text's.
void CheckNothingHalfWritten(const TestWiki& wiki) {
  BOOST_TEST(wiki.Scalar("SELECT count(*) FROM revision r WHERE NOT EXISTS "
                         "(SELECT 1 FROM revision_link l WHERE l.revision_id = r.id)") == 0);
  BOOST_TEST(wiki.Scalar("SELECT count(*) FROM page p WHERE NOT EXISTS "
                         "(SELECT 1 FROM page_search s WHERE s.page_id = p.id)") == 0);
  BOOST_TEST(wiki.Scalar("SELECT count(*) FROM page p WHERE NOT EXISTS "
                         "(SELECT 1 FROM page_link l WHERE l.source_id = p.id)") == 0);
  BOOST_TEST(wiki.Scalar("SELECT count(*) FROM revision WHERE size <> octet_length(text)") == 0);
}

// The server restarted by its operator while three writers save, then
// killed while a save is inside its transaction: nothing acknowledged is
// lost, nothing half-written is left, and the same workers carry on.
BOOST_AUTO_TEST_CASE(a_restart_and_a_crash_under_load_lose_nothing_acknowledged) {
  PostgresServer server;  // this case's own: it stops it twice
  HeldFailpoints held;
  held.Release("save_before_commit");  // saves go straight on until rearmed
  TestWiki wiki{TestWikiOptions{.database_url = server.CreateDatabase(),
                                .env = held.Env("save_before_commit")}};
  wiki.Editor();  // signed up while the server is there
  const std::vector<pid_t> before = wiki.WorkerPids();
  const std::set<pid_t> workers(before.begin(), before.end());
  constexpr int kWriters = 3, kSaves = 10;
  Writers writers(wiki, kWriters, kSaves);

  // The operator's restart (a fast shutdown), a few saves in.
  BOOST_REQUIRE(WaitUntil([&] { return writers.acknowledged() >= 3; }, 120s));
  ++writers.generation;
  server.Restart(PostgresServer::Shutdown::kFast, [&] {
    CheckRefusedKeepingText(wiki.Save("During_the_outage", 0, "typed while it was down"),
                            "typed while it was down");
  });
  ++writers.generation;
  // The restart is over: every worker notices its ended connection before
  // its next request's first statement and opens another, so no request
  // sent from now on is refused, each worker's first included (they were
  // all 503 when a dropped connection was noticed only by using it). Each
  // worker saves, and every save is acknowledged.
  const std::vector<pid_t> pids = wiki.WorkerPids();
  int round = 0;
  auto every_worker_saves = [&] {
    std::set<std::string> answered;  // workers that have saved since
    return WaitUntil(
        [&] {
          std::vector<std::future<HttpResponse>> saves;
          for (size_t c = 0; c < pids.size(); ++c) {
            const std::string page =
                "After_restart_" + std::to_string(round) + "_" + std::to_string(c);
            saves.push_back(std::async(std::launch::async, [&wiki, page] {
              return wiki.Save(page, 0, "back, see [[Target back]]");
            }));
          }
          ++round;
          for (auto& save : saves) {
            HttpResponse r = save.get();
            BOOST_TEST(r.status == 303, "after the restart: " << r.status << " from worker "
                                                              << r.Header("x-wikid-worker"));
            if (r.status == 303) answered.insert(r.Header("x-wikid-worker"));
          }
          return answered.size() == pids.size();
        },
        120s);
  };
  BOOST_REQUIRE(every_worker_saves());
  // The writers go on (unless they were done already: each worker's
  // saves above showed the same).
  const int after_restart = writers.acknowledged();
  BOOST_REQUIRE(WaitUntil(
      [&] { return writers.acknowledged() >= std::min(after_restart + 3, kWriters * kSaves); },
      120s));

  // A crash (the immediate shutdown) while a save is inside its
  // transaction, every row of it written, before its commit.
  // Released however this case ends, so no writer waits for ever.
  struct ReleaseAtEnd {
    HeldFailpoints& held;
    ~ReleaseAtEnd() { held.Release("save_before_commit"); }
  } release_at_end{held};
  held.Rearm("save_before_commit");
  // A save of its own, so that one is in its transaction whether or not
  // the writers are done by now.
  Writers crashed(wiki, 1, 1, "Crash");
  // Held there: a worker's connection idle inside a transaction that has
  // written.
  BOOST_REQUIRE(WaitUntil(
      [&] {
        return wiki.Scalar("SELECT count(*) FROM pg_stat_activity WHERE datname = "
                           "current_database() AND application_name = 'wikid worker' AND "
                           "state = 'idle in transaction' AND backend_xid IS NOT NULL") > 0;
      },
      120s));
  ++writers.generation;
  ++crashed.generation;
  server.Restart(PostgresServer::Shutdown::kImmediate,
                 [&] { held.Release("save_before_commit"); });
  ++writers.generation;
  ++crashed.generation;
  writers.Join();
  crashed.Join();

  std::scoped_lock lock(writers.mutex, crashed.mutex);
  for (const Writers* each : {&writers, &crashed}) {
    for (const std::string& wrong : each->wrong_answers) BOOST_ERROR(wrong);
    for (const std::string& refused : each->refused_while_up) {
      BOOST_ERROR("503 while the server was up: " << refused);
    }
  }
  BOOST_TEST(writers.acknowledged_pages.size() + writers.unconfirmed_pages.size() ==
             size_t{kWriters * kSaves});
  BOOST_TEST(crashed.acknowledged_pages.size() + crashed.unconfirmed_pages.size() == 1u);
  BOOST_TEST(writers.refusals + crashed.refusals > 0);  // the outages were met
  // Every save acknowledged is there, whole, and so is every one stored
  // without its acknowledgement; the outage's save is not.
  const std::vector<std::string> stored = wiki.database().Column(
      "SELECT p.name || '|' || r.text FROM page p JOIN revision r "
      "ON r.page_id = p.id AND r.rev = p.latest_rev");
  const std::set<std::string> stored_set(stored.begin(), stored.end());
  for (const auto* pages : {&writers.acknowledged_pages, &writers.unconfirmed_pages,
                            &crashed.acknowledged_pages, &crashed.unconfirmed_pages}) {
    for (const auto& [name, text] : *pages) {
      BOOST_TEST(stored_set.contains(name + "|" + text), name);
    }
  }
  const int64_t after_restart_pages = round * static_cast<int64_t>(pids.size());
  BOOST_TEST(wiki.Scalar("SELECT count(*) FROM page") ==
             kWriters * kSaves + 1 + after_restart_pages);
  BOOST_TEST(wiki.Scalar("SELECT count(*) FROM revision") ==
             kWriters * kSaves + 1 + after_restart_pages);
  CheckNothingHalfWritten(wiki);
  // A restart while no one asks (the writers are done): no worker learns
  // of its ended connection by failing a request.
  server.Restart(PostgresServer::Shutdown::kFast);
  BOOST_TEST(every_worker_saves());
  // The same workers throughout, their connections opened again.
  const std::vector<pid_t> after = wiki.WorkerPids();
  BOOST_TEST((std::set<pid_t>(after.begin(), after.end()) == workers));
  BOOST_TEST(wiki.Get("/Load_0_0").status == 200);
}

// A server that stops answering: every process of it stopped by PID
// (SIGSTOP), over TCP, while its host goes on acknowledging every packet,
// so that neither TCP nor the server's own statement timeout ends
// anything. Each worker gives up within the bound that follows from
// --statement-timeout-ms and answers 503 with Retry-After and the text
// kept; a commit sent and not answered is said to be unknown (it may be
// stored when the server wakes), and nothing half-written is left. First,
// a connection idle inside a transaction is ended by the server
// (idle_in_transaction_session_timeout), so the row lock it held does not
// stop the next save.
BOOST_AUTO_TEST_CASE(a_frozen_server_or_an_idle_transaction_holds_no_worker) {
  PostgresServer server;  // this case's own: it stops it
  HeldFailpoints held;
  held.Release("save_before_commit");
  TestWiki wiki{TestWikiOptions{.database_url = server.CreateDatabase(),
                                .extra_args = {"--statement-timeout-ms", "1500"},
                                .env = held.Env("save_before_commit")}};
  BOOST_REQUIRE(wiki.database().url().find("@127.0.0.1:") != std::string::npos);  // TCP
  wiki.Editor();
  BOOST_REQUIRE(wiki.Save("Frozen", 0, "one [[A]]").status == 303);
  // Released and thawed however this case ends, so no process waits for
  // ever.
  struct AtEnd {
    PostgresServer& server;
    HeldFailpoints& held;
    bool frozen = false;
    ~AtEnd() {
      if (frozen) server.SignalEveryProcess(SIGCONT);
      held.Release("save_before_commit");
    }
  } at_end{server, held};
  auto held_save = [&](int64_t base, const std::string& text) {
    held.Rearm("save_before_commit");
    const size_t before = wiki.LogCount("failpoint save_before_commit");
    auto save =
        std::async(std::launch::async, [&wiki, base, text] { return wiki.Save("Frozen", base, text); });
    BOOST_REQUIRE(
        WaitUntil([&] { return wiki.LogCount("failpoint save_before_commit") > before; }, 120s));
    return save;
  };
  auto answered = [](std::future<HttpResponse>& response) {
    return response.wait_for(120s) == std::future_status::ready;
  };

  // Idle in a transaction that has written, its page's locks taken: the
  // server ends the connection (after twice the statement timeout: 3 s),
  // and the locks go with it. Released, the save answers 503: nothing of
  // it was stored, which is sure, as its commit was never sent. The next
  // save of the page goes through.
  const std::string idle_text = "two [[B]]";
  auto idle = held_save(1, idle_text);
  BOOST_REQUIRE(WaitUntil(
      [&] {
        return wiki.Scalar("SELECT count(*) FROM pg_stat_activity WHERE datname = "
                           "current_database() AND application_name = 'wikid worker' AND "
                           "backend_xid IS NOT NULL") == 0;
      },
      120s));
  held.Release("save_before_commit");
  BOOST_REQUIRE(answered(idle));
  HttpResponse refused = idle.get();
  CheckRefusedKeepingText(refused, idle_text);
  BOOST_TEST(refused.body.find("nothing of it was stored") != std::string::npos);
  BOOST_TEST(wiki.Save("Frozen", 1, "two, by another [[B2]]").status == 303);

  // Frozen while a save is held before its commit: released, it sends
  // COMMIT, which no one answers. The worker gives up (the statement
  // timeout and a grace: 3.5 s here) and says what it knows: the change
  // may or may not have been stored. Never that it was not. (Frozen well
  // within the 3 s the held transaction may stay idle.)
  const std::string frozen_text = "three [[C]]";
  auto unconfirmed = held_save(2, frozen_text);
  server.SignalEveryProcess(SIGSTOP);
  at_end.frozen = true;
  held.Release("save_before_commit");
  BOOST_REQUIRE(answered(unconfirmed));
  HttpResponse unknown = unconfirmed.get();
  CheckRefusedKeepingText(unknown, frozen_text);
  BOOST_TEST(unknown.body.find("may or may not have been stored") != std::string::npos);
  BOOST_TEST(unknown.body.find("not saved") == std::string::npos);
  // Still frozen: every worker answers, a 503 that keeps the text (one
  // has an open connection that does not answer, the other opens one
  // that the server never completes: libpq's connect timeout).
  std::vector<std::future<HttpResponse>> during;
  for (int c = 0; c < 2; ++c) {
    during.push_back(std::async(std::launch::async, [&wiki, c] {
      return wiki.Save("Frozen_" + std::to_string(c), 0, "typed while frozen [[D]]");
    }));
  }
  for (auto& response : during) {
    BOOST_REQUIRE(answered(response));
    CheckRefusedKeepingText(response.get(), "typed while frozen [[D]]");
  }

  // Thawed: the next saves go through, and the unconfirmed one is there
  // whole or not at all (the server, waking, may commit it before it
  // finds its connection gone, or end it first as idle too long).
  server.SignalEveryProcess(SIGCONT);
  at_end.frozen = false;
  BOOST_REQUIRE(WaitUntil([&] { return wiki.Save("Thawed", 0, "back [[E]]").status == 303; },
                          120s));
  const int64_t latest = wiki.Scalar("SELECT latest_rev FROM page WHERE name = 'Frozen'");
  BOOST_TEST((latest == 2 || latest == 3));
  BOOST_TEST(wiki.Scalar("SELECT count(*) FROM revision r JOIN page p ON p.id = r.page_id "
                         "WHERE p.name = 'Frozen'") == latest);
  CheckNothingHalfWritten(wiki);
}

// One wiki on the suite's server for the cases below (which leave the
// server running): three workers and the mailer, a save held before its
// commit when a case rearms the failpoint, and a statement timeout short
// enough for a test to wait out.
constexpr int kWorkers = 3;
constexpr int kStatementTimeoutMs = 2000;

struct SharedWiki {
  SharedWiki() {
    held = new HeldFailpoints();
    held->Release("save_before_commit");
    // On PostgreSQL whatever WIKID_TEST_DATABASE says: the suite's server,
    // or by hand one of this process's own.
    wiki = new TestWiki(TestWikiOptions{
        .workers = kWorkers,
        .database_url = PostgresServer::Shared().CreateDatabase(),
        .extra_args = {"--statement-timeout-ms", std::to_string(kStatementTimeoutMs)},
        .env = held->Env("save_before_commit")});
    wiki->Editor();
  }
  ~SharedWiki() {
    delete wiki;
    delete held;
  }
  static inline TestWiki* wiki = nullptr;
  static inline HeldFailpoints* held = nullptr;
};

// The wiki's connections whose application_name is `name`.
int64_t Connections(const TestWiki& wiki, const std::string& name) {
  return wiki.Scalar(
      "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
      "AND application_name = '" + name + "'");
}

BOOST_AUTO_TEST_SUITE(on_the_suites_server, *boost::unit_test::fixture<SharedWiki>())

// One connection per worker, named for what holds it, and at most one for
// the mailer (which leaves when idle): no more after many requests, nor
// after every connection was ended and the workers opened new ones.
BOOST_AUTO_TEST_CASE(one_connection_per_worker_and_no_more) {
  TestWiki& wiki = *SharedWiki::wiki;
  auto counted = [&] {
    BOOST_TEST(Connections(wiki, "wikid worker") == kWorkers);
    BOOST_TEST(Connections(wiki, "wikid mailer") <= 1);
  };
  counted();
  // Many requests, on every worker at once: saves, views, lists, search.
  std::vector<std::future<int>> clients;
  for (int c = 0; c < kWorkers; ++c) {
    clients.push_back(std::async(std::launch::async, [&wiki, c] {
      int ok = 0;
      const std::string page = "Counted_" + std::to_string(c);
      for (int i = 0; i < 10; ++i) {
        ok += wiki.Save(page, i, "text " + std::to_string(i)).status == 303;
        ok += wiki.Get("/" + page).status == 200;
        ok += wiki.Get("/_recent").status == 200;
        ok += wiki.Get("/_search?q=text").status == 200;
      }
      return ok;
    }));
  }
  for (auto& client : clients) BOOST_TEST(client.get() == 40);
  counted();

  // Every worker's connection ended by the server (as after a failover):
  // each opens one new connection on its next request, and only one.
  BOOST_TEST(wiki.Scalar("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                         "WHERE datname = current_database() "
                         "AND application_name = 'wikid worker'") == kWorkers);
  BOOST_REQUIRE(WaitUntil([&] { return Connections(wiki, "wikid worker") == 0; }, 60s));
  const std::vector<pid_t> pids = wiki.WorkerPids();
  std::set<std::string> answered;  // workers that answered 200 since
  BOOST_REQUIRE(WaitUntil(
      [&] {
        std::vector<std::future<HttpResponse>> views;
        for (int c = 0; c < kWorkers; ++c) {
          views.push_back(std::async(std::launch::async, [&] { return wiki.Get("/Counted_0"); }));
        }
        for (auto& view : views) {
          HttpResponse r = view.get();
          if (r.status == 200) answered.insert(r.Header("x-wikid-worker"));
        }
        return answered.size() == pids.size();
      },
      120s));
  counted();
}

// A worker's connection ended inside a save's transaction, every row of
// the save written and its commit not yet sent: the save answers 503 with
// the text kept, nothing of it is there, and the next request works.
BOOST_AUTO_TEST_CASE(a_connection_ended_mid_save_leaves_nothing_of_it) {
  TestWiki& wiki = *SharedWiki::wiki;
  HeldFailpoints& held = *SharedWiki::held;
  BOOST_REQUIRE(wiki.Save("Dropped", 0, "one [[Elsewhere]]").status == 303);
  held.Rearm("save_before_commit");
  const size_t before = wiki.LogCount("failpoint save_before_commit");
  const std::string text = "two [[Other]]";
  auto save = std::async(std::launch::async, [&] { return wiki.Save("Dropped", 1, text); });
  BOOST_REQUIRE(
      WaitUntil([&] { return wiki.LogCount("failpoint save_before_commit") > before; }, 120s));
  // The held save's connection is the one that has written.
  const std::string writing =
      " FROM pg_stat_activity WHERE datname = current_database() "
      "AND application_name = 'wikid worker' AND backend_xid IS NOT NULL";
  BOOST_TEST(wiki.Scalar("SELECT count(pg_terminate_backend(pid))" + writing) == 1);
  BOOST_REQUIRE(WaitUntil([&] { return wiki.Scalar("SELECT count(*)" + writing) == 0; }, 60s));
  held.Release("save_before_commit");
  CheckRefusedKeepingText(save.get(), text);
  // Nothing of it: not the revision, its links, its wanted page or its
  // search entry.
  BOOST_TEST(wiki.Scalar("SELECT latest_rev FROM page WHERE name = 'Dropped'") == 1);
  BOOST_TEST(wiki.Scalar("SELECT count(*) FROM revision r JOIN page p ON p.id = r.page_id "
                         "WHERE p.name = 'Dropped'") == 1);
  BOOST_TEST(wiki.Scalar("SELECT count(*) FROM revision_link WHERE target = 'Other'") == 0);
  BOOST_TEST(wiki.Scalar("SELECT count(*) FROM wanted WHERE target = 'Other'") == 0);
  BOOST_TEST(wiki.Scalar("SELECT count(*) FROM page_search WHERE document @@ "
                         "to_tsquery('wikid_search', 'two')") == 0);
  // The next request works, the same save included.
  BOOST_TEST(wiki.Save("Dropped", 1, text).status == 303);
  BOOST_TEST(wiki.Get("/Dropped").body.find("two") != std::string::npos);
}

// A save that waits for a lock another connection holds (a stuck query,
// an operator's long transaction) is cancelled by the statement timeout:
// 503 with the text kept, its worker free again, and the save goes
// through once the lock is gone.
BOOST_AUTO_TEST_CASE(a_save_stuck_behind_a_lock_is_cancelled_by_the_statement_timeout) {
  TestWiki& wiki = *SharedWiki::wiki;
  BOOST_REQUIRE(wiki.Save("Locked", 0, "before").status == 303);
  auto db = PgConnection::Open(wiki.database().url(), {});
  BOOST_REQUIRE_MESSAGE(db.ok(), db.status().message());
  BOOST_REQUIRE((*db)->Exec("BEGIN").ok());
  BOOST_REQUIRE((*db)->Exec("SELECT id FROM page WHERE name = 'Locked' FOR UPDATE").ok());
  const std::string text = "waits behind\nthe lock";
  const auto started = std::chrono::steady_clock::now();
  HttpResponse stuck = wiki.Save("Locked", 1, text);
  const auto waited = std::chrono::steady_clock::now() - started;
  CheckRefusedKeepingText(stuck, text);
  BOOST_TEST(stuck.body.find("took too long") != std::string::npos);
  // The server cancelled it at the timeout, not sooner.
  BOOST_TEST(waited >= std::chrono::milliseconds(kStatementTimeoutMs));
  BOOST_REQUIRE((*db)->Exec("ROLLBACK").ok());
  BOOST_TEST(wiki.Save("Locked", 1, text).status == 303);
  BOOST_TEST(wiki.Scalar("SELECT latest_rev FROM page WHERE name = 'Locked'") == 2);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace wikid::testing
