#include "model/base/secret_key.h"

#include <fcntl.h>
#include <sodium.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace wikid {

Result<std::string> LoadOrCreateSecretKey(const std::string& path) {
  if (sodium_init() < 0) return Status::Internal("libsodium failed to start");
  std::string key(kSecretKeyBytes, '\0');
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0 && errno == ENOENT) {
    // O_EXCL: if two processes race to create it, one wins and the other
    // reads the winner's key below.
    randombytes_buf(key.data(), key.size());
    int out = open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (out >= 0) {
      bool ok = write(out, key.data(), key.size()) ==
                    static_cast<ssize_t>(key.size()) &&
                fsync(out) == 0;
      close(out);
      if (!ok) {
        unlink(path.c_str());
        return Status::Unavailable("cannot write the secret key file");
      }
      return key;
    }
    if (errno != EEXIST) {
      return Status::Unavailable("cannot create the secret key file " + path +
                                 ": " + std::strerror(errno));
    }
    fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  }
  if (fd < 0) {
    return Status::Unavailable("cannot read the secret key file " + path +
                               ": " + std::strerror(errno));
  }
  ssize_t n = read(fd, key.data(), key.size());
  char extra;
  bool longer = read(fd, &extra, 1) > 0;
  close(fd);
  if (n != static_cast<ssize_t>(key.size()) || longer) {
    return Status::Invalid("the secret key file " + path +
                           " is damaged (wrong size); remove it to make a "
                           "new one (open forms will need a reload)");
  }
  return key;
}

}  // namespace wikid
