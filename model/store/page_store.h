// PageStore: the storage interface for pages and their revisions, in two
// parts: PageReader, the reads, which views/ uses directly, and the
// writes, which only model/ calls (views/ writes through PageWrites,
// model/page_writes.h, which keeps the caches true after each one).
//
// Narrow on purpose: views/ needs only these verbs, so a second engine
// (PostgreSQL, for wikis that outgrow one machine) can one day be another
// implementation of this class rather than a rewrite. SqlitePageStore is
// the one engine today.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "model/text/page_name.h"
#include "model/text/search_query.h"
#include "model/base/status.h"

namespace wikid {

// One immutable revision of a page. `text` is empty in history listings.
struct Revision {
  int64_t id = 0;           // unique across all pages and revisions
  int64_t rev = 0;          // 1, 2, 3... per page
  std::string author;       // the account's name, or the client address
  bool author_is_account = false;  // author names an account (a profile)
  int64_t created_at = 0;   // unix seconds, UTC
  std::string summary;
  std::string text;
  int64_t size = 0;         // bytes of text
  int64_t size_change = 0;  // size minus the previous revision's size
};

// The wiki link targets (canonical names, as typed) that lead to a page,
// each with that page's title: itself, or the name that differs from it
// only in letter case (PageKey, model/text/page_name.h).
using LinkTitles = std::map<std::string, std::string>;

// A page embeds a file ([[File:Photo.jpg|alt|300px]], views/markup/markdown.h)
// through a link whose target is this prefix and the file's canonical
// name: embeds are links of the page, kept with its revision and in its
// current links, so "where is this file used" is the file's backlinks
// (ListBacklinks of "File:NAME"), and a new revision of the file retires
// the views of the pages that embed it (model/file_writes.h). Such links
// are never wanted pages (a file is uploaded, not written).
inline constexpr char kFileLinkPrefix[] = "File:";

// The latest revision of a file a page embeds, as the page view's one
// query finds it: what the rendering shows (the image's size, its
// content-addressed URL), so it is part of the rendering's key.
struct EmbeddedFile {
  std::string name;  // the file's canonical name
  std::string sha256;
  std::string content_type;
  int64_t width = 0;  // pixels, for images; 0 otherwise
  int64_t height = 0;
};
// By the file name as the link names it (the target without the prefix).
using EmbeddedFiles = std::map<std::string, EmbeddedFile>;

// What a page view needs: one revision, where it stands, and which of its
// wiki links lead to pages that exist.
struct PageRevision {
  std::string title;
  int64_t latest_rev = 0;
  Revision revision;
  LinkTitles existing_links;
  // The files its embeds name that exist, each at its latest revision
  // (an engine without files leaves it empty: every embed shows missing).
  EmbeddedFiles files;
  bool is_protected = false;  // only admins may save the page
  bool is_latest() const { return revision.rev == latest_rev; }
};

// A save request. `base_rev` is the revision the editor started from (0 for
// a page that did not exist).
struct Edit {
  PageName name;
  int64_t base_rev = 0;
  std::string text;
  std::string summary;
  std::string author;       // the account's name, or the client address
  int64_t account_id = 0;   // the account saving; 0 for an anonymous edit
  int64_t account_created_at = 0;  // when that account was made
  bool may_edit_protected = false;  // an admin: protection does not apply
  int64_t created_at = 0;
  std::set<std::string> links;  // canonical [[link]] targets in `text`
  // Written by a move (the moved page's revision, or the redirect it
  // leaves): no one's new page (SavedRevision::by_move).
  bool by_move = false;
};

struct SaveResult {
  bool created = false;  // false: the text equalled the latest revision
  int64_t rev = 0;       // the new revision, or the unchanged latest
};

// A rename request (PageStore::Move, issue 20).
struct PageMove {
  PageName from;
  PageName to;
  std::string reason;          // the mover's words, kept in the summary
  bool leave_redirect = true;  // the old name becomes a redirect to the new
  std::string author;          // as Edit's
  int64_t account_id = 0;
  bool may_edit_protected = false;  // an admin: protection does not apply
  int64_t created_at = 0;
};

struct MoveResult {
  int64_t rev = 0;              // the moved page's new revision (the move's)
  bool redirect_left = false;   // the old name now redirects to the new
  bool replaced_redirect = false;  // `to` was a redirect to `from`, now swapped
};

// A window of a page's history, newest first.
struct History {
  std::string title;
  int64_t latest_rev = 0;
  std::vector<Revision> revisions;  // text left empty
};

// One revision in the list of recent changes.
struct Change {
  std::string title;
  int64_t rev = 0;
  int64_t revision_id = 0;
  std::string author;
  bool author_is_account = false;
  int64_t created_at = 0;
  std::string summary;
  int64_t size_change = 0;
  // A logged event in the list instead of a revision (issue 20): "delete"
  // or "undelete", with the reason as `summary`, `revision_id` the newest
  // revision's id when it happened (it stands just after that revision),
  // `log_id` its own number, and `rev` and `size_change` 0.
  std::string log_action;
  int64_t log_id = 0;
  // An upload (issue 19), logged the same way: log_action "upload",
  // `title` the file's name, `log_id` the file revision's id, `summary`
  // its summary, and here its number and size in bytes.
  int64_t file_rev = 0;
  int64_t file_size = 0;
  // About a file: an upload, or a file's delete or undelete (log_action
  // "delete" or "undelete", `log_id` its number among the files' events).
  bool of_file = false;
};

// One account's revisions, newest first.
struct Contributions {
  std::vector<Change> changes;
  int64_t edit_count = 0;  // all of the account's revisions
};

struct RecentChanges {
  std::vector<Change> changes;  // newest first
  int64_t page_count = 0;
  int64_t revision_count = 0;
  // Older revisions exist (a window after this one's oldest revision has
  // one at least): read, not inferred from ids, which have gaps (a
  // deleted page's revisions, ids PostgreSQL skipped).
  bool more = false;
};

struct PageListEntry {
  std::string title;
  int64_t latest_rev = 0;
};

struct PageList {
  std::vector<PageListEntry> pages;
  bool more = false;  // pages exist after the last one listed
};

// A page nobody has written yet, and how many pages link to it.
struct WantedPage {
  std::string title;
  int64_t link_count = 0;
};

struct WantedPages {
  std::vector<WantedPage> pages;  // most linked first, ties alphabetical
  bool more = false;              // more wanted pages follow
};

// Where a window of wanted pages starts: after the page `title` with
// `link_count` links (the last one of the window before), or at the
// start when `link_count` is 0.
struct WantedCursor {
  int64_t link_count = 0;
  std::string title;
};

// One page found by a search. `title_marked` and `snippet` mark the
// matched words with kMatchStart and kMatchEnd.
struct SearchHit {
  std::string title;
  std::string title_marked;
  std::string snippet;  // a few words of the text around the best match
  int64_t latest_rev = 0;
};
inline constexpr char kMatchStart = '\x02';
inline constexpr char kMatchEnd = '\x03';

// The deepest offset Search serves. Every hit before an offset must be
// ranked to be skipped, so paging deeper would let one request rank the
// whole wiki; a reader not helped by the first thousand results is better
// served by a narrower search.
inline constexpr int64_t kMaxSearchOffset = 1000;

// How many pages a search ranks at most: the newest this many whose names
// match, then the newest this many whose names or texts match. Counting
// and ranking every match of a word in every page would cost a request
// time that grows with the wiki; past this many, a narrower search serves
// a reader better anyway. At least kMaxSearchOffset plus a page of
// results, so every page of results that may be asked for is ranked.
inline constexpr int64_t kSearchCandidates = 2000;

struct SearchResults {
  std::vector<SearchHit> hits;  // title matches first, then by relevance
  // Pages that match, counted up to kSearchCandidates; `more` when more
  // than that match (the hits are then the best of the newest ones).
  int64_t total = 0;
  bool more = false;
  // `wikid reindex` is rebuilding the index (or was interrupted): pages
  // it has not reached yet are missing from these results.
  bool partial_index = false;
};

// A deleted page (issue 20): who deleted it, when and why, which everyone
// may see; and, for admins, what it held. A deleted page keeps its row,
// revisions and links of each revision, under a name no lookup can reach
// (DeletedPageName), so that undelete brings back the whole history.
struct PageDeletion {
  int64_t page_id = 0;      // which deleted page: what undelete names
  std::string title;        // the page's name when it was deleted
  std::string deleted_by;   // the admin's account name
  int64_t deleted_at = 0;   // unix seconds, UTC
  std::string reason;
  int64_t revisions = 0;    // what undelete brings back
  Revision last;            // its latest revision, text left empty
  std::string text;               // the latest revision's text
  std::vector<Revision> history;  // newest first, text left empty
};

// A delete or an undelete request (admins only; views/ checks).
struct PageDeletionRequest {
  PageName name;
  int64_t page_id = 0;     // undelete: which deletion of `name` (PageDeletion)
  std::string reason;
  std::string author;      // the admin's account name
  int64_t account_id = 0;
  int64_t at = 0;          // unix seconds, UTC
};

// The most deletes, undeletes and uploads one window of recent changes shows
// between two revisions' worth of rows (PageReader::ListRecentChanges):
// a bound on the window's cost however many pages were deleted at once.
inline constexpr int kMaxLoggedPerWindow = 500;

// The most deletions of one name PageReader::FindDeletions returns (the
// newest): a name deleted more often than this is a vandal's game, and
// the older ones stay in the database.
inline constexpr int kMaxDeletionsListed = 20;

class PageReader {
 public:
  virtual ~PageReader() = default;

  // Revision `rev` of `name` (the latest when absent), with the targets of
  // its wiki links that exist. NotFound if the page or revision is absent.
  // One query.
  virtual Result<PageRevision> Find(const PageName& name,
                                    std::optional<int64_t> rev) = 0;

  // Up to `limit` revisions of `name`, newest first, starting at revision
  // `from_rev` (the latest when absent). Reads only the rows it returns.
  // NotFound if the page does not exist.
  virtual Result<History> ListHistory(const PageName& name,
                                      std::optional<int64_t> from_rev,
                                      int limit) = 0;

  // Up to `limit` revisions of any page, newest first, older than the
  // revision with id `before_id` (from the newest when absent), with the
  // numbers of pages and revisions (0 when no revision is returned), and
  // whether older ones exist. Reads only the rows it returns, and one
  // more. Deletes, undeletes and uploads (Change's log_action) stand among
  // them where they happened: those after the oldest revision returned
  // (after any, when no older revision exists), and older than
  // `before_id`, at most kMaxLoggedPerWindow.
  virtual Result<RecentChanges> ListRecentChanges(std::optional<int64_t> before_id,
                                                  int limit) = 0;

  // Up to `limit` revisions saved by account `account_id`, newest first,
  // older than the revision with id `before_id` (from the newest when
  // absent), with the account's number of revisions.
  virtual Result<Contributions> ListContributions(int64_t account_id,
                                                  std::optional<int64_t> before_id,
                                                  int limit) = 0;

  // Which of `titles` (canonical names) lead to pages that exist, and to
  // which: the page of that name, else the first by name of those whose
  // names differ from it only in case. One or two indexed lookups per
  // title: for previews, searches and missing pages, not for page views.
  virtual Result<LinkTitles> ExistingPages(const std::set<std::string>& titles) = 0;

  // The title of the page `name` leads to: its own when it is a page,
  // else the first by name of those whose names differ from it only in
  // case; nullopt when there is none. One or two indexed lookups.
  virtual Result<std::optional<std::string>> Resolve(const PageName& name) = 0;

  // Up to `limit` pages in alphabetical order (case-insensitive for ASCII),
  // starting after the page titled `after` (from the start when empty).
  virtual Result<PageList> ListPages(const std::string& after, int limit) = 0;

  // Up to `limit` pages whose latest revision links to `name` in any
  // letter case (the page itself aside, and links naming another page
  // exactly), in the order of ListPages, after the page titled `after`.
  // The page need not exist.
  virtual Result<PageList> ListBacklinks(const PageName& name, const std::string& after,
                                         int limit) = 0;

  // Up to `limit` pages that do not exist (in any letter case) and that
  // latest revisions link to, the most linked first, from `after` on: one index
  // range, wherever the window is.
  virtual Result<WantedPages> ListWanted(const WantedCursor& after,
                                         int limit) = 0;

  // Up to `limit` pages no other page's latest revision links to (in any
  // letter case), in the
  // order of ListPages, after the page titled `after`, leaving out the
  // page titled `except` (the front page, linked from every page's header).
  virtual Result<PageList> ListOrphans(const std::string& after, const std::string& except,
                                       int limit) = 0;

  // Up to `limit` pages matching `query` (from ParseSearch), skipping
  // the first `offset`: pages whose name matches first (unless the query
  // subtracts), each group ranked by relevance with names weighing ten
  // times the text (SQLite's bm25, PostgreSQL's ts_rank; between equals,
  // the newer page first), among at most kSearchCandidates of each (the
  // newest); with a prefix (word*) that is not subtracted, the texts'
  // group is newest first instead. Any query ParseSearch made is
  // searched: none is an error. Invalid (before anything is read) if
  // `offset` is over kMaxSearchOffset, or on SQLite if a prefix stands
  // for more than kMaxPrefixWords words (search_words.h).
  virtual Result<SearchResults> Search(const SearchQuery& query, int64_t offset,
                                       int limit) = 0;

  // The deletions of pages of `name`'s key (PageKey) that were not undone,
  // newest first, at most kMaxDeletionsListed: a name may have been
  // deleted, written again and deleted again, and each deletion keeps a
  // page of its own. Each with its last revision, and with up to
  // `history_limit` of its revisions and its latest text when
  // `history_limit` > 0; empty when there is none.
  virtual Result<std::vector<PageDeletion>> FindDeletions(const PageName& name,
                                                          int history_limit) = 0;
};

// The reads and the writes.
class PageStore : public PageReader {
 public:
  // Saves `edit` as a new revision on top of edit.base_rev, atomically.
  // Invalid, with nothing written, for a new page whose name differs from
  // an existing page's only in letter case.
  // If the text equals the latest revision's, nothing is written and
  // SaveResult::created is false (whatever base_rev says). Otherwise
  // Conflict, with nothing written, if the latest revision is not
  // base_rev. Forbidden, with nothing written, if the page is protected
  // and the edit is not an admin's. Unavailable or Busy when storage
  // refuses the write.
  virtual Result<SaveResult> Save(const Edit& edit) = 0;

  // Renames page `move.from` to `move.to`, atomically: the page keeps its
  // history and gets one revision more, its text unchanged, summarised
  // "Moved from A to B: reason" (recent changes, history and the feed
  // show the move as that revision). When move.leave_redirect, the old
  // name becomes a new page whose text is RedirectText(to)
  // (model/text/redirect.h), unless the names differ only in letter case
  // (one key names one page: links in either case reach the moved page
  // anyway). Links to the old name then lead to the redirect, and links
  // to the new name to the page; without a redirect they become wanted.
  // Refused, with nothing written: NotFound when `from` does not exist;
  // Invalid when the names are equal; Forbidden when a page involved is
  // protected and the mover is not an admin; Conflict when `to` (in any
  // letter case, other than `from` itself) is a page, unless its text is
  // only a redirect to `from`: then the two pages' names are swapped
  // (`to`'s history kept under the old name, which gets the redirect;
  // nothing is ever deleted, so the redirect is left whatever
  // leave_redirect says). Unavailable or Busy as Save.
  virtual Result<MoveResult> Move(const PageMove& move) = 0;

  // Protects the page (only admins may save it) or lifts the protection.
  // NotFound if the page does not exist.
  virtual Status SetProtected(const PageName& name, bool is_protected) = 0;

  // Deletes the page (issue 20), atomically: it leaves the page list,
  // search, orphans and the counts; its links stop counting (wanted,
  // backlinks), links to it count as wanted again; the deletion is
  // logged. NotFound if the page does not exist. A page may be made again
  // under a deleted page's name (a new page, with a history of its own).
  virtual Status Delete(const PageDeletionRequest& request) = 0;

  // Undoes the deletion of page `request.page_id`, which must be one of
  // `request.name`'s key (the latest of them when page_id is 0): the page
  // comes back under the name it had, with its whole history, links and
  // search entry; logged. Returns its title. NotFound if no such deletion
  // stands; Conflict, with nothing written, if a page of that name (in
  // any letter case) exists again: it must be moved away without leaving
  // a redirect, or deleted, first.
  virtual Result<std::string> Undelete(const PageDeletionRequest& request) = 0;

  // Rebuilds the search index from every page's latest revision, `batch`
  // pages per transaction, so that saves get through between batches (a
  // save indexes its page in its own transaction, and a later batch reads
  // the latest text anyway). Calls `progress` (pages done, pages in all)
  // after each batch, outside any transaction; then packs the index in
  // steps, each its own transaction. Returns the pages indexed.
  virtual Result<int64_t> RebuildSearchIndex(
      int batch = 1000,
      const std::function<void(int64_t done, int64_t total)>& progress = {}) = 0;
};

}  // namespace wikid
