// Diffs and three-way merges (model/text/text_diff.h): the input cut at
// NUL bytes into base, mine and theirs. Never a crash; a merge with an
// unchanged side is the other side; a diff of a text with itself is empty.
#include "model/text/text_diff.h"
#include "tests/fuzz/fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto f = wikid::fuzz::Split(data, size, 3);
  const std::string& base = f[0];
  const std::string& mine = f[1];
  const std::string& theirs = f[2];
  wikid::DiffTexts(base, mine);
  wikid::fuzz::Check(wikid::DiffTexts(theirs, theirs).identical(), "a text equals itself");
  auto kept_mine = wikid::MergeTexts(base, mine, base);
  wikid::fuzz::Check(kept_mine && *kept_mine == mine, "merging with no change of theirs");
  auto kept_theirs = wikid::MergeTexts(base, base, theirs);
  wikid::fuzz::Check(kept_theirs && *kept_theirs == theirs, "merging with no change of mine");
  wikid::MergeTexts(base, mine, theirs);
  return 0;
}
