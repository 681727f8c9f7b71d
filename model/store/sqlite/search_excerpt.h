// wikid_excerpt(): the few words of a search hit shown under its name, as
// an FTS5 auxiliary function of our own.
//
// FTS5's snippet() weighs every window of the text against every match,
// and its highlight() grows its output one allocation per mark, copying
// all of it each time: both cost tens of milliseconds for one page whose
// text holds hundreds of matches (a prefix like "wo*" in a long page).
// wikid_excerpt(TABLE, COLUMN, WORDS) reads the row's matches once,
// tokenizes the column only as far as the end of the window it shows, and
// returns WORDS words from a few before the first match, each match (a
// phrase as one) between kMatchStart and kMatchEnd, with "…" where the
// text was cut: linear in the text before the window.
#pragma once

#include "model/base/status.h"

struct sqlite3;

namespace wikid {

// Registers wikid_excerpt on `db`'s connection (FTS5 functions are per
// connection).
Status RegisterSearchExcerpt(sqlite3* db);

}  // namespace wikid
