// The log: one line at a time on stderr, which the master shares with its
// workers and the mailer (nginx-style, collected by whoever started wikid).
#pragma once

#include <string>

namespace wikid {

// Writes "wikid[PID]: message" as one line, in one write(), so lines from
// several processes never interleave. Secrets must never be passed here.
void LogError(const std::string& message);

}  // namespace wikid
