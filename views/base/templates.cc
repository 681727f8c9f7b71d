#include "views/base/templates.h"

#include <dirent.h>

#include <cstdint>
#include <cstdio>
#include <fstream>
#include <memory>
#include <sstream>
#include <vector>

namespace wikid {

Templates::Templates(std::string root_dir, bool dev_mode)
    : root_dir_(std::move(root_dir)), dev_mode_(dev_mode) {
  ctemplate::mutable_default_template_cache()->SetTemplateRootDirectory(
      root_dir_);
}

Status Templates::LoadAll() {
  std::unique_ptr<DIR, int (*)(DIR*)> dir(opendir(root_dir_.c_str()),
                                          closedir);
  if (!dir) return Status::Internal("cannot open template directory " + root_dir_);
  std::vector<std::string> names;
  while (dirent* entry = readdir(dir.get())) {
    std::string name = entry->d_name;
    if (name.size() > 4 && name.ends_with(".tpl")) names.push_back(name);
  }
  if (names.empty()) return Status::Internal("no templates in " + root_dir_);
  // And the texts shipped beside them, so a directory from another
  // version fails at start-up rather than on a reader's request.
  for (const char* text : {"help.md"}) {
    if (auto read = Text(text); !read.ok()) return read.status();
  }
  for (const std::string& name : names) {
    if (!ctemplate::LoadTemplate(name, ctemplate::STRIP_BLANK_LINES)) {
      return Status::Internal("template " + name + " does not parse");
    }
  }
  if (!dev_mode_) {
    std::ifstream css(root_dir_ + "/../static/style.css", std::ios::binary);
    std::ostringstream bytes;
    if (css.is_open() && (bytes << css.rdbuf())) {
      // FNV-1a, 64 bits: a name for this content, not a secret.
      uint64_t hash = 14695981039346656037ull;
      for (unsigned char c : bytes.str()) hash = (hash ^ c) * 1099511628211ull;
      char hex[17];
      std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(hash));
      style_url_ = std::string("/_static/v/") + hex + "/style.css";
    }
  }
  return Status::Ok();
}

void Templates::BeforeRequest() {
  // LAZY_RELOAD: stat each file on its next use, about 7 µs a request.
  if (dev_mode_) {
    ctemplate::mutable_default_template_cache()->ReloadAllIfChanged(
        ctemplate::TemplateCache::LAZY_RELOAD);
  }
}

Result<std::string> Templates::Expand(
    const std::string& name, const ctemplate::TemplateDictionary& dict) const {
  std::string out;
  if (!ctemplate::ExpandTemplate(name, ctemplate::STRIP_BLANK_LINES, &dict,
                                 &out)) {
    return Status::Internal("expanding template " + name + " failed");
  }
  return out;
}

Result<std::string> Templates::Text(const std::string& name) {
  if (!dev_mode_) {
    if (auto kept = texts_.find(name); kept != texts_.end()) return kept->second;
  }
  const std::string path = root_dir_ + "/" + name;
  std::ifstream in(path, std::ios::binary);
  if (!in.is_open()) return Status::Internal("cannot open " + path);
  std::ostringstream text;
  // Fails (and sets failbit on `text`) when nothing could be read: a
  // directory or an empty file (one that cannot be opened failed above).
  if (!(text << in.rdbuf())) return Status::Internal("cannot read " + path + ", or it is empty");
  return texts_[name] = text.str();
}

}  // namespace wikid
