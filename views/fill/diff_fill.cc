#include "views/fill/diff_fill.h"

#include "model/base/time_text.h"
#include "views/fill/page_fill.h"
#include "views/base/render.h"

namespace wikid {
namespace {

void FillLines(const std::vector<DiffLine>& lines, const char* section,
               ctemplate::TemplateDictionary* d) {
  for (const DiffLine& line : lines) {
    ctemplate::TemplateDictionary* row = d->AddSectionDictionary(section);
    row->SetIntValue("NO", line.number);
    for (const DiffSegment& segment : line.segments) {
      ctemplate::TemplateDictionary* s = row->AddSectionDictionary("SEGMENT");
      s->SetValueAndShowSection("TEXT", segment.text,
                                segment.changed ? "CHANGED" : "SAME");
    }
  }
}

// The header line of one side: which revision, by whom, when, and why.
void FillSide(const PageName& name, const Revision& r,
              ctemplate::TemplateDictionary* d) {
  d->SetIntValue("REV", r.rev);
  d->SetValue("REV_URL", name.UrlPath() + "?rev=" + std::to_string(r.rev));
  d->SetValue("TIME", FormatTime(r.created_at));
  FillAuthor(r.author, r.author_is_account, d);
  if (!r.summary.empty())
    d->SetValueAndShowSection("SUMMARY", r.summary, "HAS_SUMMARY");
}

// "1 line", "2 lines".
std::string Lines(int64_t n) {
  return std::to_string(n) + (n == 1 ? " line" : " lines");
}

}  // namespace

void FillDiffTable(const TextDiff& diff, ctemplate::TemplateDictionary* d) {
  ctemplate::TemplateDictionary* table = d->AddIncludeDictionary("DIFF_TABLE");
  table->SetFilename("diff_table.tpl");
  table->SetValue("REMOVED", Lines(diff.lines_removed));
  table->SetValue("ADDED", Lines(diff.lines_added));
  if (diff.identical()) table->ShowSection("IDENTICAL");
  if (diff.shown == TextDiff::Shown::kTooLarge) table->ShowSection("TOO_LARGE");
  if (diff.shown == TextDiff::Shown::kCut) table->ShowSection("CUT");
  if (!diff.hunks.empty()) table->ShowSection("COUNTS");
  for (const DiffHunk& hunk : diff.hunks) {
    ctemplate::TemplateDictionary* h = table->AddSectionDictionary("HUNK");
    h->SetIntValue("OLD_START", hunk.old_start);
    h->SetIntValue("OLD_END", hunk.old_start + hunk.old_count - 1);
    h->SetIntValue("NEW_START", hunk.new_start);
    h->SetIntValue("NEW_END", hunk.new_start + hunk.new_count - 1);
    for (const DiffBlock& block : hunk.blocks) {
      ctemplate::TemplateDictionary* b = h->AddSectionDictionary("BLOCK");
      b->SetValue("KIND", block.changed ? "changed" : "same");
      FillLines(block.old_lines, "OLD_LINE", b);
      FillLines(block.new_lines, "NEW_LINE", b);
      // Blank lines keep the two sides level when shown side by side.
      for (size_t i = block.old_lines.size(); i < block.new_lines.size(); ++i)
        b->AddSectionDictionary("OLD_PAD");
      for (size_t i = block.new_lines.size(); i < block.old_lines.size(); ++i)
        b->AddSectionDictionary("NEW_PAD");
    }
  }
}

void FillDiffPage(const PageName& name, const std::optional<Revision>& older,
                  const Revision& newer, int64_t latest_rev,
                  const TextDiff& diff, ctemplate::TemplateDictionary* d) {
  d->SetValue("TITLE", name.title());
  d->SetValue("PAGE_URL", name.UrlPath());
  d->SetValue("HISTORY_URL", "/_history" + name.UrlPath());
  d->SetValue("RAW_URL", "/_raw" + name.UrlPath());
  if (older) {
    FillSide(name, *older, d->AddSectionDictionary("OLDER"));
  } else {
    d->ShowSection("FROM_NOTHING");
  }
  FillSide(name, newer, d->AddSectionDictionary("NEWER"));
  int64_t from = older ? older->rev : 0;
  // Stepping keeps one change in view: the one before the older side and
  // the one after the newer side.
  if (from >= 1) {
    d->SetValueAndShowSection("URL", DiffUrl(name.UrlPath(), from - 1, from),
                              "PREVIOUS_CHANGE");
  }
  if (newer.rev < latest_rev) {
    d->SetValueAndShowSection("URL",
                              DiffUrl(name.UrlPath(), newer.rev, newer.rev + 1),
                              "NEXT_CHANGE");
  }
  FillDiffTable(diff, d);
}

}  // namespace wikid
