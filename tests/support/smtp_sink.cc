#include "tests/support/smtp_sink.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "tests/support/loopback.h"

namespace wikid::testing {
namespace {

std::string ReadAll(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// True once the server sends its 220 greeting.
bool Greets(const std::string& ip, int port) {
  int fd = ConnectTcp(ip, port);
  if (fd < 0) return false;
  timeval timeout{0, 300000};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  char reply[256];
  bool ok = read(fd, reply, sizeof reply) > 3 && std::string(reply, 3) == "220";
  [[maybe_unused]] ssize_t n = write(fd, "QUIT\r\n", 6);
  close(fd);
  return ok;
}

SunkMail Parse(std::string raw) {
  SunkMail mail;
  mail.raw = raw;
  // The Maildir keeps the message with LF line ends.
  std::string text = std::regex_replace(raw, std::regex("\r\n"), "\n");
  size_t end = text.find("\n\n");
  std::string head = text.substr(0, end);
  mail.body = end == std::string::npos ? "" : text.substr(end + 2);
  // Unfold: a line starting with space or tab continues the previous one.
  head = std::regex_replace(head, std::regex("\n[ \t]+"), " ");
  std::istringstream lines(head);
  for (std::string line; std::getline(lines, line);) {
    size_t colon = line.find(':');
    if (colon == std::string::npos) continue;
    std::string name = line.substr(0, colon);
    std::transform(name.begin(), name.end(), name.begin(), ::tolower);
    std::string value = line.substr(colon + 1);
    value.erase(0, value.find_first_not_of(' '));
    mail.headers.emplace(name, value);
  }
  return mail;
}

std::string Base64Decode(const std::string& in) {
  static const std::string kChars =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  int bits = 0, value = 0;
  for (char c : in) {
    size_t at = kChars.find(c);
    if (at == std::string::npos) continue;
    value = (value << 6) | static_cast<int>(at);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((value >> bits) & 0xff);
    }
  }
  return out;
}

}  // namespace

std::string SunkMail::Header(const std::string& name) const {
  auto it = headers.find(name);
  return it == headers.end() ? "" : it->second;
}

std::string DecodeHeader(const std::string& value) {
  std::regex word(R"(=\?UTF-8\?B\?([A-Za-z0-9+/=]*)\?=)", std::regex::icase);
  // Whitespace between two encoded-words is not part of the text.
  std::string joined =
      std::regex_replace(value, std::regex(R"(\?=\s+=\?)"), "?==?");
  std::string out;
  auto begin = std::sregex_iterator(joined.begin(), joined.end(), word);
  size_t last = 0;
  for (auto it = begin; it != std::sregex_iterator(); ++it) {
    out += joined.substr(last, it->position() - last);
    out += Base64Decode((*it)[1]);
    last = it->position() + it->length();
  }
  return out + joined.substr(last);
}

SmtpSink::SmtpSink(SmtpSinkOptions options)
    : options_(std::move(options)), port_(FreePort()) {
  if (options_.tls != SmtpSinkOptions::Tls::kNone) {
    std::string command =
        "openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=127.0.0.1"
        " -addext subjectAltName=IP:127.0.0.1 -keyout " +
        dir_.File("key.pem") + " -out " + dir_.File("cert.pem") +
        " >/dev/null 2>&1";
    if (std::system(command.c_str()) != 0)
      throw std::runtime_error("openssl req failed");
  }
  Start();
}

std::string SmtpSink::url() const {
  bool smtps = options_.tls == SmtpSinkOptions::Tls::kSmtps;
  return std::string(smtps ? "smtps" : "smtp") + "://" + options_.ip + ":" +
         std::to_string(port_);
}

SmtpSink::~SmtpSink() { Stop(); }

void SmtpSink::Start() {
  std::string maildir = dir_.File("maildir");  // made by aiosmtpd itself
  std::string log = dir_.File("aiosmtpd.log");
  std::remove(log.c_str());
  const char* mode = options_.tls == SmtpSinkOptions::Tls::kStartTls
                         ? "starttls"
                     : options_.tls == SmtpSinkOptions::Tls::kSmtps ? "smtps"
                                                                    : "plain";
  std::string script =
      std::string(WIKID_SOURCE_DIR) + "/tests/support/smtp_sink.py";
  std::string port = std::to_string(port_), cert = ca_file(),
              key = dir_.File("key.pem");
  pid_ = fork();
  if (pid_ == 0) {
    int fd = open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    dup2(fd, 1);
    dup2(fd, 2);
    execl("/usr/bin/python3", "python3", script.c_str(), port.c_str(),
          maildir.c_str(), mode, cert.c_str(), key.c_str(),
          options_.user.c_str(), options_.password.c_str(), options_.ip.c_str(), nullptr);
    _exit(127);
  }
  for (int i = 0; i < 2400; ++i) {  // up to a minute, on a loaded machine
    if (ReadAll(log).find("listening") != std::string::npos) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(25));
  }
  throw std::runtime_error("aiosmtpd did not start:\n" + ReadAll(log));
}

void SmtpSink::Stop() {
  if (pid_ <= 0) return;
  kill(pid_, SIGKILL);
  waitpid(pid_, nullptr, 0);
  pid_ = -1;
  // The port is free again once nothing answers.
  for (int i = 0; i < 100 && Greets(options_.ip, port_); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

std::vector<SunkMail> SmtpSink::Messages() const {
  std::vector<SunkMail> messages;
  std::filesystem::path fresh = dir_.File("maildir/new");
  std::error_code error;
  for (const auto& entry : std::filesystem::directory_iterator(fresh, error)) {
    messages.push_back(Parse(ReadAll(entry.path())));
  }
  return messages;
}

std::vector<SunkMail> SmtpSink::WaitFor(size_t n, int seconds) const {
  auto deadline =
      std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
  while (true) {
    auto messages = Messages();
    if (messages.size() >= n || std::chrono::steady_clock::now() > deadline)
      return messages;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
}

}  // namespace wikid::testing
