// ViewAdmission (model/cache/view_admission.h): which page views may use
// and fill the shared caches, on a private CacheState.
#define BOOST_TEST_MODULE view_admission
#include <boost/test/unit_test.hpp>

#include <string>

#include "model/cache/view_admission.h"

namespace wikid {
namespace {

BOOST_AUTO_TEST_CASE(a_page_is_admitted_from_its_second_view) {
  CacheState* state = CacheState::CreatePrivate();
  BOOST_REQUIRE(state != nullptr);
  ViewAdmission admission(*state, CacheAdmission::kSecondView);
  BOOST_TEST(!admission.Admit("Cold page"));
  BOOST_TEST(admission.Admit("Cold page"));
  BOOST_TEST(admission.Admit("Cold page"));
  BOOST_TEST(!admission.Admit("Another page"));
  // A save stores its page's views: the next view reads them.
  admission.Note("Just saved");
  BOOST_TEST(admission.Admit("Just saved"));
}

BOOST_AUTO_TEST_CASE(third_view_admits_a_page_viewed_twice_lately) {
  CacheState* state = CacheState::CreatePrivate();
  BOOST_REQUIRE(state != nullptr);
  ViewAdmission admission(*state, CacheAdmission::kThirdView);
  BOOST_TEST(!admission.Admit("Cold page"));
  BOOST_TEST(!admission.Admit("Cold page"));
  BOOST_TEST(admission.Admit("Cold page"));
  BOOST_TEST(admission.Admit("Cold page"));
  // A page another worker admits from its second view is one view short
  // here (the record is shared, the policy each worker's).
  ViewAdmission second(*state, CacheAdmission::kSecondView);
  BOOST_TEST(!second.Admit("Shared page"));
  BOOST_TEST(second.Admit("Shared page"));
  BOOST_TEST(!admission.Admit("Shared page"));
  BOOST_TEST(admission.Admit("Shared page"));
  // A save stores its page's views: the next view reads them.
  admission.Note("Just saved");
  BOOST_TEST(admission.Admit("Just saved"));
  // Forgetting clears both records: after it, a page starts over.
  for (int pages = 0; state->viewed_set.load() != 0 || pages == 0; ++pages) {
    admission.Admit("Filler " + std::to_string(pages));
  }
  BOOST_TEST(!admission.Admit("Cold page"));
  BOOST_TEST(!admission.Admit("Cold page"));
  BOOST_TEST(admission.Admit("Cold page"));
}

BOOST_AUTO_TEST_CASE(first_view_admits_every_view_and_still_records) {
  CacheState* state = CacheState::CreatePrivate();
  ViewAdmission every(*state, CacheAdmission::kFirstView);
  ViewAdmission second(*state, CacheAdmission::kSecondView);  // another worker
  BOOST_TEST(every.Admit("Page"));
  BOOST_TEST(second.Admit("Page"));  // the record is shared
}

BOOST_AUTO_TEST_CASE(the_record_is_forgotten_once_an_eighth_is_set) {
  CacheState* state = CacheState::CreatePrivate();
  ViewAdmission admission(*state, CacheAdmission::kSecondView);
  BOOST_REQUIRE(!admission.Admit("Early page"));
  BOOST_REQUIRE(admission.Admit("Early page"));
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
  BOOST_TEST(!admission.Admit("Early page"));  // forgotten: a first view again
}

}  // namespace
}  // namespace wikid
