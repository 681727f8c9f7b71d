#include "model/store/sqlite/search_excerpt.h"

#include <sqlite3.h>

#include <algorithm>
#include <string>
#include <vector>

#include "model/store/page_store.h"
#include "model/store/sqlite/fts5.h"

namespace wikid {
namespace {

// Words shown before the first match.
constexpr int kWordsBefore = 6;
// The most bytes of text shown: a "word" can be a whole line of CJK text
// or a long URL.
constexpr size_t kMaxBytes = 400;

// Appends up to `n` bytes of `text` to `out` while it holds less than
// kMaxBytes; false (cut at a character's start) when it reached them.
bool Append(std::string& out, const char* text, size_t n) {
  if (out.size() + n <= kMaxBytes) {
    out.append(text, n);
    return true;
  }
  size_t room = kMaxBytes > out.size() ? kMaxBytes - out.size() : 0;
  // Back to the start of a UTF-8 character.
  while (room > 0 && (static_cast<unsigned char>(text[room]) & 0xC0) == 0x80) --room;
  out.append(text, room);
  return false;
}

// The token positions [first, last] of one match.
struct Span {
  int first;
  int last;
};

// What the tokenizer callback needs and finds.
struct Walk {
  int window_first;  // token positions shown
  int window_last;
  int position = -1;  // of the latest token
  // Byte ranges of the shown tokens, by position - window_first.
  std::vector<std::pair<int, int>> bytes;
  bool more = false;  // tokens past the window
};

int OnToken(void* context, int flags, const char*, int, int start, int end) {
  auto* walk = static_cast<Walk*>(context);
  if ((flags & FTS5_TOKEN_COLOCATED) == 0) ++walk->position;
  if (walk->position > walk->window_last) {
    walk->more = true;
    return SQLITE_DONE;  // the rest is not shown: stop reading it
  }
  if (walk->position >= walk->window_first && (flags & FTS5_TOKEN_COLOCATED) == 0) {
    walk->bytes.emplace_back(start, end);
  }
  return SQLITE_OK;
}

void Excerpt(const Fts5ExtensionApi* api, Fts5Context* fts, sqlite3_context* result,
             int argc, sqlite3_value** argv) {
  if (argc != 2) {
    sqlite3_result_error(result, "wikid_excerpt(TABLE, COLUMN, WORDS)", -1);
    return;
  }
  const int column = sqlite3_value_int(argv[0]);
  const int words = std::max(1, sqlite3_value_int(argv[1]));
  int count = 0;
  if (int rc = api->xInstCount(fts, &count); rc != SQLITE_OK) {
    sqlite3_result_error_code(result, rc);
    return;
  }
  // The matches in this column, in order.
  std::vector<Span> matches;
  for (int i = 0; i < count; ++i) {
    int phrase = 0, in_column = 0, offset = 0;
    if (int rc = api->xInst(fts, i, &phrase, &in_column, &offset); rc != SQLITE_OK) {
      sqlite3_result_error_code(result, rc);
      return;
    }
    if (in_column != column) continue;
    matches.push_back({offset, offset + std::max(1, api->xPhraseSize(fts, phrase)) - 1});
  }
  std::sort(matches.begin(), matches.end(),
            [](const Span& a, const Span& b) { return a.first < b.first; });
  const char* text = nullptr;
  int size = 0;
  if (int rc = api->xColumnText(fts, column, &text, &size); rc != SQLITE_OK) {
    sqlite3_result_error_code(result, rc);
    return;
  }
  if (text == nullptr || size == 0) {
    sqlite3_result_text(result, "", 0, SQLITE_STATIC);
    return;
  }
  Walk walk;
  walk.window_first = matches.empty() ? 0 : std::max(0, matches[0].first - kWordsBefore);
  walk.window_last = walk.window_first + words - 1;
  // A match the window cuts is shown whole.
  for (const Span& match : matches) {
    if (match.first <= walk.window_last && match.last > walk.window_last)
      walk.window_last = match.last;
  }
  int rc = api->xTokenize(fts, text, size, &walk, OnToken);
  if (rc != SQLITE_OK && rc != SQLITE_DONE) {
    sqlite3_result_error_code(result, rc);
    return;
  }
  if (walk.bytes.empty()) {
    sqlite3_result_text(result, "", 0, SQLITE_STATIC);
    return;
  }
  std::string out;
  if (walk.window_first > 0) out += "…";
  size_t next_match = 0;
  int open_until = -1;  // position whose token ends the open mark
  const int from = walk.bytes.front().first;
  int copied = from;
  bool cut = false;
  for (size_t i = 0; i < walk.bytes.size() && !cut; ++i) {
    const int position = walk.window_first + static_cast<int>(i);
    const auto [start, end] = walk.bytes[i];
    while (next_match < matches.size() && matches[next_match].last < position) ++next_match;
    if (!Append(out, text + copied, static_cast<size_t>(start - copied))) {
      cut = true;
      break;
    }
    if (open_until < 0 && next_match < matches.size() &&
        matches[next_match].first <= position) {
      out += kMatchStart;
      open_until = matches[next_match].last;
    }
    cut = !Append(out, text + start, static_cast<size_t>(end - start));
    copied = end;
    if (open_until >= 0 && position >= open_until) {
      out += kMatchEnd;
      open_until = -1;
    }
  }
  if (open_until >= 0) out += kMatchEnd;
  if (walk.more || cut) {
    out += "…";
  } else {
    // The whole rest of the text was shown: its trailing punctuation too.
    std::string_view rest(text + copied, static_cast<size_t>(size - copied));
    while (!rest.empty() && (rest.back() == ' ' || rest.back() == '\n' ||
                             rest.back() == '\t' || rest.back() == '\r'))
      rest.remove_suffix(1);
    if (!Append(out, rest.data(), rest.size())) out += "…";
  }
  sqlite3_result_text(result, out.data(), static_cast<int>(out.size()), SQLITE_TRANSIENT);
}

}  // namespace

Status RegisterSearchExcerpt(sqlite3* db) {
  auto api = Fts5Api(db);
  if (!api.ok()) return api.status();
  if ((*api)->xCreateFunction(*api, "wikid_excerpt", nullptr, Excerpt, nullptr) != SQLITE_OK) {
    return Status::Internal("cannot register wikid_excerpt");
  }
  return Status::Ok();
}

}  // namespace wikid
