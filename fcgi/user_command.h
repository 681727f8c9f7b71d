// `wikid user ...`: account administration from the command line, so the
// first admin can exist before anyone can log in. Passwords are read from
// standard input (echo off on a terminal), never from the command line,
// where the process list and shell history would show them.
//
//   wikid user create NAME [--admin] [--email ADDRESS] [--data DIR]
//   wikid user set-password NAME [--data DIR]
//   wikid user set-role NAME user|admin [--data DIR]
#pragma once

#include <string>
#include <vector>

namespace wikid {

// Runs the command in `args` (what follows "wikid user"). Returns the exit
// code: 0 done, 1 refused (the message says why), 2 bad usage.
int RunUserCommand(const std::vector<std::string>& args);

}  // namespace wikid
