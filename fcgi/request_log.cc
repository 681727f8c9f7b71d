#include "fcgi/request_log.h"

#include <unistd.h>

#include <cstdio>

#include "model/base/log.h"
#include "model/base/process_id.h"
#include "model/base/token.h"

namespace wikid {
namespace {

// The longest path and query names a line holds: with the other fields,
// a line stays well under PIPE_BUF (4096), which a write keeps whole.
constexpr size_t kMaxPathBytes = 2048;
constexpr size_t kMaxQueryBytes = 256;

bool IsIdChar(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
         c == '-' || c == '_' || c == '.';
}

// Milliseconds with three decimals, from microseconds.
void AppendMillis(int64_t micros, std::string* out) {
  char text[32];
  const int n = std::snprintf(text, sizeof text, "%lld.%03lld",
                              static_cast<long long>(micros / 1000),
                              static_cast<long long>(micros % 1000));
  out->append(text, static_cast<size_t>(n));
}

// The query's field names, comma-separated, without their values.
std::string QueryNames(std::string_view query) {
  std::string names;
  while (!query.empty() && names.size() < kMaxQueryBytes) {
    const size_t amp = query.find('&');
    std::string_view field = query.substr(0, amp);
    field = field.substr(0, field.find('='));
    if (!field.empty()) {
      if (!names.empty()) names += ',';
      names.append(field.substr(0, kMaxQueryBytes - names.size()));
    }
    if (amp == std::string_view::npos) break;
    query.remove_prefix(amp + 1);
  }
  return names;
}

}  // namespace

std::string RequestLine(const RequestRecord& r) {
  const size_t question = r.request_uri.find('?');
  std::string_view path = r.request_uri.substr(0, question);
  if (path.size() > kMaxPathBytes) path = path.substr(0, kMaxPathBytes);
  std::string line;
  line.reserve(200 + path.size());
  AppendLogPrefix(LogLevel::kInfo, &line);
  line += " msg=request request_id=";
  AppendLogValue(r.request_id, &line);
  line += " method=";
  AppendLogValue(r.method, &line);
  line += " path=";
  AppendLogValue(path, &line);
  if (question != std::string_view::npos) {
    line += " query=";
    AppendLogValue(QueryNames(r.request_uri.substr(question + 1)), &line);
  }
  line += " status=";
  line += std::to_string(r.status);
  line += " bytes=";
  line += std::to_string(r.bytes);
  line += " duration_ms=";
  AppendMillis(r.micros, &line);
  line += " cache=";
  line += r.cache;
  line += " user=";
  if (r.user_id > 0) {
    line += std::to_string(r.user_id);
  } else {
    line += '-';
  }
  line += '\n';
  return line;
}

std::string RequestIdOf(std::string_view from_nginx) {
  if (!from_nginx.empty() && from_nginx.size() <= 64) {
    bool valid = true;
    for (char c : from_nginx) valid = valid && IsIdChar(c);
    if (valid) return std::string(from_nginx);
  }
  // Per process: a worker forked from a master that made one must not
  // repeat its ids.
  static pid_t owner = 0;
  static std::string prefix;
  static uint64_t counter = 0;
  if (owner != ThisProcess()) {
    owner = ThisProcess();
    prefix = HexDigest(NewToken(), 8);
    counter = 0;
  }
  char text[17];
  std::snprintf(text, sizeof text, "%016llx", static_cast<unsigned long long>(++counter));
  return prefix + text;
}

std::string ServerTiming(const RequestTiming& t) {
  std::string header = "total;dur=";
  AppendMillis(t.total_micros, &header);
  if (t.renders > 0) {
    header += ", render;dur=";
    AppendMillis(t.render_micros, &header);
    header += ";desc=\"" + std::to_string(t.renders) + " rendering" +
              (t.renders == 1 ? "\"" : "s\"");
  }
  header += ", db;desc=\"" + std::to_string(t.db_queries) + " queries, " +
            std::to_string(t.db_rows) + " rows\"";
  header += ", cache;desc=";
  header += t.cache;
  return header;
}

}  // namespace wikid
