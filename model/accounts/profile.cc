#include "model/accounts/profile.h"

#include "model/text/characters.h"

namespace wikid {

Status CheckDisplayName(std::string_view display_name) {
  if (display_name.size() > kMaxDisplayNameBytes) {
    return Status::Invalid("A display name may be at most 64 bytes long.");
  }
  if (FindUnwantedCharacter(display_name, /*multiline=*/false) ||
      display_name.find('\t') != std::string_view::npos) {
    return Status::Invalid(
        "A display name is one line, without control or invisible characters.");
  }
  return Status::Ok();
}

Status CheckBio(std::string_view bio) {
  if (bio.size() > kMaxBioBytes) {
    return Status::Invalid("A bio may be at most 4096 bytes long.");
  }
  if (auto unwanted = FindUnwantedCharacter(bio, /*multiline=*/true)) {
    return Status::Invalid("Line " + std::to_string(unwanted->line) +
                           " of the bio holds the invisible character " +
                           CodePointName(unwanted->code_point) + "; please remove it.");
  }
  return Status::Ok();
}

}  // namespace wikid
