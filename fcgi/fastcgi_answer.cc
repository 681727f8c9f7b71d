#include "fcgi/fastcgi_answer.h"

#include <sys/socket.h>
#include <sys/time.h>
#include <sys/uio.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <climits>
#include <vector>

#include "fcgi/fastcgi_records.h"

namespace wikid {
namespace {

using fastcgi::kEndRequest;
using fastcgi::kHeaderBytes;
using fastcgi::kMaxContent;
using fastcgi::kStdout;
using fastcgi::kVersion;

using RecordHeader = std::array<unsigned char, kHeaderBytes>;

RecordHeader HeaderOf(unsigned char type, unsigned request_id, size_t content) {
  return {kVersion,
          type,
          static_cast<unsigned char>(request_id >> 8),
          static_cast<unsigned char>(request_id),
          static_cast<unsigned char>(content >> 8),
          static_cast<unsigned char>(content),
          0,   // no padding: it is optional, and nginx reads records unpadded
          0};  // reserved
}

// Sends every byte `parts` describe, advancing through them. The first
// attempt never waits; once one would, the socket gets `timeout`.
bool SendAll(int fd, std::vector<iovec>& parts,
             std::chrono::milliseconds timeout) {
  size_t first = 0;
  int flags = MSG_NOSIGNAL | MSG_DONTWAIT;
  while (first < parts.size()) {
    msghdr message{};
    message.msg_iov = parts.data() + first;
    message.msg_iovlen = std::min<size_t>(parts.size() - first, IOV_MAX);
    ssize_t sent = sendmsg(fd, &message, flags);
    if (sent < 0) {
      if (errno == EINTR) continue;
      if ((errno == EAGAIN || errno == EWOULDBLOCK) &&
          (flags & MSG_DONTWAIT) != 0) {
        timeval tv{};
        tv.tv_sec = timeout.count() / 1000;
        tv.tv_usec = (timeout.count() % 1000) * 1000;
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
        flags = MSG_NOSIGNAL;
        continue;
      }
      return false;  // gone, or too slow to read (the timeout passed)
    }
    // Skip what went out: whole parts, then the start of the next one.
    size_t left = static_cast<size_t>(sent);
    while (first < parts.size() && left >= parts[first].iov_len) {
      left -= parts[first].iov_len;
      ++first;
    }
    if (left > 0) {
      parts[first].iov_base = static_cast<char*>(parts[first].iov_base) + left;
      parts[first].iov_len -= left;
    }
  }
  return true;
}

}  // namespace

bool SendAnswer(int fd, unsigned request_id, std::string_view head,
                std::string_view body, std::chrono::milliseconds timeout) {
  const size_t records = (head.size() + kMaxContent - 1) / kMaxContent +
                         (body.size() + kMaxContent - 1) / kMaxContent;
  // Every header first, so that the iovecs never point into a vector that
  // grows.
  std::vector<RecordHeader> headers;
  headers.reserve(records);
  std::vector<iovec> parts;
  parts.reserve(2 * records + 1);
  for (std::string_view bytes : {head, body}) {
    for (size_t at = 0; at < bytes.size(); at += kMaxContent) {
      const size_t n = std::min(kMaxContent, bytes.size() - at);
      headers.push_back(HeaderOf(kStdout, request_id, n));
      parts.push_back({headers.back().data(), headers.back().size()});
      parts.push_back({const_cast<char*>(bytes.data() + at), n});
    }
  }
  // The end of STDOUT, then END_REQUEST: its body is the application's
  // status (4 bytes, 0), the protocol status (REQUEST_COMPLETE, 0) and 3
  // reserved bytes.
  std::array<unsigned char, 3 * kHeaderBytes> end{};  // two headers, one body
  const RecordHeader stdout_end = HeaderOf(kStdout, request_id, 0);
  const RecordHeader end_request = HeaderOf(kEndRequest, request_id, 8);
  std::copy(stdout_end.begin(), stdout_end.end(), end.begin());
  std::copy(end_request.begin(), end_request.end(), end.begin() + kHeaderBytes);
  parts.push_back({end.data(), end.size()});
  return SendAll(fd, parts, timeout);
}

}  // namespace wikid
