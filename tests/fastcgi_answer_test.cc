// SendAnswer: the records nginx reads back, in one send when the answer
// fits the socket, and a write timeout only once a send would wait.
#define BOOST_TEST_MODULE fastcgi_answer
#include "fcgi/fastcgi_answer.h"

#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <boost/test/unit_test.hpp>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

namespace wikid {
namespace {

using namespace std::chrono_literals;

struct Record {
  unsigned type = 0;
  unsigned request_id = 0;
  std::string content;
};

// Every record in `bytes`, strictly: a record cut short fails the test.
std::vector<Record> Records(const std::string& bytes) {
  std::vector<Record> records;
  size_t at = 0;
  while (at < bytes.size()) {
    BOOST_REQUIRE(bytes.size() - at >= 8);
    auto byte = [&](size_t i) {
      return static_cast<unsigned char>(bytes[at + i]);
    };
    BOOST_REQUIRE(byte(0) == 1u);  // FastCGI version 1
    const size_t length = (size_t{byte(4)} << 8) | byte(5);
    const size_t padding = byte(6);
    BOOST_REQUIRE(bytes.size() - at >= 8 + length + padding);
    records.push_back(Record{byte(1), (unsigned{byte(2)} << 8) | byte(3),
                             bytes.substr(at + 8, length)});
    at += 8 + length + padding;
  }
  return records;
}

// A connected pair: [0] is wikid's end, [1] nginx's.
struct SocketPair {
  int fd[2] = {-1, -1};
  SocketPair() {
    BOOST_REQUIRE(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fd) == 0);
  }
  ~SocketPair() {
    for (int f : fd) {
      if (f >= 0) close(f);
    }
  }
  // Everything nginx's end receives until wikid's end is closed.
  std::string ReadAll() {
    std::string bytes;
    char buffer[65536];
    for (ssize_t n; (n = read(fd[1], buffer, sizeof buffer)) > 0;)
      bytes.append(buffer, n);
    return bytes;
  }
};

std::chrono::milliseconds SendTimeout(int fd) {
  timeval tv{};
  socklen_t size = sizeof tv;
  BOOST_REQUIRE(getsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, &size) == 0);
  return std::chrono::milliseconds(tv.tv_sec * 1000 + tv.tv_usec / 1000);
}

// The answer's records: its STDOUT, then the empty STDOUT that ends it,
// then END_REQUEST (status 0, REQUEST_COMPLETE), and nothing after.
std::string CheckedStdout(const std::vector<Record>& records,
                          unsigned request_id) {
  BOOST_REQUIRE(records.size() >= 2u);
  std::string out;
  for (size_t i = 0; i + 2 < records.size(); ++i) {
    BOOST_TEST(records[i].type == 6u);
    BOOST_TEST(records[i].request_id == request_id);
    BOOST_TEST(!records[i].content.empty());  // only the last STDOUT is empty
    out += records[i].content;
  }
  const Record& stdout_end = records[records.size() - 2];
  BOOST_TEST(stdout_end.type == 6u);
  BOOST_TEST(stdout_end.request_id == request_id);
  BOOST_TEST(stdout_end.content.empty());
  const Record& end = records.back();
  BOOST_TEST(end.type == 3u);
  BOOST_TEST(end.request_id == request_id);
  BOOST_TEST((end.content == std::string(8, '\0')));
  return out;
}

BOOST_AUTO_TEST_CASE(
    a_page_goes_out_as_records_nginx_reads_back_without_a_timeout) {
  SocketPair pair;
  const std::string head = "Status: 200 OK\r\nContent-Type: text/html\r\n\r\n";
  const std::string body(16'349, 'p');
  BOOST_TEST(SendAnswer(pair.fd[0], 258, head, body, 5000ms));
  // It fitted the socket's buffer: sent without waiting, so no timeout.
  BOOST_TEST(SendTimeout(pair.fd[0]).count() == 0);
  close(pair.fd[0]);
  pair.fd[0] = -1;
  BOOST_TEST(CheckedStdout(Records(pair.ReadAll()), 258) == head + body);
}

BOOST_AUTO_TEST_CASE(a_head_answer_and_a_large_body_are_framed_alike) {
  for (size_t body_bytes :
       {size_t{0}, size_t{65'535}, size_t{65'536}, size_t{3'000'000}}) {
    BOOST_TEST_CONTEXT("body of " << body_bytes << " bytes") {
      SocketPair pair;
      std::string body(body_bytes, '\0');
      for (size_t i = 0; i < body.size(); ++i)
        body[i] = static_cast<char>('a' + i % 26);
      std::string received;
      // A reader, as nginx is: 3 MB is more than the socket holds.
      std::thread nginx([&] { received = pair.ReadAll(); });
      const bool sent =
          SendAnswer(pair.fd[0], 1, "Status: 200 OK\r\n\r\n", body, 10'000ms);
      close(pair.fd[0]);
      pair.fd[0] = -1;
      nginx.join();
      BOOST_TEST(sent);
      const std::vector<Record> records = Records(received);
      BOOST_TEST(CheckedStdout(records, 1) == "Status: 200 OK\r\n\r\n" + body);
      // No record is longer than FastCGI allows.
      for (const Record& r : records) BOOST_TEST(r.content.size() <= 65'535u);
    }
  }
}

BOOST_AUTO_TEST_CASE(a_peer_that_stops_reading_is_given_up_after_the_timeout) {
  SocketPair pair;
  // Nobody reads fd[1]: once the buffers are full, the send would wait.
  const std::string body(8'000'000, 'x');
  BOOST_TEST(!SendAnswer(pair.fd[0], 1, "Status: 200 OK\r\n\r\n", body, 300ms));
  BOOST_TEST(SendTimeout(pair.fd[0]).count() == 300);
}

BOOST_AUTO_TEST_CASE(a_peer_that_left_fails_the_send_without_a_signal) {
  SocketPair pair;
  close(pair.fd[1]);
  pair.fd[1] = -1;
  // SIGPIPE would end this test program: MSG_NOSIGNAL keeps it out.
  BOOST_TEST(
      !SendAnswer(pair.fd[0], 1, "Status: 200 OK\r\n\r\n", "gone", 300ms));
}

}  // namespace
}  // namespace wikid
