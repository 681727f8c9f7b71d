// CheckRequestHead: what nginx sends passes; lengths, counts and record
// sequences libfcgi would trust are refused before it reads them.
#define BOOST_TEST_MODULE request_check
#include <boost/test/unit_test.hpp>
#include <map>
#include <string>

#include "fcgi/request_check.h"
#include "tests/support/fastcgi_client.h"

namespace wikid {
namespace {

using testing::FastCgiRecord;
using testing::FastCgiRequest;
using Verdict = HeadCheck::Verdict;

std::string Begin(unsigned role = 1) {
  return FastCgiRecord(1, std::string{static_cast<char>(role >> 8),
                                      static_cast<char>(role & 0xff), 0, 0, 0, 0, 0, 0});
}

BOOST_AUTO_TEST_CASE(a_request_as_nginx_sends_it_is_whole_at_the_empty_params) {
  std::string request = FastCgiRequest(
      {{"REQUEST_METHOD", "GET"}, {"REQUEST_URI", "/Page"}, {"HTTP_COOKIE", std::string(300, 'c')}},
      "body");
  BOOST_TEST((CheckRequestHead(request).verdict == Verdict::kWhole));
  // Every shorter prefix up to the end of the params asks for more, and
  // says how much at least.
  size_t head_end = request.find(FastCgiRecord(4, "")) + 8;
  for (size_t n = 0; n < head_end; ++n) {
    HeadCheck check = CheckRequestHead(request.substr(0, n));
    BOOST_TEST_REQUIRE((check.verdict == Verdict::kPartial), n);
    BOOST_TEST(check.needed > n);
    BOOST_TEST(check.needed <= head_end);
  }
}

BOOST_AUTO_TEST_CASE(pairs_split_across_records_and_padding_pass) {
  std::string pairs = std::string("\x04\x03") + "NAMEval" + std::string("\x01\x00", 2) + "X";
  std::string padded = FastCgiRecord(4, pairs.substr(0, 5));
  padded[6] = 3;  // three bytes of padding
  padded += std::string(3, '\0');
  std::string head = Begin() + padded + FastCgiRecord(4, pairs.substr(5)) + FastCgiRecord(4, "");
  BOOST_TEST((CheckRequestHead(head).verdict == Verdict::kWhole));
}

BOOST_AUTO_TEST_CASE(lengths_beyond_what_was_sent_are_refused) {
  // The lengths that made libfcgi allocate gigabytes and abort.
  for (std::string pair : {std::string("\xff\xff\xff\xfe\xff\xff\xff\xfe") + "AAAA",
                           std::string("\x7f\xff\xff\xff\x7f\xff\xff\xff"),
                           std::string("\x05\x01") + "ab", std::string("\x80\x00")}) {
    HeadCheck check = CheckRequestHead(Begin() + FastCgiRecord(4, pair) + FastCgiRecord(4, ""));
    BOOST_TEST((check.verdict == Verdict::kRefused));
    BOOST_TEST(check.why.find("longer than") != std::string::npos);
  }
  // Lengths past the limit are refused before the rest of the params
  // (the peer need not end them for the connection to be closed).
  HeadCheck early = CheckRequestHead(
      Begin() + FastCgiRecord(4, std::string("\xff\xff\xff\xfe\x01") + "AAAA"));
  BOOST_TEST((early.verdict == Verdict::kRefused));
  // A pair whose bytes are still to come in the next record is fine.
  HeadCheck pending = CheckRequestHead(
      Begin() + FastCgiRecord(4, std::string("\x04\x03") + "NA"));
  BOOST_TEST((pending.verdict == Verdict::kPartial));
}

BOOST_AUTO_TEST_CASE(too_much_is_refused_before_it_arrives) {
  // Params over the limit are refused from the record headers, before
  // their bytes come.
  std::string big = Begin();
  for (int i = 0; i < 2; ++i) big += FastCgiRecord(4, std::string(40000, 'x'));
  HeadCheck check = CheckRequestHead(big.substr(0, 16 + 40008 + 8));
  BOOST_TEST((check.verdict == Verdict::kRefused));
  std::string many = Begin();
  std::string pairs;
  for (size_t i = 0; i <= kMaxParams; ++i) pairs += std::string("\x01\x00", 2) + "n";
  many += FastCgiRecord(4, pairs) + FastCgiRecord(4, "");
  BOOST_TEST((CheckRequestHead(many).verdict == Verdict::kRefused));
  std::string records = Begin();
  for (size_t i = 0; i <= kMaxParamsRecords; ++i) records += FastCgiRecord(4, std::string("\x01\x00", 2) + "n");
  BOOST_TEST((CheckRequestHead(records).verdict == Verdict::kRefused));
}

BOOST_AUTO_TEST_CASE(other_sequences_are_refused) {
  // Request id 0 is a management record's: libfcgi would refuse it after
  // reading, and close the connection slowly.
  std::string id0 = Begin();
  id0[3] = 0;
  BOOST_TEST((CheckRequestHead(id0).verdict == Verdict::kRefused));
  BOOST_TEST((CheckRequestHead(FastCgiRecord(4, "")).verdict == Verdict::kRefused));
  BOOST_TEST((CheckRequestHead(Begin(2)).verdict == Verdict::kRefused));  // authorizer
  BOOST_TEST((CheckRequestHead(Begin() + FastCgiRecord(5, "x")).verdict == Verdict::kRefused));
  BOOST_TEST((CheckRequestHead(Begin() + Begin()).verdict == Verdict::kRefused));
  BOOST_TEST((CheckRequestHead(FastCgiRecord(9, "12345678")).verdict == Verdict::kRefused));
  std::string v2 = Begin();
  v2[0] = 2;
  BOOST_TEST((CheckRequestHead(v2).verdict == Verdict::kRefused));
  // GET_VALUES (a management record, request id 0) before the request.
  BOOST_TEST((CheckRequestHead(FastCgiRecord(9, "") + Begin()).verdict == Verdict::kRefused));
}

// Whether the whole request is queued decides whether its reads need a
// timeout (AcceptChecked): only a request whose STDIN has ended in the
// bytes peeked is whole.
BOOST_AUTO_TEST_CASE(the_input_is_whole_only_with_its_empty_stdin_record) {
  const std::map<std::string, std::string> params = {{"REQUEST_METHOD", "GET"},
                                                     {"REQUEST_URI", "/Page"}};
  const std::string get = FastCgiRequest(params, "");
  BOOST_TEST(InputWhole(get, CheckRequestHead(get)));
  const std::string post = FastCgiRequest(params, std::string(3000, 'b'));
  BOOST_TEST(InputWhole(post, CheckRequestHead(post)));
  // Every prefix that cuts the input short is not whole (the head may
  // still be).
  const size_t head_end = post.find(FastCgiRecord(4, "")) + 8;
  for (size_t n : {head_end, head_end + 7, head_end + 8, head_end + 1000, post.size() - 8,
                   post.size() - 1}) {
    const std::string prefix = post.substr(0, n);
    BOOST_TEST(!InputWhole(prefix, CheckRequestHead(prefix)), n);
  }
  // A head that is not whole, and records after the head that are not
  // this request's STDIN, are not whole input either.
  const std::string partial = get.substr(0, head_end - 1);
  BOOST_TEST(!InputWhole(partial, CheckRequestHead(partial)));
  std::string other_id = get.substr(0, get.size() - 8) + FastCgiRecord(5, "");
  other_id[other_id.size() - 5] = 2;  // request id 2
  BOOST_TEST(!InputWhole(other_id, CheckRequestHead(other_id)));
  const std::string management = get.substr(0, get.size() - 8) + FastCgiRecord(9, "");
  BOOST_TEST(!InputWhole(management, CheckRequestHead(management)));
}

}  // namespace
}  // namespace wikid
