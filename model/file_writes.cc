#include "model/file_writes.h"

#include <set>

#include "model/base/failpoint.h"
#include "model/base/log.h"
#include "model/base/sha256.h"
#include "model/media/media.h"
#include "model/media/thumbnail.h"

namespace wikid {
namespace {

// Step 3: a copy that cannot be made now is made by the first view.
void CopyToDisk(FileCache& cache, const std::string& sha256, const std::string& bytes) {
  if (Status s = cache.Put(sha256, bytes); !s.ok()) {
    LogWarning("no copy of " + sha256 + " on this host's disk yet: " + s.message());
  }
}

}  // namespace

Result<FileSaveResult> FileWrites::Upload(const FileName& name, int64_t base_rev,
                                          const std::string& bytes, const std::string& summary,
                                          const FileAuthor& by) {
  auto media = InspectUpload(bytes, name, max_pixels_);
  if (!media.ok()) return media.status();
  const std::string sha256 = Sha256Hex(bytes);
  auto saved = SaveAndRetire(name, FileEdit{.name = name,
                                            .base_rev = base_rev,
                                            .bytes = &bytes,
                                            .sha256 = sha256,
                                            .content_type = media->content_type,
                                            .width = media->size.width,
                                            .height = media->size.height,
                                            .summary = summary,
                                            .author = by.name,
                                            .account_id = by.account_id,
                                            .created_at = by.at,
                                            .may_edit_protected = by.may_edit_protected});
  if (saved.ok() && saved->created && !cache_.Has(sha256))
    CopyToDisk(cache_, sha256, bytes);
  return saved;
}

Result<FileSaveResult> FileWrites::SaveAndRetire(const FileName& name, const FileEdit& edit) {
  FinishRetiring finish = retire_(name.title());
  auto saved = store_.Save(edit);
  const bool committed = saved.ok() && saved->created;
  // Tests hold or kill the worker here: an upload committed, its pages'
  // views in flight, not retired (after a kill the master's catch-up
  // covers it, as for a page save).
  if (committed) FailpointHold("upload_before_invalidate");
  const bool retired = finish(committed);
  if (committed && !retired) {
    return Status::Unavailable(
        "Your file was saved as revision " + std::to_string(saved->rev) +
        ", but neither memcached nor the database answered to retire the "
        "views of the pages that show it: they may show the old one for a "
        "while.");
  }
  return saved;
}

Result<FileSaveResult> FileWrites::Restore(const FileName& name, int64_t rev,
                                           int64_t base_rev,
                                           const std::string& summary,
                                           const FileAuthor& by) {
  auto old = store_.Find(name, rev);
  if (!old.ok()) return old.status();
  // The bytes are stored already, and what they are was decided when
  // they came: the revision names them again.
  return SaveAndRetire(name, FileEdit{.name = name,
                                      .base_rev = base_rev,
                                      .sha256 = old->sha256,
                                      .content_type = old->content_type,
                                      .width = old->width,
                                      .height = old->height,
                                      .summary = summary,
                                      .author = by.name,
                                      .account_id = by.account_id,
                                      .created_at = by.at,
                                      .may_edit_protected = by.may_edit_protected});
}

Status FileWrites::ChangeAndRetire(const FileName& name, const std::function<Status()>& change,
                                   const std::string& what) {
  FinishRetiring finish = retire_(name.title());
  Status done = change();
  if (!finish(done.ok()) && done.ok()) {
    return Status::Unavailable(what +
                               ", but neither memcached nor the database answered to retire "
                               "the views of the pages that show it: they may show it as it "
                               "was for a while.");
  }
  return done;
}

Status FileWrites::Delete(const FileLogRequest& request) {
  return ChangeAndRetire(
      request.name,
      [&] {
        Status deleted = store_.Delete(request);
        if (deleted.ok()) UnpublishRevisions(request.name);
        return deleted;
      },
      "The file was deleted");
}

void FileWrites::UnpublishRevisions(const FileName& name) {
  constexpr int kWindow = 100;
  std::set<std::string> contents;
  std::optional<int64_t> from;
  for (;;) {
    auto history = store_.ListHistory(name, from, kWindow);
    if (!history.ok() || history->revisions.empty()) break;
    for (const FileRevision& revision : history->revisions) contents.insert(revision.sha256);
    const int64_t oldest = history->revisions.back().rev;
    if (oldest <= 1 || history->revisions.size() < static_cast<size_t>(kWindow)) break;
    from = oldest - 1;
  }
  // One read of the folder for every revision's bytes.
  cache_.Unpublish(contents);
}

Status FileWrites::Undelete(const FileLogRequest& request) {
  return ChangeAndRetire(
      request.name, [&] { return store_.Undelete(request); }, "The file was brought back");
}

Result<BytesToServe> FileWrites::Serve(const std::string& sha256) {
  if (cache_.Has(sha256)) return BytesToServe{.on_disk = true};
  auto bytes = store_.ReadBytes(sha256);
  if (!bytes.ok()) return bytes.status();
  if (cache_.enabled()) {
    Status copied = cache_.Put(sha256, *bytes);
    if (copied.ok()) return BytesToServe{.on_disk = true};
    LogWarning("serving " + sha256 + " without a copy on disk: " + copied.message());
  }
  return BytesToServe{.bytes = std::move(*bytes)};
}

Result<BytesToServe> FileWrites::ServeThumbnail(const FileRevision& file,
                                                int64_t width, bool* made) {
  if (made != nullptr) *made = false;
  if (cache_.HasThumbnail(file.sha256, width))
    return BytesToServe{.on_disk = true};
  auto bytes = store_.ReadBytes(file.sha256);
  if (!bytes.ok()) return bytes.status();
  // The bytes' own header, not the row's word, before any decoder runs.
  auto size = ReadImageSize(SniffMedia(*bytes), *bytes);
  if (!size) return Status::Invalid("This image's header cannot be read.");
  if (size->width <= 0 || size->height <= 0 ||
      size->width > max_pixels_ / size->height) {
    return Status::TooComplex(
        "This image has more pixels than this wiki makes thumbnails of.");
  }
  auto thumbnail = MakeThumbnail(*bytes, file.content_type, width);
  if (!thumbnail.ok()) return thumbnail.status();
  if (made != nullptr) *made = true;
  if (cache_.enabled()) {
    Status kept = cache_.PutThumbnail(file.sha256, width, *thumbnail);
    if (kept.ok()) return BytesToServe{.on_disk = true};
    LogWarning("serving a thumbnail of " + file.sha256 +
               " without a copy on disk: " + kept.message());
  }
  return BytesToServe{.bytes = std::move(*thumbnail)};
}

}  // namespace wikid
