// N2: strict decoding. Every malformed input is refused with a message
// naming the problem; nothing is repaired, truncated or mangled.
#define BOOST_TEST_MODULE http_decode
#include <boost/test/unit_test.hpp>

#include "views/http/http.h"
#include "views/http/http_decode.h"

namespace wikid {
namespace {

BOOST_AUTO_TEST_SUITE(percent_decode)

BOOST_AUTO_TEST_CASE(decodes_escapes_in_either_case) {
  BOOST_TEST(*PercentDecode("caf%c3%A9", PlusMeans::kPlus) == "café");
  BOOST_TEST(*PercentDecode("a%2Fb", PlusMeans::kPlus) == "a/b");
}

BOOST_AUTO_TEST_CASE(plus_is_a_space_only_in_forms) {
  BOOST_TEST(*PercentDecode("a+b%20c", PlusMeans::kPlus) == "a+b c");
  BOOST_TEST(*PercentDecode("a+b%20c", PlusMeans::kSpace) == "a b c");
  BOOST_TEST(*PercentDecode("%2B", PlusMeans::kSpace) == "+");
}

BOOST_AUTO_TEST_CASE(malformed_input_is_refused_with_the_reason) {
  struct Case {
    std::string input, says;
  } cases[] = {
      {"%zz", "byte 1"},
      {"ab%4", "byte 3"},
      {"%", "two hex digits"},
      {"%e9", "UTF-8"},
      {"%C0%AF", "UTF-8"},         // overlong '/'
      {"%ED%A0%80", "UTF-8"},      // surrogate
      {"%F4%90%80%80", "UTF-8"},   // past U+10FFFF
      {"a%00b", "NUL"},
      {std::string("a\0b", 3), "NUL"},
      {"\xff", "UTF-8"},
  };
  for (const Case& c : cases) {
    BOOST_TEST_CONTEXT(c.input) {
      auto decoded = PercentDecode(c.input, PlusMeans::kSpace);
      BOOST_TEST(!decoded.ok());
      BOOST_TEST(decoded.status().message().find(c.says) != std::string::npos,
                 decoded.status().message());
    }
  }
}

BOOST_AUTO_TEST_CASE(large_values_decode_whole) {
  std::string big(10 << 20, 'x');
  big[5 << 20] = '+';
  auto decoded = PercentDecode(big, PlusMeans::kSpace);
  BOOST_REQUIRE(decoded.ok());
  BOOST_TEST(decoded->size() == big.size());
  BOOST_TEST((*decoded)[5 << 20] == ' ');
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(url_encoded_forms)

BOOST_AUTO_TEST_CASE(parses_fields) {
  auto form = ParseUrlEncoded("text=two+words&summary=%C3%A9t%C3%A9&empty=");
  BOOST_REQUIRE(form.ok());
  BOOST_TEST(form->at("text") == "two words");
  BOOST_TEST(form->at("summary") == "été");
  BOOST_TEST(form->at("empty") == "");
  BOOST_TEST(ParseUrlEncoded("")->empty());
  BOOST_TEST(ParseUrlEncoded("a=1&")->size() == 1u);
  BOOST_TEST(ParseUrlEncoded("a=&b=")->size() == 2u);
}

BOOST_AUTO_TEST_CASE(malformed_forms_are_refused) {
  struct Case {
    std::string input, says;
  } cases[] = {
      {"text=1&text=2", "'text' was given twice"},
      {"a=1&a%3D=2&a=3", "twice"},
      {"=x", "no name"},
      {"flag", "no '='"},
      {"a=1&&b=2", "empty field"},
      {"text=%zz", "'text'"},
      {"text=%e9", "UTF-8"},
      {"te%00xt=1", "NUL"},
  };
  for (const Case& c : cases) {
    BOOST_TEST_CONTEXT(c.input) {
      auto form = ParseUrlEncoded(c.input);
      BOOST_TEST(!form.ok());
      BOOST_TEST(form.status().message().find(c.says) != std::string::npos,
                 form.status().message());
    }
  }
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(cookies)

BOOST_AUTO_TEST_CASE(parses_leniently_first_wins) {
  auto c = ParseCookies("a=1; b=2;c=\"q\";  junk ; =x; a=3");
  BOOST_TEST(c.at("a") == "1");
  BOOST_TEST(c.at("b") == "2");
  BOOST_TEST(c.at("c") == "\"q\"");
  BOOST_TEST(c.size() == 3u);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(decode_request)

RawRequest Raw(std::string method, std::string uri) {
  RawRequest raw;
  raw.method = std::move(method);
  raw.request_uri = std::move(uri);
  return raw;
}

BOOST_AUTO_TEST_CASE(splits_and_decodes_path_and_query) {
  auto req = DecodeRequest(Raw("GET", "/Caf%C3%A9+x?rev=2&a=b+c"));
  BOOST_REQUIRE(req.ok());
  BOOST_TEST(req->path == "/Café+x");
  BOOST_TEST(*req->Query("rev") == "2");
  BOOST_TEST(*req->Query("a") == "b c");
  BOOST_TEST((req->method == Method::kGet));
}

BOOST_AUTO_TEST_CASE(post_bodies_must_be_forms) {
  RawRequest raw = Raw("POST", "/_edit/X");
  raw.body = "text=hi";
  raw.content_type = "application/x-www-form-urlencoded; charset=UTF-8";
  auto ok = DecodeRequest(raw);
  BOOST_REQUIRE(ok.ok());
  BOOST_TEST(*ok->Form("text") == "hi");
  raw.content_type = "application/json";
  BOOST_TEST(DecodeRequest(raw).status().IsInvalid());
}

BOOST_AUTO_TEST_CASE(bad_paths_and_queries_are_invalid) {
  BOOST_TEST(!DecodeRequest(Raw("GET", "/a%zz")).ok());
  BOOST_TEST(!DecodeRequest(Raw("GET", "/a?x=%e9")).ok());
  BOOST_TEST(!DecodeRequest(Raw("GET", "nopath")).ok());
  BOOST_TEST(DecodeRequest(Raw("GET", "/a%zz")).status().message().find(
                 "In the path") == 0u);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace wikid
