// How wikid writes a moment: for people, in pages and in mail alike, and
// for programs, in feeds and the JSON API.
#pragma once

#include <cstdint>
#include <string>

namespace wikid {

// "2026-11-24 19:52 UTC".
std::string FormatTime(int64_t unix_seconds);

// "30 seconds", "4 minutes": a wait as a person reads it, rounded up.
std::string FormatWait(int64_t seconds);

// RFC 3339 in UTC, as Atom and JSON want it: "2026-11-24T19:52:07Z".
std::string FormatRfc3339(int64_t unix_seconds);

}  // namespace wikid
