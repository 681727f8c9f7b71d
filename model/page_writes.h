// PageWrites: every change to pages goes through here, so that no cached
// view outlives the change it does not show. views/ reads pages through
// PageReader and cannot write them any other way (Stores::pages is the
// read side only).
//
// The protocol, for each write, in this order:
//   0. Mark in flight, before the commit (Versions::Mark: the page's
//      number, the site's, and the links' when a page may be made or
//      gone), and delete nginx's entries that the write will change (as
//      in step 2): from now until step 2, no view of these numbers is
//      served from any cache or fills one, on any host, so a reader who
//      sees the commit in the database never sees the revision before it
//      again (monotonic reads; versions.h says why, and what a memcached
//      that loses the mark costs).
//   1. Commit (the store's one transaction: revision, links, search
//      entry, queued mail).
//   2. Invalidate, before anything is acknowledged: move the page's
//      version numbers and clear the marks (Versions::Settle: the page's,
//      the site's, and the links' when a page was created, in memcached
//      where every host reads them; one memcached does not confirm
//      advances the cache epoch and waits out its lease), so views read
//      before the commit stop being served by any worker of any host;
//      then delete the entries nginx serves that changed: the page's own,
//      the front page's (it lists recent changes) and, when a page was
//      created, those of every page linking to it (they showed the link
//      as missing), once no fill of them on any host is between its check
//      and its add (FastPath's fill marks). A delete memcached does not
//      confirm suspends the fast path instead.
//   3. Publish (saves only): render the new revision and set it in the
//      render and page caches under a stamp taken after step 2 (one set
//      each, not waited for: StoreMode::kPublish), so the next view on
//      any worker hits instead of rendering.
//   4. Return: the caller acknowledges.
// What step 0 costs, in memcached round trips: an edit marks 2 numbers
// (the page's, the site's: 1 incr each, and 1 touch each when no other
// writer has them in flight and this process has not touched them in
// the last kTouchReuseMs) and, with the fast path on, deletes 2 entries
// after 1 get_multi of their fill marks; step 2's decrements take the
// place of the increments of before. So an edit waits for 13 round trips
// where it waited for 8 (7 where 5 without the fast path), 11 (5) in a
// burst of saves that skips the touches; a save that may make a page
// marks the links' number too (2 more) and deletes the entries of the
// pages linking to it twice. A view makes none more: it finds the marks
// in the numbers its one get_multi reads.
// When step 2 cannot be made sure of (memcached does not confirm and the
// database cannot advance the cache epoch), the write is committed but
// answered as Unavailable, saying so: never acknowledged as visible.
// A process killed between 1 and 2 leaves views that miss the commit
// (and its marks, which keep the page's views in the database for
// kMarkSeconds at most): when a worker dies unasked, the master suspends the fast path and asks
// the workers to move the numbers every view's stamp holds
// (fcgi/master.cc, Versions::CatchUp).
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "model/base/status.h"
#include "model/cache/versions.h"
#include "model/store/page_store.h"
#include "model/text/page_name.h"
#include "model/wiki.h"

namespace wikid {

// The path nginx's $uri holds for the canonical URL of a page view: "/"
// for the front page, else "/" + its URL name, percent-decoded. The fast
// path keys its entries by it.
std::string PageViewPath(const PageName& name, bool front);

// What the render cache keeps the body of `page` under: its revision,
// which of its links lead to pages, and the files it embeds as they are
// now (RenderKey).
RenderKey RenderKeyOf(const PageRevision& page);

// The latest revision `page` as the page cache keeps it.
CachedPage ToCached(const PageRevision& page, std::string body_html);

class PageWrites {
 public:
  // The body of a revision as HTML, links to existing pages marked (the
  // views' Markdown renderer); nullopt when it cannot be rendered now
  // (then nothing is published, and views render it when asked).
  using Renderer = std::function<std::optional<std::string>(const PageRevision&)>;

  // `store` and `caches` must outlive it.
  // `metrics`, if given, counts each revision made (for /_metrics).
  PageWrites(PageStore& store, const Caches& caches, Renderer render,
             ProcessMetrics* metrics = nullptr)
      : store_(store), caches_(caches), render_(std::move(render)), metrics_(metrics) {}

  // PageStore::Save, then, when a revision was made, steps 2 and 3.
  Result<SaveResult> Save(const Edit& edit);

  // PageStore::Move, then step 2 for both names, as for pages created
  // (each name's view changes, links to either name lead elsewhere or
  // turn from missing to existing: the links number moves, and the
  // fast-path entries of both names and of the pages linking to either
  // are deleted), then step 3 for the page under its new name. Refusals
  // as PageStore::Move; Unavailable, committed, as Save.
  Result<MoveResult> Move(const PageMove& move);

  // PageStore::SetProtected, then step 2 (a view shows whether a page is
  // protected).
  Status SetProtected(const PageName& name, bool is_protected);

  // PageStore::Delete, then step 2 as for a page made or gone (issue 20):
  // the page's views, the links number (links to it turn red on every
  // host), and the fast-path entries of the page, the front page (recent
  // changes, counts) and every page linking to it.
  Status Delete(const PageDeletionRequest& request);

  // PageStore::Undelete, then the same step 2 for the page it brings
  // back (its links turn blue again). Returns the page's title.
  Result<std::string> Undelete(const PageDeletionRequest& request);

  // Steps 0 and 2 for the pages that embed file `file_name`, around a
  // write of it (an upload, a restore, a delete, an undelete: FileWrites
  // calls it before its commit). Marks in flight the version numbers of
  // the pages whose latest revisions embed it (the backlinks of
  // "File:NAME") and the site's (recent changes list the event), and
  // deletes nginx's entries of those pages and of the front page; returns
  // what completes the write after its commit, told whether it committed:
  // that settles the numbers (moved, or as they were), deletes the entries
  // again, and retires too the pages that began to embed the file between
  // the list and the commit (their saves marked themselves, but their
  // views show the file of before). So a reader who has seen the new file
  // never sees a page show the old one again, on any host. Every other
  // page's views stay served. With more than a few hundred such pages, or
  // when they cannot be listed, every page view's links number is marked
  // and moves instead, as for a new page. Their renderings need nothing:
  // the render key holds the embedded files' hashes and sizes
  // (RenderKeyOf). The completion returns false as Finish.
  std::function<bool(bool committed)> RetireEmbedders(const std::string& file_name);

 private:
  // A write between steps 0 and 2.
  using InFlight = Versions::InFlight;
  struct Pending {
    std::vector<PageName> names;
    InFlight in_flight;
  };
  // Step 0 for the pages `names` (`may_create`: the write may make or
  // remove a page).
  Pending Begin(std::vector<PageName> names, bool may_create);
  // Step 2 after step 0 (`committed`: the write changed something;
  // `created`: it made or removed a page). False as Invalidate.
  bool Finish(const Pending& pending, bool committed, bool created);
  // The titles of the pages whose latest revisions embed the file that
  // `link` ("File:NAME") names; nullopt when they cannot be listed, are
  // too many to retire one by one, or a page of that very name hides them.
  std::optional<std::vector<std::string>> EmbeddersOf(const PageName& link);
  // nginx's entries of the pages `titles` and of the front page.
  void DeleteEmbedderEntries(const std::vector<std::string>& titles);
  // Step 2 without step 0 (a new page's spelling); false when the views of before could
  // not be retired for sure (Versions::Bump), and then the write must not
  // be answered as done.
  bool Invalidate(const PageName& name, bool created);
  // nginx's entries that the write changed (step 2's second half).
  void DeleteFastEntries(const PageName& name, bool created);
  void Publish(const PageName& name);

  PageStore& store_;
  const Caches& caches_;
  Renderer render_;
  ProcessMetrics* metrics_;  // borrowed; may be null
};

}  // namespace wikid
