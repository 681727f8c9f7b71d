#include "fcgi/option_error.h"

namespace wikid {
namespace po = boost::program_options;

std::string OptionErrorMessage(const po::error& error) {
  const auto* named = dynamic_cast<const po::error_with_option_name*>(&error);
  // Errors without an option's name have fixed messages: what() is safe.
  if (named == nullptr) return error.what();
  // get_option_name() reads the name as given; it substitutes nothing.
  const std::string option = "option '" + named->get_option_name() + "'";
  if (dynamic_cast<const po::unknown_option*>(&error)) return "unknown " + option;
  if (dynamic_cast<const po::ambiguous_option*>(&error)) return "ambiguous " + option;
  if (dynamic_cast<const po::multiple_occurrences*>(&error)) {
    return option + " is given more than once";
  }
  if (dynamic_cast<const po::multiple_values*>(&error)) {
    return option + " takes one value";
  }
  if (dynamic_cast<const po::validation_error*>(&error)) {
    return "the value of " + option + " is invalid";
  }
  if (const auto* syntax = dynamic_cast<const po::invalid_syntax*>(&error)) {
    switch (syntax->kind()) {
      case po::invalid_syntax::missing_parameter:
        return option + " needs a value";
      case po::invalid_syntax::extra_parameter:
        return option + " takes no value";
      case po::invalid_syntax::unrecognized_line:
        return "a line of the config file is not 'name = value'";
      default:
        return "malformed " + option;
    }
  }
  return "invalid " + option;
}

}  // namespace wikid
