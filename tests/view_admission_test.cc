// ViewAdmission (model/cache/view_admission.h): which page views may use
// and fill the shared caches, on a private CacheState.
#define BOOST_TEST_MODULE view_admission
#include <boost/test/unit_test.hpp>

#include <atomic>
#include <chrono>
#include <ostream>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "model/cache/view_admission.h"

namespace wikid {

std::ostream& operator<<(std::ostream& out, CacheUse use) {
  switch (use) {
    case CacheUse::kNone: return out << "none";
    case CacheUse::kLook: return out << "look";
    case CacheUse::kFill: return out << "fill";
  }
  return out << "?";
}

namespace {

constexpr CacheUse kNone = CacheUse::kNone;
constexpr CacheUse kLook = CacheUse::kLook;
constexpr CacheUse kFill = CacheUse::kFill;

BOOST_AUTO_TEST_CASE(a_page_is_admitted_from_its_second_view) {
  CacheState* state = CacheState::CreatePrivate();
  BOOST_REQUIRE(state != nullptr);
  ViewAdmission admission(*state, CacheAdmission::kSecondView);
  BOOST_TEST(admission.Admit("Cold page") == kNone);
  BOOST_TEST(admission.Admit("Cold page") == kFill);
  BOOST_TEST(admission.Admit("Cold page") == kFill);
  BOOST_TEST(admission.Admit("Another page") == kNone);
  // A save stores its page's views: the next view reads them.
  admission.Note("Just saved");
  BOOST_TEST(admission.Admit("Just saved") == kFill);
}

BOOST_AUTO_TEST_CASE(third_view_admits_a_page_viewed_twice_lately) {
  CacheState* state = CacheState::CreatePrivate();
  BOOST_REQUIRE(state != nullptr);
  ViewAdmission admission(*state, CacheAdmission::kThirdView);
  BOOST_TEST(admission.Admit("Cold page") == kNone);
  BOOST_TEST(admission.Admit("Cold page") == kNone);
  BOOST_TEST(admission.Admit("Cold page") == kFill);
  BOOST_TEST(admission.Admit("Cold page") == kFill);
  // A page another worker admits from its second view is one view short
  // here (the record is shared, the policy each worker's).
  ViewAdmission second(*state, CacheAdmission::kSecondView);
  BOOST_TEST(second.Admit("Shared page") == kNone);
  BOOST_TEST(second.Admit("Shared page") == kFill);
  BOOST_TEST(admission.Admit("Shared page") == kNone);
  BOOST_TEST(admission.Admit("Shared page") == kFill);
  // A save stores its page's views: the next view reads them.
  admission.Note("Just saved");
  BOOST_TEST(admission.Admit("Just saved") == kFill);
  // Forgetting clears both records: after it, a page starts over.
  for (int pages = 0; state->viewed_set.load() != 0 || pages == 0; ++pages) {
    admission.Admit("Filler " + std::to_string(pages));
  }
  BOOST_TEST(admission.Admit("Cold page") == kNone);
  BOOST_TEST(admission.Admit("Cold page") == kNone);
  BOOST_TEST(admission.Admit("Cold page") == kFill);
}

BOOST_AUTO_TEST_CASE(first_view_admits_every_view_and_still_records) {
  CacheState* state = CacheState::CreatePrivate();
  ViewAdmission every(*state, CacheAdmission::kFirstView);
  ViewAdmission second(*state, CacheAdmission::kSecondView);  // another worker
  BOOST_TEST(every.Admit("Page") == kFill);
  BOOST_TEST(second.Admit("Page") == kFill);  // the record is shared
}

BOOST_AUTO_TEST_CASE(the_record_is_forgotten_once_an_eighth_is_set) {
  CacheState* state = CacheState::CreatePrivate();
  ViewAdmission admission(*state, CacheAdmission::kSecondView);
  BOOST_REQUIRE(admission.Admit("Early page") == kNone);
  BOOST_REQUIRE(admission.Admit("Early page") == kFill);
  // Distinct pages until the record is cleared (an eighth of its bits: a
  // little more than 131,072 pages, as some share a bit).
  uint64_t last = state->viewed_set.load();
  int pages = 0;
  for (; pages < 1'000'000; ++pages) {
    admission.Admit("Page " + std::to_string(pages));
    uint64_t now = state->viewed_set.load();
    if (now < last) break;
    last = now;
  }
  BOOST_TEST(pages >= static_cast<int>(CacheState::kViewedWords * 64 / 8) - 1);
  BOOST_TEST(pages < 1'000'000);
  BOOST_TEST(admission.Admit("Early page") == kNone);  // forgotten: a first view again
}

// While the host is busy (0 %: always), an admitted view fills only a
// page viewed kHotViews times lately, and looks only for one that is hot
// or was found cached; the control, never busy, fills from the second.
BOOST_AUTO_TEST_CASE(while_busy_only_a_hot_page_fills) {
  CacheState* state = CacheState::CreatePrivate();
  ViewAdmission busy(*state, CacheAdmission::kSecondView, 0);
  for (uint32_t view = 1; view < ViewAdmission::kHotViews; ++view) {
    BOOST_TEST(busy.Admit("Read often") == kNone, "view " << view);
  }
  BOOST_TEST(busy.Admit("Read often") == kFill);  // hot
  BOOST_TEST(busy.Admit("Read often") == kFill);
  // The control: not busy, as --cache-shed-cpu off.
  CacheState* quiet_state = CacheState::CreatePrivate();
  ViewAdmission quiet(*quiet_state, CacheAdmission::kSecondView, std::nullopt);
  BOOST_TEST(quiet.Admit("Read often") == kNone);
  BOOST_TEST(quiet.Admit("Read often") == kFill);
  // First-view admission sheds as well.
  ViewAdmission every(*state, CacheAdmission::kFirstView, 0);
  BOOST_TEST(every.Admit("Read once") == kNone);
}

BOOST_AUTO_TEST_CASE(while_busy_a_page_found_cached_is_looked_up_until_a_miss) {
  CacheState* state = CacheState::CreatePrivate();
  ViewAdmission busy(*state, CacheAdmission::kSecondView, 0);
  BOOST_TEST(busy.Admit("Cached page") == kNone);
  busy.Found("Cached page");
  BOOST_TEST(busy.Admit("Cached page") == kLook);
  busy.Missed("Cached page");
  BOOST_TEST(busy.Admit("Cached page") == kNone);
  // A save stores its page's views: its next view looks for them.
  busy.Note("Just saved");
  BOOST_TEST(busy.Admit("Just saved") == kLook);
  // Forgetting what was viewed forgets what was cached.
  busy.Found("Cached page");
  for (int pages = 0; state->viewed_set.load() != 0 || pages == 0; ++pages) {
    busy.Admit("Filler " + std::to_string(pages));
  }
  BOOST_TEST(busy.Admit("Cached page") == kNone);  // a first view again
  BOOST_TEST(busy.Admit("Cached page") == kNone);  // admitted, not cached
}

// A page's count halves every kViewWindow views: one hot long ago is not
// hot now.
BOOST_AUTO_TEST_CASE(counts_halve_every_window) {
  CacheState* state = CacheState::CreatePrivate();
  ViewAdmission busy(*state, CacheAdmission::kSecondView, 0);
  for (uint32_t view = 1; view < ViewAdmission::kHotViews; ++view) busy.Admit("Once hot");
  BOOST_REQUIRE(busy.Admit("Once hot") == kFill);
  for (uint64_t other = 0; other < CacheState::kViewWindow; ++other) {
    busy.Admit("Other " + std::to_string(other));
  }
  static_assert(ViewAdmission::kHotViews % 2 == 1, "the counts below");
  BOOST_TEST(busy.Admit("Once hot") == kNone);  // kHotViews / 2 + 1
  BOOST_TEST(busy.Admit("Once hot") == kNone);
  BOOST_TEST(busy.Admit("Once hot") == kFill);  // kHotViews again
}

// Issue 16's case: on a busy host, uniform random views of a wiki far
// larger than a window seldom fill, while a small hot set among them
// (a quarter of the views, on 20 pages) fills nearly always once warm.
BOOST_AUTO_TEST_CASE(random_views_seldom_fill_and_a_hot_set_does) {
  CacheState* state = CacheState::CreatePrivate();
  ViewAdmission busy(*state, CacheAdmission::kSecondView, 0);
  std::mt19937 random(16);
  std::uniform_int_distribution<int> page(0, 9999);
  std::uniform_int_distribution<int> hot(0, 19);
  int cold_views = 0, cold_fills = 0, hot_views = 0, hot_fills = 0;
  for (int view = 0; view < 60'000; ++view) {
    const bool warm = view >= 10'000;  // counted from then on
    if (view % 4 == 0) {
      const bool fill = busy.Admit("Hot " + std::to_string(hot(random))) == kFill;
      hot_views += warm;
      hot_fills += warm && fill;
    } else {
      const bool fill = busy.Admit("Page " + std::to_string(page(random))) == kFill;
      cold_views += warm;
      cold_fills += warm && fill;
    }
  }
  BOOST_TEST_MESSAGE("fills: cold " << cold_fills << "/" << cold_views << ", hot "
                                    << hot_fills << "/" << hot_views);
  BOOST_TEST(cold_fills * 100 < cold_views * 2);  // under 2 %
  BOOST_TEST(hot_fills * 100 > hot_views * 99);
}

BOOST_AUTO_TEST_CASE(the_cpu_line_of_proc_stat_is_read) {
  auto ticks = ParseCpuTicks(
      "cpu  100 5 50 800 40 3 2 0 7 0\ncpu0 50 2 25 400 20 1 1 0 0 0\nintr 1 2\n");
  BOOST_REQUIRE(ticks.has_value());
  BOOST_TEST(ticks->busy == 100u + 5 + 50 + 3 + 2 + 0);  // guest is in user
  BOOST_TEST(ticks->all == 100u + 5 + 50 + 800 + 40 + 3 + 2 + 0);
  auto oldest = ParseCpuTicks("cpu 1 2 3 4\n");  // kernels before 2.5.41
  BOOST_REQUIRE(oldest.has_value());
  BOOST_TEST(oldest->busy == 6u);
  BOOST_TEST(oldest->all == 10u);
  BOOST_TEST(!ParseCpuTicks("intr 1 2\n").has_value());
  BOOST_TEST(!ParseCpuTicks("cpu x y\n").has_value());
}

// Samples at most every kSampleMs, each the busy share since the one
// before, shared by every HostLoad on the same CacheState (one per
// worker); the first has nothing to compare with.
BOOST_AUTO_TEST_CASE(the_host_is_busy_from_its_threshold_over_the_last_sample) {
  CacheState* state = CacheState::CreatePrivate();
  int64_t now = 1'000;
  CpuTicks ticks{.busy = 500, .all = 1'000};
  int reads = 0;
  auto clock = [&] { return now; };
  auto counters = [&]() -> std::optional<CpuTicks> {
    ++reads;
    return ticks;
  };
  HostLoad load(*state, 75, clock, counters);
  HostLoad other_worker(*state, 75, clock, counters);
  BOOST_TEST(!load.Busy());  // the first sample: no share yet
  BOOST_TEST(reads == 1);
  ticks = {.busy = 590, .all = 1'100};  // 90 % since
  BOOST_TEST(!load.Busy());  // not due: the same answer, no read
  BOOST_TEST(reads == 1);
  now += HostLoad::kSampleMs;
  BOOST_TEST(other_worker.Busy());  // due: either worker takes it
  BOOST_TEST(reads == 2);
  BOOST_TEST(load.Busy());
  BOOST_TEST(load.busy_percent() == 90);
  ticks = {.busy = 660, .all = 1'200};  // 70 %: under 75
  now += HostLoad::kSampleMs;
  BOOST_TEST(!load.Busy());
  BOOST_TEST(load.busy_percent() == 70);
  ticks = {.busy = 735, .all = 1'300};  // exactly 75 %
  now += HostLoad::kSampleMs;
  BOOST_TEST(load.Busy());
  // Unreadable counters leave the last answer as it was.
  now += HostLoad::kSampleMs;
  HostLoad blind(*state, 75, clock, [] { return std::optional<CpuTicks>(); });
  BOOST_TEST(blind.Busy());
  BOOST_TEST(load.threshold().value_or(-1) == 75);
}

// The host's own measure: threads that keep 2 % of the CPUs busy make the
// host busy from 1 % (waiting for the samples to show it, on a machine of
// any size); 'off' is never busy, and 0 % always.
BOOST_AUTO_TEST_CASE(a_busy_cpu_makes_the_host_busy) {
  CacheState* state = CacheState::CreatePrivate();
  BOOST_TEST(!HostLoad(*state, std::nullopt).Busy());
  BOOST_TEST(HostLoad(*state, 0).Busy());
  HostLoad load(*state, 1);
  std::atomic<bool> stop = false;
  std::vector<std::thread> spinners;
  for (unsigned n = 0; n < std::thread::hardware_concurrency() / 50; ++n) {
    spinners.emplace_back([&stop] {
      while (!stop.load(std::memory_order_relaxed)) {
      }
    });
  }
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  volatile uint64_t spin = 0;  // this thread spins too, and samples
  bool busy = false;
  while (!busy && std::chrono::steady_clock::now() < deadline) {
    for (int i = 0; i < 100'000; ++i) spin = spin + 1;
    busy = load.Busy();
  }
  stop = true;
  for (std::thread& spinner : spinners) spinner.join();
  BOOST_TEST(busy);
  BOOST_TEST(state->cpu_busy_percent.load() >= 1u);
  BOOST_TEST(state->cpu_busy_percent.load() <= 100u);
}

}  // namespace
}  // namespace wikid
