#include "model/base/secret_key.h"

#include <fcntl.h>
#include <sodium.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace wikid {

Result<std::string> NewSecretKey() {
  if (sodium_init() < 0) return Status::Internal("libsodium failed to start");
  std::string key(kSecretKeyBytes, '\0');
  randombytes_buf(key.data(), key.size());
  return key;
}

Result<std::optional<std::string>> ReadSecretKeyFile(const std::string& path) {
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0 && errno == ENOENT) return std::optional<std::string>();
  if (fd < 0) {
    return Status::Unavailable("cannot read the secret key file " + path + ": " +
                               std::strerror(errno));
  }
  std::string key(kSecretKeyBytes, '\0');
  ssize_t n = read(fd, key.data(), key.size());
  char extra;
  bool longer = read(fd, &extra, 1) > 0;
  close(fd);
  if (n != static_cast<ssize_t>(key.size()) || longer) {
    return Status::Invalid("the secret key file " + path +
                           " is damaged (wrong size); remove it to make a "
                           "new key (open forms will need a reload)");
  }
  return std::optional<std::string>(std::move(key));
}

}  // namespace wikid
