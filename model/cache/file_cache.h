// FileCache: this host's copies of uploaded files' bytes, one file per
// content, named by its SHA-256, in a folder nginx reads: a worker answers
// a file's address with X-Accel-Redirect to an internal location over this
// folder (nginx/wikid.conf), and nginx, not the worker, sends the bytes,
// with sendfile and Range requests as for any static file.
//
// A cache, not the store: the database holds the bytes
// (model/store/file_store.h), and a copy is made from them on this host
// the first time they are asked for (or by the upload that brought them),
// so the folder may be emptied at any time and each host keeps its own.
// A copy is named by what it holds, so it is never stale: new bytes are a
// new name. It is written whole under a temporary name, synced and only
// then renamed, and the bytes are hashed first, so a name never shows part
// of a file or other bytes; a worker killed mid-write leaves a temporary
// file, which SweepTemporaries removes once it is an hour old.
//
// Not thread-safe; several processes may share one folder (two that write
// the same copy at once each rename a whole one).
#pragma once

#include <cstdint>
#include <ctime>
#include <set>
#include <string>
#include <string_view>

#include "model/base/status.h"

namespace wikid {

class FileCache {
 public:
  // `folder` empty: no copies are kept (every file is sent by a worker).
  explicit FileCache(std::string folder) : folder_(std::move(folder)) {}

  bool enabled() const { return !folder_.empty(); }
  const std::string& folder() const { return folder_; }

  // Whether this host has the copy of the bytes `sha256` (a 64-digit
  // hex name; false for anything else).
  bool Has(const std::string& sha256) const;

  // Makes the copy of `bytes` (and the folder, 0755, if missing: nginx's
  // user must read both). Invalid, writing nothing, when `bytes` do not
  // hash to `sha256`; Unavailable when the disk refuses.
  Status Put(const std::string& sha256, std::string_view bytes);

  // Thumbnails (model/media/thumbnail.h) are kept beside the bytes they
  // are made from, named "SHA-WIDTH": made from one content, so never
  // stale either, and made again from the store like any copy. Each host
  // makes its own, once (they are a cache: nothing else needs them).
  static std::string ThumbnailName(const std::string& sha256, int64_t width);
  bool HasThumbnail(const std::string& sha256, int64_t width) const;
  // Keeps `bytes` as the thumbnail of `sha256` `width` pixels wide;
  // Unavailable when the disk refuses. Written as Put writes.
  Status PutThumbnail(const std::string& sha256, int64_t width,
                      std::string_view bytes);

  // Removes the temporary files of writes that died, once an hour old (a
  // write in progress is never that old). For a worker's start.
  void SweepTemporaries() const;

  // Lets nginx send the copy `copy` (a content's hash, or a thumbnail's
  // name) at its immutable address without asking a worker
  // (nginx/wikid.conf): a symlink "COPY.EXT" to it, whose extension (png,
  // jpg, gif or webp, from `content_type`, which was sniffed from the
  // bytes) is how nginx knows the type. Images only: anything else is sent
  // as an attachment under its name, which only a worker writes. Does
  // nothing for other types, when the copy is missing or the link is
  // there; a failure only costs the next request a worker.
  void Publish(const std::string& copy, std::string_view content_type);
  // Removes the links of the copies of `sha256s` and of their thumbnails,
  // in one read of the folder: this host's nginx asks a worker again (a
  // file deleted here, with every revision's bytes).
  void Unpublish(const std::set<std::string>& sha256s) const;
  // Removes the links older than kPublishedSeconds, at most once every
  // kPublishSweepSeconds in this process: a worker then decides again
  // whether the bytes may be sent. This is how a file deleted on another
  // host stops being sent by this host's nginx at its immutable addresses,
  // within kPublishedSeconds + kPublishSweepSeconds, with nothing shared
  // between hosts but the database; a popular image costs each host one
  // worker request a minute. For a worker between requests.
  void SweepPublished(time_t now);
  static constexpr time_t kPublishedSeconds = 60;
  static constexpr time_t kPublishSweepSeconds = 30;

 private:
  std::string PathOf(const std::string& name) const {
    return folder_ + "/" + name;
  }
  // Writes the copy called `name` whole (temporary name, sync, rename).
  Status Write(const std::string& name, std::string_view bytes);
  std::string folder_;
  time_t last_publish_sweep_ = 0;
};

}  // namespace wikid
