// FileWrites: every upload and restore of a file goes through here, and so
// does every copy of a file's bytes onto this host's disk, so that what a
// reader is served is always what the store holds. views/ reads files
// through FileReader and writes them only here.
//
// The protocol, for each write, in this order (a page save's, with the
// file's bytes in front):
//   1. Inspect the bytes (model/media/media.h): their kind, never the
//      name's or the client's word; an image's size from its header, and
//      the pixel limit, before anything decodes it. Hash them (SHA-256).
//   2. Mark the views of the pages that embed the file in flight
//      (PageWrites::RetireEmbedders: PageWrites' own step 0, in its one
//      home), so that from here to step 4 no cache serves or makes them:
//      a reader who sees the new revision (on the file page, say) never
//      sees a page show the old one afterwards, on any host.
//   3. Commit (FileStore::Save: the bytes once per content and the
//      revision, in one transaction).
//   4. Retire, before anything is acknowledged, the views of the pages
//      that embed the file (what step 2's call returned: PageWrites' step
//      2): their page views, each worker's copies and nginx's fast-path
//      entries show the old image's size and address. Their renderings
//      are keyed by the embedded files' hashes and sizes, so those need
//      nothing. When that cannot be made sure of, the upload is committed
//      but answered Unavailable, saying so.
//   5. Copy the bytes to this host's disk cache (model/cache/
//      file_cache.h), so nginx serves the first view without a trip to
//      the database. Best effort: a copy that fails is logged, and the
//      first view makes it.
//   6. Return: the caller acknowledges.
// Nothing about the file itself needs retiring: no view of a file is
// cached. A file page is read from the database on every view, and a
// file's address (/_file/NAME) looks its latest revision up there before
// nginx is asked for the bytes, which are named by their hash (so a copy
// is never stale), as thumbnails are by the hash and their width. A
// reader on any host sees an upload as soon as it is acknowledged.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "model/base/status.h"
#include "model/cache/file_cache.h"
#include "model/store/file_store.h"
#include "model/text/file_name.h"

namespace wikid {

// Who makes a revision, and when.
struct FileAuthor {
  std::string name;        // the account's name, or the client address
  int64_t account_id = 0;  // 0: anonymous
  int64_t at = 0;          // unix seconds
  bool may_edit_protected = false;  // an admin: protection does not apply
};

// How a host serves a content: nginx from the disk copy, or, when no copy
// can be made here, the worker with the bytes in hand.
struct BytesToServe {
  bool on_disk = false;
  std::string bytes;  // empty when on_disk
};

class FileWrites {
 public:
  // Steps 2 and 4 for file NAME: PageWrites::RetireEmbedders (the sites
  // wire it; tests watch it), called before the commit; what it returns is
  // called after it, told whether the write committed, and says false
  // when the views of before could not be retired for sure.
  using FinishRetiring = std::function<bool(bool committed)>;
  using RetireEmbedders = std::function<FinishRetiring(const std::string& name)>;

  // `store` and `cache` must outlive it. Images of more than `max_pixels`
  // are refused.
  FileWrites(FileStore& store, FileCache& cache, RetireEmbedders retire,
             int64_t max_pixels)
      : store_(store),
        cache_(cache),
        retire_(std::move(retire)),
        max_pixels_(max_pixels) {}

  // Saves `bytes` as a new revision of `name` on top of `base_rev` (0: a
  // new file). Unsupported, Invalid or TooComplex as InspectUpload says
  // (nothing written); then as FileStore::Save.
  Result<FileSaveResult> Upload(const FileName& name, int64_t base_rev,
                                const std::string& bytes, const std::string& summary,
                                const FileAuthor& by);

  // A new revision of `name` with revision `rev`'s bytes, on top of
  // `base_rev`: an old revision restored, the history kept. NotFound if
  // there is no revision `rev`; then as FileStore::Save.
  Result<FileSaveResult> Restore(const FileName& name, int64_t rev, int64_t base_rev,
                                 const std::string& summary, const FileAuthor& by);

  // Protects `name` or lifts its protection, as FileStore::SetProtected.
  // Nothing a reader sees changes: a file page is read on every view.
  Status SetProtected(const FileName& name, bool is_protected) {
    return store_.SetProtected(name, is_protected);
  }

  // Deletes or undeletes a file, as FileStore::Delete and Undelete, with
  // steps 2 and 4 around them, as for an upload: the pages that embed it
  // show the missing file's red link (or the file again), and the site's
  // views (recent changes) the event. Unavailable, saying so, when step 4
  // cannot be made sure of. Its bytes stay on this host's disk (another file may have
  // the same bytes: views/file_handlers.h), but a delete takes back this
  // host's published links to them (FileCache::Publish), so its nginx sends
  // them only through a worker's X-Accel-Redirect, which a deleted file's
  // addresses never give a non-admin; other hosts' links run out within
  // FileCache::kPublishedSeconds + kPublishSweepSeconds.
  Status Delete(const FileLogRequest& request);
  Status Undelete(const FileLogRequest& request);

  // How this host serves the bytes `sha256`: from its copy, made now from
  // the store if missing; the bytes themselves when no copy can be kept.
  // NotFound if the store has no such bytes.
  Result<BytesToServe> Serve(const std::string& sha256);

  // How this host serves the thumbnail of `file` `width` pixels wide:
  // from its copy, made now (model/media/thumbnail.h) if missing, once per
  // (bytes, width) on this host; the thumbnail itself when no copy can be
  // kept. TooComplex when the image's own header says it has more than
  // the pixel limit (checked before anything decodes it, as an upload
  // is: the limit may have been lowered since); Invalid when it cannot be
  // decoded; NotFound if the store has no such bytes. `made`, if given,
  // says whether it was made now.
  Result<BytesToServe> ServeThumbnail(const FileRevision& file, int64_t width,
                                      bool* made = nullptr);

  // Lets this host's nginx send the copy `copy` of `file` (its bytes, or a
  // thumbnail of them) at its immutable address without asking a worker
  // again, for a while (FileCache::Publish): for a worker that has just
  // served it there, having checked that it may.
  void Publish(const FileRevision& file, const std::string& copy) {
    cache_.Publish(copy, file.content_type);
  }

 private:
  // Steps 2 to 4 for a new revision of `name` that `save` commits: the
  // pages that embed it marked, the commit, what the pages showed ended.
  Result<FileSaveResult> SaveAndRetire(const FileName& name, const FileEdit& edit);
  // The same for a delete or an undelete (`change`), which `what` names.
  Status ChangeAndRetire(const FileName& name, const std::function<Status()>& change,
                         const std::string& what);

  // Unpublishes the bytes of every revision of `name` on this host.
  void UnpublishRevisions(const FileName& name);

  FileStore& store_;
  FileCache& cache_;
  RetireEmbedders retire_;
  int64_t max_pixels_;
};

}  // namespace wikid
