// `wikid export`: writes the whole wiki, every page with its full
// history, in MediaWiki's XML export format (model/exchange/
// mediawiki_xml.h), which `wikid import` and other wikis read.
//
// - Each revision with its time, author (an account's name as
//   <username>, an anonymous edit's address as <ip>, a name imported
//   without an account as <username> with no <id>), summary and text,
//   model "markdown", format "text/markdown"; a page's revisions oldest
//   first, pages in the page list's order.
// - Deleted pages are left out, as MediaWiki's dumps leave out its
//   deleted pages: an admin deleted them for a reason (spam, a libel,
//   someone's address) and an export is made to be handed on; the format
//   has no way to say "deleted", so a wiki importing it would publish
//   them again. Their rows stay in this wiki (undelete, backups).
// - Streaming: one revision in memory at a time, however big the wiki.
//   Not one snapshot: a page saved while the export runs is in it up to
//   the revision it had when the export reached it.
#pragma once

#include <cstdint>
#include <functional>
#include <ostream>
#include <string>

#include "model/base/status.h"
#include "model/wiki.h"

namespace wikid {

struct ExportOptions {
  StorageOptions storage;
  std::string site_name = "wikid";  // <siteinfo><sitename>
  // Pages and revisions written so far, after each page.
  std::function<void(int64_t pages, int64_t revisions)> progress;
};

struct ExportReport {
  int64_t pages = 0;
  int64_t revisions = 0;
};

// Writes the wiki `options.storage` names to `out`. Unavailable when the
// database cannot be read or `out` cannot be written.
Result<ExportReport> ExportWiki(std::ostream& out, const ExportOptions& options);

}  // namespace wikid
