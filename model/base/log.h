// The log: one line at a time on stderr, which the master shares with its
// workers and the mailer (nginx-style, collected by whoever started wikid:
// the journal under systemd), or a file (--log-file) that logrotate may
// move away: SIGUSR1 to the master makes every process open it again.
//
// Lines are logfmt, `key=value` pairs separated by spaces, a value quoted
// when it holds a space, '=' or '"': an operator greps them as they are
// (`grep 'status=5'`, `grep request_id=...`) and a machine parses them
// without a schema (Loki, Vector, lnav, `humanlog` all read logfmt), while
// a line stays readable, which JSON lines are not. Every line starts with
// the same three fields:
//
//   ts=2026-12-06T17:31:25.123Z level=warning pid=4242 msg="mailer exited"
//
// Three levels: an error is something that failed and someone should
// look at; a warning is a failure wikid handled on its own (a worker that
// died and was replaced, mail that will be retried); info is routine news
// (started, stopped, the fast path back), and the one line per request
// (fcgi/request_log.h).
#pragma once

#include <string>
#include <string_view>

#include "model/base/status.h"

namespace wikid {

enum class LogLevel { kError, kWarning, kInfo };

// Writes "ts=... level=... pid=... msg=\"message\"" as one line, in one
// write(), so lines from several processes never interleave (O_APPEND on
// a file; a pipe or the journal keeps writes under PIPE_BUF whole).
// Secrets must never be passed here.
void Log(LogLevel level, const std::string& message);

inline void LogError(const std::string& message) { Log(LogLevel::kError, message); }
inline void LogWarning(const std::string& message) { Log(LogLevel::kWarning, message); }
inline void LogInfo(const std::string& message) { Log(LogLevel::kInfo, message); }

// Appends "ts=... level=... pid=..." (no trailing space) to `line`: the
// start of every line, for callers that add fields of their own.
void AppendLogPrefix(LogLevel level, std::string* line);

// Appends `value` as a logfmt value: as is when it is a plain word, else
// in double quotes with '"' and '\' escaped and control bytes as \xHH (a
// line never breaks). An empty value is "".
void AppendLogValue(std::string_view value, std::string* line);

// Writes `line` (which must end in '\n') to the log in one write(),
// opening the log file again first if the master asked for it since this
// process last did (LogReopen).
void WriteLogLine(std::string_view line);

// Master, before it forks anything: sends the log to `path` (appended,
// created 0640 if missing) instead of stderr; the file becomes this
// process's stderr, so that anything else written there (a sanitizer, a
// library) lands in it too, and the processes forked later share it.
// Unavailable, naming the path, if it cannot be opened.
Status OpenLogFile(const std::string& path);

// Master, on SIGUSR1: every process (this one at once, the others before
// their next line) opens the log file again, by its name, so that a file
// logrotate renamed is let go of and a new one is made. Nothing without
// --log-file.
void LogReopen();

}  // namespace wikid
