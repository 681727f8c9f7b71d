#include "model/page_writes.h"

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

Result<SaveResult> PageWrites::Save(const Edit& edit) {
  auto saved = store_.Save(edit);
  if (!saved.ok() || !saved->created) return saved;
  if (metrics_ != nullptr) ProcessMetrics::Add(metrics_->saves);
  const bool page_created = saved->rev == 1;
  // Tests kill the worker here: an edit committed, its views not deleted.
  if (!page_created) FailpointSleep("edit_before_invalidate");
  if (!Invalidate(edit.name, page_created)) {
    return Status::Unavailable(
        "Your edit was saved as revision " + std::to_string(saved->rev) +
        ", but neither memcached nor the database answered to retire the "
        "views of before it: it may not show everywhere at once.");
  }
  Publish(edit.name);
  return saved;
}

Result<MoveResult> PageWrites::Move(const PageMove& move) {
  auto moved = store_.Move(move);
  if (!moved.ok()) return moved;
  if (metrics_ != nullptr) ProcessMetrics::Add(metrics_->saves);
  // Tests prove the retirement below is what keeps every cache current:
  // with this failpoint set, a move retires nothing, and they must see
  // the views of before it.
  if (FailpointValue("move_retires_nothing") > 0) return moved;
  // Both as created: the old name's links may lead to a redirect or to
  // nothing now, the new name's to a page where there was none. Both
  // always, even when one fails, so as much as can be is retired.
  const bool from_retired = Invalidate(move.from, /*created=*/true);
  const bool to_retired = Invalidate(move.to, /*created=*/true);
  if (!from_retired || !to_retired) {
    return Status::Unavailable(
        "The page was moved (revision " + std::to_string(moved->rev) +
        "), but neither memcached nor the database answered to retire the views of "
        "before it: it may not show everywhere at once.");
  }
  Publish(move.to);
  return moved;
}

Status PageWrites::SetProtected(const PageName& name, bool is_protected) {
  if (Status s = store_.SetProtected(name, is_protected); !s.ok()) return s;
  if (!Invalidate(name, /*created=*/false)) {
    return Status::Unavailable(
        "The page's protection was changed, but neither memcached nor the "
        "database answered to retire its views: it may not show everywhere at once.");
  }
  return Status::Ok();
}

Status PageWrites::Delete(const PageDeletionRequest& request) {
  if (Status s = store_.Delete(request); !s.ok()) return s;
  // Tests disable the retirement to show that their checks fail without it.
  if (FailpointValue("delete_skip_retire") > 0) return Status::Ok();
  if (!Invalidate(request.name, /*created=*/true)) {
    return Status::Unavailable(
        "The page was deleted, but neither memcached nor the database answered to "
        "retire its views: it may not show as deleted everywhere at once.");
  }
  return Status::Ok();
}

Result<std::string> PageWrites::Undelete(const PageDeletionRequest& request) {
  auto title = store_.Undelete(request);
  if (!title.ok()) return title;
  auto name = PageName::Parse(*title);
  if (!name.ok()) return name.status();
  if (FailpointValue("delete_skip_retire") > 0) return title;
  if (!Invalidate(*name, /*created=*/true)) {
    return Status::Unavailable(
        "The page was undeleted, but neither memcached nor the database answered to "
        "retire the views of before: it may not show everywhere at once.");
  }
  return title;
}

bool PageWrites::RetireEmbedders(const std::string& file_name) {
  auto link = PageName::Parse(kFileLinkPrefix + file_name);
  if (!link.ok()) return true;  // no page can embed a name no link can hold
  // The pages whose latest revisions embed the file (their links to
  // "File:NAME", in any letter case). A page of that very name would
  // hide them (backlinks leave out the links naming another page
  // exactly), and a list too long to retire page by page costs more than
  // moving every view's links number once: both as a new page is.
  std::vector<std::string> embedders;
  std::string after;
  auto page_of_link = store_.Resolve(*link);
  if (!page_of_link.ok() || *page_of_link) return Invalidate(*link, /*created=*/true);
  while (true) {
    auto linking = store_.ListBacklinks(*link, after, kBacklinkBatch);
    if (!linking.ok()) return Invalidate(*link, /*created=*/true);
    for (const auto& page : linking->pages) embedders.push_back(page.title);
    if (!linking->more || linking->pages.empty()) break;
    if (static_cast<int>(embedders.size()) >= kMaxEmbedderBumps) {
      return Invalidate(*link, /*created=*/true);
    }
    after = linking->pages.back().title;
  }
  // Their views and the site's (recent changes list the upload), and
  // nginx's entries of them and of the front page.
  const bool retired = caches_.page_cache.InvalidatePages(embedders);
  FastPath& fast = caches_.fast_path;
  if (!fast.enabled()) return retired;
  std::vector<std::string> entries;
  if (auto entry = fast.EntryFor(PageViewPath(*link, /*front=*/true))) entries.push_back(*entry);
  for (const std::string& title : embedders) {
    auto page = PageName::Parse(title);
    if (!page.ok()) continue;
    if (auto entry = fast.EntryFor(PageViewPath(*page, false))) entries.push_back(*entry);
  }
  fast.Invalidate(entries);
  return retired;
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
