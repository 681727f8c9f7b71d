#include "fcgi/key_command.h"

#include <boost/program_options.hpp>
#include <ctime>
#include <iostream>

#include "fcgi/option_error.h"
#include "model/base/secret_key.h"
#include "model/wiki.h"

namespace wikid {
namespace po = boost::program_options;
namespace {

constexpr char kUsage[] = "usage: wikid key rotate [--data DIR] [--database sqlite:PATH|postgresql://...]\n";

}  // namespace

int RunKeyCommand(const std::vector<std::string>& args) {
  std::string command;
  WikiOptions wiki_options;
  wiki_options.tell_admins = false;  // the operator's own command
  po::options_description options;
  options.add_options()("command", po::value(&command))(
      "data", po::value(&wiki_options.storage.data_dir))(
      "database", po::value(&wiki_options.storage.database));
  po::positional_options_description positional;
  positional.add("command", 1);
  try {
    po::variables_map vm;
    po::store(po::command_line_parser(args).options(options).positional(positional).run(),
              vm);
    po::notify(vm);
  } catch (const po::error& e) {
    std::cerr << "wikid key: " << OptionErrorMessage(e) << "\n" << kUsage;
    return 2;
  }
  if (command != "rotate") {
    std::cerr << kUsage;
    return 2;
  }
  auto wiki = Wiki::Open(wiki_options);
  if (!wiki.ok()) {
    std::cerr << "wikid key: " << wiki.status().message() << "\n";
    return 1;
  }
  auto key = NewSecretKey();
  Status added = key.ok() ? (*wiki)->site_keys().Rotate(*key, time(nullptr)) : key.status();
  if (!added.ok()) {
    std::cerr << "wikid key: " << added.message() << "\n";
    return 1;
  }
  std::cout << "a new key signs forms from now on; forms shown before stay valid "
               "until the next rotation\n";
  return 0;
}

}  // namespace wikid
