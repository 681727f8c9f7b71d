#include "model/cache/file_cache.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <ctime>
#include <memory>

#include "model/base/failpoint.h"
#include "model/base/files.h"
#include "model/base/log.h"
#include "model/base/sha256.h"

namespace wikid {
namespace {

// What a temporary copy's name holds between the hash and mkstemp's
// random letters.
constexpr char kTemporary[] = ".partial-";
constexpr time_t kTemporaryAgeSeconds = 3600;

Status WriteAll(const std::string& path, std::string_view bytes) {
  UniqueFd fd(open(path.c_str(), O_WRONLY | O_TRUNC | O_CLOEXEC));
  if (!fd.valid()) return Status::Unavailable(ErrnoMessage("cannot open " + path));
  while (!bytes.empty()) {
    const ssize_t n = write(fd.get(), bytes.data(), bytes.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return Status::Unavailable(ErrnoMessage("cannot write " + path));
    bytes.remove_prefix(static_cast<size_t>(n));
  }
  if (!fd.Close()) return Status::Unavailable(ErrnoMessage("cannot write " + path));
  return Status::Ok();
}

// The extension a published link of an image of `content_type` has: the
// four nginx/wikid.conf tries, in its order, each a type in its `types`.
const char* PublishedExtension(std::string_view content_type) {
  if (content_type == "image/png") return ".png";
  if (content_type == "image/jpeg") return ".jpg";
  if (content_type == "image/gif") return ".gif";
  if (content_type == "image/webp") return ".webp";
  return nullptr;
}

// Whether `name` is a published link's: a hash, perhaps "-WIDTH", then
// one of the extensions above.
bool IsPublishedName(const std::string& name) {
  const size_t dot = name.find('.');
  if (dot == std::string::npos || dot < 64 || !IsSha256Hex(name.substr(0, 64))) return false;
  const std::string extension = name.substr(dot);
  return extension == ".png" || extension == ".jpg" || extension == ".gif" ||
         extension == ".webp";
}

}  // namespace

bool FileCache::Has(const std::string& sha256) const {
  return enabled() && IsSha256Hex(sha256) && Exists(PathOf(sha256));
}

Status FileCache::Put(const std::string& sha256, std::string_view bytes) {
  if (!enabled()) return Status::Ok();
  if (!IsSha256Hex(sha256) || Sha256Hex(bytes) != sha256) {
    return Status::Invalid("the bytes do not hash to " + sha256);
  }
  return Write(sha256, bytes);
}

std::string FileCache::ThumbnailName(const std::string& sha256, int64_t width) {
  return sha256 + "-" + std::to_string(width);
}

bool FileCache::HasThumbnail(const std::string& sha256, int64_t width) const {
  return enabled() && IsSha256Hex(sha256) && width > 0 &&
         Exists(PathOf(ThumbnailName(sha256, width)));
}

Status FileCache::PutThumbnail(const std::string& sha256, int64_t width,
                               std::string_view bytes) {
  if (!enabled()) return Status::Ok();
  if (!IsSha256Hex(sha256) || width <= 0)
    return Status::Invalid("no such thumbnail");
  return Write(ThumbnailName(sha256, width), bytes);
}

Status FileCache::Write(const std::string& name, std::string_view bytes) {
  // 0755 whatever the umask (wikid.service's is 0077): nginx reads here.
  if (mkdir(folder_.c_str(), 0755) == 0) {
    chmod(folder_.c_str(), 0755);
  } else if (errno != EEXIST) {
    return Status::Unavailable(ErrnoMessage("cannot create " + folder_));
  }
  const std::string path = PathOf(name);
  TempFile temporary(path, kTemporary);
  if (!temporary.status().ok()) return temporary.status();
  // mkstemp made it 0600; the bytes are public (anyone may download them
  // through the wiki), and nginx's user must read them.
  if (chmod(temporary.path().c_str(), 0644) != 0) {
    return Status::Unavailable(ErrnoMessage("cannot open up " + temporary.path()));
  }
  if (Status s = WriteAll(temporary.path(), bytes); !s.ok()) return s;
  // Tests kill the worker here: the bytes written, the name not yet given.
  FailpointSleep("file_cache_before_rename");
  // Replacing is right: another process may have made the same copy
  // meanwhile, and both hold the same bytes.
  return temporary.RenameOnto(path, /*replace=*/true);
}

void FileCache::SweepTemporaries() const {
  if (!enabled()) return;
  std::unique_ptr<DIR, int (*)(DIR*)> dir(opendir(folder_.c_str()), closedir);
  if (!dir) return;  // no folder yet: nothing to sweep
  const time_t now = time(nullptr);
  while (const dirent* entry = readdir(dir.get())) {
    const std::string name = entry->d_name;
    if (name.find(kTemporary) == std::string::npos) continue;
    const std::string path = folder_ + "/" + name;
    struct stat info;
    if (stat(path.c_str(), &info) != 0 || now - info.st_mtime < kTemporaryAgeSeconds) continue;
    if (unlink(path.c_str()) == 0) LogInfo("removed " + path + ", left by a write that died");
  }
}

void FileCache::Publish(const std::string& copy, std::string_view content_type) {
  const char* extension = PublishedExtension(content_type);
  if (!enabled() || extension == nullptr || copy.size() < 64 ||
      !IsSha256Hex(copy.substr(0, 64)) || !Exists(PathOf(copy))) {
    return;
  }
  // Relative, so the folder may move; an existing link is the same one.
  if (symlink(copy.c_str(), PathOf(copy + extension).c_str()) != 0 && errno != EEXIST) {
    LogWarning(ErrnoMessage("cannot publish " + PathOf(copy + extension)));
  }
}

void FileCache::Unpublish(const std::set<std::string>& sha256s) const {
  if (!enabled() || sha256s.empty()) return;
  std::unique_ptr<DIR, int (*)(DIR*)> dir(opendir(folder_.c_str()), closedir);
  if (!dir) return;
  while (const dirent* entry = readdir(dir.get())) {
    const std::string name = entry->d_name;
    if (IsPublishedName(name) && sha256s.contains(name.substr(0, 64))) {
      unlink(PathOf(name).c_str());
    }
  }
}

void FileCache::SweepPublished(time_t now) {
  if (!enabled() || now - last_publish_sweep_ < kPublishSweepSeconds) return;
  last_publish_sweep_ = now;
  std::unique_ptr<DIR, int (*)(DIR*)> dir(opendir(folder_.c_str()), closedir);
  if (!dir) return;
  while (const dirent* entry = readdir(dir.get())) {
    const std::string name = entry->d_name;
    if (!IsPublishedName(name)) continue;
    // The link's own time (lstat), not its copy's.
    struct stat info;
    const std::string path = PathOf(name);
    if (lstat(path.c_str(), &info) == 0 && S_ISLNK(info.st_mode) &&
        now - info.st_mtime >= kPublishedSeconds) {
      unlink(path.c_str());
    }
  }
}

}  // namespace wikid
