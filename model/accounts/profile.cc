#include "model/accounts/profile.h"

namespace wikid {

Status CheckDisplayName(std::string_view display_name) {
  if (display_name.size() > kMaxDisplayNameBytes) {
    return Status::Invalid("A display name may be at most 64 bytes long.");
  }
  for (unsigned char c : display_name) {
    if (c < 0x20 || c == 0x7f) {
      return Status::Invalid(
          "A display name is one line, without control characters.");
    }
  }
  return Status::Ok();
}

Status CheckBio(std::string_view bio) {
  if (bio.size() > kMaxBioBytes) {
    return Status::Invalid("A bio may be at most 4096 bytes long.");
  }
  return Status::Ok();
}

}  // namespace wikid
