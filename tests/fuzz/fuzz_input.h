// Helpers shared by the fuzz targets: one input split into several
// strings, and a check that stops the fuzzer with a message.
#pragma once

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

namespace wikid::fuzz {

// `data` cut at each NUL byte into at least `n` parts (missing ones
// empty), so one input feeds several fields.
inline std::vector<std::string> Split(const uint8_t* data, size_t size, size_t n) {
  std::vector<std::string> parts(1);
  for (size_t i = 0; i < size; ++i) {
    if (data[i] == 0) {
      parts.emplace_back();
    } else {
      parts.back() += static_cast<char>(data[i]);
    }
  }
  if (parts.size() < n) parts.resize(n);
  return parts;
}

// A property that failed: print it and abort, which libFuzzer reports as
// a crash and saves the input for.
inline void Check(bool holds, const char* what) {
  if (holds) return;
  std::fprintf(stderr, "property failed: %s\n", what);
  std::abort();
}

}  // namespace wikid::fuzz
