#include "fcgi/request_check.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "fcgi/fastcgi_records.h"

namespace wikid {
namespace {

using fastcgi::kBeginRequest;
using fastcgi::kHeaderBytes;
using fastcgi::kParams;
using fastcgi::kResponder;
using fastcgi::kStdin;
using fastcgi::kVersion;

struct Header {
  unsigned char version, type;
  unsigned request_id, content_length, padding_length;
};

Header ReadHeader(std::string_view b, size_t at) {
  auto byte = [&](size_t i) { return unsigned{static_cast<unsigned char>(b[at + i])}; };
  return Header{static_cast<unsigned char>(byte(0)), static_cast<unsigned char>(byte(1)),
                (byte(2) << 8) | byte(3), (byte(4) << 8) | byte(5), byte(6)};
}

HeadCheck Partial(size_t needed) {
  return HeadCheck{HeadCheck::Verdict::kPartial, needed, ""};
}
HeadCheck Refused(std::string why) {
  return HeadCheck{HeadCheck::Verdict::kRefused, 0, std::move(why)};
}

// The pairs of a request's params stream so far (`whole`: all of it):
// each a name length and a value length (one byte, or four with the top
// bit set), then the bytes. A length past the limit is refused as soon as
// it is seen; in the whole stream, past what was sent.
HeadCheck CheckPairs(std::string_view params, bool whole) {
  size_t at = 0, pairs = 0;
  auto length = [&](size_t* out) {
    if (at >= params.size()) return false;
    auto byte = [&](size_t i) { return static_cast<unsigned char>(params[at + i]); };
    if ((byte(0) & 0x80) == 0) {
      *out = byte(0);
      at += 1;
      return true;
    }
    if (at + 4 > params.size()) return false;
    *out = (size_t{byte(0) & 0x7fu} << 24) | (size_t{byte(1)} << 16) |
           (size_t{byte(2)} << 8) | byte(3);
    at += 4;
    return true;
  };
  while (at < params.size()) {
    size_t name = 0, value = 0;
    const bool lengths_read = length(&name) && length(&value);
    if (lengths_read && (name > kMaxParamsBytes || value > kMaxParamsBytes - name)) {
      return Refused("a parameter is longer than " + std::to_string(kMaxParamsBytes) +
                     " bytes");
    }
    if (!lengths_read || name + value > params.size() - at) {
      if (!whole) return Partial(0);  // the rest is in a later record
      return Refused("a parameter is longer than the parameters sent");
    }
    at += name + value;
    if (++pairs > kMaxParams) {
      return Refused("more than " + std::to_string(kMaxParams) + " parameters");
    }
  }
  return whole ? HeadCheck{HeadCheck::Verdict::kWhole, 0, ""} : Partial(0);
}

}  // namespace

HeadCheck CheckRequestHead(std::string_view b) {
  if (b.size() < kHeaderBytes) return Partial(kHeaderBytes);
  const Header begin = ReadHeader(b, 0);
  if (begin.version != kVersion || begin.type != kBeginRequest ||
      begin.content_length != 8) {
    return Refused("the first record is not a FastCGI 1 BEGIN_REQUEST");
  }
  if (begin.request_id == 0) return Refused("the request id is 0 (a management record's)");
  size_t at = kHeaderBytes + begin.content_length + begin.padding_length;
  if (b.size() < at) return Partial(at);
  const unsigned role = (static_cast<unsigned char>(b[kHeaderBytes]) << 8u) |
                        static_cast<unsigned char>(b[kHeaderBytes + 1]);
  if (role != kResponder) return Refused("the role is not RESPONDER");
  std::string params;
  for (size_t records = 1;; ++records) {
    if (b.size() < at + kHeaderBytes) return Partial(at + kHeaderBytes);
    const Header h = ReadHeader(b, at);
    if (h.version != kVersion || h.type != kParams || h.request_id != begin.request_id) {
      return Refused("a record other than PARAMS before the parameters ended");
    }
    if (records > kMaxParamsRecords) {
      return Refused("the parameters come in more than " +
                     std::to_string(kMaxParamsRecords) + " records");
    }
    if (params.size() + h.content_length > kMaxParamsBytes) {
      return Refused("the parameters are larger than " +
                     std::to_string(kMaxParamsBytes) + " bytes");
    }
    const size_t end = at + kHeaderBytes + h.content_length + h.padding_length;
    if (b.size() < end) return Partial(end);
    if (h.content_length == 0) {
      HeadCheck whole = CheckPairs(params, /*whole=*/true);
      whole.head_bytes = end;
      return whole;
    }
    params.append(b.substr(at + kHeaderBytes, h.content_length));
    if (HeadCheck so_far = CheckPairs(params, /*whole=*/false);
        so_far.verdict == HeadCheck::Verdict::kRefused) {
      return so_far;
    }
    at = end;
  }
}

bool InputWhole(std::string_view b, const HeadCheck& head) {
  if (head.verdict != HeadCheck::Verdict::kWhole) return false;
  const unsigned request_id = ReadHeader(b, 0).request_id;
  for (size_t at = head.head_bytes; b.size() >= at + kHeaderBytes;) {
    const Header h = ReadHeader(b, at);
    if (h.version != kVersion || h.type != kStdin || h.request_id != request_id) return false;
    if (h.content_length == 0) return true;
    at += kHeaderBytes + h.content_length + h.padding_length;
  }
  return false;
}

namespace {

void SetReadTimeout(int fd, std::chrono::milliseconds timeout) {
  timeval tv{};
  tv.tv_sec = timeout.count() / 1000;
  tv.tv_usec = (timeout.count() % 1000) * 1000;
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
}

// TCP from nginx on another host: no Nagle delay on the answer (what
// libfcgi's own accept does).
void NoDelayIfTcp(int fd, const sockaddr_storage& peer) {
  if (peer.ss_family == AF_INET || peer.ss_family == AF_INET6) {
    int on = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
  }
}

// Peeks until the head is whole, refused, or the deadline passes. The
// usual case (nginx wrote the head at once) is one recv(). Otherwise an
// edge-triggered epoll wakes us at each arrival: plain poll() would
// report the bytes already peeked as readable again at once.
bool WaitForWholeHead(int fd, std::chrono::steady_clock::time_point deadline,
                      bool* input_whole, std::string* why) {
  // nginx's heads are 1-2 KiB; a larger one grows the buffer below.
  std::string buffer(4096, '\0');
  int epoll = -1;
  auto fail = [&](std::string reason) {
    *why = std::move(reason);
    if (epoll >= 0) close(epoll);
    return false;
  };
  for (;;) {
    ssize_t n = recv(fd, buffer.data(), buffer.size(), MSG_PEEK | MSG_DONTWAIT);
    if (n == 0) return fail("the peer closed before its request was whole");
    if (n < 0 && errno != EAGAIN && errno != EINTR) {
      return fail(std::string("reading the request: ") + std::strerror(errno));
    }
    const size_t have = n > 0 ? static_cast<size_t>(n) : 0;
    HeadCheck check = CheckRequestHead(std::string_view(buffer.data(), have));
    if (check.verdict == HeadCheck::Verdict::kWhole) {
      *input_whole = InputWhole(std::string_view(buffer.data(), have), check);
      if (epoll >= 0) close(epoll);
      return true;
    }
    if (check.verdict == HeadCheck::Verdict::kRefused) return fail(check.why);
    if (have == buffer.size() && check.needed > buffer.size()) {
      buffer.resize(check.needed);  // bounded: the checks cap the head
      continue;
    }
    if (epoll < 0) {
      epoll = epoll_create1(EPOLL_CLOEXEC);
      epoll_event ev{};
      ev.events = EPOLLIN | EPOLLRDHUP | EPOLLET;
      if (epoll < 0 || epoll_ctl(epoll, EPOLL_CTL_ADD, fd, &ev) != 0) {
        return fail(std::string("epoll: ") + std::strerror(errno));
      }
      continue;  // peek again: bytes may have come before the registration
    }
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return fail("the request did not arrive in time");
    epoll_event ev{};
    int ready = epoll_wait(epoll, &ev, 1, static_cast<int>(left.count()) + 1);
    if (ready < 0 && errno != EINTR) {
      return fail(std::string("epoll_wait: ") + std::strerror(errno));
    }
    // The peer closed (or failed) with the head still partial: the bytes
    // peeked so far stay queued, so only this event says so, once.
    if (ready > 0 && (ev.events & (EPOLLRDHUP | EPOLLHUP | EPOLLERR)) != 0) {
      return fail("the peer closed before its request was whole");
    }
  }
}

}  // namespace

std::vector<std::string> WebServerAddresses() {
  std::vector<std::string> addresses;
  const char* list = std::getenv("FCGI_WEB_SERVER_ADDRS");
  std::string_view rest = list ? list : "";
  while (!rest.empty()) {
    size_t comma = rest.find(',');
    std::string_view item = rest.substr(0, comma);
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
    if (!item.empty()) addresses.emplace_back(item);
    rest = comma == std::string_view::npos ? "" : rest.substr(comma + 1);
  }
  return addresses;
}

int AcceptChecked(int listen_fd, const std::vector<std::string>& allowed,
                  std::chrono::milliseconds head_timeout,
                  std::chrono::milliseconds io_timeout, std::string* why) {
  why->clear();
  const auto deadline = std::chrono::steady_clock::now() + head_timeout;
  sockaddr_storage peer{};
  socklen_t peer_len = sizeof peer;
  int fd = accept4(listen_fd, reinterpret_cast<sockaddr*>(&peer), &peer_len, SOCK_CLOEXEC);
  if (fd < 0) {
    // EAGAIN: another worker took it. Anything else (ECONNABORTED: the
    // peer left; EMFILE) is a connection lost, not an empty queue.
    if (errno != EAGAIN && errno != EWOULDBLOCK) {
      *why = std::string("accept: ") + std::strerror(errno);
    }
    return -1;
  }
  if (peer.ss_family == AF_INET && !allowed.empty()) {
    char text[INET_ADDRSTRLEN] = "";
    inet_ntop(AF_INET, &reinterpret_cast<sockaddr_in*>(&peer)->sin_addr, text, sizeof text);
    bool listed = false;
    for (const std::string& address : allowed) listed = listed || address == text;
    if (!listed) {
      *why = std::string("the peer ") + text + " is not in FCGI_WEB_SERVER_ADDRS";
      close(fd);
      return -1;
    }
  }
  NoDelayIfTcp(fd, peer);
  bool input_whole = false;
  if (!WaitForWholeHead(fd, deadline, &input_whole, why)) {
    close(fd);
    return -1;
  }
  // Nothing libfcgi reads can wait when every byte of the request is
  // queued already (a GET's is its head and one empty STDIN record): no
  // timeout, and one system call less for most requests.
  if (!input_whole) SetReadTimeout(fd, io_timeout);
  return fd;
}

}  // namespace wikid
