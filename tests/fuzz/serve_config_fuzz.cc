// Config files (fcgi/config.h): whatever a --config file holds, and
// whatever options come before it, `wikid serve` either refuses to start
// with a message or starts with settings it can use: every range checked,
// a front page that is a page name, a site name a page and a feed can
// show. Never a crash or an exception.
#include <sys/mman.h>
#include <unistd.h>

#include "fcgi/config.h"
#include "model/text/characters.h"
#include "model/text/page_name.h"
#include "tests/fuzz/fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using wikid::fuzz::Check;
  // The first part is the file, the others options given before it.
  std::vector<std::string> parts = wikid::fuzz::Split(data, size, 1);
  // The file as wikid reads one: by path, here a memory file's.
  static const int file = memfd_create("serve.conf", 0);
  Check(file >= 0, "a memory file");
  Check(ftruncate(file, 0) == 0 && pwrite(file, parts[0].data(), parts[0].size(), 0) ==
                                       static_cast<ssize_t>(parts[0].size()),
        "the file is written");
  std::vector<std::string> args(parts.begin() + 1, parts.end());
  args.push_back("--config=/proc/self/fd/" + std::to_string(file));

  auto parsed = wikid::ParseServeCommandLine(args);
  if (!parsed.ok()) {
    Check(!parsed.status().message().empty(), "a refusal says why");
    return 0;
  }
  const wikid::Config& c = parsed->config;
  Check(c.workers >= 1 && c.workers <= 64, "workers in range");
  Check(c.site.max_page_bytes >= 1 && c.site.max_page_bytes <= c.max_body_bytes,
        "a page fits in a body");
  Check(c.socket_mode <= 0777, "a socket mode");
  Check(!c.cache_prefix.empty() && c.cache_prefix.find(' ') == std::string::npos,
        "a cache prefix memcached takes");
  Check(wikid::PageName::Parse(c.site.front_page).ok(), "the front page is a page name");
  Check(!c.site.site_name.empty() &&
            !wikid::FindUnwantedCharacter(c.site.site_name, /*multiline=*/false),
        "a site name without control characters");
  wikid::WikiOptions options = wikid::WikiOptionsOf(c);
  Check(options.cache.servers.empty() == c.memcached.empty(),
        "the memcached servers named are the ones used");
  return 0;
}
