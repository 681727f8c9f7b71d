#include "model/base/files.h"

#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

namespace wikid {

std::string ErrnoMessage(const std::string& what) {
  return what + ": " + std::strerror(errno);
}

UniqueFd::~UniqueFd() {
  if (fd_ >= 0) close(fd_);
}

UniqueFd& UniqueFd::operator=(UniqueFd&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) close(fd_);
    fd_ = std::exchange(other.fd_, -1);
  }
  return *this;
}

bool UniqueFd::Close() {
  // close(2) frees the descriptor even when it fails: never close twice.
  return close(std::exchange(fd_, -1)) == 0;
}

bool Exists(const std::string& path) {
  struct stat st {};
  return lstat(path.c_str(), &st) == 0;
}

Status CopyBytes(const std::string& from, const std::string& to) {
  UniqueFd in(open(from.c_str(), O_RDONLY | O_CLOEXEC));
  if (!in.valid())
    return Status::Unavailable(ErrnoMessage("cannot read " + from));
  UniqueFd out(open(to.c_str(), O_WRONLY | O_TRUNC | O_CLOEXEC));
  if (!out.valid())
    return Status::Unavailable(ErrnoMessage("cannot write " + to));
  std::vector<char> buffer(1 << 20);
  for (;;) {
    ssize_t n = read(in.get(), buffer.data(), buffer.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return Status::Unavailable(ErrnoMessage("cannot read " + from));
    if (n == 0) break;
    for (ssize_t done = 0; done < n;) {
      ssize_t w =
          write(out.get(), buffer.data() + done, static_cast<size_t>(n - done));
      if (w < 0 && errno == EINTR) continue;
      if (w < 0) return Status::Unavailable(ErrnoMessage("cannot write " + to));
      done += w;
    }
  }
  if (!out.Close())
    return Status::Unavailable(ErrnoMessage("cannot write " + to));
  return Status::Ok();
}

Status MakeDirectories(const std::string& path) {
  for (size_t i = 1; i <= path.size(); ++i) {
    if (i != path.size() && path[i] != '/') continue;
    std::string prefix = path.substr(0, i);
    if (mkdir(prefix.c_str(), 0750) != 0 && errno != EEXIST) {
      return Status::Unavailable(ErrnoMessage("cannot create " + prefix));
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
  UniqueFd fd(open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd.valid())
    return Status::Unavailable(ErrnoMessage("cannot open " + path));
  if (fsync(fd.get()) != 0)
    return Status::Unavailable(ErrnoMessage("cannot sync " + path));
  return Status::Ok();
}

TempFile::TempFile(const std::string& target, const std::string& suffix) {
  std::string pattern = target + suffix + "XXXXXX";
  // mkstemp makes the file 0600: a copy of the database holds its secrets
  // from its first byte.
  UniqueFd fd(mkostemp(pattern.data(), O_CLOEXEC));
  if (!fd.valid()) {
    status_ = Status::Unavailable(
        ErrnoMessage("cannot create a file beside " + target));
    return;
  }
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
        ErrnoMessage("cannot rename " + path_ + " to " + target));
  }
  kept_ = true;
  return SyncPath(FolderOf(target));
}

}  // namespace wikid
