// Line diffs and three-way merges (model/text/text_diff.h).
#define BOOST_TEST_MODULE text_diff
#include "model/text/text_diff.h"

#include <malloc.h>

#include <atomic>
#include <boost/test/unit_test.hpp>
#include <cstdlib>
#include <new>
#include <random>
#include <string>
#include <vector>

namespace wikid {
namespace {

std::string LineText(const DiffLine& line) {
  std::string text;
  for (const auto& s : line.segments) text += s.text;
  return text;
}

std::vector<std::string> Lines(std::string_view text) {
  std::vector<std::string> lines;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    lines.emplace_back(text.substr(start, end - start));
    start = end + 1;
  }
  return lines;
}

// Rebuilds the new text's lines from the old text and the hunks alone,
// checking on the way that every context and removed line is the old
// text's line of that number.
std::vector<std::string> Apply(const std::string& old_text,
                               const TextDiff& diff) {
  std::vector<std::string> old_lines = Lines(old_text), result;
  size_t next = 0;  // first old line not yet copied
  for (const DiffHunk& hunk : diff.hunks) {
    BOOST_REQUIRE_GE(hunk.old_start, static_cast<int64_t>(next) + 1);
    while (next + 1 < static_cast<size_t>(hunk.old_start))
      result.push_back(old_lines[next++]);
    int64_t new_number = hunk.new_start;
    for (const DiffBlock& block : hunk.blocks) {
      for (const DiffLine& line : block.old_lines) {
        BOOST_REQUIRE_EQUAL(line.number, static_cast<int64_t>(next) + 1);
        BOOST_REQUIRE_EQUAL(LineText(line), old_lines[next]);
        ++next;
      }
      for (const DiffLine& line : block.new_lines) {
        BOOST_REQUIRE_EQUAL(line.number, new_number++);
        result.push_back(LineText(line));
      }
    }
  }
  while (next < old_lines.size()) result.push_back(old_lines[next++]);
  return result;
}

}  // namespace
}  // namespace wikid

// Every allocation of this test program is counted, so a test can see the
// most heap a call held at once (getrusage's peak never goes down, so it
// cannot measure one call).
namespace {
std::atomic<size_t> live_bytes{0}, peak_bytes{0};
}
void* operator new(size_t size) {
  void* p = std::malloc(size == 0 ? 1 : size);
  if (p == nullptr) throw std::bad_alloc();
  size_t now = live_bytes += malloc_usable_size(p);
  size_t peak = peak_bytes.load();
  while (now > peak && !peak_bytes.compare_exchange_weak(peak, now)) {
  }
  return p;
}
void operator delete(void* p) noexcept {
  if (p == nullptr) return;
  live_bytes -= malloc_usable_size(p);
  std::free(p);
}
void operator delete(void* p, size_t) noexcept { operator delete(p); }

namespace wikid {
namespace {

// Runs `work` and returns the most heap, in MB, it held beyond what was
// held before.
template <typename Work>
size_t PeakMegabytes(Work work) {
  size_t before = live_bytes.load();
  peak_bytes = before;
  work();
  return (peak_bytes.load() - before) >> 20;
}

// `lines` distinct lines of about 64 bytes, tagged so two calls with
// different tags share no line.
std::string Page(int lines, const std::string& tag) {
  std::string text;
  for (int i = 0; i < lines; ++i) {
    text += tag + " line " + std::to_string(i) +
            " of a long page, padded out to sixty-four bytes.\n";
  }
  return text;
}

BOOST_AUTO_TEST_CASE(empty_and_identical_texts_have_no_hunks) {
  BOOST_TEST(DiffTexts("", "").identical());
  BOOST_TEST(DiffTexts("a\nb\n", "a\nb\n").identical());
  BOOST_TEST(!DiffTexts("a\n", "a\nb\n").identical());
}

BOOST_AUTO_TEST_CASE(an_inserted_line_is_one_addition_with_context) {
  TextDiff diff =
      DiffTexts("1\n2\n3\n4\n5\n6\n7\n8\n", "1\n2\n3\n4\nnew\n5\n6\n7\n8\n");
  BOOST_REQUIRE_EQUAL(diff.hunks.size(), 1u);
  BOOST_TEST(diff.lines_added == 1);
  BOOST_TEST(diff.lines_removed == 0);
  const DiffHunk& hunk = diff.hunks[0];
  BOOST_TEST(hunk.old_start == 2);  // three lines of context: 2, 3, 4
  BOOST_TEST(hunk.old_count == 6);
  BOOST_TEST(hunk.new_count == 7);
  BOOST_REQUIRE_EQUAL(hunk.blocks.size(), 3u);
  BOOST_TEST(!hunk.blocks[0].changed);
  BOOST_TEST(hunk.blocks[1].changed);
  BOOST_TEST(hunk.blocks[1].old_lines.empty());
  BOOST_REQUIRE_EQUAL(hunk.blocks[1].new_lines.size(), 1u);
  BOOST_TEST(hunk.blocks[1].new_lines[0].number == 5);
  BOOST_TEST(LineText(hunk.blocks[1].new_lines[0]) == "new");
}

BOOST_AUTO_TEST_CASE(a_deleted_line_is_one_removal) {
  TextDiff diff = DiffTexts("a\nb\nc\n", "a\nc\n");
  BOOST_TEST(diff.lines_removed == 1);
  BOOST_TEST(diff.lines_added == 0);
  BOOST_REQUIRE_EQUAL(diff.hunks.size(), 1u);
  BOOST_TEST(diff.hunks[0].old_start == 1);
  BOOST_TEST((Apply("a\nb\nc\n", diff) == std::vector<std::string>{"a", "c"}));
}

BOOST_AUTO_TEST_CASE(distant_changes_are_separate_hunks) {
  std::string old_text = Page(40, "x");
  std::string new_text = old_text;
  new_text.replace(0, new_text.find('\n'), "first changed");
  new_text += "appended\n";
  TextDiff diff = DiffTexts(old_text, new_text);
  BOOST_TEST(diff.hunks.size() == 2u);
  BOOST_TEST(Apply(old_text, diff) == Lines(new_text));
}

BOOST_AUTO_TEST_CASE(a_moved_block_is_removed_and_added) {
  std::string old_text = "a\nb\nc\nd\ne\nf\n";
  std::string new_text = "d\ne\nf\na\nb\nc\n";
  TextDiff diff = DiffTexts(old_text, new_text);
  BOOST_TEST(diff.lines_removed == 3);
  BOOST_TEST(diff.lines_added == 3);
  BOOST_TEST(Apply(old_text, diff) == Lines(new_text));
}

BOOST_AUTO_TEST_CASE(changed_words_are_marked_inside_a_changed_line) {
  TextDiff diff = DiffTexts("Grüße an die Welt, sagt Zoë.\n",
                            "Grüße an die ganze Erde, sagt Zoë.\n");
  BOOST_REQUIRE_EQUAL(diff.hunks.size(), 1u);
  const DiffBlock& block = diff.hunks[0].blocks[0];
  BOOST_REQUIRE(block.changed);
  std::string removed, added;
  for (const auto& s : block.old_lines[0].segments)
    if (s.changed) removed += s.text;
  for (const auto& s : block.new_lines[0].segments)
    if (s.changed) added += s.text;
  BOOST_TEST(removed == "Welt");
  BOOST_TEST(added == "ganze Erde");
  // The unchanged words, with their non-ASCII letters, stay whole.
  BOOST_TEST(block.new_lines[0].segments.front().text == "Grüße an die ");
  BOOST_TEST(!block.new_lines[0].segments.front().changed);
}

BOOST_AUTO_TEST_CASE(a_rewritten_line_is_not_marked_word_by_word) {
  TextDiff diff =
      DiffTexts("The quick brown fox.\n", "Nothing in common here at all!\n");
  const DiffBlock& block = diff.hunks.at(0).blocks.at(0);
  BOOST_REQUIRE_EQUAL(block.old_lines.size(), 1u);
  BOOST_TEST(block.old_lines[0].segments.size() == 1u);
  BOOST_TEST(!block.old_lines[0].segments[0].changed);
}

BOOST_AUTO_TEST_CASE(random_edits_are_reproduced_exactly) {
  std::mt19937 random(20261201);
  for (int round = 0; round < 300; ++round) {
    std::string old_text, new_text;
    int n = std::uniform_int_distribution<>(0, 30)(random);
    // Few distinct lines, so lines repeat and the alignment is not obvious.
    for (int i = 0; i < n; ++i)
      old_text += "l" + std::to_string(random() % 6) + "\n";
    for (const std::string& line : Lines(old_text)) {
      int dice = static_cast<int>(random() % 10);
      if (dice == 0) continue;  // removed
      if (dice == 1)
        new_text += "new" + std::to_string(random() % 4) + "\n";  // changed
      else
        new_text += line + "\n";
      if (dice == 2) new_text += "ins\n";  // inserted
    }
    TextDiff diff =
        DiffTexts(old_text, new_text, DiffLimits{.context_lines = round % 4});
    BOOST_TEST_CONTEXT("old:\n" << old_text << "new:\n" << new_text) {
      BOOST_TEST((Apply(old_text, diff) == Lines(new_text)));
      BOOST_TEST(diff.identical() == (old_text == new_text));
    }
  }
}

BOOST_AUTO_TEST_CASE(long_diffs_are_cut_for_display) {
  std::string old_text = Page(3000, "x");
  std::string new_text;
  int i = 0;
  for (const std::string& line : Lines(old_text)) {
    new_text += (i++ % 10 == 0 ? line + " changed" : line) + "\n";
  }
  TextDiff diff =
      DiffTexts(old_text, new_text, DiffLimits{.max_shown_lines = 500});
  BOOST_TEST((diff.shown == TextDiff::Shown::kCut));
  BOOST_TEST(diff.lines_added == 300);  // counted in full though not shown
  int64_t shown = 0;
  for (const auto& hunk : diff.hunks)
    for (const auto& block : hunk.blocks)
      shown +=
          static_cast<int64_t>(block.new_lines.size() +
                               (block.changed ? block.old_lines.size() : 0));
  BOOST_TEST(shown < 600);
}

// 1 MB against an unrelated 1 MB: a quadratic algorithm would need
// gigabytes (16,000 x 16,000 lines); this must answer at once with
// "too large", in bounded memory.
BOOST_AUTO_TEST_CASE(
    two_unrelated_megabyte_pages_are_refused_in_bounded_memory) {
  std::string a = Page(16000, "first"), b = Page(16000, "second");
  BOOST_REQUIRE_GT(a.size(), 1'000'000u);
  TextDiff diff;
  size_t peak = PeakMegabytes([&] { diff = DiffTexts(a, b); });
  BOOST_TEST_MESSAGE("unrelated pages: " << peak << " MB at most");
  BOOST_TEST(peak < 16u);
  BOOST_TEST((diff.shown == TextDiff::Shown::kTooLarge));
  BOOST_TEST(diff.hunks.empty());
  BOOST_TEST(diff.lines_removed == 16000);
  BOOST_TEST(diff.lines_added == 16000);
  BOOST_TEST(!MergeTexts(a, b, a + "x\n").has_value());
}

// Swapped halves share every line, so the cheap bound lets the diff run;
// the path dtl explores is still large. It must finish, be right, and stay
// within dtl's bounded point budget.
BOOST_AUTO_TEST_CASE(
    a_megabyte_page_with_swapped_halves_is_diffed_in_bounded_memory) {
  std::string first = Page(8000, "first"), second = Page(8000, "second");
  std::string a = first + second, b = second + first;
  TextDiff diff;
  size_t peak = PeakMegabytes([&] { diff = DiffTexts(a, b); });
  BOOST_TEST_MESSAGE("swapped halves: " << peak << " MB at most");
  // dtl's two million points of 24 bytes, and the result.
  BOOST_TEST(peak < 100u);
  BOOST_TEST((diff.shown != TextDiff::Shown::kTooLarge));
  BOOST_TEST(diff.lines_added + diff.lines_removed >= 16000);
}

BOOST_AUTO_TEST_CASE(a_megabyte_page_with_a_few_changes_is_diffed_in_full) {
  std::string a = Page(16000, "same");
  std::string b = "a new first line\n" + a;
  b.replace(b.find("line 8000 "), 4, "LINE");
  b += "a new last line\n";
  TextDiff diff = DiffTexts(a, b);
  BOOST_TEST((diff.shown == TextDiff::Shown::kWhole));
  BOOST_TEST(diff.lines_added == 3);
  BOOST_TEST(diff.lines_removed == 1);
  BOOST_TEST(diff.hunks.size() == 3u);
  BOOST_TEST(Apply(a, diff) == Lines(b));
}

// --- Three-way merges -------------------------------------------------

const char* const kBase = "one\ntwo\nthree\nfour\nfive\nsix\n";

BOOST_AUTO_TEST_CASE(changes_far_apart_merge) {
  auto merged = MergeTexts(kBase, "ONE\ntwo\nthree\nfour\nfive\nsix\n",
                           "one\ntwo\nthree\nfour\nfive\nSIX\n");
  BOOST_REQUIRE(merged.has_value());
  BOOST_TEST(*merged == "ONE\ntwo\nthree\nfour\nfive\nSIX\n");
}

BOOST_AUTO_TEST_CASE(edits_at_the_start_and_at_the_end_merge) {
  auto merged = MergeTexts(kBase, std::string("zero\n") + kBase,
                           std::string(kBase) + "seven\n");
  BOOST_REQUIRE(merged.has_value());
  BOOST_TEST(*merged == std::string("zero\n") + kBase + "seven\n");
  // A last line without a newline, changed by one side only.
  auto tail = MergeTexts("a\nb\nc", "A\nb\nc", "a\nb\nc!");
  BOOST_REQUIRE(tail.has_value());
  BOOST_TEST(*tail == "A\nb\nc!");
}

BOOST_AUTO_TEST_CASE(a_deletion_merges_with_a_distant_change) {
  auto merged = MergeTexts(kBase, "one\nthree\nfour\nfive\nsix\n",
                           "one\ntwo\nthree\nfour\nFIVE\nsix\n");
  BOOST_REQUIRE(merged.has_value());
  BOOST_TEST(*merged == "one\nthree\nfour\nFIVE\nsix\n");
}

BOOST_AUTO_TEST_CASE(the_same_change_on_both_sides_merges_once) {
  std::string both = "one\ntwo\nTHREE\nfour\nfive\nsix\n";
  auto merged = MergeTexts(kBase, both, both);
  BOOST_REQUIRE(merged.has_value());
  BOOST_TEST(*merged == both);
  auto with_more =
      MergeTexts(kBase, both, "one\ntwo\nTHREE\nfour\nfive\nsix!\n");
  BOOST_REQUIRE(with_more.has_value());
  BOOST_TEST(*with_more == "one\ntwo\nTHREE\nfour\nfive\nsix!\n");
}

BOOST_AUTO_TEST_CASE(overlapping_changes_conflict) {
  BOOST_TEST(!MergeTexts(kBase, "one\ntwo\nmine\nfour\nfive\nsix\n",
                         "one\ntwo\ntheirs\nfour\nfive\nsix\n")
                  .has_value());
  // One side deletes the line the other changed.
  BOOST_TEST(!MergeTexts(kBase, "one\ntwo\nfour\nfive\nsix\n",
                         "one\ntwo\nTHREE\nfour\nfive\nsix\n")
                  .has_value());
  // Both add different text at the end.
  BOOST_TEST(!MergeTexts(kBase, std::string(kBase) + "mine\n",
                         std::string(kBase) + "theirs\n")
                  .has_value());
  // Two people creating the same page.
  BOOST_TEST(!MergeTexts("", "mine\n", "theirs\n").has_value());
}

BOOST_AUTO_TEST_CASE(an_unchanged_side_gives_the_other) {
  BOOST_TEST(MergeTexts(kBase, kBase, "x\n").value() == "x\n");
  BOOST_TEST(MergeTexts(kBase, "y\n", kBase).value() == "y\n");
}

// Each side replaces, inserts or deletes in regions that leave at least one
// base line untouched between them: the merge must be clean and exactly
// both sets of changes.
BOOST_AUTO_TEST_CASE(random_separated_edits_merge_exactly) {
  std::mt19937 random(4287);
  int fresh = 0;
  for (int round = 0; round < 400; ++round) {
    int n = std::uniform_int_distribution<>(2, 25)(random);
    std::vector<std::string> base;
    for (int i = 0; i < n; ++i)
      base.push_back("base" + std::to_string(i) + "\n");
    // Cut [0, n] into regions; alternate owners with a gap line between.
    struct Region {
      int begin, end, owner;  // owner 0: mine, 1: theirs
      std::vector<std::string> replacement;
    };
    std::vector<Region> regions;
    int at = 0, owner = static_cast<int>(random() % 2);
    while (at <= n) {
      int begin = at + static_cast<int>(random() % 3);
      if (begin > n) break;
      int end = std::min(n, begin + static_cast<int>(random() % 3));
      Region r{begin, end, owner, {}};
      int added = static_cast<int>(random() % 3);
      if (begin == end && added == 0) added = 1;
      for (int k = 0; k < added; ++k)
        r.replacement.push_back("new" + std::to_string(fresh++) + "\n");
      regions.push_back(r);
      owner = 1 - owner;
      at = end + 1;  // leaves base line `end` untouched
    }
    // who: 0 mine, 1 theirs, 2 both.
    auto build = [&](int who) {
      std::string text;
      size_t r = 0;
      for (int i = 0; i <= n;) {
        if (r < regions.size() && regions[r].begin == i) {
          const Region& region = regions[r++];
          if (who == 2 || region.owner == who) {
            for (const auto& line : region.replacement) text += line;
            if (region.end > region.begin) {
              i = region.end;
              continue;
            }
          }
        }
        if (i < n) text += base[i];
        ++i;
      }
      return text;
    };
    std::string base_text;
    for (const auto& line : base) base_text += line;
    std::string mine = build(0), theirs = build(1), both = build(2);
    BOOST_TEST_CONTEXT("base:\n"
                       << base_text << "mine:\n"
                       << mine << "theirs:\n"
                       << theirs) {
      auto merged = MergeTexts(base_text, mine, theirs);
      BOOST_REQUIRE(merged.has_value());
      BOOST_TEST(*merged == both);
    }
  }
}

}  // namespace
}  // namespace wikid
