#include "model/store/file_store.h"

namespace wikid {

Result<FileHistory> HistoryOfWindow(FileReader& files, const FileName& name,
                                    std::vector<FileRevision> revisions) {
  FileHistory history;
  if (revisions.empty()) {
    auto file = files.Find(name, std::nullopt);
    if (!file.ok()) return file.status();
    history.name = file->name;
    history.latest_rev = file->latest_rev;
    return history;
  }
  history.name = revisions.front().name;
  history.latest_rev = revisions.front().latest_rev;
  history.revisions = std::move(revisions);
  return history;
}

}  // namespace wikid
