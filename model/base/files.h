// Files and folders as wikid makes and replaces them: folders private to
// wikid's user, and names that change only by rename(2) once the data is
// on disk, so a crash leaves the old file or the new one, never a part.
#pragma once

#include <string>

#include "model/base/status.h"

namespace wikid {

// mkdir -p: makes `path` and the folders above it that are missing, each
// 0750 (a data folder holds the database). Unavailable with the folder and
// the reason when one cannot be made.
Status MakeDirectories(const std::string& path);

// The folder that holds `path`: "." for a bare name, "/" for "/x".
std::string FolderOf(const std::string& path);

// fsync(2) of the file or folder at `path`. A folder's own fsync is what
// makes a rename or a new name in it survive a power cut.
Status SyncPath(const std::string& path);

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
  // before cannot be raced.
  Status RenameOnto(const std::string& target, bool replace);

 private:
  std::string path_;
  Status status_;
  bool kept_ = false;
};

}  // namespace wikid
