// HashSlots: a bounded number of processes hash passwords at once, and a
// slot held by a process that died is taken over.
#define BOOST_TEST_MODULE hash_slots
#include "model/accounts/hash_slots.h"

#include <sys/wait.h>
#include <unistd.h>

#include <boost/test/unit_test.hpp>

namespace wikid {
namespace {

BOOST_AUTO_TEST_CASE(all_workers_but_one_may_hash) {
  BOOST_TEST(HashSlots::SlotsFor(1) == 1);
  BOOST_TEST(HashSlots::SlotsFor(2) == 1);
  BOOST_TEST(HashSlots::SlotsFor(4) == 3);
  BOOST_TEST(HashSlots::SlotsFor(1000) == HashSlots::kMaxSlots);
}

BOOST_AUTO_TEST_CASE(slots_are_bounded_and_released) {
  HashSlots* slots = HashSlots::CreatePrivate();
  BOOST_REQUIRE(slots != nullptr);
  // Two live processes (this one and its parent) hold both slots.
  BOOST_TEST(slots->TryAcquire(2, getpid()));
  BOOST_TEST(slots->TryAcquire(2, getppid()));
  BOOST_TEST(!slots->TryAcquire(2, getpid()));
  slots->Release(getppid());
  {
    HashSlot held(*slots, 2);
    BOOST_TEST(held.held());
    HashSlot refused(*slots, 2);
    BOOST_TEST(!refused.held());
  }
  // The guard gave its slot back; the one taken by hand is still held.
  BOOST_TEST(slots->TryAcquire(2, getppid()));
  BOOST_TEST(!slots->TryAcquire(2, getppid()));
}

BOOST_AUTO_TEST_CASE(a_slot_held_by_a_dead_process_is_taken_over) {
  HashSlots* slots = HashSlots::CreateShared();
  BOOST_REQUIRE(slots != nullptr);
  pid_t child = fork();
  BOOST_REQUIRE(child >= 0);
  if (child == 0)
    _exit(slots->TryAcquire(1, getpid()) ? 0 : 1);  // never releases
  int status = 0;
  BOOST_REQUIRE(waitpid(child, &status, 0) == child);
  BOOST_REQUIRE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  BOOST_TEST(slots->holders[0].load() == child);
  BOOST_TEST(slots->TryAcquire(1, getpid()));
  BOOST_TEST(slots->holders[0].load() == getpid());
}

}  // namespace
}  // namespace wikid
