// Fill functions for diffs: the table of changes (diff_table.tpl, shared
// by the diff page, the editor's "Show changes" and edit conflicts) and
// the diff page around it (diff.tpl).
#pragma once

#include <ctemplate/template.h>

#include <cstdint>
#include <optional>
#include <string>

#include "model/store/page_store.h"
#include "model/text/text_diff.h"

namespace wikid {

// diff_table.tpl, included as DIFF_TABLE in `d`: the hunks of `diff`, each
// change as the old side's lines beside (or, on narrow screens, above)
// the new side's, with the changed words marked.
void FillDiffTable(const TextDiff& diff, ctemplate::TemplateDictionary* d);

// diff.tpl: `older` (absent: the empty text before the page existed)
// compared with `newer`, with links to the change before and after.
void FillDiffPage(const PageName& name, const std::optional<Revision>& older,
                  const Revision& newer, int64_t latest_rev,
                  const TextDiff& diff, ctemplate::TemplateDictionary* d);

}  // namespace wikid
