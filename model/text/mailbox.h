// Email addresses: the shape an address must have before wikid stores it
// or hands it to SMTP.
#pragma once

#include <cstddef>
#include <string_view>

#include "model/base/status.h"

namespace wikid {

constexpr size_t kMaxEmailBytes = 254;  // RFC 5321's path limit

// An address that is safe to hand to SMTP: local@domain, one '@', no
// spaces, control characters, quotes, angle brackets, commas or
// semicolons (so it can never add a recipient or a header when mail is
// sent), no empty domain label. Invalid with the rule broken.
Status CheckMailbox(std::string_view address);

// An email address a person gives: empty (none), or a CheckMailbox address
// whose domain has a dot. Invalid with the rule broken.
Status CheckEmail(std::string_view email);

}  // namespace wikid
