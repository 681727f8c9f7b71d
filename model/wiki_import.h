// `wikid import`: brings a wiki's whole history in from a dump in
// MediaWiki's XML export format (model/exchange/mediawiki_xml.h), one
// written by `wikid export` or by a MediaWiki (Special:Export,
// dumpBackup.php), through the store directly (PageImport), never one
// HTTP save at a time.
//
// - All or nothing. The file is read once, streaming, into one write
//   transaction, committed only after the last revision and the rebuilt
//   links, wanted pages and search index; a file that is malformed or cut
//   short fails, naming the line, with nothing of it kept. (On SQLite
//   the transaction holds the write lock: a serving wiki's saves wait
//   for it, and are refused as busy past their busy timeout. On
//   PostgreSQL it locks the page table against writes, with the same
//   effect: postgres_page_import.h.)
// - Idempotent. A revision is recognised as already there when its page
//   has a revision with the same time (to the second) and the same text,
//   byte for byte after conversion: what makes it the same edit. Not its
//   number (wikid numbers each page's revisions 1, 2, 3, another wiki
//   numbers them across the wiki), not its author or summary (a summary
//   gains a note on conversion; an author may map to an account or not).
//   So importing a file twice, or two files that overlap, adds each
//   revision once; revisions new to a page are appended after the ones it
//   has, in the file's order (a dump lists a page's history oldest first).
// - Pages. A title is a page name as wikid reads it (namespace prefix
//   kept: "Talk:Foo"); a title that differs from a page's only in letter
//   case is that page, as everywhere in wikid. Titles wikid cannot take as
//   a page name, and file description pages (namespace 6: a dump holds
//   no file's bytes) are skipped and counted. Deleted pages are never
//   written to: a title of one makes a new page, as a save would.
// - Authors. A contributor whose name is an account's here (whatever the
//   letter case, as logins match) is that account's edit: its profile
//   link, contributions and edit count, as MediaWiki's importDump.php
//   assigns edits to local users where they exist. Any other name is
//   recorded as the revision's author, with no account (shown unlinked,
//   never the edit of someone who signs up under that name later); an
//   <ip> contributor is an anonymous edit from that address, as wikid's
//   own are; a hidden contributor is recorded as "(hidden)". With
//   `match_accounts` off, no name maps to an account.
// - Texts. Model "markdown" is kept as it is. Wikitext (model
//   "wikitext", or none: dumps before export-0.8) is converted
//   (model/exchange/wikitext.h) and its summary gains kConvertedNote.
//   Other models (CSS, JavaScript, JSON) are kept as they are, their
//   summary noting the model. A suppressed text (<text deleted>) is
//   skipped and counted: there is nothing to import.
// - Caches. After the commit, when anything was added, the cache epoch
//   is advanced (every view any host cached is dead: versions.h) and the
//   fast path is suspended with a new generation (fast_path.h), and the
//   import waits out both leases before it returns, so a wiki that
//   serves meanwhile shows no view from before the import once it says
//   it is done.
#pragma once

#include <cstdint>
#include <functional>
#include <istream>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "model/base/status.h"
#include "model/wiki.h"

namespace wikid {

struct ImportOptions {
  StorageOptions storage;
  // The canonical [[link]] targets of a Markdown text: the views' parser,
  // which model/ has none of (TooComplex for a text that does not render
  // within the budget: then the revision is kept with no links).
  std::function<Result<std::set<std::string>>(std::string_view text)> link_targets;
  // Bytes of the file read so far, after each block.
  std::function<void(int64_t bytes)> progress;
  bool match_accounts = true;  // see "Authors" above
};

struct ImportReport {
  int64_t revisions_read = 0;     // revisions in the file
  int64_t revisions_added = 0;
  int64_t revisions_present = 0;  // already in the wiki: not added again
  int64_t pages_created = 0;
  int64_t pages_extended = 0;     // existing pages that got revisions
  int64_t converted = 0;          // added revisions converted from wikitext
  int64_t by_accounts = 0;        // added revisions attributed to an account here
  int64_t hidden_texts = 0;       // skipped: the text was suppressed
  int64_t skipped_revisions = 0;  // of skipped pages (below)
  int64_t unlinked = 0;           // texts too complex to find links in
  // Titles skipped, and why (the first 20).
  std::vector<std::string> skipped_pages;
  int64_t skipped_page_count = 0;
};

// Imports the dump read from `in` into the wiki `options.storage` names.
// Invalid, naming the line, for a malformed or truncated file (nothing
// imported); Busy or Unavailable when the database refuses.
Result<ImportReport> ImportDump(std::istream& in, const ImportOptions& options);

}  // namespace wikid
