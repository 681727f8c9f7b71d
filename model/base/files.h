// Files and folders as wikid makes and replaces them: folders private to
// wikid's user, and names that change only by rename(2) once the data is
// on disk, so a crash leaves the old file or the new one, never a part.
#pragma once

#include <string>
#include <utility>

#include "model/base/status.h"

namespace wikid {

// `what` and the reason errno gives: "cannot read x: No such file...".
std::string ErrnoMessage(const std::string& what);

// A file descriptor, owned: closed when this goes out of scope. -1 (or
// none given) owns nothing.
class UniqueFd {
 public:
  UniqueFd() = default;
  explicit UniqueFd(int fd) : fd_(fd) {}
  ~UniqueFd();
  UniqueFd(UniqueFd&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  UniqueFd& operator=(UniqueFd&& other) noexcept;
  UniqueFd(const UniqueFd&) = delete;
  UniqueFd& operator=(const UniqueFd&) = delete;

  int get() const { return fd_; }
  bool valid() const { return fd_ >= 0; }
  // Closes it now; false if close(2) failed (errno says why). A write's
  // last error can surface only here, so a writer checks it.
  bool Close();

 private:
  int fd_ = -1;
};

// Whether anything (a file, a folder, a dangling symlink) has the name
// `path`.
bool Exists(const std::string& path);

// Copies the bytes of the file `from` into the existing file `to`,
// replacing what it held. Unavailable, saying which file and why, when
// either cannot be read or written.
Status CopyBytes(const std::string& from, const std::string& to);

// mkdir -p: makes `path` and the folders above it that are missing, each
// 0750 (a data folder holds the database). Unavailable with the folder and
// the reason when one cannot be made.
Status MakeDirectories(const std::string& path);

// The folder that holds `path`: "." for a bare name, "/" for "/x".
std::string FolderOf(const std::string& path);

// fsync(2) of the file or folder at `path`. A folder's own fsync is what
// makes a rename or a new name in it survive a power cut.
Status SyncPath(const std::string& path);

// A lock held with flock(2) on a file of its own, until this goes out of
// scope (or the process ends, whatever kills it). flock locks belong to
// the open file, so two FileLocks on one path conflict even in one
// process, and a child forked after Take shares its parent's lock. An
// flock never touches the POSIX (fcntl) locks a library such as SQLite
// takes on other files.
class FileLock {
 public:
  enum class Mode {
    kShared,     // any number of holders at once
    kExclusive,  // one holder, and no shared one
  };
  // Takes `mode` on the file `path`, made 0600 if missing (its contents
  // are never read; a folder that is read-only to us is fine once it
  // exists). When someone else holds a conflicting lock, tries again
  // until `wait_ms` have passed (0: tries once), then Busy. Unavailable
  // when the file cannot be made or opened.
  static Result<FileLock> Take(const std::string& path, Mode mode, int wait_ms);
  FileLock() = default;  // holds nothing

  bool held() const { return fd_.valid(); }

 private:
  explicit FileLock(UniqueFd fd) : fd_(std::move(fd)) {}
  UniqueFd fd_;  // closing it drops the lock
};

// A new empty file beside `target`, named `target` + `suffix` + six random
// characters (mkstemp), mode 0600, that is removed when this goes out of
// scope unless Keep() was called (it has been renamed into place).
class TempFile {
 public:
  // Makes the file; ok() says whether that worked, status() why not.
  TempFile(const std::string& target, const std::string& suffix);
  ~TempFile();
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;

  const Status& status() const { return status_; }
  const std::string& path() const { return path_; }
  // Moves the file onto `target` (and syncs the file first, its folder
  // after). `replace` false: fails with Invalid, leaving both, if
  // `target` exists by then (renameat2 RENAME_NOREPLACE), so a check made
  // before cannot be raced. Unavailable with renamed() true when the
  // rename was done but the folder's sync failed: `target` is the new
  // file now, but a power cut may still bring the old one back.
  Status RenameOnto(const std::string& target, bool replace);
  // RenameOnto moved the file onto its target.
  bool renamed() const { return kept_; }

 private:
  std::string path_;
  Status status_;
  bool kept_ = false;
};

}  // namespace wikid
