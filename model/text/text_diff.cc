#include "model/text/text_diff.h"

#include <algorithm>
#include <dtl/dtl.hpp>
#include <unordered_map>

namespace wikid {
namespace {

// --- Lines and the edit script ------------------------------------------

// Lines with their '\n' kept, so that joining them gives the text back
// exactly and "last line without a newline" differs from the same line
// with one (as in diff3 and git).
std::vector<std::string_view> SplitLines(std::string_view text) {
  std::vector<std::string_view> lines;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    end = end == std::string_view::npos ? text.size() : end + 1;
    lines.push_back(text.substr(start, end - start));
    start = end;
  }
  return lines;
}

// Gives equal strings equal small integers: dtl then compares ints, not
// strings, and the texts are not copied.
class Interner {
 public:
  std::vector<int> Intern(const std::vector<std::string_view>& items) {
    std::vector<int> ids;
    ids.reserve(items.size());
    for (std::string_view item : items) {
      auto [it, added] = ids_.try_emplace(item, static_cast<int>(ids_.size()));
      ids.push_back(it->second);
    }
    return ids;
  }
  int size() const { return static_cast<int>(ids_.size()); }

 private:
  std::unordered_map<std::string_view, int> ids_;
};

// A lower bound on the edit-path points dtl's O(NP) loop visits to
// compare `a` and `b`: with the shorter of length M and the longer of
// length N, and P deletions from the shorter, it visits about
// (P+1)(N-M+1) + P(P+1) points. P is at least the number of the shorter
// one's items that the longer one lacks (counted with repeats), which a
// count per item gives in linear time.
int64_t WorkLowerBound(const std::vector<int>& a, const std::vector<int>& b,
                       int distinct_items, int64_t* removed, int64_t* added) {
  std::vector<int64_t> balance(distinct_items, 0);
  for (int id : a) ++balance[id];
  for (int id : b) --balance[id];
  int64_t only_a = 0, only_b = 0;
  for (int64_t n : balance) {
    if (n > 0) only_a += n;
    if (n < 0) only_b -= n;
  }
  *removed = only_a;
  *added = only_b;
  int64_t delta =
      static_cast<int64_t>(a.size()) - static_cast<int64_t>(b.size());
  if (delta < 0) delta = -delta;
  int64_t p = a.size() <= b.size() ? only_a : only_b;
  return (p + 1) * (delta + 1) + p * (p + 1);
}

enum class Op : char { kSame, kRemove, kAdd };

// The shortest edit script from `a` to `b`, one Op per line.
std::vector<Op> EditScript(const std::vector<int>& a,
                           const std::vector<int>& b) {
  dtl::Diff<int, std::vector<int>> diff(a, b);
  // If dtl ever reaches its point limit, it reports the rest as one
  // removal and one addition instead of starting over.
  diff.onUnserious();
  diff.compose();
  std::vector<Op> ops;
  for (const auto& [item, info] : diff.getSes().getSequence()) {
    ops.push_back(info.type == dtl::SES_COMMON   ? Op::kSame
                  : info.type == dtl::SES_DELETE ? Op::kRemove
                                                 : Op::kAdd);
  }
  return ops;
}

// --- Changed words inside a changed line --------------------------------

std::string_view WithoutNewline(std::string_view line) {
  if (!line.empty() && line.back() == '\n') line.remove_suffix(1);
  return line;
}

// Words (letters, digits and any non-ASCII byte, so UTF-8 letters stay
// whole), runs of spaces, and single other characters.
std::vector<std::string_view> Tokens(std::string_view line) {
  auto kind = [](unsigned char c) {
    if (c >= 0x80 || (c >= '0' && c <= '9') ||
        ((c | 0x20) >= 'a' && (c | 0x20) <= 'z') || c == '_')
      return 0;
    if (c == ' ' || c == '\t') return 1;
    return 2;
  };
  std::vector<std::string_view> tokens;
  size_t i = 0;
  while (i < line.size()) {
    int k = kind(line[i]);
    size_t j = i + 1;
    if (k != 2) {
      while (j < line.size() && kind(line[j]) == k) ++j;
    }
    tokens.push_back(line.substr(i, j - i));
    i = j;
  }
  return tokens;
}

void Append(std::vector<DiffSegment>& segments, std::string_view text,
            bool changed) {
  if (text.empty()) return;
  if (!segments.empty() && segments.back().changed == changed) {
    segments.back().text.append(text);
  } else {
    segments.push_back(DiffSegment{std::string(text), changed});
  }
}

std::vector<DiffSegment> Whole(std::string_view line) {
  std::vector<DiffSegment> segments;
  Append(segments, WithoutNewline(line), false);
  return segments;
}

// Marks the words that differ between a removed and an added line, when
// the lines have enough in common for that to help the reader (else both
// stay whole: the line was rewritten, not edited).
void MarkChangedWords(std::string_view old_line, std::string_view new_line,
                      const DiffLimits& limits, DiffLine* old_out,
                      DiffLine* new_out) {
  old_line = WithoutNewline(old_line);
  new_line = WithoutNewline(new_line);
  if (old_line.size() > limits.max_word_diff_bytes ||
      new_line.size() > limits.max_word_diff_bytes)
    return;
  auto old_tokens = Tokens(old_line), new_tokens = Tokens(new_line);
  Interner interner;
  auto a = interner.Intern(old_tokens), b = interner.Intern(new_tokens);
  int64_t removed = 0, added = 0;
  if (WorkLowerBound(a, b, interner.size(), &removed, &added) > limits.max_work)
    return;
  std::vector<Op> ops = EditScript(a, b);
  size_t same_bytes = 0;
  std::vector<DiffSegment> old_segments, new_segments;
  size_t i = 0, j = 0;
  for (Op op : ops) {
    if (op == Op::kSame) {
      if (old_tokens[i].find_first_not_of(" \t") != std::string_view::npos)
        same_bytes += old_tokens[i].size();
      Append(old_segments, old_tokens[i++], false);
      Append(new_segments, new_tokens[j++], false);
    } else if (op == Op::kRemove) {
      Append(old_segments, old_tokens[i++], true);
    } else {
      Append(new_segments, new_tokens[j++], true);
    }
  }
  // Half the shorter line or a third of the longer unchanged (spaces
  // aside), or the line counts as rewritten.
  if (same_bytes * 2 < std::min(old_line.size(), new_line.size()) &&
      same_bytes * 3 < std::max(old_line.size(), new_line.size()))
    return;
  old_out->segments = std::move(old_segments);
  new_out->segments = std::move(new_segments);
}

// --- Hunks: changes with their context ----------------------------------

// Groups an edit script into hunks: changes with up to 2 * context equal
// lines between them share a hunk.
class HunkBuilder {
 public:
  HunkBuilder(const std::vector<std::string_view>& old_lines,
              const std::vector<std::string_view>& new_lines,
              const std::vector<Op>& ops, const DiffLimits& limits)
      : old_(old_lines), new_(new_lines), ops_(ops), limits_(limits) {}

  void Build(TextDiff* diff) {
    // Positions (in ops, old lines, new lines) where each change starts.
    size_t k = 0, i = 0, j = 0;
    while (k < ops_.size()) {
      if (ops_[k] == Op::kSame) {
        ++k, ++i, ++j;
        continue;
      }
      size_t i0 = i, j0 = j;
      while (k < ops_.size() && ops_[k] != Op::kSame) {
        if (ops_[k] == Op::kRemove)
          ++i;
        else
          ++j;
        ++k;
      }
      changes_.push_back(Change{i0, i, j0, j});
    }
    for (const Change& c : changes_) {
      diff->lines_removed += static_cast<int64_t>(c.old_end - c.old_begin);
      diff->lines_added += static_cast<int64_t>(c.new_end - c.new_begin);
    }
    const size_t context =
        static_cast<size_t>(std::max(0, limits_.context_lines));
    int64_t shown = 0;
    for (size_t c = 0; c < changes_.size();) {
      size_t last = c;
      while (last + 1 < changes_.size() &&
             changes_[last + 1].old_begin - changes_[last].old_end <=
                 2 * context)
        ++last;
      if (shown >= limits_.max_shown_lines) {
        diff->shown = TextDiff::Shown::kCut;
        return;
      }
      diff->hunks.push_back(MakeHunk(c, last, context, &shown));
      c = last + 1;
    }
  }

 private:
  struct Change {
    size_t old_begin, old_end, new_begin, new_end;
  };

  DiffLine Line(const std::vector<std::string_view>& lines,
                size_t index) const {
    return DiffLine{static_cast<int64_t>(index) + 1, Whole(lines[index])};
  }

  // Equal lines old[i, i + n) (new[j, j + n)) as one context block.
  DiffBlock Same(size_t i, size_t j, size_t n) const {
    DiffBlock block;
    for (size_t d = 0; d < n; ++d) {
      block.old_lines.push_back(Line(old_, i + d));
      block.new_lines.push_back(Line(new_, j + d));
    }
    return block;
  }

  DiffBlock Changed(const Change& c) const {
    DiffBlock block{.changed = true};
    for (size_t i = c.old_begin; i < c.old_end; ++i)
      block.old_lines.push_back(Line(old_, i));
    for (size_t j = c.new_begin; j < c.new_end; ++j)
      block.new_lines.push_back(Line(new_, j));
    size_t pairs = std::min(block.old_lines.size(), block.new_lines.size());
    for (size_t p = 0; p < pairs; ++p) {
      MarkChangedWords(old_[c.old_begin + p], new_[c.new_begin + p], limits_,
                       &block.old_lines[p], &block.new_lines[p]);
    }
    return block;
  }

  DiffHunk MakeHunk(size_t first, size_t last, size_t context,
                    int64_t* shown) const {
    const Change& a = changes_[first];
    const Change& z = changes_[last];
    size_t lead = std::min(context, a.old_begin);  // equal lines before
    size_t trail = std::min(context, old_.size() - z.old_end);
    DiffHunk hunk;
    hunk.old_start = static_cast<int64_t>(a.old_begin - lead) + 1;
    hunk.new_start = static_cast<int64_t>(a.new_begin - lead) + 1;
    hunk.old_count =
        static_cast<int64_t>(z.old_end + trail - (a.old_begin - lead));
    hunk.new_count =
        static_cast<int64_t>(z.new_end + trail - (a.new_begin - lead));
    if (lead > 0)
      hunk.blocks.push_back(Same(a.old_begin - lead, a.new_begin - lead, lead));
    for (size_t c = first; c <= last; ++c) {
      hunk.blocks.push_back(Changed(changes_[c]));
      if (c < last) {
        const Change& next = changes_[c + 1];
        hunk.blocks.push_back(Same(changes_[c].old_end, changes_[c].new_end,
                                   next.old_begin - changes_[c].old_end));
      }
    }
    if (trail > 0) hunk.blocks.push_back(Same(z.old_end, z.new_end, trail));
    for (const DiffBlock& b : hunk.blocks) {
      *shown += static_cast<int64_t>(b.changed ? b.old_lines.size() +
                                                     b.new_lines.size()
                                               : b.new_lines.size());
    }
    return hunk;
  }

  const std::vector<std::string_view>& old_;
  const std::vector<std::string_view>& new_;
  const std::vector<Op>& ops_;
  const DiffLimits& limits_;
  std::vector<Change> changes_;
};

// --- Three-way merges ---------------------------------------------------

// Lines equal at the start and at the end of both texts: they need no
// diffing, and trimming them first keeps dtl's work to the changed middle.
struct Trimmed {
  size_t prefix = 0, suffix = 0;
};
Trimmed CommonEnds(const std::vector<std::string_view>& a,
                   const std::vector<std::string_view>& b) {
  Trimmed t;
  size_t n = std::min(a.size(), b.size());
  while (t.prefix < n && a[t.prefix] == b[t.prefix]) ++t.prefix;
  while (t.suffix < n - t.prefix &&
         a[a.size() - 1 - t.suffix] == b[b.size() - 1 - t.suffix])
    ++t.suffix;
  return t;
}

std::vector<std::string_view> Middle(const std::vector<std::string_view>& lines,
                                     const Trimmed& t) {
  return {lines.begin() + static_cast<ptrdiff_t>(t.prefix),
          lines.end() - static_cast<ptrdiff_t>(t.suffix)};
}

// One change of an edit script, in base coordinates: base lines
// [base_begin, base_end) become `lines` (either may be empty).
struct Replacement {
  size_t base_begin = 0, base_end = 0;
  std::vector<int> lines;
  bool operator==(const Replacement&) const = default;
};

std::vector<Replacement> Replacements(const std::vector<int>& base,
                                      const std::vector<int>& side) {
  std::vector<Op> ops = EditScript(base, side);
  std::vector<Replacement> result;
  size_t i = 0, j = 0;
  for (size_t k = 0; k < ops.size();) {
    if (ops[k] == Op::kSame) {
      ++k, ++i, ++j;
      continue;
    }
    Replacement r{.base_begin = i};
    for (; k < ops.size() && ops[k] != Op::kSame; ++k) {
      if (ops[k] == Op::kRemove)
        ++i;
      else
        r.lines.push_back(side[j++]);
    }
    r.base_end = i;
    result.push_back(std::move(r));
  }
  return result;
}

}  // namespace

TextDiff DiffTexts(std::string_view old_text, std::string_view new_text,
                   const DiffLimits& limits) {
  TextDiff diff;
  auto old_lines = SplitLines(old_text), new_lines = SplitLines(new_text);
  Trimmed ends = CommonEnds(old_lines, new_lines);
  Interner interner;
  auto a = interner.Intern(Middle(old_lines, ends));
  auto b = interner.Intern(Middle(new_lines, ends));
  if (WorkLowerBound(a, b, interner.size(), &diff.lines_removed,
                     &diff.lines_added) > limits.max_work) {
    diff.shown = TextDiff::Shown::kTooLarge;
    return diff;
  }
  diff.lines_removed = diff.lines_added = 0;  // counted exactly below
  std::vector<Op> ops(ends.prefix, Op::kSame);
  std::vector<Op> middle = EditScript(a, b);
  ops.insert(ops.end(), middle.begin(), middle.end());
  ops.insert(ops.end(), ends.suffix, Op::kSame);
  HunkBuilder(old_lines, new_lines, ops, limits).Build(&diff);
  return diff;
}

std::optional<std::string> MergeTexts(std::string_view base,
                                      std::string_view mine,
                                      std::string_view theirs,
                                      const DiffLimits& limits) {
  if (mine == theirs || base == theirs) return std::string(mine);
  if (base == mine) return std::string(theirs);
  auto base_lines = SplitLines(base), mine_lines = SplitLines(mine),
       their_lines = SplitLines(theirs);
  Interner interner;
  auto b = interner.Intern(base_lines), m = interner.Intern(mine_lines),
       t = interner.Intern(their_lines);
  int64_t removed = 0, added = 0;
  if (WorkLowerBound(b, m, interner.size(), &removed, &added) >
          limits.max_work ||
      WorkLowerBound(b, t, interner.size(), &removed, &added) > limits.max_work)
    return std::nullopt;
  // diff3's rule, not dtl's Diff3 (which lets a change win silently over
  // the other side's deletion of the same line): a change of one side
  // that overlaps or touches a change of the other, with no untouched
  // base line between them, is a conflict unless both are the same.
  std::vector<Replacement> ours = Replacements(b, m),
                           others = Replacements(b, t);
  for (size_t i = 0, j = 0; i < ours.size() && j < others.size();) {
    const Replacement &x = ours[i], &y = others[j];
    if (x.base_end < y.base_begin) {
      ++i;
    } else if (y.base_end < x.base_begin) {
      ++j;
    } else if (x == y) {
      ++i, ++j;
    } else {
      return std::nullopt;
    }
  }
  std::vector<std::string_view> by_id(interner.size());
  auto remember = [&](const std::vector<std::string_view>& lines,
                      const std::vector<int>& ids) {
    for (size_t i = 0; i < ids.size(); ++i) by_id[ids[i]] = lines[i];
  };
  remember(base_lines, b);
  remember(mine_lines, m);
  remember(their_lines, t);
  std::string merged;
  size_t next = 0;  // the first base line not yet copied or replaced
  for (size_t i = 0, j = 0; i < ours.size() || j < others.size();) {
    const Replacement* r;
    if (j == others.size() ||
        (i < ours.size() && ours[i].base_begin <= others[j].base_begin)) {
      r = &ours[i++];
      if (j < others.size() && *r == others[j]) ++j;  // the same change twice
    } else {
      r = &others[j++];
    }
    for (; next < r->base_begin; ++next) merged.append(base_lines[next]);
    for (int id : r->lines) merged.append(by_id[id]);
    next = r->base_end;
  }
  for (; next < base_lines.size(); ++next) merged.append(base_lines[next]);
  return merged;
}

}  // namespace wikid
