// Diffs and three-way merges (model/text/text_diff.h): the input cut at
// NUL bytes into base, mine and theirs. Never a crash; a diff of a text
// with itself is empty; a merge is symmetric (conflicts are, by diff3's
// rule, and so is what both sides' changes make together).
#include "model/text/text_diff.h"
#include "tests/fuzz/fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto f = wikid::fuzz::Split(data, size, 3);
  const std::string& base = f[0];
  const std::string& mine = f[1];
  const std::string& theirs = f[2];
  wikid::DiffTexts(base, mine);
  wikid::fuzz::Check(wikid::DiffTexts(theirs, theirs).identical(), "a text equals itself");
  auto merged = wikid::MergeTexts(base, mine, theirs);
  auto swapped = wikid::MergeTexts(base, theirs, mine);
  wikid::fuzz::Check(merged.has_value() == swapped.has_value() && (!merged || *merged == *swapped),
                     "a merge does not depend on which side is whose");
  return 0;
}
