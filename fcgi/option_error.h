// The message of a command-line or config-file error from
// Boost.ProgramOptions, made without its what().
#pragma once

#include <boost/program_options/errors.hpp>
#include <string>

namespace wikid {

// What went wrong with which option, e.g. "unknown option 'wokers'".
// Boost 1.74's what() fills its message by replacing each %placeholder%
// with its value until none is left, so an option name or value that holds
// a placeholder's own name (a config line "%canonical_option% = 1", found
// by fuzz_serve_config) makes it loop forever, growing the string. Values
// are never repeated here: one may be a password.
std::string OptionErrorMessage(const boost::program_options::error& error);

}  // namespace wikid
