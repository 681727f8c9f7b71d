// The log: one line at a time on stderr, which the master shares with its
// workers and the mailer (nginx-style, collected by whoever started wikid).
//
// Three levels, said at the start of the message: an error is something
// that failed and someone should look at; a warning is a failure wikid
// handled on its own (a worker that died and was replaced, mail that will
// be retried); info is routine news (started, stopped, the fast path back).
#pragma once

#include <string>

namespace wikid {

enum class LogLevel { kError, kWarning, kInfo };

// Writes "wikid[PID]: error: message" (or "warning: ", or nothing for
// info) as one line, in one write(), so lines from several processes never
// interleave. Secrets must never be passed here.
void Log(LogLevel level, const std::string& message);

inline void LogError(const std::string& message) { Log(LogLevel::kError, message); }
inline void LogWarning(const std::string& message) { Log(LogLevel::kWarning, message); }
inline void LogInfo(const std::string& message) { Log(LogLevel::kInfo, message); }

}  // namespace wikid
