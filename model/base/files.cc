#include "model/base/files.h"

#include <fcntl.h>
#include <stdio.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <thread>
#include <vector>

#include "model/base/failpoint.h"

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

Result<FileLock> FileLock::Take(const std::string& path, Mode mode,
                                int wait_ms) {
  // Read-only is enough for flock, and works on a read-only disk where
  // the file already exists; O_CREAT only when it does not.
  UniqueFd fd(open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd.valid() && errno == ENOENT)
    fd = UniqueFd(open(path.c_str(), O_RDONLY | O_CREAT | O_CLOEXEC, 0600));
  if (!fd.valid())
    return Status::Unavailable(
        ErrnoMessage("cannot open the lock file " + path));
  // Made by root (an operator's command), it would lock wikid's own user
  // out: it takes the owner of its folder, as a restored database does.
  struct stat file {
  }, folder{};
  if (geteuid() == 0 && fstat(fd.get(), &file) == 0 && file.st_uid == 0 &&
      stat(FolderOf(path).c_str(), &folder) == 0 && folder.st_uid != 0) {
    if (fchown(fd.get(), folder.st_uid, folder.st_gid) != 0)
      return Status::Unavailable(
          ErrnoMessage("cannot give " + path + " to its folder's owner"));
  }
  const int operation = (mode == Mode::kShared ? LOCK_SH : LOCK_EX) | LOCK_NB;
  // Polled rather than a blocking flock: a blocking one cannot be given a
  // deadline without a signal. The holders this waits for (a restore's
  // rename, a backup's copy) are rare, so the polling costs nothing.
  const auto deadline =
      std::chrono::steady_clock::now() + std::chrono::milliseconds(wait_ms);
  while (flock(fd.get(), operation) != 0) {
    if (errno == EINTR) continue;
    if (errno != EWOULDBLOCK)
      return Status::Unavailable(ErrnoMessage("cannot lock " + path));
    if (std::chrono::steady_clock::now() >= deadline)
      return Status::Busy(path + " is locked by another process");
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return FileLock(std::move(fd));
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
  const std::string folder = FolderOf(target);
  // A test makes it fail here (folder_sync_fails), to see what the
  // caller says of a file that was replaced but may not stay so.
  errno = EIO;
  Status synced =
      FailpointValue("folder_sync_fails") > 0
          ? Status::Unavailable(ErrnoMessage("cannot sync " + folder))
          : SyncPath(folder);
  if (!synced.ok()) {
    return Status::Unavailable("renamed onto " + target + ", but " +
                               synced.message());
  }
  return Status::Ok();
}

}  // namespace wikid
