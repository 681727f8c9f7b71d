// How wikid writes a moment for people: in pages and in mail alike.
#pragma once

#include <cstdint>
#include <string>

namespace wikid {

// "2026-11-24 19:52 UTC".
std::string FormatTime(int64_t unix_seconds);

}  // namespace wikid
