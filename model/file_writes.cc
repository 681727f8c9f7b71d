#include "model/file_writes.h"

#include "model/base/log.h"
#include "model/base/sha256.h"
#include "model/media/media.h"

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
  auto saved = store_.Save(FileEdit{.name = name,
                                    .base_rev = base_rev,
                                    .bytes = &bytes,
                                    .sha256 = sha256,
                                    .content_type = media->content_type,
                                    .width = media->size.width,
                                    .height = media->size.height,
                                    .summary = summary,
                                    .author = by.name,
                                    .account_id = by.account_id,
                                    .created_at = by.at});
  if (saved.ok() && saved->created && !cache_.Has(sha256)) CopyToDisk(cache_, sha256, bytes);
  return saved;
}

Result<FileSaveResult> FileWrites::Restore(const FileName& name, int64_t rev, int64_t base_rev,
                                           const std::string& summary, const FileAuthor& by) {
  auto old = store_.Find(name, rev);
  if (!old.ok()) return old.status();
  // The bytes are stored already, and what they are was decided when
  // they came: the revision names them again.
  return store_.Save(FileEdit{.name = name,
                              .base_rev = base_rev,
                              .sha256 = old->sha256,
                              .content_type = old->content_type,
                              .width = old->width,
                              .height = old->height,
                              .summary = summary,
                              .author = by.name,
                              .account_id = by.account_id,
                              .created_at = by.at});
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

}  // namespace wikid
