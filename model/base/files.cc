#include "model/base/files.h"

#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace wikid {
namespace {

std::string Reason(const std::string& what) {
  return what + ": " + std::strerror(errno);
}

}  // namespace

Status MakeDirectories(const std::string& path) {
  for (size_t i = 1; i <= path.size(); ++i) {
    if (i != path.size() && path[i] != '/') continue;
    std::string prefix = path.substr(0, i);
    if (mkdir(prefix.c_str(), 0750) != 0 && errno != EEXIST) {
      return Status::Unavailable(Reason("cannot create " + prefix));
    }
  }
  return Status::Ok();
}

std::string FolderOf(const std::string& path) {
  size_t slash = path.find_last_of('/');
  if (slash == std::string::npos) return ".";
  return slash == 0 ? "/" : path.substr(0, slash);
}

Status SyncPath(const std::string& path) {
  // O_RDONLY is enough for fsync, on a folder too (O_DIRECTORY not needed).
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Status::Unavailable(Reason("cannot open " + path));
  int rc = fsync(fd);
  std::string why = rc == 0 ? "" : Reason("cannot sync " + path);
  close(fd);
  return rc == 0 ? Status::Ok() : Status::Unavailable(why);
}

TempFile::TempFile(const std::string& target, const std::string& suffix) {
  std::string pattern = target + suffix + "XXXXXX";
  // mkstemp makes the file 0600: a copy of the database holds its secrets
  // from its first byte.
  int fd = mkostemp(pattern.data(), O_CLOEXEC);
  if (fd < 0) {
    status_ =
        Status::Unavailable(Reason("cannot create a file beside " + target));
    return;
  }
  close(fd);
  path_ = pattern;
}

TempFile::~TempFile() {
  if (!path_.empty() && !kept_) unlink(path_.c_str());
}

Status TempFile::RenameOnto(const std::string& target, bool replace) {
  if (Status s = SyncPath(path_); !s.ok()) return s;
  int rc = replace ? rename(path_.c_str(), target.c_str())
                   : renameat2(AT_FDCWD, path_.c_str(), AT_FDCWD,
                               target.c_str(), RENAME_NOREPLACE);
  if (rc != 0) {
    if (errno == EEXIST) return Status::Invalid(target + " exists");
    return Status::Unavailable(
        Reason("cannot rename " + path_ + " to " + target));
  }
  kept_ = true;
  return SyncPath(FolderOf(target));
}

}  // namespace wikid
