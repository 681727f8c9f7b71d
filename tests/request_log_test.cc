// The request's log line (fcgi/request_log.h) and logfmt values
// (model/base/log.h): what is in a line, what never is, and ids.
#define BOOST_TEST_MODULE request_log
#include "fcgi/request_log.h"

#include <boost/test/unit_test.hpp>
#include <regex>
#include <set>

#include "model/base/log.h"

namespace wikid {
namespace {

std::string Value(std::string_view text) {
  std::string out;
  AppendLogValue(text, &out);
  return out;
}

BOOST_AUTO_TEST_CASE(plain_values_stay_bare_and_others_are_quoted_on_one_line) {
  BOOST_TEST(Value("/Main_Page") == "/Main_Page");
  BOOST_TEST(Value("Caf\xc3\xa9") == "Caf\xc3\xa9");
  BOOST_TEST(Value("") == "\"\"");
  BOOST_TEST(Value("a b") == "\"a b\"");
  BOOST_TEST(Value("k=v") == "\"k=v\"");
  BOOST_TEST(Value("say \"hi\" \\ o") == "\"say \\\"hi\\\" \\\\ o\"");
  BOOST_TEST(Value("two\nlines\r\x7f") == "\"two\\x0alines\\x0d\\x7f\"");
}

BOOST_AUTO_TEST_CASE(a_request_line_has_every_field_and_no_query_value) {
  const std::string line = RequestLine({.request_id = "0123abcd",
                                        .method = "GET",
                                        .request_uri = "/_unwatch?token=SECRET&page=A%20B&flag",
                                        .status = 200,
                                        .bytes = 512,
                                        .micros = 1234,
                                        .cache = "worker",
                                        .user_id = 7});
  BOOST_TEST(std::regex_match(line, std::regex("ts=\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z "
                                               "level=info pid=\\d+ msg=request "
                                               "request_id=0123abcd method=GET path=/_unwatch "
                                               "query=token,page,flag status=200 bytes=512 "
                                               "duration_ms=1\\.234 cache=worker user=7\n")),
             line);
  BOOST_TEST(line.find("SECRET") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(an_anonymous_request_without_query_and_a_hostile_path) {
  const std::string line = RequestLine({.request_id = "x", .method = "GET",
                                        .request_uri = "/a\"b\nc", .status = 404});
  BOOST_TEST(line.find(" path=\"/a\\\"b\\x0ac\" status=404 ") != std::string::npos, line);
  BOOST_TEST(line.find("query=") == std::string::npos);
  BOOST_TEST(line.find(" user=-\n") != std::string::npos);
  BOOST_TEST(line.find('\n') == line.size() - 1);
  // A huge path is cut: the line stays under PIPE_BUF.
  BOOST_TEST(RequestLine({.request_uri = "/" + std::string(10000, 'a')}).size() < 4096);
}

BOOST_AUTO_TEST_CASE(nginx_ids_are_kept_and_anything_else_replaced_by_a_fresh_one) {
  const std::string nginx = "5f0c8e2b9d1a4c7e8f6b3a2d1c0e9f8a";
  BOOST_TEST(RequestIdOf(nginx) == nginx);
  std::set<std::string> made;
  for (std::string_view bad : {std::string_view(""), std::string_view("has space"),
                               std::string_view("quote\""), std::string_view("nul\0", 4)}) {
    const std::string id = RequestIdOf(bad);
    BOOST_TEST(std::regex_match(id, std::regex("[0-9a-f]{32}")), id);
    made.insert(id);
  }
  BOOST_TEST(RequestIdOf(std::string(65, 'a')).size() == 32);
  BOOST_TEST(made.size() == 4);  // never the same twice
}

BOOST_AUTO_TEST_CASE(server_timing_names_the_time_of_each_part) {
  BOOST_TEST(ServerTiming({.total_micros = 2500, .db_queries = 3, .db_rows = 5,
                           .renders = 1, .render_micros = 800, .cache = "miss"}) ==
             "total;dur=2.500, render;dur=0.800;desc=\"1 rendering\", "
             "db;desc=\"3 queries, 5 rows\", cache;desc=miss");
  BOOST_TEST(ServerTiming({.total_micros = 40, .cache = "worker"}) ==
             "total;dur=0.040, db;desc=\"0 queries, 0 rows\", cache;desc=worker");
}

}  // namespace
}  // namespace wikid
