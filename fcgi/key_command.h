// `wikid key rotate [--data DIR] [--database URL]`: makes a new secret key
// for the site's forms (model/accounts/site_keys.h). From then on every
// host signs forms with it (each learns of it within a minute, or at the
// first form signed with it); forms shown before still verify until the
// next rotation. For a key that may have leaked, rotate twice.
#pragma once

#include <string>
#include <vector>

namespace wikid {

// Runs the command with `args` (what follows "wikid key"). Returns the exit
// code: 0 done, 1 failed (the message says why), 2 bad usage.
int RunKeyCommand(const std::vector<std::string>& args);

}  // namespace wikid
