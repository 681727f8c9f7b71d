#include "model/cache/switch_folder.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <functional>

namespace wikid {
namespace {

// Removes what is under `path` (depth first), spending at most `*budget`
// removals, and `path` itself once it is empty. True once it is gone.
bool RemoveSome(const std::string& path, int* budget) {
  DIR* dir = opendir(path.c_str());
  if (dir == nullptr) return errno == ENOENT;
  bool whole = true;  // everything read so far is gone
  bool read_all = false;
  while (*budget > 0) {
    errno = 0;
    dirent* entry = readdir(dir);
    if (entry == nullptr) {
      read_all = errno == 0;
      break;
    }
    const std::string name = entry->d_name;
    if (name == "." || name == "..") continue;
    const std::string child = path + "/" + name;
    bool folder = entry->d_type == DT_DIR;
    if (entry->d_type == DT_UNKNOWN) {
      struct stat st;
      folder = lstat(child.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
    }
    if (folder) {
      whole = RemoveSome(child, budget) && whole;
    } else {
      --*budget;
      whole = (unlink(child.c_str()) == 0 || errno == ENOENT) && whole;
    }
  }
  closedir(dir);
  if (!read_all || !whole) return false;
  --*budget;
  return rmdir(path.c_str()) == 0 || errno == ENOENT;
}

// The marker of `entry` in `generation` (see "Markers" at the top of
// fast_path.h): what nginx stats as "${request_filename}#", its root the
// switch, so FLAG.d/GENERATION, the path as nginx decodes it, and '#'.
// No page name holds '#' (page_name.h), so no marker is ever the name
// of the folder another page's marker needs.
std::string MarkerPath(const std::string& flag_path, uint64_t generation,
                       std::string_view entry) {
  std::string path = TargetsOf(flag_path) + "/" + GenerationName(generation);
  // Undoes EscapeMemcachedKey: every '%' in an entry starts an escape.
  auto hex = [](char c) { return c <= '9' ? c - '0' : c - 'A' + 10; };
  for (size_t i = 0; i < entry.size(); ++i) {
    if (entry[i] == '%' && i + 2 < entry.size()) {
      path += static_cast<char>(hex(entry[i + 1]) << 4 | hex(entry[i + 2]));
      i += 2;
    } else {
      path += entry[i];
    }
  }
  return path + "#";
}

// Markers are hard links to a few files of the generation's folder
// ("#source-N": no page name holds '#', so none is a marker or a folder
// another marker needs), not files of their own: a new inode costs ext4 a
// search of its bitmap that steps over every inode freed in the last
// minutes (recently_deleted), and the sweep of an old generation frees
// one per marker. Right after such a sweep two workers leaving markers
// in one folder took 0.1-0.5 ms a file on this machine, a third of a
// second view's time (issue 16), and 10-16 us a link. Sixteen sources,
// chosen by the entry's hash, stay under ext4's 65,000 links each up to
// a million entries; past that, or where links fail (a file system
// without them), a marker is a file of its own.
constexpr int kMarkerSources = 16;

// Makes the folders of a marker's path below the generation's (never the
// generation's own).
bool MakeMarkerFolders(const std::string& flag_path, const std::string& path) {
  const size_t top = TargetsOf(flag_path).size() + 1 + 16;
  for (size_t slash = path.find('/', top + 1); slash != std::string::npos;
       slash = path.find('/', slash + 1)) {
    const std::string folder = path.substr(0, slash);
    if (mkdir(folder.c_str(), 0755) == 0) {
      // nginx's user must search it, whatever wikid's umask (PointSwitch).
      chmod(folder.c_str(), 0755);
    } else if (errno != EEXIST) {
      return false;
    }
  }
  return true;
}

// Creates `path` if it is not there; false if it cannot (errno says why).
bool CreateEmpty(const std::string& path) {
  int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
  if (fd >= 0) close(fd);
  return fd >= 0;
}

}  // namespace

std::string GenerationName(uint64_t generation) {
  char text[17];
  snprintf(text, sizeof text, "%016llx",
           static_cast<unsigned long long>(generation));
  return text;
}

std::string TargetsOf(const std::string& flag_path) { return flag_path + ".d"; }

bool PointSwitch(const std::string& flag_path, const std::string& target,
                 std::string* error) {
  const std::string targets = TargetsOf(flag_path);
  const std::string dir = targets + "/" + target;
  size_t slash = flag_path.rfind('/');
  // Relative, so the data folder can move.
  std::string link = flag_path.substr(slash + 1) + ".d/" + target;
  std::string temporary = flag_path + ".new" + std::to_string(getpid());
  auto failed = [&](const std::string& what) {
    *error = what + ": " + strerror(errno);
    return false;
  };
  // nginx's user must search FLAG.d and the generation's folder to resolve
  // the switch, so both are 0755 whatever wikid's umask (wikid.service has
  // UMask=0077, which would make them wikid's alone and quietly turn the
  // fast path off). They hold nothing. chmod each time: a folder an
  // earlier wikid made under that umask is opened up too.
  for (const std::string& folder : {targets, dir}) {
    if (mkdir(folder.c_str(), 0755) != 0 && errno != EEXIST)
      return failed("cannot make " + folder);
    if (chmod(folder.c_str(), 0755) != 0)
      return failed("cannot make " + folder + " readable by nginx");
  }
  unlink(temporary.c_str());
  if (symlink(link.c_str(), temporary.c_str()) != 0)
    return failed("cannot make " + temporary);
  if (rename(temporary.c_str(), flag_path.c_str()) != 0) {
    bool done = failed("cannot replace " + flag_path);
    unlink(temporary.c_str());
    return done;
  }
  return true;
}

bool RemoveOldTargets(const std::string& flag_path, const std::vector<std::string>& keep,
                      int budget) {
  const std::string targets = TargetsOf(flag_path);
  DIR* dir = opendir(targets.c_str());
  if (dir == nullptr) return true;
  bool done = true;
  while (dirent* entry = readdir(dir)) {
    std::string name = entry->d_name;
    if (name.size() != 16 || name.find_first_not_of("0123456789abcdef") !=
                                 std::string::npos)
      continue;
    if (std::find(keep.begin(), keep.end(), name) != keep.end()) continue;
    if (budget <= 0 || !RemoveSome(targets + "/" + name, &budget)) done = false;
  }
  closedir(dir);
  return done;
}

void LeaveMarker(const std::string& flag_path, uint64_t generation, std::string_view entry) {
  const std::string path = MarkerPath(flag_path, generation, entry);
  const std::string source =
      TargetsOf(flag_path) + "/" + GenerationName(generation) + "/#source-" +
      std::to_string(std::hash<std::string_view>{}(entry) % kMarkerSources);
  // Each failure that a step can mend is mended once: the source made,
  // then the marker's folders.
  bool made_source = false, made_folders = false;
  while (link(source.c_str(), path.c_str()) != 0) {
    if (errno == EEXIST) return;
    if (errno == ENOENT && !made_source && access(source.c_str(), F_OK) != 0) {
      made_source = true;
      // ENOENT here: no generation folder (not made yet, or removed).
      if (!CreateEmpty(source)) return;
    } else if (errno == ENOENT && !made_folders) {
      made_folders = true;
      if (!MakeMarkerFolders(flag_path, path)) return;
    } else {
      // A source with all the links it may have, a file system without
      // links: a file of its own.
      if (errno != ENOENT) CreateEmpty(path);
      return;
    }
  }
}

}  // namespace wikid
