#include "fcgi/user_command.h"

#include <termios.h>
#include <unistd.h>

#include <boost/program_options.hpp>
#include <ctime>
#include <iostream>

#include "fcgi/option_error.h"
#include "model/accounts/password.h"
#include "model/wiki.h"

namespace wikid {
namespace po = boost::program_options;
namespace {

constexpr char kUsage[] =
    "usage: wikid user create NAME [--admin] [--email ADDRESS] [--data DIR]\n"
    "       wikid user set-password NAME [--data DIR]\n"
    "       wikid user set-role NAME user|admin [--data DIR]\n"
    "(--database sqlite:PATH or postgresql://... names the database, as for wikid serve.)\n"
    "The password is read from standard input.\n";

// One line from standard input, without echo when it is a terminal.
std::string ReadPassword() {
  bool terminal = isatty(STDIN_FILENO);
  termios saved{};
  if (terminal) {
    std::cerr << "Password: " << std::flush;
    tcgetattr(STDIN_FILENO, &saved);
    termios quiet = saved;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
  }
  std::string password;
  std::getline(std::cin, password);
  if (terminal) {
    tcsetattr(STDIN_FILENO, TCSANOW, &saved);
    std::cerr << "\n";
  }
  if (!password.empty() && password.back() == '\r') password.pop_back();
  return password;
}

int Fail(const std::string& message) {
  std::cerr << "wikid user: " << message << "\n";
  return 1;
}

}  // namespace

int RunUserCommand(const std::vector<std::string>& args) {
  std::string command, name, role_text, email, data_dir = "var", database;
  bool admin = false;
  po::options_description options;
  options.add_options()("command", po::value(&command))("name", po::value(&name))(
      "role", po::value(&role_text))("admin", po::bool_switch(&admin))(
      "email", po::value(&email))("data", po::value(&data_dir))(
      "database", po::value(&database));
  po::positional_options_description positional;
  positional.add("command", 1).add("name", 1).add("role", 1);
  try {
    po::variables_map vm;
    po::store(po::command_line_parser(args).options(options).positional(positional).run(),
              vm);
    po::notify(vm);
  } catch (const po::error& e) {
    std::cerr << "wikid user: " << OptionErrorMessage(e) << "\n" << kUsage;
    return 2;
  }
  bool known = command == "create" || command == "set-password" || command == "set-role";
  if (!known || name.empty() || (command == "set-role") != !role_text.empty()) {
    std::cerr << kUsage;
    return 2;
  }
  auto user_name = UserName::Parse(name);
  if (!user_name.ok()) return Fail(user_name.status().message());

  WikiOptions wiki_options;
  wiki_options.storage.data_dir = data_dir;
  wiki_options.storage.database = database;
  wiki_options.tell_admins = false;  // the operator's own command
  auto wiki = Wiki::Open(wiki_options);
  if (!wiki.ok()) return Fail(wiki.status().message());
  UserStore& users = (*wiki)->stores().users;

  if (command == "set-role") {
    auto role = ParseRole(role_text);
    if (!role.ok()) return Fail(role.status().message());
    auto user = users.Find(*user_name);
    if (!user.ok()) return Fail(user.status().message());
    if (Status s = users.SetRole(user->id, *role); !s.ok()) return Fail(s.message());
    std::cout << user->name << " is now " << RoleName(*role) << "\n";
    return 0;
  }

  std::string password = ReadPassword();
  auto hash = HashPassword(password);
  if (!hash.ok()) return Fail(hash.status().message());
  if (command == "create") {
    auto user = users.Create(*user_name, *hash, admin ? Role::kAdmin : Role::kUser,
                                 email, static_cast<int64_t>(time(nullptr)));
    if (!user.ok()) return Fail(user.status().message());
    std::cout << "created " << RoleName(user->role) << " " << user->name << "\n";
    return 0;
  }
  auto user = users.Find(*user_name);
  if (!user.ok()) return Fail(user.status().message());
  if (Status s = users.SetPassword(user->id, *hash); !s.ok()) return Fail(s.message());
  // A new password logs out every browser that knew the old one.
  if (Status s = (*wiki)->stores().sessions.EndAll(user->id); !s.ok()) {
    return Fail(s.message());
  }
  std::cout << "password of " << user->name << " changed; its sessions ended\n";
  return 0;
}

}  // namespace wikid
