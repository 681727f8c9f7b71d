// SendAnswer: a response framed as FastCGI records (STDOUT, the empty
// STDOUT that ends it, END_REQUEST) and sent with one system call.
//
// Why not libfcgi's writer: it frames what it is given in records of its
// 8 KiB buffer and writes each as the buffer fills, then the end records,
// so a 16 KiB page took three write() calls; on the virtual machines
// wikid is measured on a system call costs 5-20 µs, of a cached view's
// ~180 µs (BENCHMARKS.md, session 30). Here each record's 8-byte header
// and the answer's own bytes go out together (sendmsg, an iovec each):
// one call for an answer that fits the socket's buffer, nothing copied.
//
// The write timeout. A connection gets none when accepted
// (fcgi/request_check.h): the send is first tried without waiting
// (MSG_DONTWAIT), which nearly every answer completes, as it fits the
// socket's buffer. Only one that would wait sets `timeout` (SO_SNDTIMEO,
// one system call more) and sends the rest waiting at most that long for
// each part: a peer that stops reading is dropped after it.
#pragma once

#include <chrono>
#include <string_view>

namespace wikid {

// Sends `head` then `body` (either may be empty) as the STDOUT of request
// `request_id` on `fd`, then ends the request (application status 0,
// REQUEST_COMPLETE). False if the peer left or stopped reading.
bool SendAnswer(int fd, unsigned request_id, std::string_view head,
                std::string_view body, std::chrono::milliseconds timeout);

}  // namespace wikid
