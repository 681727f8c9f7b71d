#include "model/page_writes.h"

#include <set>
#include <vector>

#include "model/base/failpoint.h"
#include "model/text/redirect.h"

namespace wikid {
namespace {

// A new page linked from more pages than this suspends the fast path
// instead (restoring it starts a new, empty generation), rather than make
// the save wait for thousands of deletes.
constexpr int kMaxBacklinkDeletes = 2000;
constexpr int kBacklinkBatch = 500;
// A file embedded in more pages than this moves every view's links
// number on an upload (one increment) instead of each page's (one each).
constexpr int kMaxEmbedderBumps = 500;

}  // namespace

std::string PageViewPath(const PageName& name, bool front) {
  return front ? "/" : "/" + name.UrlName();
}

RenderKey RenderKeyOf(const PageRevision& page) {
  RenderKey key{page.revision.id, page.existing_links, {}};
  for (const auto& [name, file] : page.files) {
    key.files[name] = file.name + "\t" + file.sha256 + "\t" +
                      file.content_type + "\t" + std::to_string(file.width) +
                      "x" + std::to_string(file.height);
  }
  return key;
}

CachedPage ToCached(const PageRevision& page, std::string body_html) {
  return CachedPage{.title = page.title,
                    .rev = page.revision.rev,
                    .revision_id = page.revision.id,
                    .author = page.revision.author,
                    .author_is_account = page.revision.author_is_account,
                    .is_protected = page.is_protected,
                    .created_at = page.revision.created_at,
                    .body_html = std::move(body_html)};
}

PageWrites::Pending PageWrites::Begin(std::vector<PageName> names, bool may_create) {
  std::vector<std::string> titles;
  for (const PageName& name : names) titles.push_back(name.title());
  Pending pending{.names = std::move(names),
                  .in_flight = caches_.versions.Mark(titles, may_create)};
  // nginx checks no numbers: its entries of before go now, and no fill
  // adds one again until the numbers settle (a fill that checked its
  // stamp before the mark holds its fill mark, which the delete waits
  // for). Nothing marked (no memcached, or a test's unsafe control):
  // nothing to keep away.
  if (!pending.in_flight.marked.empty() || pending.in_flight.unconfirmed) {
    for (const PageName& name : pending.names) DeleteFastEntries(name, may_create);
  }
  return pending;
}

bool PageWrites::Finish(const Pending& pending, bool committed, bool created) {
  const bool retired = caches_.versions.Settle(pending.in_flight, committed, created);
  // Deleted again: a fill that a lost mark let through (memcached
  // flushed between the two) must not outlive the write either.
  if (committed) {
    for (const PageName& name : pending.names) DeleteFastEntries(name, created);
  }
  return retired;
}

Result<SaveResult> PageWrites::Save(const Edit& edit) {
  // A save on top of nothing may make the page, which moves the links'
  // number too (any view may show a link to it as missing).
  Pending pending = Begin({edit.name}, /*may_create=*/edit.base_rev == 0);
  auto saved = store_.Save(edit);
  const bool changed = saved.ok() && saved->created;
  const bool page_created = changed && saved->rev == 1;
  if (changed && metrics_ != nullptr) ProcessMetrics::Add(metrics_->saves);
  // Tests hold or kill the worker here: an edit committed, its numbers
  // still in flight, its views of before not retired.
  if (changed && !page_created) FailpointHold("edit_before_invalidate");
  const bool retired = Finish(pending, changed, page_created);
  if (!changed) return saved;
  if (!retired) {
    return Status::Unavailable(
        "Your edit was saved as revision " + std::to_string(saved->rev) +
        ", but neither memcached nor the database answered to retire the "
        "views of before it: it may not show everywhere at once.");
  }
  Publish(edit.name);
  return saved;
}

Result<MoveResult> PageWrites::Move(const PageMove& move) {
  // Tests prove the retirement below is what keeps every cache current:
  // with this failpoint set, a move retires nothing, and they must see
  // the views of before it.
  if (FailpointValue("move_retires_nothing") > 0) return store_.Move(move);
  // Both as created: the old name's links may lead to a redirect or to
  // nothing now, the new name's to a page where there was none.
  Pending pending = Begin({move.from, move.to}, /*may_create=*/true);
  auto moved = store_.Move(move);
  if (moved.ok() && metrics_ != nullptr) ProcessMetrics::Add(metrics_->saves);
  if (!Finish(pending, moved.ok(), /*created=*/true) && moved.ok()) {
    return Status::Unavailable(
        "The page was moved (revision " + std::to_string(moved->rev) +
        "), but neither memcached nor the database answered to retire the views of "
        "before it: it may not show everywhere at once.");
  }
  if (moved.ok()) Publish(move.to);
  return moved;
}

Status PageWrites::SetProtected(const PageName& name, bool is_protected) {
  Pending pending = Begin({name}, /*may_create=*/false);
  Status s = store_.SetProtected(name, is_protected);
  if (!Finish(pending, s.ok(), /*created=*/false) && s.ok()) {
    return Status::Unavailable(
        "The page's protection was changed, but neither memcached nor the "
        "database answered to retire its views: it may not show everywhere at once.");
  }
  return s;
}

Status PageWrites::Delete(const PageDeletionRequest& request) {
  // Tests disable the retirement to show that their checks fail without it.
  if (FailpointValue("delete_skip_retire") > 0) return store_.Delete(request);
  // As a page made or gone: links to it turn red on every host.
  Pending pending = Begin({request.name}, /*may_create=*/true);
  Status s = store_.Delete(request);
  if (!Finish(pending, s.ok(), /*created=*/true) && s.ok()) {
    return Status::Unavailable(
        "The page was deleted, but neither memcached nor the database answered to "
        "retire its views: it may not show as deleted everywhere at once.");
  }
  return s;
}

Result<std::string> PageWrites::Undelete(const PageDeletionRequest& request) {
  if (FailpointValue("delete_skip_retire") > 0) return store_.Undelete(request);
  Pending pending = Begin({request.name}, /*may_create=*/true);
  auto title = store_.Undelete(request);
  bool retired = Finish(pending, title.ok(), /*created=*/true);
  if (!title.ok()) return title;
  auto name = PageName::Parse(*title);
  if (!name.ok()) return name.status();
  // The deletion's own spelling, if it is not the one asked for.
  if (name->title() != request.name.title()) retired = Invalidate(*name, true) && retired;
  if (!retired) {
    return Status::Unavailable(
        "The page was undeleted, but neither memcached nor the database answered to "
        "retire the views of before: it may not show everywhere at once.");
  }
  return title;
}

std::optional<std::vector<std::string>> PageWrites::EmbeddersOf(const PageName& link) {
  // A page of that very name would hide them (backlinks leave out the
  // links naming another page exactly).
  auto page_of_link = store_.Resolve(link);
  if (!page_of_link.ok() || *page_of_link) return std::nullopt;
  std::vector<std::string> embedders;
  std::string after;
  while (true) {
    auto linking = store_.ListBacklinks(link, after, kBacklinkBatch);
    if (!linking.ok()) return std::nullopt;
    for (const auto& page : linking->pages) embedders.push_back(page.title);
    if (!linking->more || linking->pages.empty()) break;
    if (static_cast<int>(embedders.size()) >= kMaxEmbedderBumps) return std::nullopt;
    after = linking->pages.back().title;
  }
  return embedders;
}

void PageWrites::DeleteEmbedderEntries(const std::vector<std::string>& titles) {
  FastPath& fast = caches_.fast_path;
  if (!fast.enabled()) return;
  // The front page's too: its recent changes list the file's event.
  std::vector<std::string> entries;
  if (auto entry = fast.EntryFor("/")) entries.push_back(*entry);
  for (const std::string& title : titles) {
    auto page = PageName::Parse(title);
    if (!page.ok()) continue;
    if (auto entry = fast.EntryFor(PageViewPath(*page, false))) entries.push_back(*entry);
  }
  fast.Invalidate(entries);
}

std::function<bool(bool committed)> PageWrites::RetireEmbedders(const std::string& file_name) {
  auto link = PageName::Parse(kFileLinkPrefix + file_name);
  if (!link.ok()) return [](bool) { return true; };  // no page can embed a name no link can hold
  auto embedders = EmbeddersOf(*link);
  if (!embedders) {
    // Too many to retire page by page (or not to be listed): marking and
    // moving every view's links number once costs less, as a new page.
    return [this, pending = Begin({*link}, /*may_create=*/true)](bool committed) {
      return Finish(pending, committed, /*created=*/true);
    };
  }
  // Step 0 for those pages and the site: their numbers marked, nginx's
  // entries of them gone until the numbers settle.
  InFlight in_flight = caches_.versions.Mark(*embedders, /*may_create=*/false);
  if (!in_flight.marked.empty() || in_flight.unconfirmed) DeleteEmbedderEntries(*embedders);
  return [this, link = *link, before = std::move(*embedders),
          in_flight = std::move(in_flight)](bool committed) {
    bool retired = caches_.versions.Settle(in_flight, committed, /*created=*/false);
    if (!committed) return retired;
    DeleteEmbedderEntries(before);
    // Pages saved with the embed between the list and the commit: their
    // own saves marked and moved their numbers, but the views they made
    // then show the file of before. Listed again now, and retired after
    // the commit (without a mark: the race is that narrow).
    auto after = EmbeddersOf(link);
    if (!after) return Invalidate(link, /*created=*/true) && retired;
    const std::set<std::string> listed(before.begin(), before.end());
    std::vector<std::string> added;
    for (const std::string& title : *after) {
      if (!listed.contains(title)) added.push_back(title);
    }
    if (added.empty()) return retired;
    retired = caches_.page_cache.InvalidatePages(added) && retired;
    DeleteEmbedderEntries(added);
    return retired;
  };
}

bool PageWrites::Invalidate(const PageName& name, bool created) {
  const bool retired = caches_.page_cache.Invalidate(name.title(), created);
  DeleteFastEntries(name, created);
  return retired;
}

void PageWrites::DeleteFastEntries(const PageName& name, bool created) {
  FastPath& fast = caches_.fast_path;
  if (!fast.enabled()) return;
  std::vector<std::string> entries;
  for (bool front : {false, true}) {
    if (auto entry = fast.EntryFor(PageViewPath(name, front))) entries.push_back(*entry);
  }
  if (created) {
    std::string after;
    int listed = 0;
    while (true) {
      auto linking = store_.ListBacklinks(name, after, kBacklinkBatch);
      if (!linking.ok()) {
        fast.Suspend("the pages linking to a new page could not be listed");
        return;
      }
      for (const auto& listed_page : linking->pages) {
        auto other = PageName::Parse(listed_page.title);
        if (!other.ok()) continue;
        if (auto entry = fast.EntryFor(PageViewPath(*other, false))) entries.push_back(*entry);
      }
      listed += static_cast<int>(linking->pages.size());
      if (!linking->more || linking->pages.empty()) break;
      if (listed >= kMaxBacklinkDeletes) {
        fast.Suspend("a new page is linked from over " +
                     std::to_string(kMaxBacklinkDeletes) + " pages");
        return;
      }
      after = linking->pages.back().title;
    }
  }
  fast.Invalidate(entries);
}

void PageWrites::Publish(const PageName& name) {
  auto stamp = caches_.page_cache.StampFor(name.title());
  auto latest = store_.Find(name, std::nullopt);
  if (!latest.ok()) return;  // the next view reads the store; still correct
  // A redirect is never cached: its view sends the reader on
  // (views/pages/page_handlers.cc), and a cached copy would show it instead.
  if (RedirectTarget(latest->revision.text)) return;
  // The revision was just made, so no rendering of it can be in memcached
  // yet (a reader may have claimed it since the commit: the rendering is
  // written over the claim): render and offer it without the lookup and
  // the claim (two memcached calls fewer per save).
  std::optional<std::string> rendered = render_(*latest);
  if (!rendered) return;
  std::string body = std::move(*rendered);
  caches_.renders.Store(RenderKeyOf(*latest), body);
  caches_.page_cache.Store(ToCached(*latest, std::move(body)), stamp,
                           StoreMode::kPublish);
  caches_.admission.Note(name.title());  // so its next view reads them
}

}  // namespace wikid
