// The rules for what a person writes on their profile.
#pragma once

#include <cstddef>
#include <string_view>

#include "model/base/status.h"

namespace wikid {

// Profile field limits, in bytes.
constexpr size_t kMaxDisplayNameBytes = 64;
constexpr size_t kMaxBioBytes = 4096;

// One line of at most kMaxDisplayNameBytes, no control characters.
Status CheckDisplayName(std::string_view display_name);

// At most kMaxBioBytes.
Status CheckBio(std::string_view bio);

}  // namespace wikid
