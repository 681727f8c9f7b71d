// FTS5's C API of one connection: what wikid adds to FTS5 (an auxiliary
// function, search_excerpt.h) and uses of it directly (its tokenizer,
// search_words.h).
#pragma once

#include <sqlite3.h>

#include "model/base/status.h"

namespace wikid {

// The FTS5 API of `db`'s connection, valid while the connection is open.
Result<fts5_api*> Fts5Api(sqlite3* db);

}  // namespace wikid
