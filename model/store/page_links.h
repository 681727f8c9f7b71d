// What every engine's page store does alike with a page's wiki links:
// which of them a page keeps for backlinks and wanted pages, and how a
// page view's one query hands back where each link leads.
#pragma once

#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "model/store/page_store.h"

namespace wikid {

// The links a page keeps in page_link: one per key (PageKey), the first
// by name, so a page linking [[Foo]] and [[foo]] is one backlink and one
// wanted link.
std::set<std::string> OnePerKey(const std::set<std::string>& links);

// "target\ttitle" lines, as a page view's query joins them (page names
// never hold a tab or a newline: control characters are not allowed in
// them), as LinkTitles.
LinkTitles SplitLinkPairs(const std::string& joined);

// "link name\tname\tsha256\tcontent type\twidth\theight" lines, as a page
// view's query joins the files its embeds name (no field holds a tab or
// a newline), as EmbeddedFiles.
EmbeddedFiles SplitEmbeddedFiles(const std::string& joined);

// Where the logged events of a window of recent changes begin (those
// after the revision of this id; ListRecentChanges): the oldest revision
// of `recent` when older revisions exist (`recent.more`), else 0 (all of
// the older ones).
int64_t OldestLogged(const RecentChanges& recent);

// Puts `logged` (deletes, undeletes and uploads, newest first) among `changes`
// (revisions, newest first) where each happened: just after the revision
// whose id its revision_id holds.
void MergeLogged(std::vector<Change>* changes, std::vector<Change> logged);

// The name a deleted page's row holds (PageStore::Delete): a control
// character no page name may hold, then the page's id, so it is unique
// and no lookup by a name, a link or an address reaches it.
std::string DeletedPageName(int64_t page_id);

// Undelete's Conflict while a page of the deleted page's key stands,
// named `standing`, with the way out that works: a move that leaves a
// redirect, or one to another letter case, keeps the name taken.
Status UndeleteBlocked(const std::string& standing);

}  // namespace wikid
