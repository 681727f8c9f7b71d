// RequestCheck: reads a FastCGI request's head (BEGIN_REQUEST and every
// PARAMS record, up to the empty one) without consuming it, and lets
// libfcgi at it only once it is whole and within limits.
//
// Why: libfcgi 2.4.2 (fcgiapp.c, ReadParams) allocates each name-value
// pair at the length the peer declares, up to 2 x 2 GiB, before reading
// it, and asserts when malloc fails: crafted lengths killed workers
// (issue 23). It reads with no time limit, so a peer that stops
// mid-record held a worker for ever. libfcgi has no hook between its
// accept() and its reads, so the worker accepts the connection itself
// (AcceptChecked), checks the head here by peeking (MSG_PEEK), and hands
// the connection to libfcgi through FCGX_Request::ipcFd, which
// FCGX_Accept_r then reads instead of accepting (fcgi/worker.cc).
//
// What nginx sends, and so all that passes: BEGIN_REQUEST (role
// RESPONDER, a request id other than 0), then PARAMS records of that
// request ending with an empty one, at most kMaxParamsBytes of pairs and
// kMaxParams pairs (nginx sends a few dozen pairs, in one record of at
// most 64 KiB), each complete. Anything else closes the connection
// unanswered. Over TCP, the peer's address must also be one of
// FCGI_WEB_SERVER_ADDRS (libfcgi's own rule, which its accept applied).
//
// What this cannot check: records after the head. libfcgi reads the body
// (STDIN) as the request is served, and a management record there
// (request id 0, FCGI_GET_VALUES) with gigantic declared lengths still
// makes libfcgi's ReadParams abort the worker; the body can be larger
// than any socket buffer, so it cannot be peeked whole first. What bounds
// it: only nginx should reach the socket (a 0660 unix socket, or TCP
// from FCGI_WEB_SERVER_ADDRS only), nginx never sends such a record, and
// the master replaces a worker that dies while reading a request without
// distrusting the caches (fcgi/worker_phases.h).
#pragma once

#include <chrono>
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace wikid {

inline constexpr size_t kMaxParamsBytes = 64 * 1024;
inline constexpr size_t kMaxParams = 512;
inline constexpr size_t kMaxParamsRecords = 256;

// What the bytes received so far say about a request's head.
struct HeadCheck {
  enum class Verdict {
    kWhole,    // the head is complete and within limits
    kPartial,  // fine so far: wait for `needed` bytes in all
    kRefused,  // not a request wikid serves: `why`
  };
  Verdict verdict = Verdict::kPartial;
  size_t needed = 0;
  std::string why;
  size_t head_bytes = 0;  // kWhole: where the head ends in the bytes
};

// Checks `bytes`, the start of a connection's stream.
HeadCheck CheckRequestHead(std::string_view bytes);

// Whether `bytes`, whose head `head` calls whole, also hold the rest of
// the request's input: STDIN records of the same request up to the empty
// one that ends it (a GET's input is that record alone).
bool InputWhole(std::string_view bytes, const HeadCheck& head);

// The IPv4 addresses FCGI_WEB_SERVER_ADDRS lists (comma-separated), the
// only TCP peers accepted; empty: any (a unix socket's permissions decide
// who connects).
std::vector<std::string> WebServerAddresses();

// Accepts one connection on the non-blocking `listen_fd` and waits, at
// most `head_timeout`, for a head CheckRequestHead calls whole. Returns
// the connection, with `io_timeout` set as its read timeout (SO_RCVTIMEO:
// a peer that stops sending its body is dropped after it) unless the
// whole request was queued already (InputWhole: then no read can wait);
// the answer's writer sets its own (fcgi/fastcgi_answer.h). Or -1: no
// connection was waiting (another worker took it), or it was closed
// unanswered (refused, not from `allowed` over TCP, too slow, or gone;
// `why` says which, "" for none waiting).
int AcceptChecked(int listen_fd, const std::vector<std::string>& allowed,
                  std::chrono::milliseconds head_timeout,
                  std::chrono::milliseconds io_timeout, std::string* why);

}  // namespace wikid
