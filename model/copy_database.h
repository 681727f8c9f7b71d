// `wikid copy-database`: moves a whole wiki from one database to another,
// SQLite to PostgreSQL or back (or between two of one engine), and shows
// that nothing was lost on the way.
//
// What moves, row for row and with the same ids: pages and every revision
// (authors, times, summaries), their links, wanted pages, accounts with
// their password hashes and edit counts, sessions, API tokens, the site's
// secret keys, files with their revisions and bytes, and the mail outbox
// with its attempts (model/store/wiki_tables.cc lists each column). What
// is rebuilt on the target instead: the search index (and, on PostgreSQL,
// the site counts and the identities' next ids). What stays behind, as
// state of one deployment: failed logins, the cache epoch, the fast
// path's state.
//
// The source is read in one snapshot, so a wiki that serves (and saves)
// meanwhile is copied as it was when the copy began. The target must hold
// no wiki: it is written in one transaction, which is committed only
// after every table, read back from the target, has the source's row
// count and checksum; otherwise nothing of the copy is kept.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "model/base/status.h"
#include "model/wiki.h"

namespace wikid {

// One table's rows, as both sides count and checksum them: `sha256` over
// the rows in key order, each column of each row a tag and its value ('N'
// for NULL; 'I' and the 8 bytes of an integer, or of a boolean as 0/1,
// big-endian; 'T' for text or 'B' for bytes, then their length as 8 bytes
// big-endian and the bytes).
struct TableSum {
  std::string table;
  int64_t rows = 0;
  std::string sha256;
};

struct CopyReport {
  std::vector<TableSum> tables;  // in the order they were copied
  int64_t indexed_pages = 0;     // pages the target's rebuilt search index holds
};

struct CopyOptions {
  StorageOptions from, to;
  int batch_rows = 1000;  // rows read (and written) at a time
  // Called after each batch: the table, its rows copied so far and its
  // rows in all; then once per table while it is checked ("checking").
  std::function<void(const std::string& table, int64_t done, int64_t total)> progress;
};

// Copies the wiki `options.from` names into the database `options.to`
// names (made and migrated if it does not exist). Invalid, saying why and
// writing nothing, when the target already holds a wiki (any page,
// revision, account, file or mail; a wiki made and never used, which
// holds nothing but its site keys, is taken, its keys replaced by the
// source's), when either database holds a table or column the copier
// does not know (a newer wikid's, say), or when both name one database.
// Internal when the target's rows read back differ from the source's.
Result<CopyReport> CopyDatabase(const CopyOptions& options);

// The row counts and checksums of every copied table of the database
// `options` names, in one snapshot, as CopyDatabase computes them.
Result<std::vector<TableSum>> SumTables(const StorageOptions& options);

}  // namespace wikid
