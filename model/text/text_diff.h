// Line diffs of revision texts, with the changed words marked inside
// changed lines, and three-way merges of concurrent edits.
//
// Both use dtl's Diff (Wu, Manber and Myers' O(NP) algorithm) on lines interned
// as integers. Its memory grows with the number of edit-path points it
// visits, never with the product of the two lengths; dtl stops at two
// million points (about 48 MB) and then reports the rest as whole-block
// changes. Before it runs, a cheap lower bound on the work (from the lines
// one text has and the other lacks) refuses diffs that would come near
// that, so a worker answers a diff of two unrelated 1 MB pages at once,
// with a note, instead of spending a second on it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace wikid {

struct DiffLimits {
  int context_lines = 3;  // unchanged lines shown around each change
  // Edit-path points the algorithm may visit (a lower bound is checked
  // before it starts). Beyond it the diff is not computed: TooLarge.
  int64_t max_work = 1'000'000;
  // Changed and context lines kept for display; the rest is cut (Cut).
  int64_t max_shown_lines = 4000;
  // Changed words are marked only in lines up to this long.
  size_t max_word_diff_bytes = 4000;
};

// A run of one line's text, changed or not (for marking changed words).
struct DiffSegment {
  std::string text;
  bool changed = false;
};

// One line of one side. `number` counts from 1.
struct DiffLine {
  int64_t number = 0;
  std::vector<DiffSegment> segments;
};

// A run of lines that is the same on both sides (context), or a change:
// lines removed from the old text and lines added in the new one.
struct DiffBlock {
  bool changed = false;
  std::vector<DiffLine> old_lines;  // for context: the same lines as new_lines
  std::vector<DiffLine> new_lines;
};

// Changes close enough together to be shown with their context as one.
struct DiffHunk {
  int64_t old_start = 0, old_count = 0;  // lines of the old text shown
  int64_t new_start = 0, new_count = 0;
  std::vector<DiffBlock> blocks;
};

struct TextDiff {
  enum class Shown {
    kWhole,     // every change is in `hunks`
    kCut,       // hunks stop after DiffLimits::max_shown_lines
    kTooLarge,  // not computed: the texts differ too much; hunks empty
  };
  Shown shown = Shown::kWhole;
  std::vector<DiffHunk> hunks;  // empty for identical texts
  int64_t lines_removed = 0;    // for kTooLarge: at least this many
  int64_t lines_added = 0;
  bool identical() const { return shown == Shown::kWhole && hunks.empty(); }
};

// The changes that turn `old_text` into `new_text`, line by line ('\n'
// separates lines; a final newline does not start another line).
TextDiff DiffTexts(std::string_view old_text, std::string_view new_text,
                   const DiffLimits& limits = {});

// A three-way merge: the changes from `base` to `mine` and from `base` to
// `theirs` applied together, or nothing when a change of one side overlaps
// or touches one of the other (no unchanged base line between them: a
// conflict, as diff3 and git see it) or the texts are too large to compare
// within `limits.max_work`. Identical changes on both sides merge into one.
std::optional<std::string> MergeTexts(std::string_view base,
                                      std::string_view mine,
                                      std::string_view theirs,
                                      const DiffLimits& limits = {});

}  // namespace wikid
