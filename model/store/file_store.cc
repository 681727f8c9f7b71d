#include "model/store/file_store.h"

#include <algorithm>

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

std::vector<std::string> FileNameWords(const std::string& text) {
  std::vector<std::string> words;
  std::string word;
  auto end_word = [&] {
    if (!word.empty() && word.size() <= 64 && words.size() < kMaxFileNameWords &&
        std::find(words.begin(), words.end(), word) == words.end()) {
      words.push_back(word);
    }
    word.clear();
  };
  for (unsigned char c : text) {
    const bool ascii_alnum =
        (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    if (ascii_alnum || c >= 0x80) {
      word += static_cast<char>(c);
    } else {
      end_word();
    }
  }
  end_word();
  return words;
}

}  // namespace wikid
